"""The ListFootprints filters of PACT v3 (``/3/footprints``), as pure functions over the
stored ProductFootprint documents: no framework, no database.

Rules (PACT Technical Specifications v3, Action ListFootprints, "Filtering"):

- eight criteria: ``productId``, ``companyId``, ``geography``, ``classification``,
  ``validOn``, ``validAfter``, ``validBefore``, ``status``;
- several values of one criterion combine with OR, different criteria with AND;
- matching of identifiers, geographies, classifications and status is case-insensitive,
  and so are the parameter names (the specification's own example writes ``productid``);
- ``geography`` matches ``pcf.geographyCountry``, ``pcf.geographyRegionOrSubregion`` or
  ``pcf.geographyCountrySubdivision``;
- validity (section "Validity Period"): from ``validityPeriodStart`` (included) to
  ``validityPeriodEnd`` (excluded); a bound not given defaults to ``pcf.referencePeriodEnd``
  for the start and ``pcf.referencePeriodEnd`` + 3 years for the end. ``validOn`` matches
  start <= t < end, ``validAfter`` start > t, ``validBefore`` end < t. A footprint whose
  validity cannot be determined matches no validity criterion.
- a ``status`` value other than Active/Deprecated matches nothing (the conformance suite
  expects an empty list, not an error).

Parameters prefixed ``x-`` are host-specific (allowed by the specification); ``limit`` is
pagination, not a filter. Any other parameter is a BadRequest naming it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

#: Parameter name (lower case) -> the criterion it sets.
_LIST_CRITERIA = {
    "productid": "product_ids",
    "companyid": "company_ids",
    "geography": "geographies",
    "classification": "classifications",
    "status": "statuses",
}
_DATE_CRITERIA = {"validon": "valid_on", "validafter": "valid_after", "validbefore": "valid_before"}
_SPELLING = {
    "validon": "validOn",
    "validafter": "validAfter",
    "validbefore": "validBefore",
}
#: Parameters that are not filters.
PAGINATION_PARAMETERS = frozenset({"limit"})
VALIDITY_YEARS_WITHOUT_PERIOD = 3


class FilterError(ValueError):
    """A query parameter of ListFootprints is invalid; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class FootprintFilter:
    """The parsed criteria; an empty set or None means "not filtered on this"."""

    product_ids: frozenset[str] = field(default_factory=frozenset)
    company_ids: frozenset[str] = field(default_factory=frozenset)
    geographies: frozenset[str] = field(default_factory=frozenset)
    classifications: frozenset[str] = field(default_factory=frozenset)
    statuses: frozenset[str] = field(default_factory=frozenset)
    valid_on: datetime | None = None
    valid_after: datetime | None = None
    valid_before: datetime | None = None

    @property
    def is_empty(self) -> bool:
        return self == FootprintFilter()


def parse_datetime(name: str, value: str) -> datetime:
    """An RFC 3339 date-time (``2023-01-15T10:15:30Z``); without an offset it is read as UTC."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise FilterError(
            name, f"{name} must be an RFC 3339 date-time such as 2025-01-01T00:00:00Z."
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def filter_parse(parameters: Iterable[tuple[str, list[str]]]) -> FootprintFilter:
    """Parse query parameters (name, all its values) into a :class:`FootprintFilter`."""
    lists: dict[str, set[str]] = {name: set() for name in _LIST_CRITERIA.values()}
    dates: dict[str, datetime] = {}
    for raw_name, values in parameters:
        name = raw_name.lower()
        if name in PAGINATION_PARAMETERS or name.startswith("x-"):
            continue
        if name in _LIST_CRITERIA:
            lists[_LIST_CRITERIA[name]].update(v.strip().casefold() for v in values if v.strip())
        elif name in _DATE_CRITERIA:
            spelled = _SPELLING[name]
            if len(values) != 1:
                raise FilterError(spelled, f"{spelled} takes one date-time, not {len(values)}.")
            dates[_DATE_CRITERIA[name]] = parse_datetime(spelled, values[0])
        else:
            raise FilterError(
                raw_name,
                f"Unknown parameter {raw_name!r}; expected productId, companyId, geography, "
                "classification, validOn, validAfter, validBefore, status or limit.",
            )
    return FootprintFilter(
        product_ids=frozenset(lists["product_ids"]),
        company_ids=frozenset(lists["company_ids"]),
        geographies=frozenset(lists["geographies"]),
        classifications=frozenset(lists["classifications"]),
        statuses=frozenset(lists["statuses"]),
        valid_on=dates.get("valid_on"),
        valid_after=dates.get("valid_after"),
        valid_before=dates.get("valid_before"),
    )


def _folded(values: Any) -> set[str]:
    if not isinstance(values, list):
        return set()
    return {v.casefold() for v in values if isinstance(v, str)}


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_datetime("", value)
    except FilterError:
        return None


def _add_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February -> 28 February
        return moment.replace(year=moment.year + years, day=28)


def validity_period(document: Mapping[str, Any]) -> tuple[datetime, datetime] | None:
    """(start included, end excluded) of a ProductFootprint, per "Validity Period"."""
    pcf = document.get("pcf")
    reference_end = _instant(pcf.get("referencePeriodEnd")) if isinstance(pcf, Mapping) else None
    start = _instant(document.get("validityPeriodStart")) or reference_end
    end = _instant(document.get("validityPeriodEnd"))
    if end is None and reference_end is not None:
        end = _add_years(reference_end, VALIDITY_YEARS_WITHOUT_PERIOD)
    if start is None or end is None:
        return None
    return start, end


def footprint_matches(document: Mapping[str, Any], criteria: FootprintFilter) -> bool:
    """Whether one ProductFootprint document satisfies every criterion."""
    if criteria.product_ids and not criteria.product_ids & _folded(document.get("productIds")):
        return False
    if criteria.company_ids and not criteria.company_ids & _folded(document.get("companyIds")):
        return False
    if criteria.classifications and not criteria.classifications & _folded(
        document.get("productClassifications")
    ):
        return False
    if criteria.statuses:
        status = document.get("status")
        if not isinstance(status, str) or status.casefold() not in criteria.statuses:
            return False
    if criteria.geographies:
        pcf = document.get("pcf")
        places = (
            _folded(
                [
                    pcf.get("geographyCountry"),
                    pcf.get("geographyRegionOrSubregion"),
                    pcf.get("geographyCountrySubdivision"),
                ]
            )
            if isinstance(pcf, Mapping)
            else set()
        )
        if not criteria.geographies & places:
            return False
    if criteria.valid_on or criteria.valid_after or criteria.valid_before:
        period = validity_period(document)
        if period is None:
            return False
        start, end = period
        if criteria.valid_on is not None and not start <= criteria.valid_on < end:
            return False
        if criteria.valid_after is not None and not start > criteria.valid_after:
            return False
        if criteria.valid_before is not None and not end < criteria.valid_before:
            return False
    return True
