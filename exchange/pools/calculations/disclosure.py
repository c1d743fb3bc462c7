"""Statistics of every cell of a pool under disclosure control (issue 16): what may be
published so that no member's value can be recovered.

Members of a pool are competitors; what is published must not reveal one company's figures
(and competition law limits what they may learn of each other). The rules are the standard
ones of statistical disclosure control for magnitude tables (Hundepool, Domingo-Ferrer,
Franconi, Giessing, Schulte Nordholt, Spicer, de Wolf, *Statistical Disclosure Control*,
Wiley 2012, ch. 4 "Magnitude tabular data", and the Eurostat/ESSnet *Handbook on Statistical
Disclosure Control* §4.2-4.3: minimum frequency (threshold) rule, dominance (n, k) rule,
secondary suppression against differencing, and auditing of the published table):

**Primary suppression** of a cell (``DisclosureSettings``, defaults of issue 16):

1. ``CONTRIBUTORS``: fewer than ``min_contributors`` (5) distinct organisations. Never fewer
   than 3 whatever the pool sets (``MIN_CONTRIBUTORS_FLOOR``; ``checked`` refuses less): with
   two, each learns the other's value from the mean.
2. ``SHARE``: an organisation holds **strictly** more than ``max_share_pct`` (25 %) of the
   cell's production (sum of ``activity_t``): its weight would dominate the sector figures.
3. ``DOMINANCE``: the ``dominance_n`` (2) largest organisations hold **strictly** more than
   ``dominance_pct`` (85 %) of the cell's total emissions (sum of ``activity_t × SEE
   counted``): the (n, k) dominance rule, so that one of the two cannot estimate the other
   closely by subtracting its own share.

**Secondary suppression** ("no differencing"; reason ``DIFFERENCING``): along each dimension
(CN 4 > 6 > 8, country * > X, year all > Y) and for every published parent, the observations
of the parent not covered by its published descendants in that dimension must belong to no
organisation or to at least ``min_contributors`` organisations; otherwise the parent minus its
published children would publish a small group (one company, often) by subtraction. The
published descendant that is not under another published one and has the fewest contributors
(ties: key order) is suppressed, and the check repeats until nothing changes.

**Audit** (exact, rational linear algebra): every published cell is a union of finest cells
(CN 8, route, country, year), so each published sum (mean × count, and the count, are public)
is a linear form in the finest cells' sums. An organisation's value is recoverable when a
nonzero linear combination of published sums is supported only on finest cells that hold that
organisation alone (differencing across several dimensions at once, which the secondary rule
does not see). Such a combination exists iff the published rows' span meets the coordinates of
those finest cells, decided exactly over the rationals (``fractions.Fraction``): first
peeling, a published row reduced to a single finest cell puts that cell in the span (it is
then removed from every row); then the null space of what remains. When an organisation is
recoverable, the smallest published cell (fewest contributors, then footprints, then key
order) that contains one of the finest cells of the combination is suppressed
(``DIFFERENCING``), and the secondary rule and the audit run again to a fixed point. The
audit is ``recoverable_organisations``, also public so the tests can check any outcome.

The audit considers single organisations, as the issue asks; a member knowing its own
figures and subtracting them from a two-company residue is prevented by the threshold rule
and the secondary rule (residues of fewer than ``min_contributors`` organisations), not by the
audit. Percentiles are not linear forms; only sums and counts are audited.

Implementation: per component (CN heading, route; components share no observation), values
as exact integers of 10^-5 tCO2e/t; each finest cell is sorted once and every coarser cell is
built by merging its children's sorted runs (Timsort merges runs in near-linear time).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from operator import attrgetter

from exchange.pools.calculations.cells import ALL_COUNTRIES, ALL_YEARS, CellKey, Observation
from exchange.pools.calculations.errors import ObservationInvalid, PoolSettingsInvalid
from exchange.pools.calculations.statistics import (
    SEE_PLACES,
    CellStatistics,
    distribution_of,
    units_of,
    verified_share,
)

MIN_CONTRIBUTORS_FLOOR = 3
ACTIVITY_PLACES = 0  # production: as many decimals as the values carry
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class DisclosureSettings:
    """A pool's disclosure control (issue 16 defaults): ``min_contributors`` distinct
    organisations per published cell (never below 3), no organisation above ``max_share_pct``
    % of the cell's production, the ``dominance_n`` largest organisations at most
    ``dominance_pct`` % of its emissions."""

    min_contributors: int = 5
    max_share_pct: Decimal = Decimal("25")
    dominance_n: int = 2
    dominance_pct: Decimal = Decimal("85")

    def checked(self) -> DisclosureSettings:
        """These settings, or ``PoolSettingsInvalid`` naming the first field out of range."""
        if not _is_int(self.min_contributors) or self.min_contributors < MIN_CONTRIBUTORS_FLOOR:
            raise PoolSettingsInvalid(
                "min_contributors",
                f"min_contributors must be a whole number of at least {MIN_CONTRIBUTORS_FLOOR} "
                f"(a cell is never published with fewer), got {self.min_contributors!r}",
            )
        if not _is_percent(self.max_share_pct):
            raise PoolSettingsInvalid(
                "max_share_pct",
                f"max_share_pct must be a percentage above 0 and at most 100, e.g. 25, "
                f"got {self.max_share_pct!r}",
            )
        if not _is_int(self.dominance_n) or self.dominance_n < 1:
            raise PoolSettingsInvalid(
                "dominance_n",
                f"dominance_n must be a whole number of organisations, at least 1, e.g. 2, "
                f"got {self.dominance_n!r}",
            )
        if not _is_percent(self.dominance_pct):
            raise PoolSettingsInvalid(
                "dominance_pct",
                f"dominance_pct must be a percentage above 0 and at most 100, e.g. 85, "
                f"got {self.dominance_pct!r}",
            )
        return self


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_percent(value: object) -> bool:
    return isinstance(value, Decimal) and value.is_finite() and 0 < value <= HUNDRED


class Suppression(StrEnum):
    """Why a cell is not published (shown to the association in the release preview; the
    public only reads "not enough contributors to publish")."""

    CONTRIBUTORS = "contributors"
    SHARE = "share"
    DOMINANCE = "dominance"
    DIFFERENCING = "differencing"


@dataclass(frozen=True, slots=True)
class CellResult:
    """One non-empty cell: its statistics when published (None when suppressed), why it is
    suppressed, and the sorted ids of the contributions it holds (what a release records)."""

    key: CellKey
    statistics: CellStatistics | None
    suppression: Suppression | None
    contributions: tuple[str, ...]

    @property
    def published(self) -> bool:
        return self.statistics is not None


@dataclass(frozen=True, slots=True)
class Recovery:
    """How an organisation's figures could be recovered: a nonzero combination of published
    sums equals ``Σ coefficients[i] × (sum of finest[i])``, and every one of these finest
    cells holds only ``organisation``'s footprints."""

    organisation: str
    finest: tuple[CellKey, ...]
    coefficients: tuple[Fraction, ...]


# ------------------------------------------------------------------------ building a component


class _Component:
    """One component's cells, indexed 0..n-1 in build order (children before parents).

    Organisations are numbered within the component; a set of them is an int of bits. The
    production and emissions of each organisation are kept per finest cell only; a coarser
    cell carries bounds of its largest organisation's production and of its ``dominance_n``
    largest emissions (an organisation's total in a cell is at least its total in any child
    and at most the sum of the children's largest), and is summed exactly only when the
    bounds do not decide a rule.
    """

    __slots__ = (
        "contributions",
        "contributors",
        "counted",
        "counted_is_direct",
        "direct",
        "exact",
        "finest_keys",
        "finest_orgs",
        "footprints",
        "ids",
        "index",
        "indirect",
        "keys",
        "largest",
        "mask",
        "org_bits",
        "organisations",
        "parts",
        "reasons",
        "route",
        "scale",
        "sums",
        "top",
        "totals",
        "verified",
    )

    def __init__(self) -> None:
        self.keys: list[CellKey] = []
        self.index: dict[CellKey, int] = {}
        self.mask: list[int] = []  # finest cells of each cell, as bits
        self.finest_keys: list[CellKey] = []
        self.finest_orgs: list[int] = []  # organisations of each finest cell, as bits
        # cell -> (organisation -> activity units, organisation -> activity × counted units),
        # for every finest cell and the coarser cells the bounds did not decide
        self.exact: dict[int, tuple[dict[int, int], dict[int, int]]] = {}
        self.parts: list[list[int]] = []  # the children a coarser cell is merged from
        self.organisations: list[str] = []
        self.direct: list[list[int]] = []
        self.indirect: list[list[int]] = []
        self.counted: list[list[int]] = []
        self.counted_is_direct = False
        self.sums: list[tuple[int, int, int]] = []
        self.verified: list[int] = []
        self.footprints: list[int] = []
        self.org_bits: list[int] = []
        self.contributors: list[int] = []
        self.totals: list[tuple[int, int]] = []  # production, emissions
        self.largest: list[tuple[int, int]] = []  # bounds of the largest production
        self.top: list[tuple[int, int]] = []  # bounds of the n largest emissions
        self.reasons: list[Suppression | None] = []  # primary rules
        self.contributions: list[list[int]] = []  # ranks in ``ids``
        self.ids: list[str] = []  # the component's contribution ids, sorted
        self.scale = SEE_PLACES
        self.route = ""


Finest = tuple[str, str, str, int]


_FINEST = attrgetter("cn_code", "route", "country", "year")


def _finest_groups(observations: Iterable[Observation]) -> dict[Finest, list[Observation]]:
    groups: dict[Finest, list[Observation]] = {}
    for o in observations:
        key = _FINEST(o)
        group = groups.get(key)
        if group is None:
            groups[key] = [o]
        else:
            group.append(o)
    return groups


def _checked_groups(groups: dict[Finest, list[Observation]]) -> None:
    component = None
    for cn_code, route, country, year in groups:
        if len(cn_code) != 8 or not (cn_code.isascii() and cn_code.isdigit()):
            raise ObservationInvalid(
                "cn_code", f"a contributed footprint needs an 8-digit CN code, got {cn_code!r}"
            )
        if len(country) != 2 or country == ALL_COUNTRIES:
            raise ObservationInvalid(
                "country", f"country must be an ISO alpha-2 code, got {country!r}"
            )
        if not isinstance(year, int) or year <= ALL_YEARS:
            raise ObservationInvalid("year", f"year must be a reporting year, got {year!r}")
        if component is None:
            component = (cn_code[:4], route)
        elif component != (cn_code[:4], route):
            raise ObservationInvalid(
                "cn_code",
                f"one component (CN heading, route) at a time: got {component} and "
                f"{(cn_code[:4], route)}; pool_statistics splits a pool by component",
            )


_DIRECT = attrgetter("see_direct")
_INDIRECT = attrgetter("see_indirect")
_ACTIVITY = attrgetter("activity_t")
_COUNTS = attrgetter("indirect_counts")
_VERIFIED = attrgetter("verified")
_ORGANISATION = attrgetter("organisation")
_CONTRIBUTION = attrgetter("contribution")


def _build(groups: dict[Finest, list[Observation]], settings: DisclosureSettings) -> _Component:
    comp = _Component()
    _checked_groups(groups)
    ordered_keys = sorted(groups)
    ordered = [o for key in ordered_keys for o in groups[key]]
    ids = list(map(_CONTRIBUTION, ordered))
    # Each contribution as its rank among the component's ids: cells merge sorted integers,
    # and the ids are read back once, at the end.
    comp.ids = sorted(ids)
    rank = {contribution: k for k, contribution in enumerate(comp.ids)}
    if len(rank) != len(ids):
        raise ObservationInvalid("contribution", "a contribution is counted once per pool")
    contributions = list(map(rank.__getitem__, ids))
    direct, d_scale = units_of(list(map(_DIRECT, ordered)), "see_direct", SEE_PLACES)
    indirect, i_scale = units_of(list(map(_INDIRECT, ordered)), "see_indirect", SEE_PLACES)
    scale = max(d_scale, i_scale)
    if d_scale != scale:
        direct = [v * 10 ** (scale - d_scale) for v in direct]
    if i_scale != scale:
        indirect = [v * 10 ** (scale - i_scale) for v in indirect]
    activity, _ = units_of(list(map(_ACTIVITY, ordered)), "activity_t", ACTIVITY_PLACES)
    counts = list(map(_COUNTS, ordered))
    # Where no footprint's indirect emissions count (iron, steel, aluminium), counted is
    # direct: the same sorted lists serve both (``comp.counted_is_direct``).
    comp.counted_is_direct = not any(counts)
    counted = (
        direct
        if comp.counted_is_direct
        else [d + i if c else d for d, i, c in zip(direct, indirect, counts, strict=True)]
    )
    verified = list(map(_VERIFIED, ordered))
    org_index: dict[str, int] = {}
    orgs = [org_index.setdefault(org, len(org_index)) for org in map(_ORGANISATION, ordered)]
    comp.organisations = list(org_index)
    comp.scale = scale
    comp.route = ordered_keys[0][1]
    route = comp.route
    n = settings.dominance_n

    # Finest cells first: each sorted once.
    start = 0
    finest_of: dict[tuple[str, str, int], int] = {}
    for cn_code, _route, country, year in ordered_keys:
        end = start + len(groups[(cn_code, _route, country, year)])
        production: dict[int, int] = {}
        emissions: dict[int, int] = {}
        for org, act, see in zip(
            orgs[start:end], activity[start:end], counted[start:end], strict=True
        ):
            production[org] = production.get(org, 0) + act
            emissions[org] = emissions.get(org, 0) + act * see
        d = sorted(direct[start:end])
        i = sorted(indirect[start:end])
        c = d if comp.counted_is_direct else sorted(counted[start:end])
        bit = len(comp.finest_keys)
        key = CellKey(cn_code, route, country, year)
        comp.finest_keys.append(key)
        org_bits = 0
        for org in production:
            org_bits |= 1 << org
        comp.finest_orgs.append(org_bits)
        comp.exact[len(comp.keys)] = (production, emissions)
        finest_of[(cn_code, country, year)] = len(comp.keys)
        largest = max(production.values())
        top = sum(heapq.nlargest(n, emissions.values()))
        _append(
            comp,
            key,
            mask=1 << bit,
            direct=d,
            indirect=i,
            counted=c,
            sums=(sum(d), sum(i), sum(d) if c is d else sum(c)),
            verified=verified[start:end].count(True),
            footprints=end - start,
            org_bits=org_bits,
            totals=(sum(production.values()), sum(emissions.values())),
            largest=(largest, largest),
            top=(top, top),
            contributions=sorted(contributions[start:end]),
        )
        _decide(comp, len(comp.keys) - 1, settings)
        start = end

    # Coarser cells, children before parents: a cell of all years merges its years; a cell of
    # all countries (one year) its countries; a cell of one country and year its CN children.
    children: dict[tuple[str, str, int], list[tuple[str, str, int]]] = {}
    for cn_code, country, year in list(finest_of):
        for length in (4, 6, 8):
            code = cn_code[:length]
            for place in (country, ALL_COUNTRIES):
                for when in (year, ALL_YEARS):
                    coarser = (code, place, when)
                    if coarser not in finest_of and coarser not in children:
                        children[coarser] = []
    every = set(finest_of) | set(children)
    for cn_code, country, year in every:
        if year != ALL_YEARS:
            children[(cn_code, country, ALL_YEARS)].append((cn_code, country, year))
            if country != ALL_COUNTRIES:
                children[(cn_code, ALL_COUNTRIES, year)].append((cn_code, country, year))
                if len(cn_code) > 4:
                    children[(cn_code[:-2], country, year)].append((cn_code, country, year))

    def level(cell: tuple[str, str, int]) -> tuple[int, int, int, str, str, int]:
        cn_code, country, year = cell
        return (year == ALL_YEARS, country == ALL_COUNTRIES, -len(cn_code), *cell)

    built = dict(finest_of)
    for cell in sorted(children, key=level):
        parts = [built[child] for child in sorted(children[cell])]
        built[cell] = len(comp.keys)
        _append_merged(comp, CellKey(cell[0], route, cell[1], cell[2]), parts)
        comp.parts[built[cell]] = parts
        _decide(comp, built[cell], settings)
    return comp


def _append(
    comp: _Component,
    key: CellKey,
    *,
    mask: int,
    direct: list[int],
    indirect: list[int],
    counted: list[int],
    sums: tuple[int, int, int],
    verified: int,
    footprints: int,
    org_bits: int,
    totals: tuple[int, int],
    largest: tuple[int, int],
    top: tuple[int, int],
    contributions: list[int],
) -> None:
    comp.index[key] = len(comp.keys)
    comp.keys.append(key)
    comp.mask.append(mask)
    comp.direct.append(direct)
    comp.indirect.append(indirect)
    comp.counted.append(counted)
    comp.sums.append(sums)
    comp.verified.append(verified)
    comp.footprints.append(footprints)
    comp.org_bits.append(org_bits)
    comp.contributors.append(org_bits.bit_count())
    comp.totals.append(totals)
    comp.largest.append(largest)
    comp.top.append(top)
    comp.reasons.append(None)
    comp.contributions.append(contributions)
    comp.parts.append([])


def _merged(runs: Iterable[list[int]]) -> list[int]:
    merged: list[int] = []
    for run in runs:
        merged += run
    merged.sort()  # Timsort finds the sorted runs and merges them
    return merged


def _append_merged(comp: _Component, key: CellKey, parts: list[int]) -> None:
    if len(parts) == 1:
        (only,) = parts
        _append(
            comp,
            key,
            mask=comp.mask[only],
            direct=comp.direct[only],
            indirect=comp.indirect[only],
            counted=comp.counted[only],
            sums=comp.sums[only],
            verified=comp.verified[only],
            footprints=comp.footprints[only],
            org_bits=comp.org_bits[only],
            totals=comp.totals[only],
            largest=comp.largest[only],
            top=comp.top[only],
            contributions=comp.contributions[only],
        )
        return
    mask = org_bits = 0
    for part in parts:
        mask |= comp.mask[part]
        org_bits |= comp.org_bits[part]
    production = sum(comp.totals[p][0] for p in parts)
    emissions = sum(comp.totals[p][1] for p in parts)
    contributions = _merged(comp.contributions[p] for p in parts)
    direct = _merged(comp.direct[p] for p in parts)
    sums = [comp.sums[p] for p in parts]
    _append(
        comp,
        key,
        mask=mask,
        direct=direct,
        indirect=_merged(comp.indirect[p] for p in parts),
        counted=direct if comp.counted_is_direct else _merged(comp.counted[p] for p in parts),
        sums=(sum(s[0] for s in sums), sum(s[1] for s in sums), sum(s[2] for s in sums)),
        verified=sum(comp.verified[p] for p in parts),
        footprints=sum(comp.footprints[p] for p in parts),
        org_bits=org_bits,
        totals=(production, emissions),
        largest=(
            max(comp.largest[p][0] for p in parts),
            min(production, sum(comp.largest[p][1] for p in parts)),
        ),
        top=(
            max(comp.top[p][0] for p in parts),
            min(emissions, sum(comp.top[p][1] for p in parts)),
        ),
        contributions=contributions,
    )


# ------------------------------------------------------------------------------- the rules


def _exact(comp: _Component, cell: int, n: int) -> None:
    """Sum the cell's organisations exactly: tight bounds. From its children when they are
    all summed already (every finest cell is), else from its finest cells."""
    parts = comp.parts[cell]
    if not all(p in comp.exact for p in parts):
        parts = [comp.index[comp.finest_keys[f]] for f in _bits(comp.mask[cell])]
    biggest = max(parts, key=lambda p: len(comp.exact[p][0]))
    production = dict(comp.exact[biggest][0])
    emissions = dict(comp.exact[biggest][1])
    for part in parts:
        if part == biggest:
            continue
        part_production, part_emissions = comp.exact[part]
        for org, value in part_production.items():
            production[org] = production.get(org, 0) + value
        for org, value in part_emissions.items():
            emissions[org] = emissions.get(org, 0) + value
    comp.exact[cell] = (production, emissions)
    largest = max(production.values())
    top = sum(heapq.nlargest(n, emissions.values()))
    comp.largest[cell] = (largest, largest)
    comp.top[cell] = (top, top)


def _above(part: int, total: int, pct: Decimal) -> bool:
    """part > pct % of total, exactly: part × 100 × den > num × total."""
    numerator, denominator = pct.as_integer_ratio()
    return part * 100 * denominator > numerator * total


def _decide(comp: _Component, cell: int, settings: DisclosureSettings) -> None:
    """The primary rules, in the order of the module docstring (the first that fails)."""
    if comp.contributors[cell] < settings.min_contributors:
        comp.reasons[cell] = Suppression.CONTRIBUTORS
        return
    production, emissions = comp.totals[cell]
    low, high = comp.largest[cell]
    if _above(high, production, settings.max_share_pct) and not _above(
        low, production, settings.max_share_pct
    ):
        _exact(comp, cell, settings.dominance_n)
    if _above(comp.largest[cell][0], production, settings.max_share_pct):
        comp.reasons[cell] = Suppression.SHARE
        return
    low, high = comp.top[cell]
    if _above(high, emissions, settings.dominance_pct) and not _above(
        low, emissions, settings.dominance_pct
    ):
        _exact(comp, cell, settings.dominance_n)
    if _above(comp.top[cell][0], emissions, settings.dominance_pct):
        comp.reasons[cell] = Suppression.DOMINANCE


def _organisations_in(comp: _Component, finest_bits: int) -> int:
    orgs = 0
    while finest_bits:
        low = finest_bits & -finest_bits
        orgs |= comp.finest_orgs[low.bit_length() - 1]
        finest_bits ^= low
    return orgs.bit_count()


def _descendants(comp: _Component) -> list[list[list[int]]]:
    """Per cell, its strict descendants along each dimension (CN, country, year)."""
    by_place: dict[tuple[str, int], list[int]] = {}
    by_code_year: dict[tuple[str, int], list[int]] = {}
    by_code_country: dict[tuple[str, str], list[int]] = {}
    for i, key in enumerate(comp.keys):
        by_place.setdefault((key.country, key.year), []).append(i)
        if key.country != ALL_COUNTRIES:
            by_code_year.setdefault((key.cn_code, key.year), []).append(i)
        if key.year != ALL_YEARS:
            by_code_country.setdefault((key.cn_code, key.country), []).append(i)
    result = []
    for key in comp.keys:
        dims = []
        if len(key.cn_code) < 8:
            dims.append(
                [
                    j
                    for j in by_place[(key.country, key.year)]
                    if len(comp.keys[j].cn_code) > len(key.cn_code)
                    and comp.keys[j].cn_code.startswith(key.cn_code)
                ]
            )
        if key.country == ALL_COUNTRIES:
            dims.append(by_code_year.get((key.cn_code, key.year), []))
        if key.year == ALL_YEARS:
            dims.append(by_code_country.get((key.cn_code, key.country), []))
        result.append(dims)
    return result


def _maximal(comp: _Component, cells: list[int]) -> list[int]:
    """The cells not under another of ``cells`` (only CN descendants nest: a CN 8 cell under
    a published CN 6 cell of the same country and year)."""
    codes = {comp.keys[c].cn_code for c in cells}
    return [
        c
        for c in cells
        if not any(
            comp.keys[c].cn_code[:length] in codes
            for length in (4, 6)
            if length < len(comp.keys[c].cn_code)
        )
    ]


def _no_differencing(
    comp: _Component,
    published: set[int],
    reasons: dict[int, Suppression],
    settings: DisclosureSettings,
    descendants: list[list[list[int]]],
) -> None:
    """The secondary rule of the module docstring, to a fixed point."""
    changed = True
    while changed:
        changed = False
        for parent in sorted(published, key=lambda c: comp.keys[c]):
            if parent not in published:
                continue
            for dimension in descendants[parent]:
                while True:
                    live = [c for c in dimension if c in published]
                    if not live:
                        break
                    covered = 0
                    for c in live:
                        covered |= comp.mask[c]
                    residue = comp.mask[parent] & ~covered
                    if not residue or _organisations_in(comp, residue) >= (
                        settings.min_contributors
                    ):
                        break
                    victim = min(
                        _maximal(comp, live), key=lambda c: (comp.contributors[c], comp.keys[c])
                    )
                    published.discard(victim)
                    reasons[victim] = Suppression.DIFFERENCING
                    changed = True


# ------------------------------------------------------------------------- the exact audit


def _bits(value: int) -> list[int]:
    out = []
    while value:
        low = value & -value
        out.append(low.bit_length() - 1)
        value ^= low
    return out


def _leaks(rows: Iterable[int], single: Mapping[int, int]) -> dict[int, dict[int, Fraction]]:
    """Organisations whose figures a combination of ``rows`` isolates.

    ``rows``: the published cells as sets of finest cells (bits); ``single``: finest cell ->
    the one organisation it holds (only such cells). Returns organisation -> a witness, a
    nonzero vector over its single-organisation finest cells lying in the span of ``rows``.
    """
    distinct = {r for r in rows if r}
    covered = 0
    for r in distinct:
        covered |= r
    if not any(covered >> f & 1 for f in single):
        return {}
    leaks: dict[int, dict[int, Fraction]] = {}
    # Peeling: a row reduced to one finest cell puts that cell in the span; subtract it
    # from every row (rows stay 0/1) and go on.
    while True:
        units = 0
        for r in distinct:
            if r & (r - 1) == 0:
                units |= r
        if not units:
            break
        for f in _bits(units):
            org = single.get(f)
            if org is not None and org not in leaks:
                leaks[org] = {f: Fraction(1)}
        distinct = {r & ~units for r in distinct if r & ~units}
    covered = 0
    for r in distinct:
        covered |= r
    remaining: dict[int, list[int]] = {}
    for f, org in single.items():
        if covered >> f & 1 and org not in leaks:
            remaining.setdefault(org, []).append(f)
    if not remaining:
        return leaks
    # The rest exactly: reduced row echelon form over the rationals, then for each
    # organisation whether a vector on its cells is orthogonal to the whole null space.
    pivots: dict[int, dict[int, Fraction]] = {}
    for r in sorted(distinct):
        row: dict[int, Fraction] = dict.fromkeys(_bits(r), Fraction(1))
        for col, pivot_row in pivots.items():
            factor = row.get(col)
            if factor:
                for k, x in pivot_row.items():
                    value = row.get(k, 0) - factor * x
                    if value:
                        row[k] = value
                    else:
                        row.pop(k, None)
        if not row:
            continue
        col = min(row)
        scale = row[col]
        row = {k: x / scale for k, x in row.items()}
        for other in pivots.values():
            factor = other.get(col)
            if factor:
                for k, x in row.items():
                    value = other.get(k, 0) - factor * x
                    if value:
                        other[k] = value
                    else:
                        other.pop(k, None)
        pivots[col] = row
    free = [f for f in _bits(covered) if f not in pivots]
    for org, cells in sorted(remaining.items()):
        # Null vector n_j (j free): n_j[j] = 1, n_j[pivot col p] = -R[p][j].
        null_rows: list[dict[int, Fraction]] = []
        for j in free:
            entries = {}
            for s in cells:
                if s == j:
                    entries[s] = Fraction(1)
                elif s in pivots and pivots[s].get(j):
                    entries[s] = -pivots[s][j]
            if entries:
                null_rows.append(entries)
        witness = _kernel_vector(null_rows, cells)
        if witness is not None:
            leaks[org] = witness
    return leaks


def _kernel_vector(rows: list[dict[int, Fraction]], cols: list[int]) -> dict[int, Fraction] | None:
    """A nonzero v over ``cols`` with row·v = 0 for every row, or None (exact)."""
    pivots: dict[int, dict[int, Fraction]] = {}
    for source in rows:
        row = dict(source)
        for col, pivot_row in pivots.items():
            factor = row.get(col)
            if factor:
                for k, x in pivot_row.items():
                    value = row.get(k, 0) - factor * x
                    if value:
                        row[k] = value
                    else:
                        row.pop(k, None)
        if not row:
            continue
        col = min(row)
        scale = row[col]
        row = {k: x / scale for k, x in row.items()}
        for other in pivots.values():
            factor = other.get(col)
            if factor:
                for k, x in row.items():
                    value = other.get(k, 0) - factor * x
                    if value:
                        other[k] = value
                    else:
                        other.pop(k, None)
        pivots[col] = row
    free = [c for c in cols if c not in pivots]
    if not free:
        return None
    j = free[0]
    vector = {j: Fraction(1)}
    for col, row in pivots.items():
        if row.get(j):
            vector[col] = -row[j]
    return vector


def _single_organisation_cells(comp: _Component) -> dict[int, int]:
    return {
        f: orgs.bit_length() - 1
        for f, orgs in enumerate(comp.finest_orgs)
        if orgs & (orgs - 1) == 0
    }


def _audit(
    comp: _Component,
    published: set[int],
    reasons: dict[int, Suppression],
    settings: DisclosureSettings,
    descendants: list[list[list[int]]],
) -> None:
    """Secondary rule and exact audit alternately, until the audit finds nothing."""
    single = _single_organisation_cells(comp)
    while True:
        _no_differencing(comp, published, reasons, settings, descendants)
        if not single:
            return
        leaks = _leaks((comp.mask[c] for c in published), single)
        if not leaks:
            return
        org = min(leaks, key=lambda o: comp.organisations[o])
        support = 0
        for f in leaks[org]:
            support |= 1 << f
        victim = min(
            (c for c in published if comp.mask[c] & support),
            key=lambda c: (comp.contributors[c], comp.footprints[c], comp.keys[c]),
        )
        published.discard(victim)
        reasons[victim] = Suppression.DIFFERENCING


# --------------------------------------------------------------------------- entry points


def _results(
    groups: dict[Finest, list[Observation]], settings: DisclosureSettings, *, secondary: bool
) -> dict[CellKey, CellResult]:
    if not groups:
        return {}
    comp = _build(groups, settings)
    reasons: dict[int, Suppression] = {}
    published: set[int] = set()
    for cell, reason in enumerate(comp.reasons):
        if reason is None:
            published.add(cell)
        else:
            reasons[cell] = reason
    if secondary:
        _audit(comp, published, reasons, settings, _descendants(comp))
    results: dict[CellKey, CellResult] = {}
    scale = comp.scale
    for cell in sorted(range(len(comp.keys)), key=lambda c: comp.keys[c]):
        key = comp.keys[cell]
        statistics = None
        if cell in published:
            d_sum, i_sum, c_sum = comp.sums[cell]
            footprints = comp.footprints[cell]
            direct = distribution_of(comp.direct[cell], d_sum, scale)
            statistics = CellStatistics(
                contributors=comp.contributors[cell],
                footprints=footprints,
                direct=direct,
                indirect=distribution_of(comp.indirect[cell], i_sum, scale),
                counted=(
                    direct
                    if comp.counted_is_direct
                    else distribution_of(comp.counted[cell], c_sum, scale)
                ),
                verified_share_pct=verified_share(comp.verified[cell], footprints),
            )
        results[key] = CellResult(
            key,
            statistics,
            reasons.get(cell),
            tuple(map(comp.ids.__getitem__, comp.contributions[cell])),
        )
    return results


def component_statistics(
    observations: Iterable[Observation], settings: DisclosureSettings
) -> dict[CellKey, CellResult]:
    """Every non-empty cell of one component (CN heading, route) under disclosure control.

    ``observations`` must all lie in one component (``ObservationInvalid`` otherwise); the
    services call it for the component a contribution touches. ``settings`` are checked.
    """
    return _results(_finest_groups(observations), settings.checked(), secondary=True)


def pool_statistics(
    observations: Iterable[Observation], settings: DisclosureSettings
) -> dict[CellKey, CellResult]:
    """Every non-empty cell of a pool under disclosure control: ``component_statistics`` of
    each component (no cell and no disclosure decision spans two components)."""
    settings = settings.checked()
    results: dict[CellKey, CellResult] = {}
    for groups in _components(observations).values():
        results.update(_results(groups, settings, secondary=True))
    return results


def primary_statistics(
    observations: Iterable[Observation], settings: DisclosureSettings
) -> dict[CellKey, CellResult]:
    """The primary rules only, no protection against differencing: **never publish this**.
    It exists to show what the secondary rule and the audit prevent (tests, explanations)."""
    settings = settings.checked()
    results: dict[CellKey, CellResult] = {}
    for groups in _components(observations).values():
        results.update(_results(groups, settings, secondary=False))
    return results


def _components(
    observations: Iterable[Observation],
) -> dict[tuple[str, str], dict[Finest, list[Observation]]]:
    """The observations by component, each by finest cell (one pass)."""
    components: dict[tuple[str, str], dict[Finest, list[Observation]]] = {}
    for key, group in _finest_groups(observations).items():
        components.setdefault((key[0][:4], key[1]), {})[key] = group
    return components


def _by_component(observations: Iterable[Observation]) -> dict[tuple[str, str], list[Observation]]:
    groups: dict[tuple[str, str], list[Observation]] = {}
    for o in observations:
        key = (o.cn_code[:4], o.route)
        group = groups.get(key)
        if group is None:
            groups[key] = [o]
        else:
            group.append(o)
    return groups


def _contains(cell: CellKey, finest: CellKey) -> bool:
    return (
        finest.cn_code.startswith(cell.cn_code)
        and cell.route == finest.route
        and cell.country in (ALL_COUNTRIES, finest.country)
        and cell.year in (ALL_YEARS, finest.year)
    )


def recoverable_organisations(
    results: Mapping[CellKey, CellResult], observations: Iterable[Observation]
) -> dict[str, Recovery]:
    """The exact audit of a published outcome: organisation -> how its figures are recovered
    from the published cells of ``results`` (empty: no organisation's figures can be isolated
    by any linear combination of published sums). Independent of how ``results`` was made."""
    recoveries: dict[str, Recovery] = {}
    for (heading, route), group in sorted(_by_component(observations).items()):
        finest_orgs: dict[CellKey, set[str]] = {}
        for o in group:
            finest_orgs.setdefault(o.finest, set()).add(o.organisation)
        finest = sorted(finest_orgs)
        organisations = sorted({o.organisation for o in group})
        org_index = {org: i for i, org in enumerate(organisations)}
        single = {
            f: org_index[next(iter(orgs))]
            for f, orgs in enumerate(finest_orgs[k] for k in finest)
            if len(orgs) == 1
        }
        rows = []
        for key, result in results.items():
            if not result.published or key.component != (heading, route):
                continue
            mask = 0
            for f, fine in enumerate(finest):
                if _contains(key, fine):
                    mask |= 1 << f
            rows.append(mask)
        for org, witness in _leaks(rows, single).items():
            cells = sorted(witness)
            recoveries[organisations[org]] = Recovery(
                organisations[org],
                tuple(finest[f] for f in cells),
                tuple(witness[f] for f in cells),
            )
    return dict(sorted(recoveries.items()))
