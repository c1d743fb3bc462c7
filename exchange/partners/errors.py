"""Typed errors of the partners app."""

from __future__ import annotations


class EventRefused(Exception):
    """An event the platform does not accept: answered with PACT's error ``code``
    (``BadRequest``, ``AccessDenied``, ``NotFound``…) and ``message``, nothing written."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
