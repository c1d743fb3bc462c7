"""A shipment linked to a footprint whose verified precursor has no column A value (its route
is unknown): every precursor falls back to column B, as the default-value decision and the
BOMs do (the engine's rule, ``cbam.benchmarks.column_b_fallback``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cbam.certificate_prices import given_price
from cbam.types import PrecursorBenchmarkInput
from exchange.declarations.calculations.summary import ShipmentFacts, shipment_obligation
from tests.suppliers.validation.facts_builder import reference_snapshot

D = Decimal


def test_a_verified_precursor_without_its_route_puts_every_precursor_on_column_b():
    facts = ShipmentFacts(
        shipment_id="s1",
        reference="MRN1",
        cn_code="72083900",
        country_of_origin="CN",
        installation="CN-TS-001",
        import_date=date(2026, 5, 1),
        quantity=D("10"),
        unit="t",
        basis="actual",
        see_direct=D("1.8"),
        see_indirect=D("0"),
        production_route="C",
        verified=True,
        precursors=(
            # The producer's own verified billet, on its route C (column A 0.188)...
            PrecursorBenchmarkInput("72071114", D("1"), "CN", verified=True, production_route="C"),
            # ...and a verified platform footprint's billet: column A of 72071114 needs a
            # route (C 0.188, D 0.065, E 0.065) it does not carry.
            PrecursorBenchmarkInput("72071114", D("0.05"), "CN", verified=True),
        ),
    )
    found = shipment_obligation(
        facts, year=2026, snapshot=reference_snapshot(), certificate_price=given_price(D("80"))
    )
    assert found.problem is None
    # Both billets on column B (route C of the 72071114 CN default row, 1.364):
    # FAA = 10 × 0.975 × (0.044 + 1 × 1.364 + 0.05 × 1.364) = 9.75 × 1.4762 = 14.39295
    # (without precursor terms it would be 9.75 × 0.044 = 0.429).
    assert found.free_allocation_adjustment_tco2e == D("14.39295")
    assert found.embedded_emissions_tco2e == D("18.0")
    assert found.certificates == D("3.60705")
    assert any(n.startswith("precursor benchmarks from column B:") for n in found.facts.notes)
