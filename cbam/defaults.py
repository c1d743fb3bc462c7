"""Default values (IR (EU) 2025/2621 Annex I), their mark-up, and default grid factors (Annex II).

Lookup order for (CN code, country of origin), as the annex prescribes:

1. the country's row for the 8-digit code, then for its 6-digit and 4-digit prefixes (a 4- or
   6-digit row covers the codes beneath it that have no row of their own);
2. if the country has no row at any of those levels, the same three steps for "Other countries
   and territories" (``OTHER``).

A missing country of origin is treated as ``OTHER`` (the calculator's callers name it when they
know it). A precursor whose country of production **cannot be identified** says so explicitly
(``ORIGIN_UNKNOWN``): its value is the Annex IV value of IR 2025/2621 (Art. 1(5); Annex IV as
replaced by IR 2026/1740) for the CN code or its 6- or 4-digit prefix, never the "Other
countries" value; where no Annex IV value is loaded for it, there is no default value and the
caller must give the country of production.

The mark-up (+10 % 2026, +20 % 2027, +30 % from 2028 for iron and steel, aluminium, cement,
hydrogen; +1 % for fertilisers) comes from the snapshot by the sector of the good's category and
the year. The law states it in the introduction to Annex I (as replaced by IR 2026/1740); an
Annex IV value is the default value Art. 1(5) makes the declarant use, so the platform applies
the same mark-up wherever it marks up defaults (a point to check against the Official Journal).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cbam.errors import (
    NO_DEFAULT_VALUE,
    NO_UNKNOWN_ORIGIN_VALUE,
    OUT_OF_SCOPE,
    CalculationError,
    Problem,
)
from cbam.reference import ReferenceSnapshot
from cbam.statutory import ORIGIN_UNKNOWN, OTHER_COUNTRIES
from cbam.types import (
    ZERO,
    DefaultValueMatch,
    ElectricityFactorRow,
    MarkUpRow,
)

_PREFIX_LENGTHS = (8, 6, 4)


def match_default_value(
    snapshot: ReferenceSnapshot, cn_code: str, country: str | None
) -> DefaultValueMatch | None:
    """The default-value row for (``cn_code``, ``country``) by the fallback order above; for
    ``ORIGIN_UNKNOWN`` the Annex IV row (no fallback to another table). A code a later CN
    created is looked up as its CN 2025 predecessor (the annex is written in CN 2025), and the
    match says so (``cn2025_predecessor``)."""
    code = snapshot.lookup_code(cn_code)
    predecessor = code if code != cn_code else None
    if country == ORIGIN_UNKNOWN:
        for length in _PREFIX_LENGTHS:
            row = snapshot.unknown_origin_row(code[:length]) if len(code) >= length else None
            if row is not None:
                return DefaultValueMatch(
                    cn_code,
                    ORIGIN_UNKNOWN,
                    row,
                    length,
                    used_other=False,
                    cn2025_predecessor=predecessor,
                )
        return None
    asked_country = country or OTHER_COUNTRIES
    countries = (
        (asked_country,) if asked_country == OTHER_COUNTRIES else (asked_country, OTHER_COUNTRIES)
    )
    for candidate in countries:
        for length in _PREFIX_LENGTHS:
            if len(code) < length:
                continue
            row = snapshot.default_row(code[:length], candidate)
            if row is not None:
                return DefaultValueMatch(
                    cn_code=cn_code,
                    country=asked_country,
                    row=row,
                    matched_digits=length,
                    used_other=candidate != asked_country,
                    cn2025_predecessor=predecessor,
                )
    return None


@dataclass(frozen=True, slots=True)
class DefaultValueLookup:
    """A default value for (CN code, country, year): the value, its row, route and mark-up.

    ``see_direct``/``see_indirect`` are the annex values *without* mark-up (tCO2e/t);
    ``mark_up`` is the fraction added for the year (0.10 = +10 %). ``route`` is the benchmark
    route indicator of the row (C, F, C/F, K, L or "").
    """

    match: DefaultValueMatch
    year: int
    sector: str
    mark_up: Decimal
    mark_up_row: MarkUpRow | None

    @property
    def see_direct(self) -> Decimal:
        return self.match.row.see_direct

    @property
    def see_indirect(self) -> Decimal | None:
        return self.match.row.see_indirect

    @property
    def route(self) -> str:
        return self.match.row.production_route

    @property
    def ref(self) -> str:
        return self.match.row.ref


def mark_up_for(
    snapshot: ReferenceSnapshot, sector: str, year: int
) -> tuple[Decimal, MarkUpRow | None]:
    """The mark-up fraction for a sector in a year, and its row (0 and None when none applies)."""
    row = snapshot.mark_up_row(sector, year)
    return (row.mark_up, row) if row is not None else (ZERO, None)


def lookup_default_value(
    snapshot: ReferenceSnapshot,
    *,
    cn_code: str,
    country: str | None,
    year: int,
    path: str = "cn_code",
) -> DefaultValueLookup:
    """Default value, mark-up and route for (``cn_code``, ``country``, ``year``).

    Raises ``CalculationError`` (at ``path``) when the CN code is not a CBAM good or when
    neither the country nor "Other countries" has a value for it or a prefix of it.
    """
    category = snapshot.category(cn_code)
    if category is None:
        raise CalculationError(
            [
                Problem(
                    path,
                    f"CN code {cn_code} is not a CBAM good (Annex I of Reg. 2023/956)",
                    OUT_OF_SCOPE,
                )
            ]
        )
    match = match_default_value(snapshot, cn_code, country)
    if match is None:
        raise CalculationError(
            [
                Problem(
                    path, no_default_value_message(cn_code, country), no_default_value_code(country)
                )
            ]
        )
    sector = snapshot.sector(category)
    mark_up, mark_up_row = mark_up_for(snapshot, sector, year)
    return DefaultValueLookup(
        match=match, year=year, sector=sector, mark_up=mark_up, mark_up_row=mark_up_row
    )


def no_default_value_code(country: str | None) -> str:
    """The problem code of a missing default value: Annex IV for an unknown origin."""
    return NO_UNKNOWN_ORIGIN_VALUE if country == ORIGIN_UNKNOWN else NO_DEFAULT_VALUE


def no_default_value_message(cn_code: str, country: str | None) -> str:
    if country == ORIGIN_UNKNOWN:
        return (
            f"origin unknown: no Annex IV value is shipped for CN {cn_code} (IR 2025/2621 "
            "Art. 1(5), Annex IV as replaced by IR 2026/1740: values for a precursor whose "
            "country of production cannot be identified); give the country of production "
            "(country_of_origin) instead"
        )
    where = (
        f"{country} or Other countries"
        if country and country != OTHER_COUNTRIES
        else "Other countries"
    )
    return (
        f"no default value for CN {cn_code} ({where}) in IR 2025/2621 Annex I; "
        "give actual see_direct (and see_indirect)"
    )


def electricity_factor_for(
    snapshot: ReferenceSnapshot, country: str | None
) -> ElectricityFactorRow | None:
    """Default grid factor (IR 2025/2621 Annex II) of ``country``, else of "OTHER"."""
    if country:
        row = snapshot.electricity_factor(country)
        if row is not None:
            return row
    return snapshot.electricity_factor(OTHER_COUNTRIES)
