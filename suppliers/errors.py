"""Typed errors of the suppliers app."""

from __future__ import annotations

from core.errors import Conflict, PermissionDenied


class FourEyesViolation(PermissionDenied):
    code = "four_eyes"


class FootprintImmutable(Conflict):
    code = "footprint_immutable"
