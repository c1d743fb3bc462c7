"""Which benchmark column a precursor uses (IR (EU) 2025/2620): column A for verified actual
data, column B otherwise, and every precursor on column B, with a note, when a column A value
cannot be found. The decision, the declarations and the BOMs all apply these two rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from cbam import CalculationError, PrecursorBenchmarkInput, free_allocation_actual
from cbam.benchmarks import (
    FootprintPrecursorTerm,
    column_b_fallback,
    on_column_b,
    precursor_benchmark_inputs,
    precursor_has_verified_data,
)


def _slab(see_source: str, verified_on: date | None = None) -> FootprintPrecursorTerm:
    return FootprintPrecursorTerm(
        cn_code="72071114",
        mass_t_per_t=D("1.025"),
        country_of_origin="CN",
        see_source=see_source,
        source_verification_statement_date=verified_on,
    )


def test_only_verified_actual_data_may_use_column_a():
    assert precursor_has_verified_data(_slab("own_verified")) is True
    assert precursor_has_verified_data(_slab("platform_footprint", date(2026, 3, 1))) is True
    assert precursor_has_verified_data(_slab("platform_footprint")) is False
    assert precursor_has_verified_data(_slab("default_value", date(2026, 3, 1))) is False


def test_the_producers_own_verified_precursor_carries_the_producers_route():
    slabs = (
        _slab("own_verified"),
        _slab("platform_footprint", date(2026, 3, 1)),
        _slab("platform_footprint"),
        _slab("default_value"),
    )

    found = precursor_benchmark_inputs(slabs, benchmark_route="C")

    assert found == (
        PrecursorBenchmarkInput("72071114", D("1.025"), "CN", verified=True, production_route="C"),
        PrecursorBenchmarkInput("72071114", D("1.025"), "CN", verified=True),
        PrecursorBenchmarkInput("72071114", D("1.025"), "CN", verified=False),
        PrecursorBenchmarkInput("72071114", D("1.025"), "CN", verified=False),
    )
    assert precursor_benchmark_inputs(slabs, benchmark_route="C", verified=False) == on_column_b(
        found
    )
    assert [(p.verified, p.production_route) for p in on_column_b(found)] == [(False, None)] * 4


def test_an_empty_route_is_no_route():
    found = precursor_benchmark_inputs((_slab("own_verified"),), benchmark_route="")

    assert found[0].production_route is None


def test_the_own_verified_slab_on_column_a_of_its_route(snapshot):
    # Hot-rolled coil 7208 39 00 from CN, route C, 2027 (CBAM factor 0.95), 1.025 t of the
    # producer's own verified slab: 0.95 × (0.044 [A] + 1.025 × 0.188 [A, 7207 11 14 C])
    # = 0.95 × 0.2367 = 0.224865 (the default-value decision's figure).
    fa = free_allocation_actual(
        snapshot,
        cn_code="72083900",
        production_route="C",
        year=2027,
        precursors=precursor_benchmark_inputs((_slab("own_verified"),), benchmark_route="C"),
    )

    assert [(t.source, t.sefa_tco2e_per_t) for t in fa.precursor_terms] == [
        ("column_a", D("0.188"))
    ]
    assert fa.per_t == D("0.224865")


def _coil_fa(snapshot, precursors):
    return free_allocation_actual(
        snapshot, cn_code="72083900", production_route="C", year=2026, precursors=precursors
    )


def test_a_column_a_value_that_cannot_be_found_puts_every_precursor_on_column_b(snapshot):
    precursors = (
        # The producer's own verified billet, on its route C (column A 0.188)...
        PrecursorBenchmarkInput("72071114", D("1"), "CN", verified=True, production_route="C"),
        # ...and a verified platform footprint's billet: column A of 72071114 needs a route
        # (C 0.188, D 0.065, E 0.065) it does not carry.
        PrecursorBenchmarkInput("72071114", D("0.05"), "CN", verified=True),
    )
    with pytest.raises(CalculationError) as raised:
        _coil_fa(snapshot, precursors)

    fallback = column_b_fallback(precursors, raised.value)

    assert fallback is not None
    assert fallback.precursors == (
        PrecursorBenchmarkInput("72071114", D("1"), "CN", verified=False),
        PrecursorBenchmarkInput("72071114", D("0.05"), "CN", verified=False),
    )
    assert fallback.note == (
        "precursor benchmarks from column B: the column A benchmark of CN 72071114 depends on "
        "the production route; give production_route as one of C, D, E"
    )
    # Both billets on column B (route C of the 72071114 CN default row, 1.364):
    # 0.975 × (0.044 + 1 × 1.364 + 0.05 × 1.364) = 0.975 × 1.4762 = 1.439295
    assert _coil_fa(snapshot, fallback.precursors).per_t == D("1.4392950")


def test_without_a_precursor_on_column_a_there_is_nothing_to_fall_back_to(snapshot):
    # The good's own column A needs its route: no precursor's column A is at fault.
    precursors = (PrecursorBenchmarkInput("72071114", D("1"), "CN", verified=False),)
    with pytest.raises(CalculationError) as raised:
        free_allocation_actual(
            snapshot, cn_code="72071114", production_route=None, year=2026, precursors=precursors
        )

    assert column_b_fallback(precursors, raised.value) is None
    assert column_b_fallback((), raised.value) is None
