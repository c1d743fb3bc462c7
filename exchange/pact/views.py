"""HTTP of the PACT v3 host: Action ListFootprints, Action GetFootprint, Action Events,
Action Authenticate and the OpenID Provider Configuration Document that names its token endpoint.

Only HTTP lives here: parse, call one selector, render. Every error under ``/3/`` is PACT's
own ``{"code", "message"}`` with the status of the specification's error table, never the
platform's envelope. Bodies are the stored signed bytes joined into ``{"data": ...}``.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from accounts.api.clients import TokenApi
from accounts.models import AccessToken
from accounts.services.api_clients import token_find
from exchange.pact.cursor import CursorInvalid, cursor_decode, cursor_encode
from exchange.pact.selectors import (
    PactFootprintAccessDenied,
    PactFootprintNotFound,
    pact_footprint_get,
    pact_footprint_page,
)
from exchange.partners.errors import EventRefused
from exchange.partners.services.inbound import inbound_request_receive
from suppliers.pact.events import (
    EVENT_PUBLISHED,
    EVENT_REQUEST_CREATED,
    EVENT_REQUEST_FULFILLED,
    EVENT_REQUEST_REJECTED,
    EventMalformed,
    event_parse,
)
from suppliers.pact.filters import FilterError, filter_parse

logger = logging.getLogger(__name__)

#: PACT v3 error codes and their HTTP statuses (openapi.yaml, components.schemas.Error).
ERROR_STATUS = {
    "BadRequest": 400,
    "AccessDenied": 403,
    "TokenExpired": 401,
    "NotFound": 404,
    "InternalError": 500,
    "NotImplemented": 501,
}
#: The platform scope a PACT token needs; PACT's footprint:list and footprint:read map to it.
PLATFORM_SCOPE = "footprints:read"
PACT_SCOPES = ("footprint:list", "footprint:read")
CURSOR_PARAMETER = "x-cbam-cursor"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
EVENT_CONTENT_TYPE = "application/cloudevents+json"
#: The largest event body accepted (a request's criteria, or an answer with its footprints).
MAX_EVENT_BYTES = 5 * 1024 * 1024


def pact_error(code: str, message: str) -> JsonResponse:
    response = JsonResponse({"code": code, "message": message}, status=ERROR_STATUS[code])
    if code == "TokenExpired":
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


class PactDenied(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.response = pact_error(code, message)


def _token(request: HttpRequest) -> AccessToken:
    """The caller's live token with the footprint scope, or PactDenied with PACT's code:
    BadRequest for a missing or unknown token (conformance cases 6 and 7), TokenExpired for
    an expired one, AccessDenied for a token without the footprint scope."""
    parts = request.META.get("HTTP_AUTHORIZATION", "").split()
    if len(parts) != 2 or parts[0].lower() != "bearer":
        raise PactDenied(
            "BadRequest", "Missing access token: send 'Authorization: Bearer <token>'."
        )
    token = token_find(parts[1])
    if token is None:
        raise PactDenied("BadRequest", "Invalid token provided.")
    if token.expires_at <= timezone.now():
        raise PactDenied("TokenExpired", "The specified access token has expired.")
    if PLATFORM_SCOPE not in token.scopes:
        raise PactDenied(
            "AccessDenied", "The access token lacks the footprint:list / footprint:read scope."
        )
    return token


def pact_endpoint(
    view: Callable[..., HttpResponse] | None = None, *, methods: tuple[str, ...] = ("GET", "HEAD")
) -> Any:
    """Authenticate, and turn any failure into a PACT error (never a stack trace). A method
    other than ``methods`` is NotImplemented (``@pact_endpoint(methods=("POST",))``)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                return pact_error("NotImplemented", f"{request.method} is not implemented here.")
            try:
                return view(request, _token(request), *args, **kwargs)
            except PactDenied as denied:
                return denied.response
            except Exception:
                logger.exception("PACT endpoint failed")
                return pact_error("InternalError", "An internal or unexpected error has occurred.")

        return wrapper

    return decorate(view) if view is not None else decorate


def _limit(request: HttpRequest) -> int:
    raw = request.GET.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.isdigit() or int(raw) < 1:
        raise PactDenied("BadRequest", f"limit must be a positive integer, not {raw!r}.")
    return min(int(raw), MAX_LIMIT)


def _next_link(request: HttpRequest, limit: int, cursor: str) -> str:
    query = [(k, v) for k, values in request.GET.lists() for v in values if k.lower() != "limit"]
    query = [(k, v) for k, v in query if k != CURSOR_PARAMETER]
    query += [("limit", str(limit)), (CURSOR_PARAMETER, cursor)]
    return f'<{request.build_absolute_uri(request.path)}?{urlencode(query)}>; rel="next"'


@pact_endpoint
def footprint_list(request: HttpRequest, token: AccessToken) -> HttpResponse:
    """Action ListFootprints: filters, ``limit`` and an RFC 8288 ``Link: rel="next"``."""
    try:
        criteria = filter_parse(request.GET.lists())
    except FilterError as error:
        raise PactDenied("BadRequest", error.message) from None
    limit = _limit(request)
    after = None
    if CURSOR_PARAMETER in request.GET:
        try:
            after = cursor_decode(request.GET[CURSOR_PARAMETER])
        except CursorInvalid as error:
            raise PactDenied("BadRequest", str(error)) from None
    page = pact_footprint_page(
        organisation=token.client.organisation, criteria=criteria, after=after, limit=limit
    )
    response = HttpResponse(
        b'{"data":[' + b",".join(page.documents) + b"]}", content_type="application/json"
    )
    if page.next_position is not None:
        response["Link"] = _next_link(request, limit, cursor_encode(page.next_position))
    return response


@pact_endpoint
def footprint_detail(request: HttpRequest, token: AccessToken, footprint_id: str) -> HttpResponse:
    """Action GetFootprint: 404 NotFound for an unknown id, 403 AccessDenied for a footprint
    of another organisation not granted to the caller (the specification's MUST)."""
    try:
        document = pact_footprint_get(
            organisation=token.client.organisation, footprint_id=footprint_id
        )
    except PactFootprintNotFound:
        return pact_error("NotFound", f"Footprint with ID '{footprint_id}' does not exist.")
    except PactFootprintAccessDenied:
        return pact_error("AccessDenied", "Access denied.")
    return HttpResponse(b'{"data":' + document + b"}", content_type="application/json")


def _dispatch(token: AccessToken, event: dict[str, Any]) -> None:
    """Hand an accepted event to the service of its type (imported here: the answers to the
    platform's own requests live in the partners app's ``answers`` module)."""
    machine_client = token.client
    organisation = machine_client.organisation
    if event["type"] == EVENT_REQUEST_CREATED:
        inbound_request_receive(
            organisation=organisation, machine_client=machine_client, event=event
        )
        return
    # By name: the module is written alongside (the platform as a PACT client).
    answers = importlib.import_module("exchange.partners.services.answers")
    receive = {
        EVENT_REQUEST_FULFILLED: answers.event_fulfilled_receive,
        EVENT_REQUEST_REJECTED: answers.event_rejected_receive,
        EVENT_PUBLISHED: answers.event_published_receive,
    }[event["type"]]
    receive(organisation=organisation, machine_client=machine_client, event=event)


@csrf_exempt
@pact_endpoint(methods=("POST",))
def events(request: HttpRequest, token: AccessToken) -> HttpResponse:
    """Action Events: a CloudEvent in structured mode (``application/cloudevents+json``).
    A malformed event is 400 BadRequest naming the field; an event refused by its service
    (an unregistered partner, invalid criteria) is PACT's error of that service; an accepted
    one is 200 with an empty body (it is processed, and answered, asynchronously)."""
    content_type = (request.content_type or "").strip().lower()
    if content_type != EVENT_CONTENT_TYPE:
        raise PactDenied(
            "BadRequest",
            f"Content-Type must be {EVENT_CONTENT_TYPE} (structured-mode CloudEvent), "
            f"not {request.META.get('CONTENT_TYPE', '')!r}.",
        )
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > MAX_EVENT_BYTES:
        raise PactDenied("BadRequest", f"The event must be at most {MAX_EVENT_BYTES} bytes.")
    try:
        event = event_parse(request.body)
    except EventMalformed as error:
        raise PactDenied(
            "BadRequest", f"Malformed event ({error.field}): {error.message}"
        ) from None
    try:
        _dispatch(token, event)
    except EventRefused as refused:
        return pact_error(refused.code, refused.message)
    return HttpResponse(status=200)


def not_implemented(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other path under ``/3/``: PACT's NotImplemented, not the platform's 404 page."""
    return pact_error("NotImplemented", f"/3/{rest} is not implemented by this host.")


@require_GET
def openid_configuration(request: HttpRequest) -> JsonResponse:
    """OpenID Provider Configuration Document: where PACT clients find the token endpoint."""
    base = request.build_absolute_uri("/").rstrip("/")
    return JsonResponse(
        {
            "issuer": base,
            "token_endpoint": f"{base}/auth/token",
            "jwks_uri": f"{base}/.well-known/jwks.json",
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
            ],
            "response_types_supported": ["token"],
            "scopes_supported": list(PACT_SCOPES),
        }
    )


class PactTokenApi(TokenApi):
    """Action Authenticate at ``{auth base}/auth/token``: the platform's client credentials
    grant, speaking PACT's scope names. ``footprint:list`` and ``footprint:read`` both map to
    the platform scope ``footprints:read``; a token is issued for that scope only."""

    def requested_scope(self, scope: str | None) -> str | None:
        asked = scope.split() if scope else list(PACT_SCOPES)
        return " ".join(sorted({PLATFORM_SCOPE if s in PACT_SCOPES else s for s in asked}))

    def granted_scope(self, scopes: list[str]) -> str:
        pact = [*PACT_SCOPES] if PLATFORM_SCOPE in scopes else []
        return " ".join(pact + [s for s in scopes if s != PLATFORM_SCOPE])
