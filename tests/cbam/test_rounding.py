"""Rounding: SEE and tCO2e to 5 decimals (IR 2025/2547 Annex III: "at most 5 decimal places"),
EUR to cents, ROUND_HALF_UP, once at the output; full precision in between."""

from __future__ import annotations

from decimal import ROUND_DOWN, localcontext
from decimal import Decimal as D

from cbam import GoodInput, PrecursorInput, compute_see
from cbam.io import calculate_embedded_emissions
from cbam.rounding import round_emissions, round_money, round_see


def test_see_is_rounded_to_five_decimals_with_ties_going_up():
    assert round_see(D("0.000005")) == D("0.00001")  # half-even would give 0.00000
    assert round_see(D("1.234565")) == D("1.23457")  # half-even would give 1.23456
    assert round_see(D("1.2345649999")) == D("1.23456")
    assert str(round_see(D("2"))) == "2.00000"


def test_money_is_rounded_to_cents_with_ties_going_up():
    assert round_money(D("2.675")) == D("2.68")  # exact Decimal, no float surprise
    assert round_money(D("0.005")) == D("0.01")
    assert round_money(D("17358.655364")) == D("17358.66")
    assert round_money(D("17358.654999")) == D("17358.65")


def test_large_amounts_are_quantised_without_losing_integer_digits():
    big = D("123456789012345678901234567.123456")

    assert round_emissions(big) == D("123456789012345678901234567.12346")
    assert round_money(big) == D("123456789012345678901234567.12")


def test_intermediate_values_keep_full_precision(snapshot):
    # P1: 1 tCO2e / 3 t = 0.3333…; P2 consumes 3 t of P1 per tonne: SEE = 1.
    # Rounding P1 to 0.33333 first would give P2 = 0.99999.
    goods = [
        GoodInput(
            id="P1", cn_code="72071111", activity_level_t=D("3"), attributed_direct_tco2e=D("1")
        ),
        GoodInput(
            id="P2",
            cn_code="72085120",
            activity_level_t=D("1"),
            attributed_direct_tco2e=D("0"),
            precursors=(PrecursorInput(mass_t=D("3"), good="P1"),),
        ),
    ]

    calc = compute_see(goods, snapshot)

    assert calc["P1"].see_direct == D("0.3333333333333333333333333333")
    assert calc["P2"].see_direct == D("0.9999999999999999999999999999")
    assert round_see(calc["P2"].see_direct) == D("1.00000")


def test_each_output_is_quantised_once_from_full_precision(snapshot):
    # 4 / 1 000 000 = 0.000004 per channel: each rounds to 0.00000, their sum 0.000008 to
    # 0.00001. The total is not the sum of the rounded channels.
    request = {
        "goods": [
            {
                "id": "tiny",
                "cn_code": "25231000",
                "activity_level_t": "1000000",
                "attributed_direct_tco2e": "4",
                "attributed_indirect_tco2e": "4",
            }
        ]
    }

    out = calculate_embedded_emissions(request, snapshot)["goods"]["tiny"]

    assert (out["see_direct"], out["see_indirect"], out["see_total"]) == (
        "0.00000",
        "0.00000",
        "0.00001",
    )


def test_the_callers_decimal_context_does_not_change_a_result(snapshot):
    good = GoodInput(
        id="P", cn_code="72071111", activity_level_t=D("7"), attributed_direct_tco2e=D("10")
    )

    with localcontext() as ctx:
        ctx.prec = 5
        ctx.rounding = ROUND_DOWN
        inside = compute_see([good], snapshot)["P"].see_direct

    assert inside == D("1.428571428571428571428571429")
