"""JSON answers for unknown API paths and server errors, in the one error envelope."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.defaults import page_not_found, server_error

from core.api.exception_handler import envelope


def not_found(request: HttpRequest, exception: Exception | None = None) -> Any:
    if request.path.startswith("/api/"):
        return JsonResponse(envelope("not_found", "Not found."), status=404)
    return page_not_found(request, exception or Exception("not found"))


def error(request: HttpRequest) -> Any:
    if request.path.startswith("/api/"):
        return JsonResponse(
            envelope("server_error", "Something went wrong on our side; it has been logged."),
            status=500,
        )
    return server_error(request)
