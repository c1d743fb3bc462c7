"""No differencing (issue 16): no member's value can be recovered by subtracting published
cells, along CN 4 > 6 > 8, countries and years, or any mix of them.

Two independent checks, written here from the published cells' contributions only (not from
the module's finest-cell reasoning), run on generated pools:

(a) exact rational linear algebra (``fractions.Fraction``): every published cell's sum
    (mean × count) and count are public, i.e. the linear forms "sum over the cell's
    observations". Over observation coordinates, a vector in the span of the published rows
    that is supported on one organisation's observations only would isolate that organisation.
    Observations that no published cell tells apart (the same set of published cells) carry
    equal coefficients in every such vector, so they are grouped into one column; a group
    mixing organisations can then carry no coefficient. The span meets an organisation's own
    groups iff dropping those columns lowers the rank.
(b) brute force: every single, pair and triple of distinct published cells of a component
    with coefficients in {-1, +1}: the combination is never nonzero on one organisation's
    observations only.

Cells of different components share no observation, so a combination across components
isolates an organisation only if its part in one component already does; both checks work per
component. ``primary_statistics`` (no protection) on the same pools shows they do find leaks.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

import pytest

from exchange.pools.calculations.cells import ALL_COUNTRIES, ALL_YEARS, CellKey, Observation
from exchange.pools.calculations.disclosure import (
    CellResult,
    DisclosureSettings,
    Suppression,
    pool_statistics,
    primary_statistics,
    recoverable_organisations,
)
from tests.exchange.pools.builders import obs, orgs

D = Decimal
SETTINGS = DisclosureSettings()


# --------------------------------------------------------------------- independent checkers


def _published_sets(
    results: Mapping[CellKey, CellResult],
) -> dict[tuple[str, str], list[frozenset[str]]]:
    """Distinct published cells of each component, as sets of contribution ids."""
    by_component: dict[tuple[str, str], set[frozenset[str]]] = {}
    for key, result in results.items():
        if result.published:
            by_component.setdefault(key.component, set()).add(frozenset(result.contributions))
    return {k: sorted(v, key=sorted) for k, v in by_component.items()}


def _rank(rows: Sequence[Sequence[Fraction]]) -> int:
    """Rank over the rationals by Gaussian elimination (Fractions, exact)."""
    matrix = [list(row) for row in rows if any(row)]
    rank = 0
    columns = len(matrix[0]) if matrix else 0
    for col in range(columns):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][col] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        top = matrix[rank]
        for r in range(len(matrix)):
            if r != rank and matrix[r][col] != 0:
                factor = matrix[r][col] / top[col]
                matrix[r] = [x - factor * y for x, y in zip(matrix[r], top, strict=True)]
        rank += 1
    return rank


def rational_leaks(
    results: Mapping[CellKey, CellResult], observations: Sequence[Observation]
) -> set[str]:
    """(a): organisations some linear combination of published sums isolates."""
    organisation = {o.contribution: o.organisation for o in observations}
    leaking: set[str] = set()
    for cells in _published_sets(results).values():
        groups: dict[tuple[int, ...], set[str]] = {}
        for contribution in set().union(*cells):
            signature = tuple(i for i, cell in enumerate(cells) if contribution in cell)
            groups.setdefault(signature, set()).add(organisation[contribution])
        columns = sorted(groups)
        rows = [[Fraction(int(i in col)) for col in columns] for i in range(len(cells))]
        full = _rank(rows)
        for org in sorted(set().union(*groups.values())):
            own = [j for j, col in enumerate(columns) if groups[col] == {org}]
            if not own:
                continue
            rest = [[x for j, x in enumerate(row) if j not in own] for row in rows]
            if _rank(rest) < full:
                leaking.add(org)
    return leaking


def brute_force_leaks(
    results: Mapping[CellKey, CellResult], observations: Sequence[Observation]
) -> set[str]:
    """(b): organisations isolated by ±A, ±A±B or ±A±B±C of published cells A, B, C."""
    leaking: set[str] = set()
    for cells in _published_sets(results).values():
        ids = sorted(set().union(*cells))
        bit = {c: 1 << i for i, c in enumerate(ids)}
        owner = {}
        org_mask: dict[str, int] = {}
        for o in observations:
            if o.contribution in bit:
                owner[bit[o.contribution].bit_length() - 1] = o.organisation
                org_mask[o.organisation] = org_mask.get(o.organisation, 0) | bit[o.contribution]
        masks = [sum(bit[c] for c in cell) for cell in cells]

        supports: list[int] = list(masks)  # +A
        for a, b in itertools.combinations(masks, 2):
            supports += [a | b, a ^ b]  # +A +B, +A -B
        for a, b, c in itertools.combinations(masks, 3):
            regions = {  # membership (in A, in B, in C) -> observations
                (1, 1, 1): a & b & c,
                (1, 1, 0): a & b & ~c,
                (1, 0, 1): a & ~b & c,
                (0, 1, 1): ~a & b & c,
                (1, 0, 0): a & ~b & ~c,
                (0, 1, 0): ~a & b & ~c,
                (0, 0, 1): ~a & ~b & c,
            }
            for signs in ((1, 1, 1), (1, 1, -1), (1, -1, 1), (-1, 1, 1)):
                support = 0
                for member, region in regions.items():
                    if sum(s * m for s, m in zip(signs, member, strict=True)) != 0:
                        support |= region
                supports.append(support)
        for support in supports:
            if support:
                org = owner[(support & -support).bit_length() - 1]
                if support & ~org_mask[org] == 0:
                    leaking.add(org)
    return leaking


def assert_safe(results, observations):
    assert recoverable_organisations(results, observations) == {}
    assert rational_leaks(results, observations) == set()
    assert brute_force_leaks(results, observations) == set()


def _published(results) -> set[str]:
    return {k.text for k, r in results.items() if r.published}


def _suppressed(results, reason) -> set[str]:
    return {k.text for k, r in results.items() if r.suppression is reason}


# ------------------------------------------------------------------------------ unit cases


def test_cn6_minus_its_published_cn8_would_give_the_one_organisation_left():
    # 720851: 72085120 from five organisations, 72085191 from a sixth alone.
    pool = [obs(org, cn="72085120") for org in orgs(5)] + [obs("solo", cn="72085191")]

    naive = primary_statistics(pool, SETTINGS)
    results = pool_statistics(pool, SETTINGS)

    assert "72085120|C|CN|2026" in _published(naive)
    assert set(recoverable_organisations(naive, pool)) == {"solo"}
    assert rational_leaks(naive, pool) == brute_force_leaks(naive, pool) == {"solo"}
    assert _suppressed(results, Suppression.DIFFERENCING) == {
        "72085120|C|CN|2026",
        "72085120|C|CN|all",
        "72085120|C|*|2026",
        "72085120|C|*|all",
    }
    assert _published(results) == {
        f"{cn}|C|{country}|{year}"
        for cn in ("7208", "720851")
        for country in ("CN", "*")
        for year in ("2026", "all")
    }
    assert_safe(results, pool)


def test_all_countries_minus_one_country_would_give_the_other_countrys_organisation():
    pool = [obs(org) for org in orgs(5)] + [obs("indian", country="IN")]

    naive = primary_statistics(pool, SETTINGS)
    results = pool_statistics(pool, SETTINGS)

    assert set(recoverable_organisations(naive, pool)) == {"indian"}
    assert _suppressed(results, Suppression.DIFFERENCING) == {
        f"{cn}|C|CN|{year}" for cn in ("7208", "720839", "72083900") for year in ("2026", "all")
    }
    assert _published(results) == {
        f"{cn}|C|*|{year}" for cn in ("7208", "720839", "72083900") for year in ("2026", "all")
    }
    assert_safe(results, pool)


def test_all_years_minus_one_year_would_give_the_other_years_organisation():
    pool = [obs(org, year=2026) for org in orgs(5)] + [obs("late", year=2027)]

    naive = primary_statistics(pool, SETTINGS)
    results = pool_statistics(pool, SETTINGS)

    assert set(recoverable_organisations(naive, pool)) == {"late"}
    assert _suppressed(results, Suppression.DIFFERENCING) == {
        f"{cn}|C|{country}|2026" for cn in ("7208", "720839", "72083900") for country in ("CN", "*")
    }
    assert_safe(results, pool)


def test_one_organisation_left_over_by_two_published_children_suppresses_the_smaller_child():
    # 720851 from 11 organisations: 72085120 (five), 72085191 (five), 72085198 (one).
    first, second = orgs(5, "a"), orgs(5, "b")
    pool = [obs(org, cn="72085120") for org in first]
    pool += [obs(org, cn="72085191") for org in second]
    pool += [obs("eleventh", cn="72085198")]

    naive = primary_statistics(pool, SETTINGS)
    results = pool_statistics(pool, SETTINGS)

    assert set(recoverable_organisations(naive, pool)) == {"eleventh"}
    assert rational_leaks(naive, pool) == brute_force_leaks(naive, pool) == {"eleventh"}
    # Both children have five contributors: the tie goes to key order (72085120 first).
    assert results[CellKey("720851", "C", "CN", 2026)].statistics.contributors == 11
    assert results[CellKey("72085120", "C", "CN", 2026)].suppression is Suppression.DIFFERENCING
    assert results[CellKey("72085191", "C", "CN", 2026)].published
    assert results[CellKey("72085198", "C", "CN", 2026)].suppression is Suppression.CONTRIBUTORS
    assert_safe(results, pool)


def test_a_residue_of_enough_organisations_needs_no_suppression():
    # 720851: 72085120 from five, 72085191 from five others: the parent minus either child
    # is five organisations.
    pool = [obs(org, cn="72085120") for org in orgs(5, "a")]
    pool += [obs(org, cn="72085191") for org in orgs(5, "b")]

    results = pool_statistics(pool, SETTINGS)

    assert all(r.published for r in results.values())
    assert_safe(results, pool)


def test_the_audit_catches_what_no_single_dimension_shows():
    # 7208 CN 2026 holds 72085120 (five organisations) and 72083900 (a sixth alone); the
    # secondary rule sees it along CN. A naive outcome leaks through a mix of dimensions:
    # (7208, *, all) - (72085120, *, all) - (7208, IN, 2027) = the solo 72083900 China 2026.
    pool = [obs(org, cn="72085120") for org in orgs(5, "a")]
    pool += [obs(org, cn="72085120", country="IN", year=2027) for org in orgs(5, "b")]
    pool += [obs("solo", cn="72083900")]

    naive = primary_statistics(pool, SETTINGS)
    leak = recoverable_organisations(naive, pool)["solo"]

    assert leak.finest == (CellKey("72083900", "C", "CN", 2026),)
    assert leak.coefficients == (Fraction(1),)
    assert_safe(pool_statistics(pool, SETTINGS), pool)


# ------------------------------------------------------------------------- generated pools


def generated_pool(seed: int) -> list[Observation]:
    """30-60 organisations, CN 8 codes under two CN 4 headings (one with two CN 6), two or
    three countries, two years; organisations of uneven size and mostly one home country."""
    rng = random.Random(seed)
    codes = ["72083900", "72085120", "72085191", "72091500", "72091690"]
    countries = ["CN", "IN", "VN"][: rng.choice([2, 3])]
    pool = []
    for k in range(rng.randint(30, 60)):
        org = f"org{k:02d}"
        home = rng.choice(countries)
        for _ in range(rng.choice([1, 1, 2, 3, 5])):
            pool.append(
                obs(
                    org,
                    cn=rng.choice(codes),
                    country=home if rng.random() < 0.8 else rng.choice(countries),
                    year=rng.choice([2026, 2027]),
                    activity=str(rng.randint(50, 400)),
                    direct=f"{rng.randint(80000, 300000) / 100000:.5f}",
                )
            )
    return pool


@pytest.mark.parametrize("seed", [11, 12, 13, 14, 15])
def test_no_contributors_value_is_recoverable_from_a_generated_pool(seed):
    pool = generated_pool(seed)

    results = pool_statistics(pool, SETTINGS)

    # Not vacuous: a table to attack, and differencing the secondary rule had to stop.
    assert sum(r.published for r in results.values()) >= 25
    assert _suppressed(results, Suppression.DIFFERENCING)
    assert_safe(results, pool)


@pytest.mark.parametrize("seed", [12, 15])
def test_the_checks_do_fail_on_the_naive_outcome_of_a_generated_pool(seed):
    pool = generated_pool(seed)

    naive = primary_statistics(pool, SETTINGS)

    audit = set(recoverable_organisations(naive, pool))
    assert len(audit) == 2
    assert rational_leaks(naive, pool) == audit  # the two exact methods agree
    assert brute_force_leaks(naive, pool) <= audit  # ±1 pairs and triples find a part


def test_unpublished_cells_never_show_their_reason_in_the_statistics():
    pool = generated_pool(11)

    for result in pool_statistics(pool, SETTINGS).values():
        assert (result.statistics is None) == (result.suppression is not None)
        assert result.key.country == ALL_COUNTRIES or len(result.key.country) == 2
        assert result.key.year == ALL_YEARS or result.key.year in (2026, 2027)
