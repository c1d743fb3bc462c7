"""Typed errors of the sharing app (rendered by the API's one error envelope). An illegal move
of a request is ``core.workflows.IllegalTransition``, as for every workflow."""

from __future__ import annotations

from core.errors import Conflict


class GrantAlreadyRevoked(Conflict):
    code = "grant_revoked"


class ReminderTooSoon(Conflict):
    """The buyer already reminded the supplier of this request today (one a day)."""

    code = "reminder_too_soon"
