"""The pure part: BOM lines as engine goods, contributions read back, dependants."""

from __future__ import annotations

from decimal import Decimal

from exchange.boms.calculations import LineSpec, ProductSpec, dependants_closure, goods_for

D = Decimal


def _product(pid: str, *lines: LineSpec) -> ProductSpec:
    return ProductSpec(pid, "73181595", "CN", D("0.05"), D("0"), None, "C", tuple(lines))


def test_lines_become_precursors_of_a_one_tonne_good():
    own = LineSpec("l1", "72083900", D("0.7"), "CN", "own_product", own_product="hrc")
    actual = LineSpec(
        "l2", "72083900", D("0.4"), "CN", "actual", see_direct=D("2.1"), footprint_id="f"
    )
    default = LineSpec("l3", "72083900", D("0.1"), "IN", "default")

    (good,) = goods_for([_product("screws", own, actual, default)])

    assert good.activity_level_t == 1
    assert good.electricity_mwh is None  # no electricity: no indirect emissions of its own
    assert [p.good for p in good.precursors] == ["hrc", None, None]
    assert good.precursors[1].see_direct == D("2.1")
    assert good.precursors[1].see_indirect == 0
    assert good.precursors[2].see_direct is None  # the engine takes the default value


def test_all_defaults_drops_actual_data_but_keeps_own_products():
    own = LineSpec("l1", "72083900", D("0.7"), "CN", "own_product", own_product="hrc")
    actual = LineSpec("l2", "72083900", D("0.4"), "CN", "actual", see_direct=D("2.1"))

    (good,) = goods_for([_product("screws", own, actual)], all_defaults=True)

    assert good.precursors[0].good == "hrc"
    assert good.precursors[1].see_direct is None


def test_dependants_are_found_transitively():
    a = _product("a")
    b = _product("b", LineSpec("x", "72083900", D(1), "CN", "own_product", own_product="a"))
    c = _product("c", LineSpec("y", "72083900", D(1), "CN", "own_product", own_product="b"))
    d = _product("d")

    assert dependants_closure([a, b, c, d], ["a"]) == {"a", "b", "c"}
