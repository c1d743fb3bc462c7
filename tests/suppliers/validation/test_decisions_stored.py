"""The stored decision follows its inputs: computed when a run closes, recomputed when a
referenced footprint's key is revoked, skipped when nothing changed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.audit import Actor
from accounts.models import SigningKey
from accounts.services.signing_keys import signing_key_revoke
from core.jobs import job_execute
from core.models import Job
from suppliers.models import DefaultValueDecisionRecord, Footprint
from suppliers.services.decision_records import decisions_refresh
from tests.suppliers.conftest import footprint_input

pytestmark = pytest.mark.django_db


def _run_jobs() -> None:
    for job in Job.objects.filter(kind="suppliers.validate_footprint", status="pending"):
        job_execute(job_id=job.pk)


def _publish(producer, data) -> str:
    created = producer.api("preparer").post(producer.url("footprints/"), data, format="json")
    assert created.status_code == 201, created.content
    footprint_id = created.json()["id"]
    producer.api("preparer").post(
        producer.url(f"footprints/{footprint_id}/submit/"), {}, format="json"
    )
    _run_jobs()
    assert (
        producer.api("reviewer")
        .post(producer.url(f"footprints/{footprint_id}/approve/"), {}, format="json")
        .status_code
        == 200
    )
    assert (
        producer.api("admin")
        .post(producer.url(f"footprints/{footprint_id}/publish/"), {}, format="json")
        .status_code
        == 200
    )
    return footprint_id


def test_a_closed_run_stores_the_decision_with_its_cost(producer, settings):
    settings.CBAM_CERTIFICATE_PRICE_EUR = "75.00"
    footprint_id = _publish(producer, footprint_input(producer))

    response = producer.api("viewer").get(producer.url(f"footprints/{footprint_id}/decision/"))

    assert response.status_code == 200, response.content
    body = response.json()
    record = DefaultValueDecisionRecord.objects.get(footprint_id=footprint_id)
    assert body["actual_data_allowed"] is record.actual_data_allowed
    assert body["default_value_must_be_used"] is (not record.actual_data_allowed)
    assert body["certificate_price_eur"] == "75.00"
    # Cost difference = cost on the default value - cost on the actual data, per tonne.
    assert Decimal(body["cost_difference_eur_per_t"]) == Decimal(
        body["cost_default_eur_per_t"]
    ) - Decimal(body["cost_actual_eur_per_t"])


def test_a_draft_has_no_decision(producer):
    created = (
        producer.api("preparer")
        .post(producer.url("footprints/"), footprint_input(producer), format="json")
        .json()
    )

    response = producer.api("viewer").get(producer.url(f"footprints/{created['id']}/decision/"))

    assert response.status_code == 400
    assert response.json()["code"] == "not_decided"


def test_revoking_the_key_of_a_referenced_footprint_recomputes_the_decision(producer):
    source_id = _publish(producer, footprint_input(producer))
    source = Footprint.objects.get(pk=source_id)
    # A second footprint (wire rod of the same coil, say) uses the first as a platform precursor.
    user = footprint_input(
        producer,
        precursors=[
            {
                "cn_code": "72083900",
                "mass_per_t": {"value": "1.02", "unit": "t/t"},
                "country_of_origin": "CN",
                "see_source": "platform_footprint",
                "source_footprint": source_id,
            }
        ],
    )
    user_id = _publish(producer, user)
    decisions_refresh()  # approval and publication changed the inputs since the run closed
    before = DefaultValueDecisionRecord.objects.get(footprint_id=user_id)
    assert decisions_refresh() == {"checked": 2, "changed": 0, "crashed": 0}  # nothing changed

    signing_key_revoke(
        actor=Actor(user=producer.users["admin"]),
        key=SigningKey.objects.get(kid=source.signing_kid),
        reason="laptop stolen",
    )
    result = decisions_refresh()

    after = DefaultValueDecisionRecord.objects.get(footprint_id=user_id)
    assert result["changed"] == 2  # both footprints were signed with the revoked key
    assert after.inputs_fingerprint != before.inputs_fingerprint
    assert "CBAM-PRECURSOR-003" in [w["code"] for w in after.warnings]  # revoked after signing
    own = DefaultValueDecisionRecord.objects.get(footprint_id=source_id)
    assert [w["code"] for w in own.warnings if w["code"] == "CBAM-SIGNATURE-001"] == [
        "CBAM-SIGNATURE-001"
    ]
    assert "(laptop stolen)" in own.warnings[-1]["message_en"]
