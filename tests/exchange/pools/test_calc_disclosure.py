"""Primary disclosure control at its edges (issue 16): 4 vs 5 contributors, one organisation
at 24.9 % vs 25.1 % of production, the (2, 85 %) dominance rule, and the settings' bounds."""

from __future__ import annotations

from decimal import Decimal

import pytest

from exchange.pools.calculations.cells import CellKey
from exchange.pools.calculations.disclosure import (
    MIN_CONTRIBUTORS_FLOOR,
    DisclosureSettings,
    Suppression,
    component_statistics,
    pool_statistics,
)
from exchange.pools.calculations.errors import ObservationInvalid, PoolSettingsInvalid
from tests.exchange.pools.builders import obs, orgs

D = Decimal
FINEST = CellKey("72083900", "C", "CN", 2026)


def _outcome(pool, settings=None):
    results = pool_statistics(pool, settings or DisclosureSettings())
    # One CN code, country and year: the 12 cells hold the same footprints.
    assert len(results) == 12
    assert len({(r.suppression, r.published) for r in results.values()}) == 1
    return results[FINEST]


def test_four_contributors_are_not_enough_and_five_are():
    four = _outcome([obs(org) for org in orgs(4)])
    five = _outcome([obs(org) for org in orgs(5)])

    assert four.statistics is None
    assert four.suppression is Suppression.CONTRIBUTORS
    assert five.statistics is not None
    assert five.statistics.contributors == 5
    assert five.suppression is None


def test_contributors_are_organisations_not_footprints():
    # Four organisations, one of them with three footprints: still four.
    pool = [obs(org, activity="50") for org in orgs(4)]
    pool += [obs("org01", activity="25"), obs("org01", activity="25")]

    result = _outcome(pool)

    assert result.suppression is Suppression.CONTRIBUTORS


@pytest.mark.parametrize(
    ("big", "published"),
    [("249", True), ("250", True), ("251", False)],
    ids=["24.9 %", "25.0 % (not above)", "25.1 %"],
)
def test_no_organisation_may_weigh_more_than_a_quarter_of_the_production(big, published):
    # Total 1,000 t: the big organisation `big`, five others sharing the rest equally.
    rest = (D(1000) - D(big)) / 5
    pool = [obs("big", activity=big)] + [obs(org, activity=str(rest)) for org in orgs(5)]

    result = _outcome(pool)

    assert result.published is published
    assert result.suppression is (None if published else Suppression.SHARE)


def test_share_counts_an_organisations_footprints_together():
    # org01 has two footprints of 130 t: 260 of 1,000 t = 26 %.
    pool = [obs("org01", activity="130"), obs("org01", activity="130")]
    pool += [obs(org, activity="148") for org in orgs(5)[1:]] + [obs("org06", activity="148")]

    assert _outcome(pool).suppression is Suppression.SHARE


@pytest.mark.parametrize(
    ("see", "published"),
    [("3.40000", True), ("3.40001", False)],
    ids=["85 % (not above)", "85.0001 %"],
)
def test_the_two_largest_may_not_hold_more_than_85_percent_of_the_emissions(see, published):
    # Six organisations of 100 t each (16.7 % of production: the share rule holds); two emit
    # 3.4 t/t (340 t each), four 0.3 t/t (30 t each): 680 / 800 = 85 % exactly.
    pool = [obs("a", direct=see), obs("b", direct=see)]
    pool += [obs(org, direct="0.30000") for org in orgs(4)]

    result = _outcome(pool)

    assert result.published is published
    assert result.suppression is (None if published else Suppression.DOMINANCE)


def test_dominance_weighs_counted_emissions_by_production():
    # Same SEE everywhere; a and b produce 24 % each of 1,000 t, four others 13 % each:
    # emissions follow production, 48 % for the two largest: published.
    pool = [obs("a", activity="240"), obs("b", activity="240")]
    pool += [obs(org, activity="130") for org in orgs(4)]

    assert _outcome(pool).published


def test_the_rules_follow_the_pools_settings():
    pool = [obs(org) for org in orgs(3)]
    three = DisclosureSettings(min_contributors=3, max_share_pct=D("34"), dominance_pct=D("67"))

    assert _outcome(pool).suppression is Suppression.CONTRIBUTORS
    assert _outcome(pool, three).published
    # 33.3 % each; two hold 66.7 % of the emissions.
    assert (
        _outcome(pool, DisclosureSettings(min_contributors=3, max_share_pct=D("33"))).suppression
        is Suppression.SHARE
    )
    assert (
        _outcome(
            pool, DisclosureSettings(min_contributors=3, max_share_pct=D("34"), dominance_n=2)
        ).suppression
        is None
    )
    assert (
        _outcome(
            pool,
            DisclosureSettings(min_contributors=3, max_share_pct=D("34"), dominance_pct=D("66")),
        ).suppression
        is Suppression.DOMINANCE
    )


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (DisclosureSettings(min_contributors=2), "min_contributors"),
        (DisclosureSettings(min_contributors=0), "min_contributors"),
        (DisclosureSettings(min_contributors=-5), "min_contributors"),
        (DisclosureSettings(min_contributors=True), "min_contributors"),
        (DisclosureSettings(max_share_pct=D("0")), "max_share_pct"),
        (DisclosureSettings(max_share_pct=D("100.01")), "max_share_pct"),
        (DisclosureSettings(max_share_pct=D("NaN")), "max_share_pct"),
        (DisclosureSettings(dominance_n=0), "dominance_n"),
        (DisclosureSettings(dominance_pct=D("0")), "dominance_pct"),
        (DisclosureSettings(dominance_pct=D("-1")), "dominance_pct"),
        (DisclosureSettings(dominance_pct=D("Infinity")), "dominance_pct"),
    ],
)
def test_settings_out_of_range_are_refused_naming_the_field(bad, field):
    with pytest.raises(PoolSettingsInvalid) as caught:
        bad.checked()
    assert caught.value.field == field
    assert caught.value.extra == {"fields": {field: [caught.value.message]}}
    # The statistics refuse them too: never fewer than 3 contributors, whatever the setting.
    with pytest.raises(PoolSettingsInvalid):
        pool_statistics([obs("a"), obs("b")], bad)
    with pytest.raises(PoolSettingsInvalid):
        component_statistics([obs("a"), obs("b")], bad)


def test_the_edges_of_the_settings_are_allowed():
    edge = DisclosureSettings(
        min_contributors=MIN_CONTRIBUTORS_FLOOR,
        max_share_pct=D("100"),
        dominance_n=1,
        dominance_pct=D("100"),
    )

    assert MIN_CONTRIBUTORS_FLOOR == 3
    assert edge.checked() is edge
    assert DisclosureSettings().checked() == DisclosureSettings(5, D("25"), 2, D("85"))


def test_component_statistics_takes_one_component_and_pool_statistics_splits_them():
    steel = [obs(org) for org in orgs(5)]
    dri = [obs(org, route="D") for org in orgs(5)]

    with pytest.raises(ObservationInvalid) as caught:
        component_statistics(steel + dri, DisclosureSettings())
    assert caught.value.field == "cn_code"

    both = pool_statistics(steel + dri, DisclosureSettings())
    assert both == {
        **component_statistics(steel, DisclosureSettings()),
        **component_statistics(dri, DisclosureSettings()),
    }
    assert len(both) == 24


def test_a_contribution_counted_twice_is_refused():
    twice = obs("a", contribution="same")

    with pytest.raises(ObservationInvalid) as caught:
        pool_statistics([twice, twice], DisclosureSettings())
    assert caught.value.field == "contribution"


def test_an_empty_pool_has_no_cells():
    assert pool_statistics([], DisclosureSettings()) == {}


def _plain_primary(members, settings):
    """The primary rules straight from a cell's footprints, in Decimal."""
    production: dict[str, Decimal] = {}
    emissions: dict[str, Decimal] = {}
    for o in members:
        production[o.organisation] = production.get(o.organisation, 0) + o.activity_t
        emissions[o.organisation] = emissions.get(o.organisation, 0) + o.activity_t * o.see_counted
    if len(production) < settings.min_contributors:
        return Suppression.CONTRIBUTORS
    if max(production.values()) * 100 > settings.max_share_pct * sum(production.values()):
        return Suppression.SHARE
    top = sum(sorted(emissions.values(), reverse=True)[: settings.dominance_n])
    if top * 100 > settings.dominance_pct * sum(emissions.values()):
        return Suppression.DOMINANCE
    return None


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_primary_rules_of_every_cell_match_their_plain_statement(seed):
    # Uneven organisations (a few large ones), so every rule decides some cells, in cells
    # merged from several children (where the merged bounds must not decide wrongly).
    import random

    from exchange.pools.calculations.cells import cells_of
    from exchange.pools.calculations.disclosure import primary_statistics

    rng = random.Random(seed)
    sizes = {org: rng.paretovariate(1.1) for org in orgs(40)}
    pool = [
        obs(
            rng.choices(list(sizes), list(sizes.values()))[0],
            cn=rng.choice(["72083900", "72085120", "72085191", "72091500"]),
            country=rng.choice(["CN", "CN", "IN", "VN"]),
            year=rng.choice([2026, 2027]),
            activity=str(rng.randint(1, 3000)),
            direct=f"{rng.randint(20000, 400000) / 100000:.5f}",
            indirect=f"{rng.randint(0, 90000) / 100000:.5f}",
            counts=rng.random() < 0.5,
        )
        for _ in range(400)
    ]
    members: dict[CellKey, list] = {}
    for o in pool:
        for key in cells_of(o):
            members.setdefault(key, []).append(o)
    seen = set()
    for share, dominance in (("25", "85"), ("40", "70"), ("45", "60"), ("50", "55")):
        settings = DisclosureSettings(
            min_contributors=4, max_share_pct=D(share), dominance_pct=D(dominance)
        )

        results = primary_statistics(pool, settings)

        reasons = {key: _plain_primary(members[key], settings) for key in members}
        assert {key: r.suppression for key, r in results.items()} == reasons
        seen |= set(reasons.values())
    assert {None, Suppression.SHARE, Suppression.DOMINANCE} <= seen


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"cn": "720839"}, "cn_code"),
        ({"country": "*"}, "country"),
        ({"year": 0}, "year"),
        ({"direct": "Infinity"}, "see_direct"),
        ({"indirect": "NaN"}, "see_indirect"),
        ({"activity": "sNaN"}, "activity_t"),
    ],
)
def test_an_observation_the_statistics_cannot_take_is_refused_naming_the_field(bad, field):
    with pytest.raises(ObservationInvalid) as caught:
        pool_statistics([obs("a", **bad)], DisclosureSettings())

    assert caught.value.field == field
