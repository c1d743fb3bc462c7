"""Bearer-token authentication for machine clients (OAuth2 client credentials)."""

from __future__ import annotations

from dataclasses import dataclass

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from accounts.models import AccessToken, ApiClient
from accounts.services.api_clients import token_authenticate


@dataclass(frozen=True)
class MachinePrincipal:
    """``request.user`` of a machine client: authenticated, never staff, one organisation."""

    client: ApiClient
    is_authenticated: bool = True
    is_anonymous: bool = False
    is_staff: bool = False
    is_active: bool = True

    @property
    def pk(self) -> str:
        return f"client:{self.client.pk}"


class BearerTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[MachinePrincipal, AccessToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Malformed Authorization header: expected 'Bearer <access token>'."
            )
        token = token_authenticate(parts[1].decode("latin-1"))
        if token is None:
            raise exceptions.AuthenticationFailed(
                "The access token is unknown, expired or revoked; request a new one at "
                "/api/v1/auth/token/."
            )
        return MachinePrincipal(client=token.client), token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'
