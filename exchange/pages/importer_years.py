"""The year an importer's page shows (``?year=``) and the years it offers to choose from."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Organisation
from exchange.declarations.selectors import shipment_years

#: The definitive period starts on 1 January 2026; the API's reports accept these years too.
FIRST_YEAR = 2026
LAST_YEAR = 2100


@dataclass(frozen=True)
class YearChoice:
    year: int
    years: list[int]
    problem: str = ""


def year_chosen(*, organisation: Organisation, raw: str | None) -> YearChoice:
    """The year asked for, else the current one (never before 2026); the years to offer are
    those with shipments and the current one. A year that cannot be read is said, and the
    current year shown."""
    current = max(FIRST_YEAR, timezone.localdate().year)
    years = sorted({current, *shipment_years(organisation=organisation)})
    years = [y for y in years if FIRST_YEAR <= y <= LAST_YEAR]
    if not raw:
        return YearChoice(current, years)
    if raw.isascii() and raw.isdigit() and FIRST_YEAR <= int(raw) <= LAST_YEAR:
        year = int(raw)
        return YearChoice(year, sorted({*years, year}))
    return YearChoice(
        current,
        years,
        gettext("%(value)s is not a year of the definitive period; expected %(first)s to %(last)s.")
        % {"value": raw[:20], "first": FIRST_YEAR, "last": LAST_YEAR},
    )
