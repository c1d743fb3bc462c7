"""Typed application errors.

Domain code raises these; the API layer renders them as ``{"code", "message", "extra"}``
(``core.api.exception_handler``) and HTML views show ``message``. ``extra`` carries
machine-readable detail, e.g. ``{"fields": {"email": ["..."]}}``.
"""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """Base of every error a user may see. Subclasses fix ``status`` and default ``code``."""

    status: int = 400
    code: str = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.extra: dict[str, Any] = extra or {}


class ValidationFailed(ApplicationError):
    """Input broke a rule. ``fields`` maps each field to what was wrong and what is expected."""

    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        fields: dict[str, list[str]] | None = None,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        merged = dict(extra or {})
        if fields:
            merged["fields"] = fields
        super().__init__(message, code=code, extra=merged)


class NotFound(ApplicationError):
    """The object does not exist *for this caller*; foreign objects are reported the same way."""

    status = 404
    code = "not_found"


class PermissionDenied(ApplicationError):
    """The caller is a member but their role may not do this."""

    status = 403
    code = "permission_denied"


class Conflict(ApplicationError):
    """The object's state forbids the action (illegal transition, duplicate, last owner…)."""

    status = 409
    code = "conflict"


class AuthenticationFailed(ApplicationError):
    status = 401
    code = "not_authenticated"
