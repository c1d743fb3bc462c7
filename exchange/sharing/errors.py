"""Typed errors of the sharing app (rendered by the API's one error envelope)."""

from __future__ import annotations

from core.errors import Conflict


class IllegalRequestTransition(Conflict):
    """A request moved out of a final status (fulfilled, rejected, expired, withdrawn)."""

    code = "illegal_transition"


class GrantAlreadyRevoked(Conflict):
    code = "grant_revoked"
