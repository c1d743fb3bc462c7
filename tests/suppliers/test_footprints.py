"""Draft footprints: inputs with units, the SEE computed by the engine, and bad input named."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.models import AuditEvent
from suppliers.models import Footprint
from tests.suppliers.conftest import footprint_input

pytestmark = pytest.mark.django_db


def test_a_preparer_enters_a_footprint_and_the_engine_computes_its_see(producer):
    response = producer.api("preparer").post(
        producer.url("footprints/"), footprint_input(producer), format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    # direct: (250 000 + 1.05 t/t x 1 000 000 t x 1.9) / 1 000 000 = 2.245
    assert body["see_direct"] == "2.24500"
    # indirect: (90 000 MWh x 0.605 [CN grid, IR 2025/2621 Annex II] + 1 050 000 x 0.3) / 1e6
    assert body["see_indirect"] == "0.36945"
    assert body["see_total"] == "2.61445"
    assert body["indirect_counts"] is False  # iron and steel: direct only
    assert body["status"] == "draft"
    assert body["electricity_factor_tco2_per_mwh"] == "0.6050000000"
    assert body["electricity_factor_source"] == "country_default"
    assert body["electricity_factor_reference"].startswith("electricity_factors v1")
    assert body["inputs_as_entered"]["activity_level"] == {"value": "1000000", "unit": "t"}
    assert body["calculation"]["reference_date"] == "2026-12-31"
    event = AuditEvent.objects.get(action="footprint.created")
    assert event.after["see_total"] == "2.61445"


def test_units_are_normalised_and_kept_as_entered(producer):
    api = producer.api("preparer")
    in_kg = footprint_input(
        producer,
        attributed_direct_emissions={"value": "250000000", "unit": "kgCO2e"},
        activity_level={"value": "1000000000", "unit": "kg"},
        electricity={"value": "324000", "unit": "GJ"},
    )

    body = api.post(producer.url("footprints/"), in_kg, format="json").json()

    assert body["attributed_direct_tco2e"] == "250000.0000000000"
    assert body["activity_level_t"] == "1000000.0000000000"
    assert body["electricity_mwh"] == "90000.0000000000"  # 324 000 GJ / 3.6
    assert body["see_total"] == "2.61445"
    assert body["inputs_as_entered"]["electricity"] == {"value": "324000", "unit": "GJ"}


def test_the_1000x_gas_trap_stores_both_as_entered_and_1000_apart(producer):
    api = producer.api("preparer")
    nm3 = api.post(
        producer.url("footprints/"),
        footprint_input(producer, natural_gas={"value": "12000", "unit": "Nm3"}),
        format="json",
    ).json()
    thousand_nm3 = api.post(
        producer.url("footprints/"),
        footprint_input(producer, natural_gas={"value": "12000", "unit": "1000 Nm³"}),
        format="json",
    ).json()

    assert nm3["inputs_as_entered"]["natural_gas"] == {"value": "12000", "unit": "Nm3"}
    assert thousand_nm3["inputs_as_entered"]["natural_gas"] == {"value": "12000", "unit": "1000Nm3"}
    assert Decimal(nm3["natural_gas_nm3"]) == Decimal("12000")
    assert Decimal(thousand_nm3["natural_gas_nm3"]) == Decimal("12000000")


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        (
            {"activity_level": {"value": "0", "unit": "t"}},
            "activity_level",
            "0 t is zero; expected more than zero.",
        ),
        (
            {"activity_level": {"value": "-5", "unit": "t"}},
            "activity_level",
            "-5 t is negative; expected zero or more.",
        ),
        (
            {"activity_level": {"value": "1000", "unit": "MWh"}},
            "activity_level",
            "unit 'MWh' does not fit a mass; expected one of t, kg.",
        ),
        (
            {"electricity": {"value": "10", "unit": "t"}},
            "electricity",
            "unit 't' does not fit a energy; expected one of MWh, kWh, GWh, GJ, TJ.",
        ),
        (
            {"period_start": "2026-12-31", "period_end": "2026-01-01"},
            "period_end",
            "2026-01-01 is before the period start 2026-12-31.",
        ),
    ],
)
def test_bad_input_is_named_and_nothing_is_saved(producer, override, field, message):
    events_before = AuditEvent.objects.count()

    response = producer.api("preparer").post(
        producer.url("footprints/"), footprint_input(producer, **override), format="json"
    )

    assert response.status_code == 400
    assert response.json()["extra"]["fields"][field] == [message]
    assert Footprint.objects.count() == 0
    assert AuditEvent.objects.count() == events_before


def test_green_certificates_are_refused_with_the_reason(producer):
    response = producer.api("preparer").post(
        producer.url("footprints/"),
        footprint_input(producer, electricity_factor_source="green_certificate"),
        format="json",
    )

    assert response.status_code == 400
    [message] = response.json()["extra"]["fields"]["electricity_factor_source"]
    assert message.startswith("Green certificates are not accepted for CBAM")
    assert "direct technical link" in message


def test_a_product_outside_cbam_scope_is_refused(producer):
    response = producer.api("preparer").post(
        producer.url("products/"), {"name": "Copper wire", "cn_code": "74081100"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["cn_code"] == [
        "CN code 74081100 is not a CBAM good (Annex I of Reg. 2023/956); expected a code of "
        "the CBAM CN list."
    ]


def test_a_route_must_be_valid_for_the_category(producer):
    response = producer.api("preparer").post(
        producer.url("products/"),
        {"name": "Slab", "cn_code": "72071114", "production_route": "Electrolysis of water"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["production_route"] == [
        "'Electrolysis of water' is not a production route of Crude steel; expected "
        "'Basic oxygen steelmaking' or 'Electric arc furnace'."
    ]


def test_a_draft_is_edited_and_recomputed(producer):
    api = producer.api("preparer")
    created = api.post(producer.url("footprints/"), footprint_input(producer), format="json").json()

    response = api.patch(
        producer.url(f"footprints/{created['id']}/"),
        {"attributed_direct_emissions": {"value": "300000", "unit": "tCO2e"}},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["see_direct"] == "2.29500"  # 0.30 + 1.995
    assert response.json()["precursors"][0]["see_direct"] == "1.90000"
