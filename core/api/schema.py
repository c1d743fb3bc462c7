"""OpenAPI generation tweaks.

- Nested ``InputSerializer`` classes (one per API class, HackSoft style) would all become the
  component "Input"; naming components by their qualified name ("ApiClientListApiInput")
  keeps them distinct without renaming every class.
- Every operation documents the error envelope ``{code, message, extra}``
  (``core.api.exception_handler``) for each error status it can answer, derived from what the
  view declares (authentication, path parameters, method, throttles, parsers) rather than
  written on each view by hand. A status a view documents itself is kept as it is.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import AllowAny

ERROR_COMPONENT = "Error"

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The one error envelope of the API.",
    "properties": {
        "code": {
            "type": "string",
            "description": "Machine-readable, e.g. invalid, not_found, conflict, throttled.",
            "example": "invalid",
        },
        "message": {
            "type": "string",
            "description": "For people: what was wrong and what would be right.",
        },
        "extra": {
            "type": "object",
            "additionalProperties": True,
            "description": (
                "Machine-readable detail: ``fields`` (field path → messages) for invalid "
                "input, ``retry_after_seconds`` when throttled, and so on."
            ),
        },
    },
    "required": ["code", "message", "extra"],
}

ERROR_DESCRIPTIONS = {
    "400": "Invalid input (extra.fields names every field) or malformed JSON.",
    "401": "Not authenticated: no, an expired or an invalid session or bearer token.",
    "403": "The caller's role, token scope or kind (person or machine) may not do this.",
    "404": (
        "No such object for this caller: objects of other organisations do not exist for it; "
        "also a page past the last."
    ),
    "409": "The object's state forbids this action (an illegal transition, a duplicate…).",
    "413": "The upload is too large.",
    "415": "The request body's media type is not one this operation accepts.",
    "429": "Too many requests; extra.retry_after_seconds says when to try again.",
}

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class PlatformAutoSchema(AutoSchema):
    def get_serializer_name(self, serializer: Any, direction: Any) -> str:
        qualname = type(serializer).__qualname__
        if "." in qualname:
            return qualname.replace(".", "")
        return super().get_serializer_name(serializer, direction)

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        statuses = self._error_statuses(operation)
        if statuses:
            component = ResolvedComponent(
                name=ERROR_COMPONENT,
                type=ResolvedComponent.SCHEMA,
                schema=ERROR_SCHEMA,
                object=ERROR_COMPONENT,
            )
            self.registry.register_on_missing(component)
            for status in sorted(statuses):
                responses.setdefault(
                    status,
                    {
                        "description": ERROR_DESCRIPTIONS[status],
                        "content": {"application/json": {"schema": component.ref}},
                    },
                )
        return operation

    def _error_statuses(self, operation: dict[str, Any]) -> set[str]:
        """The error statuses this operation can answer, from what its view declares."""
        view = self.view
        statuses: set[str] = set()
        unsafe = self.method in UNSAFE_METHODS
        authenticated = any(
            not issubclass(permission, AllowAny)
            for permission in getattr(view, "permission_classes", [])
        )
        parameters = operation.get("parameters", [])
        query = [p for p in parameters if p.get("in") == "query"]
        if unsafe or parameters:
            # A body, a filter or a page number to validate, or an object whose state a
            # service checks (a draft has no signature yet…).
            statuses.add("400")
        if authenticated:
            statuses |= {"401", "403"}
            if unsafe:
                # A body naming an object the caller cannot see (404), a state that forbids
                # the action (409).
                statuses |= {"404", "409"}
        if "{" in self.path or query:
            statuses.add("404")  # an object, an organisation or a page that is not there
        body = operation.get("requestBody", {}).get("content", {})
        if body:
            statuses.add("415")  # a body in a media type the operation does not parse
        if "multipart/form-data" in body:
            statuses.add("413")
        if view.get_throttles():
            statuses.add("429")
        return statuses
