"""Cells and exact statistics of the pools (issue 16): type-7 percentiles, half-even
quantisation to 0.00001, verified share to 0.1 %; the merged pool figures equal the plain
per-cell ones."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from exchange.pools.calculations.cells import ALL_COUNTRIES, ALL_YEARS, CellKey, cells_of
from exchange.pools.calculations.disclosure import DisclosureSettings, pool_statistics
from exchange.pools.calculations.errors import ObservationInvalid
from exchange.pools.calculations.statistics import Distribution, cell_statistics
from tests.exchange.pools.builders import obs, orgs

D = Decimal


def test_cell_keys_read_and_write_their_text():
    key = CellKey("7208", "C", "CN", 2026)
    every = CellKey("720839", "C", ALL_COUNTRIES, ALL_YEARS)

    assert key.text == "7208|C|CN|2026"
    assert every.text == "720839|C|*|all"
    assert CellKey.parse("7208|C|CN|2026") == key
    assert CellKey.parse("720839|C|*|all") == every
    assert CellKey.parse("76011000||*|2027") == CellKey("76011000", "", "*", 2027)
    assert key.component == every.component == ("7208", "C")


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("7208|C|CN", "4 parts"),
        ("72083|C|CN|2026", "CN code"),
        ("7208|c|CN|2026", "route"),
        ("7208|C|China|2026", "country"),
        ("7208|C|CN|26", "year"),
    ],
)
def test_a_bad_cell_text_is_refused_naming_the_part(text, part):
    with pytest.raises(ValueError, match=part):
        CellKey.parse(text)


def test_an_observation_lies_in_twelve_cells():
    cells = cells_of(obs("a", cn="72083900", country="IN", year=2027))

    assert [c.text for c in cells] == [
        "7208|C|*|all",
        "7208|C|*|2027",
        "7208|C|IN|all",
        "7208|C|IN|2027",
        "720839|C|*|all",
        "720839|C|*|2027",
        "720839|C|IN|all",
        "720839|C|IN|2027",
        "72083900|C|*|all",
        "72083900|C|*|2027",
        "72083900|C|IN|all",
        "72083900|C|IN|2027",
    ]


def test_see_counted_adds_indirect_only_where_it_counts():
    assert obs("a", direct="1.5", indirect="0.25", counts=True).see_counted == D("1.75")
    assert obs("a", direct="1.5", indirect="0.25", counts=False).see_counted == D("1.5")


def test_percentiles_interpolate_between_closest_ranks_like_percentile_inc():
    # Excel PERCENTILE.INC({1;2;3;4;10}; p): 1.4, 2, 3, 4, 7.6; mean 4.
    values = ["1.00000", "2.00000", "3.00000", "4.00000", "10.00000"]
    stats = cell_statistics(
        [obs(f"o{k}", direct=v, indirect="0", verified=k < 3) for k, v in enumerate(values)]
    )

    assert stats.direct == Distribution(
        mean=D("4.00000"),
        p10=D("1.40000"),
        p25=D("2.00000"),
        median=D("3.00000"),
        p75=D("4.00000"),
        p90=D("7.60000"),
    )
    assert stats.contributors == 5
    assert stats.footprints == 5
    assert stats.verified_share_pct == D("60.0")


def test_every_figure_is_quantised_once_half_even():
    # {0.00001, 0.00002}: P10 0.000011, P25 0.0000125, median and mean 0.000015 (tie: to
    # even, 0.00002), P75 0.0000175, P90 0.000019.
    low = cell_statistics([obs("a", direct="0.00001"), obs("b", direct="0.00002")])
    # {0.00002, 0.00003}: median 0.000025, a tie that goes down to the even 0.00002.
    high = cell_statistics([obs("a", direct="0.00002"), obs("b", direct="0.00003")])

    assert low.direct == Distribution(
        D("0.00002"), D("0.00001"), D("0.00001"), D("0.00002"), D("0.00002"), D("0.00002")
    )
    assert high.direct.median == D("0.00002")
    assert high.direct.mean == D("0.00002")
    assert high.direct.p90 == D("0.00003")  # 0.000029


def test_counted_includes_indirect_where_it_counts_and_a_value_with_more_decimals_is_exact():
    stats = cell_statistics(
        [
            obs("a", direct="1.10000", indirect="0.200004", counts=True),
            obs("b", direct="1.30000", indirect="0.400006", counts=True),
            obs("c", direct="1.20000", indirect="0.30000", counts=True),
        ]
    )

    # counted: 1.300004, 1.5, 1.700006 (sorted)
    assert stats.indirect.mean == D("0.30000")  # 0.900010 / 3 = 0.3000033
    assert stats.counted == Distribution(
        mean=D("1.50000"),  # 4.500010 / 3 = 1.5000033
        p10=D("1.34000"),  # 1.300004 + 0.2 × 0.199996 = 1.3400032
        p25=D("1.40000"),  # 1.400002
        median=D("1.50000"),
        p75=D("1.60000"),  # 1.5 + 0.5 × 0.200006 = 1.600003
        p90=D("1.66000"),  # 1.5 + 0.8 × 0.200006 = 1.6600048
    )
    # Six decimals are kept exactly until the one rounding: 0.000025 is a tie (to even).
    assert cell_statistics([obs("a", direct="0.000025")]).direct.median == D("0.00002")
    assert cell_statistics([obs("a", direct="0.000035")]).direct.median == D("0.00004")


def test_verified_share_rounds_to_a_tenth_of_a_percent_half_even():
    two_of_three = [obs("a"), obs("b"), obs("c", verified=False)]
    one_of_sixteen = [obs(f"o{k}", verified=k == 0) for k in range(16)]

    assert cell_statistics(two_of_three).verified_share_pct == D("66.7")
    assert cell_statistics(one_of_sixteen).verified_share_pct == D("6.2")  # 6.25: to even


def test_a_non_finite_value_is_refused_naming_the_field():
    with pytest.raises(ObservationInvalid) as caught:
        cell_statistics([obs("a", direct="NaN")])

    assert caught.value.field == "see_direct"


def test_a_hand_made_pool_gives_exact_figures_in_every_cell():
    # Five organisations in 72083900, each with one footprint made in China and one in India
    # in 2026, equal production.
    five = orgs(5)
    china = ["1.90000", "2.10000", "2.30000", "1.70000", "2.50000"]
    india = ["3.00000", "2.80000", "2.60000", "2.40000", "2.20000"]
    pool = [
        obs(org, direct=direct, indirect="0.05000", verified=verified)
        for org, direct, verified in zip(five, china, [True, True, False, True, False], strict=True)
    ]
    pool += [obs(org, country="IN", direct=direct) for org, direct in zip(five, india, strict=True)]

    results = pool_statistics(pool, DisclosureSettings())

    assert all(r.published for r in results.values())
    assert len(results) == 3 * 3 * 2  # CN 4/6/8 × (CN, IN, *) × (2026, all)
    finest = results[CellKey("72083900", "C", "CN", 2026)].statistics
    assert finest is not None
    assert finest.contributors == 5
    assert finest.footprints == 5
    # sorted 1.7 1.9 2.1 2.3 2.5: P10 = 1.7 + 0.4 × 0.2, P90 = 2.3 + 0.6 × 0.2
    assert finest.direct == Distribution(
        D("2.10000"), D("1.78000"), D("1.90000"), D("2.10000"), D("2.30000"), D("2.42000")
    )
    assert finest.counted == finest.direct  # indirect does not count for steel
    assert finest.indirect.median == D("0.05000")
    assert finest.verified_share_pct == D("60.0")
    top = results[CellKey("7208", "C", "*", 0)]
    assert top.statistics is not None
    assert top.statistics.footprints == 10
    assert top.statistics.contributors == 5
    # sorted 1.7 1.9 2.1 2.2 2.3 2.4 2.5 2.6 2.8 3.0 (h = 9p): mean 23.5 / 10,
    # P10 1.7 + 0.9 × 0.2, P25 2.1 + 0.25 × 0.1, median 2.3 + 0.5 × 0.1, P75 2.5 + 0.75 × 0.1,
    # P90 2.8 + 0.1 × 0.2
    assert top.statistics.direct == Distribution(
        D("2.35000"), D("1.88000"), D("2.12500"), D("2.35000"), D("2.57500"), D("2.82000")
    )
    assert top.statistics.indirect.mean == D("0.07500")  # 5 × 0.05 + 5 × 0.1
    assert top.statistics.verified_share_pct == D("80.0")
    assert top.contributions == tuple(sorted(o.contribution for o in pool))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_merged_pool_figures_equal_each_cells_plain_figures(seed):
    rng = random.Random(seed)
    pool = [
        obs(
            f"o{rng.randrange(25)}",
            cn=rng.choice(["72083900", "72085120", "72085191", "72091500"]),
            country=rng.choice(["CN", "IN", "VN"]),
            year=rng.choice([2026, 2027]),
            activity=str(rng.randint(1, 5000)),
            direct=f"{rng.randint(50000, 350000) / 100000:.5f}",
            indirect=f"{rng.randint(0, 40000) / 100000:.5f}",
            counts=True,
            verified=rng.random() < 0.6,
        )
        for _ in range(300)
    ]
    settings = DisclosureSettings(
        min_contributors=3, max_share_pct=D("100"), dominance_n=1, dominance_pct=D("100")
    )

    results = pool_statistics(pool, settings)

    members: dict[CellKey, list] = {}
    for o in pool:
        for key in cells_of(o):
            members.setdefault(key, []).append(o)
    assert set(results) == set(members)
    compared = 0
    for key, result in results.items():
        assert result.contributions == tuple(sorted(o.contribution for o in members[key]))
        if result.statistics is not None:
            assert result.statistics == cell_statistics(members[key])
            compared += 1
    assert compared > 50
