"""Typed errors of the sharing app (rendered by the API's one error envelope). An illegal move
of a request is ``core.workflows.IllegalTransition``, as for every workflow."""

from __future__ import annotations

from core.errors import Conflict


class GrantAlreadyRevoked(Conflict):
    code = "grant_revoked"
