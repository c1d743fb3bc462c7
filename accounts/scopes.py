"""OAuth2 scopes a machine client can hold: ``<area>:read`` and ``<area>:write``.

Each organisation-scoped endpoint names its ``scope_area``; safe methods need ``:read``,
the others ``:write``. Add an area here when a new family of endpoints appears.
"""

from __future__ import annotations

AREAS: tuple[str, ...] = (
    "organisation",
    "members",
    "audit",
    "keys",
    "installations",
    "products",
    "footprints",
    "requests",
    "grants",
    "boms",
    "shipments",
    "pools",
)

ALL_SCOPES: frozenset[str] = frozenset(
    f"{area}:{access}" for area in AREAS for access in ("read", "write")
)


def scope_for(area: str, method: str) -> str:
    access = "read" if method in ("GET", "HEAD", "OPTIONS") else "write"
    return f"{area}:{access}"


def unknown_scopes(scopes: list[str]) -> list[str]:
    return sorted(set(scopes) - ALL_SCOPES)
