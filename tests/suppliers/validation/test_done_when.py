"""The issue's acceptance case through the API: a submission with a unit slip, a green
certificate and no verification comes back with those three findings and a "default value
must be used" decision stating its euro cost; a clean, verified one reaches review."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.jobs import job_execute
from core.models import Job
from suppliers.models import Footprint
from tests.suppliers.conftest import footprint_input

pytestmark = pytest.mark.django_db


def test_unit_slip_green_certificate_and_no_verification_give_three_findings_and_the_cost(
    producer, settings
):
    settings.CBAM_CERTIFICATE_PRICE_EUR = "75.00"
    data = footprint_input(
        producer,
        # 90,000 MWh typed as the kWh figure: 90,000,000 "MWh" for 1 Mt of coil.
        electricity={"value": "90000000", "unit": "MWh"},
        electricity_factor_source="green_certificate",
        verification={},
    )

    response = producer.api("preparer").post(
        producer.url("footprints/validate-dry-run/"), data, format="json"
    )

    assert response.status_code == 200, response.content
    body = response.json()
    blocking = sorted(
        (f["code"], f["severity"])
        for f in body["findings"]
        if f["severity"] == "error" or f["default_value_required"]
    )
    assert blocking == [
        ("CBAM-ELEC-001", "error"),
        ("CBAM-UNIT-003", "error"),
        ("CBAM-VERIFY-001", "warning"),
    ]
    decision = body["decision"]
    assert decision["default_value_must_be_used"] is True
    assert [r["code"] for r in decision["reasons"]] == [
        "CBAM-ELEC-001",
        "CBAM-UNIT-003",
        "CBAM-VERIFY-001",
    ]
    assert decision["certificate_price_eur"] == "75.00"
    # The euro cost per tonne of having to use the default value, priced by the engine.
    assert Decimal(decision["cost_difference_eur_per_t"]) == Decimal(
        decision["cost_default_eur_per_t"]
    ) - Decimal(decision["cost_actual_eur_per_t"])
    assert Decimal(decision["cost_default_eur_per_t"]) > 0
    assert Footprint.objects.count() == 0  # a dry run saves nothing


def test_a_clean_verified_submission_reaches_review(producer):
    data = footprint_input(producer, precursors_declared_absent=[])
    created = producer.api("preparer").post(producer.url("footprints/"), data, format="json")
    footprint_id = created.json()["id"]

    producer.api("preparer").post(
        producer.url(f"footprints/{footprint_id}/submit/"), {}, format="json"
    )
    for job in Job.objects.filter(kind="suppliers.validate_footprint"):
        job_execute(job_id=job.pk)

    footprint = Footprint.objects.get(pk=footprint_id)
    assert footprint.status == "in_review"
    run = footprint.validation_runs.get()
    assert run.error_count == 0
