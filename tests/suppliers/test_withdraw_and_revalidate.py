"""A submission whose validation never ended (its rule crashed on every attempt, the work row
gave up) is not stuck: the preparer asks for its validation again (``revalidate``), or takes it
back to draft (``withdraw``), which closes a run still unfinished so that a late worker leaves
it alone.

Work rows run in this process with ``job_execute``, over a registry holding only the rules a
test puts in it (``rules``), as in ``tests/suppliers/validation``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from accounts.models import AuditEvent
from core.jobs import job_execute
from core.models import Job
from suppliers.models import Footprint, ValidationFinding, ValidationRun
from suppliers.validation import registry
from suppliers.validation.types import Finding, RuleContext
from tests.suppliers.conftest import Producer
from tests.suppliers.validation.conftest import (
    Rules,
    draft,
    run_pending_jobs,
    submit,
    validation_jobs,
)
from tests.suppliers.validation.rule_fixtures import crashes, electricity_noted, precursor_masses

pytestmark = pytest.mark.django_db

CRASH = "rule TEST-CRASH-001 crashed: KeyError: 'electricity_factor'"


@pytest.fixture
def rules(monkeypatch: pytest.MonkeyPatch) -> Rules:
    table: dict[str, registry.Rule] = {}
    monkeypatch.setattr(registry, "RULES", table)
    return Rules(table)


def fixed(ctx: RuleContext) -> Iterator[Finding]:
    """TEST-CRASH-001 once its bug is fixed: nothing to report."""
    return iter(())


def action(producer: Producer, role: str, footprint_id: str, name: str, **body: Any) -> Any:
    return producer.api(role).post(
        producer.url(f"footprints/{footprint_id}/{name}/"), body, format="json"
    )


def runs_of(footprint_id: str) -> list[ValidationRun]:
    return list(ValidationRun.objects.filter(footprint_id=footprint_id).order_by("created_at"))


def status_of(footprint_id: str) -> str:
    return Footprint.objects.get(pk=footprint_id).status


def audit_rows(footprint_id: str) -> list[tuple[str, str, Any, Any]]:
    return list(
        AuditEvent.objects.filter(object_id=footprint_id)
        .order_by("id")
        .values_list("action", "actor_label", "before", "after")
    )


def state(footprint_id: str) -> dict[str, Any]:
    """Everything the two actions could change."""
    return {
        "footprint": Footprint.objects.filter(pk=footprint_id).values().get(),
        "runs": list(ValidationRun.objects.order_by("pk").values()),
        "jobs": list(Job.objects.order_by("pk").values()),
        "findings": ValidationFinding.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def crashed_for_good(producer: Producer) -> str:
    """A submitted footprint whose only run crashed on each of its 2 attempts: job failed."""
    footprint_id = draft(producer)
    submit(producer, footprint_id)
    [job] = validation_jobs()
    assert job_execute(job_id=job.pk).status == "pending"
    assert job_execute(job_id=job.pk).status == "failed"
    [run] = runs_of(footprint_id)
    assert (run.status, run.crashed_rule_code, run.attempts) == ("crashed", "TEST-CRASH-001", 2)
    assert run.finished_at is not None
    assert status_of(footprint_id) == "submitted"
    return footprint_id


# --------------------------------------------------------------------------- revalidate


def test_a_footprint_whose_rule_kept_crashing_passes_when_revalidated_after_the_fix(
    producer, rules, settings
):
    settings.JOB_MAX_ATTEMPTS = 2
    rules.add("TEST-WARN-001", electricity_noted)
    rules.add("TEST-CRASH-001", crashes)
    footprint_id = crashed_for_good(producer)
    [old_run] = runs_of(footprint_id)
    [old_job] = validation_jobs()
    rules.add("TEST-CRASH-001", fixed)

    response = action(producer, "preparer", footprint_id, "revalidate")

    assert response.status_code == 201, response.content
    old_run_now, new_run = runs_of(footprint_id)
    assert old_run_now.pk == old_run.pk
    body = response.json()
    assert body == {
        "id": str(new_run.pk),
        "footprint": footprint_id,
        "batch": None,
        "status": "pending",
        "attempts": 0,
        "started_at": None,
        "finished_at": None,
        "rules_version": new_run.rules_version,
        "error_count": 0,
        "warning_count": 0,
        "info_count": 0,
        "crashed_rule_code": "",
        "last_error": "",
        "created_at": body["created_at"],
    }
    # A new work row, as a submission makes it, with a whole attempt budget of its own.
    old_job_now, new_job = validation_jobs()
    assert (old_job_now.pk, old_job_now.status) == (old_job.pk, "failed")
    assert new_run.job_id == new_job.pk
    assert (new_job.status, new_job.attempts, new_job.max_attempts, new_job.payload) == (
        "pending",
        0,
        2,
        {"run_id": str(new_run.pk), "footprint_id": footprint_id},
    )
    assert status_of(footprint_id) == "submitted"

    assert run_pending_jobs() == ["succeeded"]

    new_run.refresh_from_db()
    assert (new_run.status, new_run.attempts, new_run.warning_count, new_run.error_count) == (
        "passed",
        1,
        1,
        0,
    )
    assert status_of(footprint_id) == "in_review"
    old_run_now.refresh_from_db()
    assert (old_run_now.status, old_run_now.last_error) == ("crashed", CRASH)
    preparer = producer.users["preparer"].email
    assert audit_rows(footprint_id)[1:] == [
        ("footprint.submitted", preparer, {"status": "draft"}, {"status": "submitted"}),
        (
            "footprint.revalidation_requested",
            preparer,
            {"run": str(old_run.pk), "run_status": "crashed"},
            {"run": str(new_run.pk)},
        ),
        (
            "footprint.validation_passed",
            "system:validation",
            {"status": "submitted"},
            {"status": "in_review"},
        ),
    ]


def test_a_revalidated_run_that_crashes_again_gets_every_attempt_and_can_be_revalidated(
    producer, rules, settings
):
    settings.JOB_MAX_ATTEMPTS = 2
    rules.add("TEST-CRASH-001", crashes)
    footprint_id = crashed_for_good(producer)

    assert action(producer, "admin", footprint_id, "revalidate").status_code == 201
    assert run_pending_jobs() == ["pending"]
    assert run_pending_jobs() == ["failed"]

    second = runs_of(footprint_id)[1]
    assert (second.status, second.attempts, second.last_error) == ("crashed", 2, CRASH)
    assert second.finished_at is not None
    assert status_of(footprint_id) == "submitted"
    third = action(producer, "owner", footprint_id, "revalidate")
    assert third.status_code == 201
    assert [run.status for run in runs_of(footprint_id)] == ["crashed", "crashed", "pending"]
    assert len(validation_jobs()) == 3


def test_revalidation_is_refused_while_a_run_is_unfinished_and_changes_nothing(
    producer, rules, settings
):
    settings.JOB_MAX_ATTEMPTS = 3
    rules.add("TEST-CRASH-001", crashes)
    footprint_id = draft(producer)
    submit(producer, footprint_id)
    [run] = runs_of(footprint_id)
    before = state(footprint_id)

    pending = action(producer, "preparer", footprint_id, "revalidate")

    assert pending.status_code == 409
    assert pending.json() == {
        "code": "validation_unfinished",
        "message": f"Validation run {run.pk} of this footprint has not finished (status "
        "pending, attempts so far 0); wait for it to finish, or withdraw the submission.",
        "extra": {"run": str(run.pk), "run_status": "pending"},
    }
    assert state(footprint_id) == before

    # Crashed once, to be retried: still unfinished.
    assert run_pending_jobs() == ["pending"]
    before = state(footprint_id)

    retrying = action(producer, "preparer", footprint_id, "revalidate")

    assert retrying.status_code == 409
    assert retrying.json()["message"] == (
        f"Validation run {run.pk} of this footprint has not finished (status crashed, attempts "
        "so far 1); wait for it to finish, or withdraw the submission."
    )
    assert state(footprint_id) == before


def test_a_draft_cannot_be_revalidated(producer, rules):
    footprint_id = draft(producer)
    before = state(footprint_id)

    response = action(producer, "preparer", footprint_id, "revalidate")

    assert response.status_code == 409
    assert response.json() == {
        "code": "illegal_transition",
        "message": "A draft footprint cannot be revalidated; only a submitted footprint whose "
        "validation ended without an outcome can. Submit it instead.",
        "extra": {"status": "draft", "requested": "revalidate"},
    }
    assert state(footprint_id) == before


# --------------------------------------------------------------------------- withdraw


def test_withdrawing_closes_the_unfinished_run_and_a_late_worker_changes_nothing(producer, rules):
    rules.add("TEST-WARN-001", electricity_noted)
    rules.add("TEST-INFO-001", precursor_masses)
    footprint_id = draft(producer)
    submit(producer, footprint_id)
    [run] = runs_of(footprint_id)
    preparer = producer.users["preparer"].email

    response = action(producer, "preparer", footprint_id, "withdraw", comment="Wrong period")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "draft"
    assert response.json()["latest_validation"]["id"] == str(run.pk)
    run.refresh_from_db()
    assert (run.status, run.attempts, run.error_count, run.crashed_rule_code, run.last_error) == (
        "crashed",
        0,
        0,
        "",
        f"Withdrawn by {preparer} before validation finished.",
    )
    assert run.finished_at is not None
    assert run.started_at == run.finished_at
    assert status_of(footprint_id) == "draft"
    assert audit_rows(footprint_id)[-1] == (
        "footprint.submission_withdrawn",
        preparer,
        {"status": "submitted"},
        {"status": "draft", "runs_closed": [str(run.pk)], "comment": "Wrong period"},
    )
    findings_before = ValidationFinding.objects.count()
    audit_before = AuditEvent.objects.count()

    # The work row was already published: a worker picks it up afterwards.
    assert run_pending_jobs() == ["succeeded"]

    [job] = validation_jobs()
    assert job.result == {
        "run": str(run.pk),
        "status": "crashed",
        "errors": 0,
        "warnings": 0,
        "infos": 0,
        "skipped": "already finished",
    }
    after = ValidationRun.objects.get(pk=run.pk)
    assert (after.status, after.attempts, after.last_error, after.finished_at) == (
        "crashed",
        0,  # the attempt hooks leave a finished run alone
        f"Withdrawn by {preparer} before validation finished.",
        run.finished_at,
    )
    assert ValidationFinding.objects.count() == findings_before == 0
    assert AuditEvent.objects.count() == audit_before
    assert status_of(footprint_id) == "draft"


def test_withdrawing_while_the_job_retries_a_crash_stops_the_retries(producer, rules, settings):
    settings.JOB_MAX_ATTEMPTS = 3
    rules.add("TEST-WARN-001", electricity_noted)
    rules.add("TEST-CRASH-001", crashes)
    footprint_id = draft(producer)
    submit(producer, footprint_id)
    assert run_pending_jobs() == ["pending"]
    [run] = runs_of(footprint_id)
    assert (run.status, run.attempts, run.finished_at) == ("crashed", 1, None)

    response = action(producer, "admin", footprint_id, "withdraw")

    assert response.status_code == 200, response.content
    run.refresh_from_db()
    admin = producer.users["admin"].email
    assert (run.status, run.attempts, run.crashed_rule_code, run.last_error) == (
        "crashed",
        1,
        "TEST-CRASH-001",
        f"Withdrawn by {admin} before validation finished.",
    )
    assert run.finished_at is not None
    # Even with the rule fixed, the retry validates nothing: the run is finished.
    rules.add("TEST-CRASH-001", fixed)
    assert run_pending_jobs() == ["succeeded"]
    after = ValidationRun.objects.get(pk=run.pk)
    assert (after.status, after.attempts, after.finished_at) == ("crashed", 1, run.finished_at)
    assert not ValidationFinding.objects.exists()
    assert status_of(footprint_id) == "draft"
    assert audit_rows(footprint_id)[-1] == (
        "footprint.submission_withdrawn",
        admin,
        {"status": "submitted"},
        {"status": "draft", "runs_closed": [str(run.pk)]},
    )


def test_a_submission_whose_rule_kept_crashing_can_be_withdrawn_and_submitted_again(
    producer, rules, settings
):
    settings.JOB_MAX_ATTEMPTS = 2
    rules.add("TEST-CRASH-001", crashes)
    footprint_id = crashed_for_good(producer)
    [run] = runs_of(footprint_id)

    response = action(producer, "preparer", footprint_id, "withdraw")

    assert response.status_code == 200, response.content
    assert status_of(footprint_id) == "draft"
    run.refresh_from_db()
    assert (run.status, run.last_error) == ("crashed", CRASH)  # finished: left as it was
    assert audit_rows(footprint_id)[-1] == (
        "footprint.submission_withdrawn",
        producer.users["preparer"].email,
        {"status": "submitted"},
        {"status": "draft", "runs_closed": []},
    )
    rules.add("TEST-CRASH-001", fixed)
    submit(producer, footprint_id)
    assert run_pending_jobs() == ["succeeded"]
    assert status_of(footprint_id) == "in_review"
    assert [r.status for r in runs_of(footprint_id)] == ["crashed", "passed"]


def test_only_a_submitted_footprint_can_be_withdrawn(producer, rules):
    footprint_id = draft(producer)
    submit(producer, footprint_id)
    assert run_pending_jobs() == ["succeeded"]
    assert status_of(footprint_id) == "in_review"
    before = state(footprint_id)

    response = action(producer, "preparer", footprint_id, "withdraw")

    assert response.status_code == 409
    assert response.json() == {
        "code": "illegal_transition",
        "message": "A in_review footprint cannot be withdrawn; only a submitted footprint can "
        "(it goes back to draft).",
        "extra": {"status": "in_review", "requested": "withdraw"},
    }
    assert state(footprint_id) == before


# --------------------------------------------------------------------------- who may


@pytest.mark.parametrize("name", ["withdraw", "revalidate"])
def test_a_viewer_or_reviewer_can_do_neither_and_nothing_changes(producer, rules, settings, name):
    settings.JOB_MAX_ATTEMPTS = 2
    rules.add("TEST-CRASH-001", crashes)
    footprint_id = crashed_for_good(producer)
    before = state(footprint_id)

    for role in ("viewer", "reviewer"):
        response = action(producer, role, footprint_id, name)

        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
    assert state(footprint_id) == before
