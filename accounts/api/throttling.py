"""Rate limits per caller (person or machine client) and per organisation."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle


class ClientRateThrottle(SimpleRateThrottle):
    """Per person, per machine client, or per IP address for anonymous callers."""

    scope = "client"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        user = request.user
        if user is not None and getattr(user, "is_authenticated", False):
            ident = str(user.pk)
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class OrganisationRateThrottle(SimpleRateThrottle):
    """Per organisation, summed over all its people and machines."""

    scope = "organisation"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        organisation = getattr(view, "organisation", None)
        if organisation is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": organisation.pk}


class TokenEndpointThrottle(SimpleRateThrottle):
    """The token endpoint, per IP: slows down guessing of client secrets."""

    scope = "token"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
