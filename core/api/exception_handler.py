"""One error envelope for the whole API: ``{"code", "message", "extra"}``.

- DRF validation errors become ``code="invalid"`` with ``extra.fields`` mapping each field
  (dotted path for nested input, ``non_field_errors`` for the object) to its messages.
- Malformed JSON becomes ``code="malformed_json"``.
- ``core.errors.ApplicationError`` renders its own code, message and extra.
- Anything unexpected is logged and rendered as ``code="server_error"``: never a trace.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ApplicationError

logger = logging.getLogger(__name__)


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error detail into ``{"a.b.0.c": ["message", ...]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            for sub_path, messages in flatten_errors(value, path).items():
                out.setdefault(sub_path, []).extend(messages)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            out[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                path = f"{prefix}.{index}" if prefix else str(index)
                for sub_path, messages in flatten_errors(item, path).items():
                    out.setdefault(sub_path, []).extend(messages)
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def _summary(fields: dict[str, list[str]]) -> str:
    parts = [f"{field}: {' '.join(messages)}" for field, messages in fields.items()]
    return "Invalid input. " + "; ".join(parts)


def envelope(code: str, message: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "extra": extra or {}}


def envelope_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        return Response(envelope(exc.code, exc.message, exc.extra), status=exc.status)
    if isinstance(exc, Http404):
        return Response(envelope("not_found", "Not found."), status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    if isinstance(exc, exceptions.ValidationError):
        fields = flatten_errors(exc.detail)
        return Response(
            envelope("invalid", _summary(fields), {"fields": fields}),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, exceptions.ParseError):
        return Response(
            envelope(
                "malformed_json",
                f"The request body is not valid JSON: {exc.detail}. "
                "Send a JSON object with Content-Type: application/json.",
            ),
            status=status.HTTP_400_BAD_REQUEST,
        )

    response = drf_exception_handler(exc, context)
    if response is None:
        request: Request | None = context.get("request")
        logger.exception("Unhandled API error on %s", request.path if request is not None else "?")
        return Response(
            envelope("server_error", "Something went wrong on our side; it has been logged."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    assert isinstance(exc, exceptions.APIException)
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else "error"
    detail = exc.detail
    message = str(detail) if not isinstance(detail, dict | list) else code
    extra: dict[str, Any] = {}
    wait = getattr(exc, "wait", None)
    if isinstance(exc, exceptions.Throttled) and wait is not None:
        extra["retry_after_seconds"] = int(wait)
    response.data = envelope(code, message, extra)
    return response
