"""The PACT host's own middleware: HTTPS only, and a short path for its actions.

The PACT host is served over HTTPS only (PACT v3, "Authentication": HTTPS is a MUST;
conformance cases 9, 10, 11 and 17: a plain-HTTP call is rejected, its answer carries no
token and no data).

:class:`PactTlsOnlyMiddleware` answers a plain-HTTP request on a PACT path before any other
middleware or view sees it: no token is issued, no footprint is read, nothing is logged in.

Why a refusal and not a redirect to https (what ``SECURE_SSL_REDIRECT`` does for pages): a
PACT caller has already sent its secret (``Authorization: Basic`` to ``/auth/token``, a bearer
token to ``/3/…``) in the clear when the request arrives. A redirect would make most HTTP
clients repeat the call over https and "work", so the caller would never learn that its
configuration leaks credentials; a refusal names the https address to use instead. The
middleware therefore sits above Django's ``SecurityMiddleware`` (MIDDLEWARE in
config/settings.py), so that on PACT paths the refusal comes first and no redirect is sent.

Why ``400 BadRequest`` and not ``403 AccessDenied``: the request is malformed in its
transport (wrong scheme), whoever sends it and whatever its credentials; ``AccessDenied``
would tell the caller that its credentials lack a right, and send it to the wrong fix.

Behind a TLS-terminating proxy (deploy/nginx/), ``request.is_secure()`` trusts the proxy's
``X-Forwarded-Proto`` (``SECURE_PROXY_SSL_HEADER``, production settings). ``PACT_REQUIRE_TLS``
(env, default true, development included) switches the refusal off for a setup where that is
not possible; ``make tls`` serves the platform over TLS on a loopback port for local runs.

:class:`PactActionsMiddleware` hands a request under ``/3/`` to its view directly, right after
Django's ``SecurityMiddleware`` (whose HSTS and nosniff headers it keeps): a PACT action is a
stateless machine call with a bearer token, so the middleware below (static files, session,
language, CSRF, user, messages, frame options) has nothing to do for it, and skipping them is
a measurable part of its time (bench/pact.py, docs/benchmarks.md). Its answers are English
JSON whatever language a previous request activated. ``/auth/token`` and the OpenID
configuration take the whole stack (a DRF view and a rare call).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import resolve
from django.utils import translation

from exchange.pact.views import pact_error

#: Paths of the PACT host: the actions under /3/ and the authentication routes at the root.
PACT_PREFIX = "/3/"
PACT_AUTH_PATHS = frozenset({"/auth/token", "/.well-known/openid-configuration"})


def is_pact_path(path: str) -> bool:
    return path.startswith(PACT_PREFIX) or path in PACT_AUTH_PATHS


class PactTlsOnlyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.is_secure() and is_pact_path(request.path) and settings.PACT_REQUIRE_TLS:
            return pact_error(
                "BadRequest",
                f"PACT is served over HTTPS only: use https://{request.get_host()}{request.path}.",
            )
        return self.get_response(request)


class PactActionsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(PACT_PREFIX):
            return self.get_response(request)
        # What CommonMiddleware would have done first: a Host outside ALLOWED_HOSTS is a 400
        # (DisallowedHost), never an answer with links to it.
        request.get_host()
        match = resolve(request.path_info)
        request.resolver_match = match
        translation.activate(settings.LANGUAGE_CODE)
        response: HttpResponse = match.func(request, *match.args, **match.kwargs)
        return response
