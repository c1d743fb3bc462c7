"""Observations for the pools' pure tests: one contributed footprint per call, with defaults
that keep a test about one rule free of the others (equal production, low SEE)."""

from __future__ import annotations

import itertools
from decimal import Decimal

from exchange.pools.calculations.cells import Observation

_ids = itertools.count(1)


def obs(
    org: str,
    *,
    cn: str = "72083900",
    route: str = "C",
    country: str = "CN",
    year: int = 2026,
    activity: str = "100",
    direct: str = "2.00000",
    indirect: str = "0.10000",
    counts: bool = False,
    verified: bool = True,
    contribution: str | None = None,
) -> Observation:
    return Observation(
        contribution=contribution or f"c{next(_ids):06d}",
        organisation=org,
        cn_code=cn,
        route=route,
        country=country,
        year=year,
        activity_t=Decimal(activity),
        see_direct=Decimal(direct),
        see_indirect=Decimal(indirect),
        indirect_counts=counts,
        verified=verified,
    )


def orgs(n: int, prefix: str = "org") -> list[str]:
    return [f"{prefix}{k:02d}" for k in range(1, n + 1)]
