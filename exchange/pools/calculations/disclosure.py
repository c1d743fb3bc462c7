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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

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
ACTIVITY_PLACES = 10  # the footprint's activity level is stored with 10 decimals
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
    """One component's cells, indexed 0..n-1 in build order (children before parents)."""

    __slots__ = (
        "contributions",
        "contributors",
        "counted",
        "direct",
        "emissions",
        "finest_keys",
        "finest_orgs",
        "footprints",
        "index",
        "indirect",
        "keys",
        "mask",
        "organisations",
        "production",
        "route",
        "scale",
        "sums",
        "verified",
    )

    def __init__(self) -> None:
        self.keys: list[CellKey] = []
        self.index: dict[CellKey, int] = {}
        self.mask: list[int] = []  # finest cells of each cell, as bits
        self.finest_keys: list[CellKey] = []
        self.finest_orgs: list[int] = []  # organisations of each finest cell, as bits
        self.organisations: list[str] = []
        self.direct: list[list[int]] = []
        self.indirect: list[list[int]] = []
        self.counted: list[list[int]] = []
        self.sums: list[tuple[int, int, int]] = []
        self.verified: list[int] = []
        self.footprints: list[int] = []
        self.contributors: list[int] = []
        self.production: list[dict[int, int]] = []  # organisation -> activity units
        self.emissions: list[dict[int, int]] = []  # organisation -> activity × counted units
        self.contributions: list[list[str]] = []
        self.scale = SEE_PLACES
        self.route = ""


def _finest_groups(
    observations: Sequence[Observation],
) -> dict[tuple[str, str, str, int], list[Observation]]:
    groups: dict[tuple[str, str, str, int], list[Observation]] = {}
    for o in observations:
        key = (o.cn_code, o.route, o.country, o.year)
        group = groups.get(key)
        if group is None:
            groups[key] = [o]
        else:
            group.append(o)
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
    return groups


def _build(observations: Sequence[Observation]) -> _Component:
    comp = _Component()
    groups = _finest_groups(observations)
    ordered_keys = sorted(groups)
    ordered = [o for key in ordered_keys for o in groups[key]]
    contributions = [o.contribution for o in ordered]
    if len(set(contributions)) != len(contributions):
        raise ObservationInvalid("contribution", "a contribution is counted once per pool")
    direct, d_scale = units_of([o.see_direct for o in ordered], "see_direct", SEE_PLACES)
    indirect, i_scale = units_of([o.see_indirect for o in ordered], "see_indirect", SEE_PLACES)
    scale = max(d_scale, i_scale)
    if d_scale != scale:
        direct = [v * 10 ** (scale - d_scale) for v in direct]
    if i_scale != scale:
        indirect = [v * 10 ** (scale - i_scale) for v in indirect]
    activity, _ = units_of([o.activity_t for o in ordered], "activity_t", ACTIVITY_PLACES)
    counted = [
        d + i if o.indirect_counts else d for d, i, o in zip(direct, indirect, ordered, strict=True)
    ]
    org_index: dict[str, int] = {}
    orgs = [org_index.setdefault(o.organisation, len(org_index)) for o in ordered]
    comp.organisations = list(org_index)
    comp.scale = scale
    comp.route = ordered_keys[0][1]
    route = comp.route

    # Finest cells first: each sorted once.
    start = 0
    finest_of: dict[tuple[str, str, int], int] = {}
    for cn_code, _route, country, year in ordered_keys:
        end = start + len(groups[(cn_code, _route, country, year)])
        key = CellKey(cn_code, route, country, year)
        production: dict[int, int] = {}
        emissions: dict[int, int] = {}
        for org, act, see in zip(
            orgs[start:end], activity[start:end], counted[start:end], strict=True
        ):
            production[org] = production.get(org, 0) + act
            emissions[org] = emissions.get(org, 0) + act * see
        d = sorted(direct[start:end])
        i = sorted(indirect[start:end])
        c_sorted = sorted(counted[start:end])
        bit = len(comp.finest_keys)
        comp.finest_keys.append(key)
        org_bits = 0
        for org in production:
            org_bits |= 1 << org
        comp.finest_orgs.append(org_bits)
        finest_of[(cn_code, country, year)] = len(comp.keys)
        _append(
            comp,
            key,
            1 << bit,
            d,
            i,
            c_sorted,
            (sum(d), sum(i), sum(c_sorted)),
            sum(1 for o in ordered[start:end] if o.verified),
            end - start,
            production,
            emissions,
            sorted(contributions[start:end]),
        )
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
    return comp


def _append(
    comp: _Component,
    key: CellKey,
    mask: int,
    direct: list[int],
    indirect: list[int],
    counted: list[int],
    sums: tuple[int, int, int],
    verified: int,
    footprints: int,
    production: dict[int, int],
    emissions: dict[int, int],
    contributions: list[str],
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
    comp.contributors.append(len(production))
    comp.production.append(production)
    comp.emissions.append(emissions)
    comp.contributions.append(contributions)


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
            comp.mask[only],
            comp.direct[only],
            comp.indirect[only],
            comp.counted[only],
            comp.sums[only],
            comp.verified[only],
            comp.footprints[only],
            comp.production[only],
            comp.emissions[only],
            comp.contributions[only],
        )
        return
    biggest = max(parts, key=lambda p: len(comp.production[p]))
    production = dict(comp.production[biggest])
    emissions = dict(comp.emissions[biggest])
    for part in parts:
        if part == biggest:
            continue
        for org, value in comp.production[part].items():
            production[org] = production.get(org, 0) + value
        for org, value in comp.emissions[part].items():
            emissions[org] = emissions.get(org, 0) + value
    mask = 0
    for part in parts:
        mask |= comp.mask[part]
    sums = [comp.sums[p] for p in parts]
    contributions: list[str] = []
    for part in parts:
        contributions += comp.contributions[part]
    contributions.sort()
    _append(
        comp,
        key,
        mask,
        _merged(comp.direct[p] for p in parts),
        _merged(comp.indirect[p] for p in parts),
        _merged(comp.counted[p] for p in parts),
        (sum(s[0] for s in sums), sum(s[1] for s in sums), sum(s[2] for s in sums)),
        sum(comp.verified[p] for p in parts),
        sum(comp.footprints[p] for p in parts),
        production,
        emissions,
        contributions,
    )


# ------------------------------------------------------------------------------- the rules


def _primary(comp: _Component, cell: int, settings: DisclosureSettings) -> Suppression | None:
    """The primary rules, in the order of the module docstring (the first that fails)."""
    if comp.contributors[cell] < settings.min_contributors:
        return Suppression.CONTRIBUTORS
    production = comp.production[cell]
    total = sum(production.values())
    share_num, share_den = settings.max_share_pct.as_integer_ratio()
    # largest × 100 > pct × total, in integers: largest × 100 × den > num × total
    if max(production.values()) * 100 * share_den > share_num * total:
        return Suppression.SHARE
    emissions = comp.emissions[cell]
    total_emissions = sum(emissions.values())
    top = sum(heapq.nlargest(settings.dominance_n, emissions.values()))
    dom_num, dom_den = settings.dominance_pct.as_integer_ratio()
    if top * 100 * dom_den > dom_num * total_emissions:
        return Suppression.DOMINANCE
    return None


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
    observations: Sequence[Observation], settings: DisclosureSettings, *, secondary: bool
) -> dict[CellKey, CellResult]:
    if not observations:
        return {}
    comp = _build(observations)
    reasons: dict[int, Suppression] = {}
    published: set[int] = set()
    for cell in range(len(comp.keys)):
        reason = _primary(comp, cell, settings)
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
            statistics = CellStatistics(
                contributors=comp.contributors[cell],
                footprints=footprints,
                direct=distribution_of(comp.direct[cell], d_sum, scale),
                indirect=distribution_of(comp.indirect[cell], i_sum, scale),
                counted=distribution_of(comp.counted[cell], c_sum, scale),
                verified_share_pct=verified_share(comp.verified[cell], footprints),
            )
        results[key] = CellResult(
            key, statistics, reasons.get(cell), tuple(comp.contributions[cell])
        )
    return results


def component_statistics(
    observations: Iterable[Observation], settings: DisclosureSettings
) -> dict[CellKey, CellResult]:
    """Every non-empty cell of one component (CN heading, route) under disclosure control.

    ``observations`` must all lie in one component (``ObservationInvalid`` otherwise); the
    services call it for the component a contribution touches. ``settings`` are checked.
    """
    return _results(list(observations), settings.checked(), secondary=True)


def pool_statistics(
    observations: Iterable[Observation], settings: DisclosureSettings
) -> dict[CellKey, CellResult]:
    """Every non-empty cell of a pool under disclosure control: ``component_statistics`` of
    each component (no cell and no disclosure decision spans two components)."""
    settings = settings.checked()
    results: dict[CellKey, CellResult] = {}
    for group in _by_component(observations).values():
        results.update(_results(group, settings, secondary=True))
    return results


def primary_statistics(
    observations: Iterable[Observation], settings: DisclosureSettings
) -> dict[CellKey, CellResult]:
    """The primary rules only, no protection against differencing: **never publish this**.
    It exists to show what the secondary rule and the audit prevent (tests, explanations)."""
    settings = settings.checked()
    results: dict[CellKey, CellResult] = {}
    for group in _by_component(observations).values():
        results.update(_results(group, settings, secondary=False))
    return results


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
