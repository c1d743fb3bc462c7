"""The footprint workflow: submit (validated by a work row), four-eyes review, publish with a
signature, immutability, correction."""

from __future__ import annotations

import json

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from accounts.models import AuditEvent
from accounts.services.signing_keys import document_verify
from core.jobs import job_execute
from core.models import Job
from suppliers.models import Footprint, FootprintStatus, ValidationRun
from tests.suppliers.conftest import footprint_input

pytestmark = pytest.mark.django_db


def _draft(producer) -> dict:
    response = producer.api("preparer").post(
        producer.url("footprints/"), footprint_input(producer), format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def _action(producer, role: str, footprint_id: str, action: str, comment: str = ""):
    return producer.api(role).post(
        producer.url(f"footprints/{footprint_id}/{action}/"), {"comment": comment}, format="json"
    )


def _run_validation() -> None:
    for job in Job.objects.filter(kind="suppliers.validate_footprint", status="pending"):
        assert job_execute(job_id=job.pk).status == "succeeded"


def _in_review(producer) -> str:
    footprint_id = _draft(producer)["id"]
    assert _action(producer, "preparer", footprint_id, "submit").json()["status"] == "submitted"
    _run_validation()
    assert Footprint.objects.get(pk=footprint_id).status == FootprintStatus.IN_REVIEW
    return footprint_id


def _published(producer) -> str:
    footprint_id = _in_review(producer)
    assert _action(producer, "reviewer", footprint_id, "approve").status_code == 200
    response = _action(producer, "admin", footprint_id, "publish")
    assert response.status_code == 200, response.content
    return footprint_id


def test_submitting_creates_a_validation_job_that_moves_the_footprint_to_review(producer):
    footprint_id = _draft(producer)["id"]

    response = _action(producer, "preparer", footprint_id, "submit")

    assert response.json()["status"] == "submitted"
    job = Job.objects.get(kind="suppliers.validate_footprint")
    run = ValidationRun.objects.get(footprint_id=footprint_id)
    assert job.payload == {"run_id": str(run.pk), "footprint_id": footprint_id}
    assert run.job_id == job.pk
    assert job_execute(job_id=job.pk).status == "succeeded"
    job.refresh_from_db()
    assert job.result == {
        "run": str(run.pk),
        "status": "passed",
        "errors": 0,
        "warnings": job.result["warnings"],
        "infos": job.result["infos"],
        "footprint_status": "in_review",
    }
    # Running the job again (a duplicate delivery) changes nothing.
    assert job_execute(job_id=job.pk).status == "succeeded"
    assert Footprint.objects.get(pk=footprint_id).status == "in_review"


def test_the_author_can_never_approve_their_own_footprint(producer):
    footprint_id = _in_review(producer)
    # The preparer also holds no reviewer role; give the author a reviewer membership too.
    author = producer.users["preparer"]
    author.memberships.filter(organisation=producer.organisation).update(role="reviewer")

    response = _action(producer, "preparer", footprint_id, "approve")

    assert response.status_code == 403
    assert response.json()["code"] == "four_eyes"
    assert Footprint.objects.get(pk=footprint_id).status == "in_review"


def test_a_viewer_cannot_submit_and_nothing_changes(producer):
    footprint_id = _draft(producer)["id"]

    response = _action(producer, "viewer", footprint_id, "submit")

    assert response.status_code == 403
    assert Footprint.objects.get(pk=footprint_id).status == "draft"
    assert not Job.objects.exists()


def test_a_rejection_needs_a_comment_and_returns_to_draft_through_reopen(producer):
    footprint_id = _in_review(producer)

    assert _action(producer, "reviewer", footprint_id, "reject").status_code == 400
    rejected = _action(producer, "reviewer", footprint_id, "reject", "Electricity looks 1000x low")

    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["review_comment"] == "Electricity looks 1000x low"
    assert _action(producer, "preparer", footprint_id, "reopen").json()["status"] == "draft"


def test_an_illegal_move_is_a_409_naming_the_allowed_ones(producer):
    footprint_id = _draft(producer)["id"]

    response = _action(producer, "admin", footprint_id, "publish")

    assert response.status_code == 409
    assert response.json()["message"] == (
        "A draft footprint cannot move to published; from draft it can move to submitted."
    )


def test_publishing_signs_the_exact_stored_bytes(producer):
    footprint_id = _published(producer)

    footprint = Footprint.objects.get(pk=footprint_id)
    assert footprint.status == "published"
    api = producer.api("viewer")
    document = api.get(producer.url(f"footprints/{footprint_id}/document/"))
    signature = api.get(producer.url(f"footprints/{footprint_id}/signature/"))
    assert document.content == bytes(footprint.signed_document)
    assert signature.content.decode() == footprint.signature
    result = document_verify(payload=document.content, jws=signature.content.decode())
    assert result.valid is True
    body = json.loads(document.content)
    assert body["id"] == footprint_id
    actions = list(
        AuditEvent.objects.filter(object_id=footprint_id)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "footprint.created",
        "footprint.submitted",
        "footprint.validation_passed",
        "footprint.approved",
        "footprint.published",
    ]


def test_a_published_footprint_cannot_be_edited_through_the_service(producer):
    footprint_id = _published(producer)

    response = producer.api("preparer").patch(
        producer.url(f"footprints/{footprint_id}/"),
        {"activity_level": {"value": "1", "unit": "t"}},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "footprint_immutable"


def test_the_database_refuses_a_raw_update_of_a_published_footprint(producer, postgres_only):
    footprint_id = _published(producer)

    with (
        pytest.raises(DatabaseError, match="immutable"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE suppliers_footprint SET see_total = 0 WHERE id = %s", [footprint_id])
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        Footprint.objects.filter(pk=footprint_id).delete()
    assert Footprint.objects.get(pk=footprint_id).see_total is not None


def test_a_correction_names_its_predecessor_and_deprecates_it_when_published(producer):
    original_id = _published(producer)

    correction = _action(producer, "preparer", original_id, "correct")

    assert correction.status_code == 201, correction.content
    new_id = correction.json()["id"]
    assert correction.json()["preceding"] == original_id
    producer.api("preparer2").patch(
        producer.url(f"footprints/{new_id}/"),
        {"attributed_direct_emissions": {"value": "240000", "unit": "tCO2e"}},
        format="json",
    )
    # Another preparer submits; the first preparer is not the author of the correction.
    assert _action(producer, "preparer2", new_id, "submit").status_code == 200
    _run_validation()
    assert _action(producer, "reviewer", new_id, "approve").status_code == 200
    assert _action(producer, "admin", new_id, "publish").status_code == 200

    assert Footprint.objects.get(pk=original_id).status == "deprecated"
    document = json.loads(bytes(Footprint.objects.get(pk=new_id).signed_document))
    assert document["precedingPfIds"] == [original_id]
