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

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


#: The eight criteria: how each is spelled, the attribute of ``FootprintFilter`` it sets, and
#: whether it takes several values (an array) or one date-time. Query parameters
#: (``filter_parse``) and a ``RequestCreatedEvent``'s ``data`` (``criteria_parse``) share them.
@dataclass(frozen=True)
class Criterion:
    spelled: str
    attribute: str
    many: bool


CRITERIA = {
    c.spelled.lower(): c
    for c in (
        Criterion("productId", "product_ids", many=True),
        Criterion("companyId", "company_ids", many=True),
        Criterion("geography", "geographies", many=True),
        Criterion("classification", "classifications", many=True),
        Criterion("validOn", "valid_on", many=False),
        Criterion("validAfter", "valid_after", many=False),
        Criterion("validBefore", "valid_before", many=False),
        Criterion("status", "statuses", many=True),
    )
}
#: The values of ``status`` (a single one in an event; the query may repeat it).
STATUSES = ("Active", "Deprecated")
#: Parameters that are not filters.
PAGINATION_PARAMETERS = frozenset({"limit"})
VALIDITY_YEARS_WITHOUT_PERIOD = 3
_EXPECTED = (
    "productId, companyId, geography, classification, validOn, validAfter, validBefore, status"
)


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


def _criteria(values: Mapping[str, Any]) -> FootprintFilter:
    """The filter of validated values: each list criterion's values trimmed and case-folded
    (matching is case-insensitive), date-times parsed."""
    fields: dict[str, Any] = {}
    for criterion in CRITERIA.values():
        if criterion.spelled not in values:
            continue
        value = values[criterion.spelled]
        if criterion.many:
            fields[criterion.attribute] = frozenset(
                v.strip().casefold() for v in value if v.strip()
            )
        else:
            fields[criterion.attribute] = parse_datetime(criterion.spelled, value)
    return FootprintFilter(**fields)


def filter_parse(parameters: Iterable[tuple[str, list[str]]]) -> FootprintFilter:
    """Parse query parameters (name, all its values) into a :class:`FootprintFilter`; names
    are case-insensitive, a list criterion may repeat, a date-time one may not."""
    values: dict[str, list[str] | str] = {}
    for raw_name, given in parameters:
        name = raw_name.lower()
        if name in PAGINATION_PARAMETERS or name.startswith("x-"):
            continue
        criterion = CRITERIA.get(name)
        if criterion is None:
            raise FilterError(
                raw_name, f"Unknown parameter {raw_name!r}; expected {_EXPECTED} or limit."
            )
        if criterion.many:
            values[criterion.spelled] = [*values.get(criterion.spelled, []), *given]
        elif len(given) != 1:
            raise FilterError(
                criterion.spelled,
                f"{criterion.spelled} takes one date-time, not {len(given)}.",
            )
        else:
            values[criterion.spelled] = given[0]
    return _criteria(values)


def criteria_parse(data: Mapping[str, Any], *, ignored: Iterable[str] = ()) -> FootprintFilter:
    """The criteria of a JSON object (a ``RequestCreatedEvent.3``'s ``data``): the same eight
    criteria, spelled exactly; ``productId``, ``companyId``, ``geography`` and
    ``classification`` arrays of strings, ``validOn``, ``validAfter`` and ``validBefore``
    date-time strings, ``status`` "Active" or "Deprecated". Keys in ``ignored`` (``comment``)
    are skipped; any other key is a FilterError naming it."""
    skipped = set(ignored)
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name in skipped:
            continue
        criterion = CRITERIA.get(name.lower())
        if criterion is None or criterion.spelled != name:
            raise FilterError(name, f"Unknown criterion {name!r}; expected {_EXPECTED}.")
        if name == "status":
            if not isinstance(value, str) or value.strip().casefold() not in {
                s.casefold() for s in STATUSES
            }:
                raise FilterError(name, f"status must be 'Active' or 'Deprecated', not {value!r}.")
            values[name] = [value]
        elif criterion.many:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise FilterError(name, f"{name} must be an array of strings, not {value!r}.")
            values[name] = value
        else:
            if not isinstance(value, str):
                raise FilterError(
                    name, f"{name} must be an RFC 3339 date-time string, not {value!r}."
                )
            values[name] = value
    return _criteria(values)


def documents_matching(
    rows: Iterable[tuple[Any, bytes]], criteria: FootprintFilter, *, limit: int | None = None
) -> list[tuple[Any, bytes]]:
    """The (key, stored document) rows whose document satisfies ``criteria``, in order, at
    most ``limit`` of them; the bytes are returned as given (never re-serialised)."""
    found: list[tuple[Any, bytes]] = []
    for key, document in rows:
        if footprint_matches(json.loads(document), criteria):
            found.append((key, document))
            if limit is not None and len(found) >= limit:
                break
    return found


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
