"""Typed errors of the suppliers app."""

from __future__ import annotations

from core.errors import Conflict, PermissionDenied


class IllegalTransition(Conflict):
    code = "illegal_transition"


class FourEyesViolation(PermissionDenied):
    code = "four_eyes"


class FootprintImmutable(Conflict):
    code = "footprint_immutable"
