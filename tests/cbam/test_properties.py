"""Properties of SEE = (AttrEm + Σ M_i·SEE_i) / AL (2025/2547 Annex III point B) over random
supply chains: it is an intensity, so scaling every amount leaves it unchanged, and a
precursor without emissions (or from the EU) adds nothing."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from cbam import GoodInput, PrecursorInput, compute_see
from cbam.csv_snapshot import snapshot_from_csv

from .conftest import DATA

SNAPSHOT = snapshot_from_csv(DATA)  # hypothesis and function-scoped fixtures do not mix
CN_CODES = ("26011200", "72011011", "72071111", "72085120", "25231000", "76011010")


def amounts(low: str = "0", high: str = "100000") -> st.SearchStrategy[D]:
    return st.decimals(
        min_value=D(low), max_value=D(high), places=3, allow_nan=False, allow_infinity=False
    )


def intensities() -> st.SearchStrategy[D]:
    return st.decimals(
        min_value=D("0"), max_value=D("10"), places=4, allow_nan=False, allow_infinity=False
    )


@st.composite
def precursor(draw: st.DrawFn, earlier: list[str]) -> PrecursorInput:
    kinds = ["actual", "default", "eu"] + (["good"] * 3 if earlier else [])
    kind = draw(st.sampled_from(kinds))
    mass = draw(amounts())
    if kind == "good":
        return PrecursorInput(mass_t=mass, good=draw(st.sampled_from(earlier)))
    if kind == "default":
        code, country = draw(
            st.sampled_from([("72024110", "IN"), ("72011011", "BR"), ("72061000", None)])
        )
        return PrecursorInput(mass_t=mass, cn_code=code, country_of_origin=country)
    return PrecursorInput(
        mass_t=mass,
        cn_code=draw(st.sampled_from(CN_CODES)),
        country_of_origin="FR" if kind == "eu" else draw(st.sampled_from(["CN", "IN", None])),
        see_direct=draw(intensities()),
        see_indirect=draw(intensities()),
    )


@st.composite
def supply_chains(draw: st.DrawFn) -> list[GoodInput]:
    goods: list[GoodInput] = []
    for k in range(draw(st.integers(min_value=1, max_value=7))):
        earlier = [g.id for g in goods]
        electricity = draw(st.sampled_from(["none", "given", "default", "attributed"]))
        goods.append(
            GoodInput(
                id=f"G{k}",
                cn_code=draw(st.sampled_from(CN_CODES)),
                country_of_origin=draw(st.sampled_from(["CN", "TR", "BR", None])),
                activity_level_t=draw(amounts("0.001")),
                attributed_direct_tco2e=draw(amounts()),
                attributed_indirect_tco2e=draw(amounts()) if electricity == "attributed" else None,
                electricity_mwh=draw(amounts()) if electricity in {"given", "default"} else None,
                electricity_factor_tco2_per_mwh=draw(intensities())
                if electricity == "given"
                else None,
                precursors=tuple(draw(st.lists(precursor(earlier), max_size=4))),
            )
        )
    return draw(st.permutations(goods))


def _scaled(good: GoodInput, k: D) -> GoodInput:
    """Every amount (t, tCO2e, MWh) × k; intensities (SEE, tCO2/MWh) unchanged."""

    def times(value: D | None) -> D | None:
        return None if value is None else value * k

    return replace(
        good,
        activity_level_t=good.activity_level_t * k,
        attributed_direct_tco2e=good.attributed_direct_tco2e * k,
        attributed_indirect_tco2e=times(good.attributed_indirect_tco2e),
        electricity_mwh=times(good.electricity_mwh),
        precursors=tuple(replace(p, mass_t=p.mass_t * k) for p in good.precursors),
    )


def _close(a: D, b: D) -> bool:
    """Equal up to the 28-digit working precision (22 digits of margin below the output's 5)."""
    return abs(a - b) <= D("1e-22") * max(D(1), abs(a))


@settings(max_examples=150, deadline=None)
@given(goods=supply_chains(), k=st.decimals(min_value=D("0.001"), max_value=D("1000"), places=3))
def test_scaling_all_masses_and_emissions_leaves_every_see_unchanged(goods, k):
    original = compute_see(goods, SNAPSHOT)
    scaled = compute_see([_scaled(g, k) for g in goods], SNAPSHOT)

    for good in goods:
        a, b = original[good.id], scaled[good.id]
        assert _close(a.see_direct, b.see_direct), (good.id, a.see_direct, b.see_direct)
        assert _close(a.see_indirect, b.see_indirect), (good.id, a.see_indirect, b.see_indirect)
        assert _close(a.see_indirect_counted, b.see_indirect_counted), good.id


@settings(max_examples=150, deadline=None)
@given(
    goods=supply_chains(),
    mass=amounts(),
    where=st.integers(min_value=0),
    how=st.sampled_from(["zero_actual", "zero_good", "eu_origin"]),
)
def test_adding_a_precursor_without_emissions_changes_nothing(goods, mass, where, how):
    target = goods[where % len(goods)]
    extra_goods: list[GoodInput] = []
    if how == "zero_actual":
        extra = PrecursorInput(mass_t=mass, cn_code="25231000", see_direct=D(0), see_indirect=D(0))
    elif how == "zero_good":
        extra_goods = [
            GoodInput(
                id="ZERO", cn_code="72071111", activity_level_t=D(1), attributed_direct_tco2e=D(0)
            )
        ]
        extra = PrecursorInput(mass_t=mass, good="ZERO")
    else:  # counts zero whatever it carries (Annex III of Reg. 2023/956)
        extra = PrecursorInput(
            mass_t=mass,
            cn_code="72071111",
            country_of_origin="DE",
            see_direct=D("2"),
            see_indirect=D("1"),
        )
    changed = [
        replace(g, precursors=(*g.precursors, extra)) if g.id == target.id else g for g in goods
    ] + extra_goods

    before = compute_see(goods, SNAPSHOT)
    after = compute_see(changed, SNAPSHOT)

    for good in goods:
        a, b = before[good.id], after[good.id]
        assert (a.see_direct, a.see_indirect, a.see_indirect_counted) == (
            b.see_direct,
            b.see_indirect,
            b.see_indirect_counted,
        )


@st.composite
def possibly_invalid_goods(draw: st.DrawFn) -> GoodInput:
    def maybe(strategy: st.SearchStrategy[D]) -> D | None:
        return draw(st.one_of(st.none(), strategy))

    numbers = st.decimals(min_value=D("-2"), max_value=D("5"), places=1)
    precursors = []
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        precursors.append(
            PrecursorInput(
                mass_t=draw(numbers),
                good=draw(st.sampled_from([None, None, "OK", "MISSING"])),
                cn_code=draw(
                    st.sampled_from([None, "72024110", "25231000", "28141000", "1234", "99999999"])
                ),
                country_of_origin=draw(st.sampled_from([None, "IN", "DE", "EG"])),
                see_direct=maybe(numbers),
                see_indirect=maybe(numbers),
            )
        )
    return GoodInput(
        id="G",
        cn_code=draw(st.sampled_from(["72085120", "25231000", "7208", "99999999"])),
        country_of_origin=draw(st.sampled_from([None, "CN", "BR"])),
        activity_level_t=draw(numbers),
        attributed_direct_tco2e=draw(numbers),
        attributed_indirect_tco2e=maybe(numbers),
        electricity_mwh=maybe(numbers),
        electricity_factor_tco2_per_mwh=maybe(numbers),
        precursors=tuple(precursors),
    )


@settings(max_examples=300, deadline=None)
@given(good=possibly_invalid_goods())
def test_the_fast_validation_path_agrees_with_the_detailed_one(good):
    # compute_see words problems only for goods the fast check rejects: the two must agree, or
    # a bad good would reach the arithmetic.
    from cbam.validation import FastCheck, good_problems

    index = {"G": 0, "OK": 1}
    no_other_grid_factor = replace(SNAPSHOT, electricity_factors=[])

    for snapshot in (SNAPSHOT, no_other_grid_factor):
        clean = FastCheck(index, snapshot).is_clean(good)
        assert clean == (good_problems(0, good, index, snapshot) == []), good
