"""Bounds and headers applied to every request and response, before any view runs.

- :class:`RequestSizeLimitMiddleware` answers 413 to a body larger than the platform takes,
  from its ``Content-Length``, before a byte of it is read (Django's own
  ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is only checked when ``request.body`` is read, which DRF's
  parsers do not do). A WSGI server passes no more than ``Content-Length`` bytes to the
  application, so the header bounds what is read.
- :class:`SecurityHeadersMiddleware` sets a Content-Security-Policy without ``unsafe-inline``
  (every script and style comes from a file of our own), a Permissions-Policy that switches off
  the browser features no page uses, and ``Cache-Control: no-store`` on every answer that did
  not choose its own caching (pages and API answers carry an organisation's data).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


def body_limit(content_type: str) -> int:
    """The largest body accepted for a content type: uploads (evidence files, CSV) may be
    larger than JSON and form bodies."""
    if content_type.startswith("multipart/form-data"):
        return int(settings.REQUEST_MAX_UPLOAD_BYTES)
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def _refusal(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"code": code, "message": message, "extra": {}}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = request.META.get("CONTENT_LENGTH") or "0"
        if not raw.isascii() or not raw.isdigit() or len(raw) > 15:
            return _refusal(
                request,
                400,
                "bad_request",
                f"Content-Length {raw[:20]!r} is not a number of bytes.",
            )
        limit = body_limit(request.META.get("CONTENT_TYPE", ""))
        if int(raw) > limit:
            return _refusal(
                request,
                413,
                "request_too_large",
                f"The request body is {int(raw):,} bytes; this address takes at most "
                f"{limit:,} bytes.",
            )
        return self.get_response(request)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if "Cache-Control" not in response.headers and not request.path.startswith(
            "/" + settings.STATIC_URL.lstrip("/")
        ):
            patch_cache_control(response, no_store=True, private=True)
        return response
