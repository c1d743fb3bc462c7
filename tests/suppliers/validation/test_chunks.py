"""A batch is validated in chunks: one work row per ``VALIDATION_CHUNK_SIZE`` runs, each run
with its own status, attempts, findings, footprint move, audit event and decision; a rule
that crashes for one footprint holds up nobody else; re-running a chunk changes nothing.

In this process (``job_execute``, no worker); ``test_worker_validation`` kills a worker
mid-chunk. The rules are the small ones of ``rule_fixtures`` (the ``rules`` fixture).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError

from accounts.models import AuditEvent
from core.jobs import job_execute
from suppliers.models import (
    DefaultValueDecisionRecord,
    Footprint,
    ValidationFinding,
    ValidationRun,
)
from suppliers.services.decision_records import decision_inputs_fingerprint, decisions_refresh
from suppliers.validation.chunks import validation_runs_execute
from suppliers.validation.facts import footprint_for_facts
from suppliers.validation.registry import rules_version
from tests.suppliers.validation.conftest import draft, finding_rows, validation_jobs
from tests.suppliers.validation.rule_fixtures import (
    activity_above_limit,
    crashes,
    crashes_above_limit,
    electricity_noted,
)
from tests.suppliers.validation.test_pipeline import ERROR_ROW, SMALL, WARNING_ROW, progress

pytestmark = pytest.mark.django_db

CRASH_MESSAGE = "rule TEST-CRASH-001 crashed: KeyError: 'electricity_factor'"


def submit_batch(producer: Any, *footprint_ids: str) -> str:
    response = producer.api("preparer").post(
        producer.url("footprints/submit-batch/"), {"footprints": list(footprint_ids)}, format="json"
    )
    assert response.status_code == 201, response.content
    return str(response.json()["id"])


def runs_by_footprint() -> dict[str, ValidationRun]:
    return {str(run.footprint_id): run for run in ValidationRun.objects.all()}


def statuses() -> dict[str, str]:
    return {str(pk): status for pk, status in Footprint.objects.values_list("pk", "status")}


def audit_actions(footprint_id: str) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_id=footprint_id)
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_a_chunk_validates_each_of_its_runs_in_one_job(producer, rules, settings):
    settings.VALIDATION_CHUNK_SIZE = 3
    rules.add("TEST-ERR-001", activity_above_limit)
    rules.add("TEST-WARN-001", electricity_noted)
    small, big, small2 = draft(producer, **SMALL), draft(producer), draft(producer, **SMALL)
    batch_id = submit_batch(producer, small, big, small2)
    (job,) = validation_jobs()
    runs = runs_by_footprint()
    assert job.payload == {"run_ids": [str(runs[fp].pk) for fp in (small, big, small2)]}

    assert job_execute(job_id=job.pk).status == "succeeded"

    job.refresh_from_db()
    assert job.result == {"runs": 3, "passed": 2, "failed_findings": 1}
    runs = runs_by_footprint()
    outcome = {
        fp: (run.status, run.error_count, run.warning_count, run.info_count, run.attempts)
        for fp, run in runs.items()
    }
    assert outcome == {
        small: ("passed", 0, 1, 0, 1),
        big: ("failed_findings", 1, 1, 0, 1),
        small2: ("passed", 0, 1, 0, 1),
    }
    for run in runs.values():
        assert (run.rules_version, run.crashed_rule_code, run.last_error) == (
            rules_version(),
            "",
            "",
        )
        assert run.started_at is not None
        assert run.finished_at is not None
        assert run.job_id == job.pk
    assert finding_rows(runs[small].pk) == [{"position": 0, **WARNING_ROW}]
    assert finding_rows(runs[big].pk) == [
        {"position": 0, **ERROR_ROW},
        {"position": 1, **WARNING_ROW},
    ]
    assert statuses() == {small: "in_review", big: "draft", small2: "in_review"}
    assert Footprint.objects.get(pk=big).calculation_problems == [
        {
            "path": "activity_level",
            "message": "TEST-ERR-001: 1000000 t is above the test limit of 500000 t.",
        }
    ]
    assert audit_actions(small) == [
        "footprint.created",
        "footprint.submitted",
        "footprint.validation_passed",
    ]
    assert audit_actions(big)[-1] == "footprint.validation_failed"
    event = AuditEvent.objects.get(object_id=big, action="footprint.validation_failed")
    assert (event.actor_label, event.before, event.after, event.organisation_id) == (
        "system:validation",
        {"status": "submitted"},
        {"status": "draft", "problems": 1},
        producer.organisation.pk,
    )
    # A decision for each footprint that passed, none for the draft.
    assert set(DefaultValueDecisionRecord.objects.values_list("footprint_id", flat=True)) == {
        Footprint.objects.get(pk=small).pk,
        Footprint.objects.get(pk=small2).pk,
    }
    assert progress(producer, batch_id) == {
        "total": 3,
        "done": 3,
        "passed": 2,
        "failed": 1,
        "crashed": 0,
    }


def test_a_chunk_stores_the_digest_a_refresh_computes_so_the_refresh_changes_nothing(
    producer, rules, settings
):
    settings.VALIDATION_CHUNK_SIZE = 2
    rules.add("TEST-WARN-001", electricity_noted)
    first, second = draft(producer, **SMALL), draft(producer, **SMALL)
    submit_batch(producer, first, second)
    (job,) = validation_jobs()
    job_execute(job_id=job.pk)
    stored = dict(
        DefaultValueDecisionRecord.objects.values_list("footprint_id", "inputs_fingerprint")
    )

    for footprint in footprint_for_facts().filter(pk__in=[first, second]):
        run = ValidationRun.objects.get(footprint=footprint)
        assert stored[footprint.pk] == decision_inputs_fingerprint(
            footprint, today=run.created_at.date()
        )
    assert decisions_refresh(today=ValidationRun.objects.first().created_at.date()) == {
        "checked": 2,
        "changed": 0,
        "crashed": 0,
    }
    record = DefaultValueDecisionRecord.objects.get(footprint_id=first)
    assert [w["code"] for w in record.warnings] == ["TEST-WARN-001"]


def test_running_a_chunk_again_skips_its_finished_runs_and_a_replay_gives_the_same_findings(
    producer, rules, settings
):
    settings.VALIDATION_CHUNK_SIZE = 2
    rules.add("TEST-ERR-001", activity_above_limit)
    rules.add("TEST-WARN-001", electricity_noted)
    small, big = draft(producer, **SMALL), draft(producer)
    submit_batch(producer, small, big)
    (job,) = validation_jobs()
    job_execute(job_id=job.pk)
    runs = runs_by_footprint()
    first = {fp: finding_rows(run.pk) for fp, run in runs.items()}

    # A duplicate delivery: the job is done, nothing runs.
    assert job_execute(job_id=job.pk).status == "succeeded"
    # The chunk's runs executed again: each is finished, each is skipped.
    ids = [str(runs[small].pk), str(runs[big].pk)]
    assert validation_runs_execute(run_ids=ids, job=job) == [
        {
            "run": ids[0],
            "status": "passed",
            "errors": 0,
            "warnings": 1,
            "infos": 0,
            "skipped": "already finished",
        },
        {
            "run": ids[1],
            "status": "failed_findings",
            "errors": 1,
            "warnings": 1,
            "infos": 0,
            "skipped": "already finished",
        },
    ]
    # A replay of one run as if its outcome had never been recorded: its findings are
    # replaced by the same ones, the other run is left alone.
    ValidationRun.objects.filter(pk=runs[big].pk).update(status="running", finished_at=None)
    Footprint.objects.filter(pk=big).update(status="submitted")
    assert validation_runs_execute(run_ids=ids, job=job)[1] == {
        "run": ids[1],
        "status": "failed_findings",
        "errors": 1,
        "warnings": 1,
        "infos": 0,
        "footprint_status": "draft",
    }

    assert {fp: finding_rows(run.pk) for fp, run in runs.items()} == first
    assert ValidationFinding.objects.count() == 3
    assert statuses() == {small: "in_review", big: "draft"}


def test_a_rule_crashing_for_one_footprint_holds_up_no_other_of_its_chunk(
    producer, rules, settings
):
    settings.VALIDATION_CHUNK_SIZE = 3
    settings.JOB_MAX_ATTEMPTS = 3
    rules.add("TEST-WARN-001", electricity_noted)
    rules.add("TEST-CRASH-001", crashes_above_limit)
    small, big, small2 = draft(producer, **SMALL), draft(producer), draft(producer, **SMALL)
    batch_id = submit_batch(producer, small, big, small2)
    (chunk,) = validation_jobs()

    assert job_execute(job_id=chunk.pk).status == "succeeded"

    chunk.refresh_from_db()
    assert chunk.result == {"runs": 3, "passed": 2, "crashed": 1}
    runs = runs_by_footprint()
    crashed = runs[big]
    (_, successor) = validation_jobs()
    assert (successor.payload, successor.max_attempts, successor.status) == (
        {"run_ids": [str(crashed.pk)]},
        2,  # the attempts the chunk had left: never more than JOB_MAX_ATTEMPTS in all
        "pending",
    )
    assert (
        crashed.status,
        crashed.crashed_rule_code,
        crashed.last_error,
        crashed.attempts,
        crashed.finished_at,
        crashed.job_id,
    ) == ("crashed", "TEST-CRASH-001", CRASH_MESSAGE, 1, None, successor.pk)
    assert not ValidationFinding.objects.filter(run=crashed).exists()
    assert (runs[small].status, runs[small2].status) == ("passed", "passed")
    assert statuses() == {small: "in_review", big: "submitted", small2: "in_review"}
    assert DefaultValueDecisionRecord.objects.count() == 2
    assert progress(producer, batch_id) == {
        "total": 3,
        "done": 2,
        "passed": 2,
        "failed": 0,
        "crashed": 0,
    }

    assert job_execute(job_id=successor.pk).status == "pending"  # it crashes again: retried
    crashed.refresh_from_db()
    assert (crashed.status, crashed.attempts, crashed.finished_at) == ("crashed", 2, None)
    assert job_execute(job_id=successor.pk).status == "failed"

    crashed.refresh_from_db()
    successor.refresh_from_db()
    assert (successor.attempts, successor.last_error) == (2, f"transient: {CRASH_MESSAGE}")
    assert (
        crashed.status,
        crashed.crashed_rule_code,
        crashed.last_error,
        crashed.attempts,
    ) == ("crashed", "TEST-CRASH-001", CRASH_MESSAGE, 3)
    assert crashed.finished_at is not None
    # Never a silent pass: the footprint waits in submitted, nothing moved it.
    assert statuses()[big] == "submitted"
    assert audit_actions(big) == ["footprint.created", "footprint.submitted"]
    assert progress(producer, batch_id) == {
        "total": 3,
        "done": 3,
        "passed": 2,
        "failed": 0,
        "crashed": 1,
    }


def test_a_chunk_on_its_last_attempt_closes_the_runs_that_crashed(producer, rules, settings):
    settings.VALIDATION_CHUNK_SIZE = 2
    settings.JOB_MAX_ATTEMPTS = 1
    rules.add("TEST-CRASH-001", crashes_above_limit)
    small, big = draft(producer, **SMALL), draft(producer)
    submit_batch(producer, small, big)
    (chunk,) = validation_jobs()

    assert job_execute(job_id=chunk.pk).status == "succeeded"

    assert len(validation_jobs()) == 1  # no attempts left to hand over
    crashed = runs_by_footprint()[big]
    assert (crashed.status, crashed.crashed_rule_code, crashed.attempts, crashed.job_id) == (
        "crashed",
        "TEST-CRASH-001",
        1,
        chunk.pk,
    )
    assert crashed.finished_at is not None
    assert statuses() == {small: "in_review", big: "submitted"}


def test_when_every_run_of_a_chunk_crashes_the_chunk_is_retried_whole(producer, rules, settings):
    settings.VALIDATION_CHUNK_SIZE = 2
    settings.JOB_MAX_ATTEMPTS = 2
    rules.add("TEST-WARN-001", electricity_noted)
    rules.add("TEST-CRASH-001", crashes)
    first, second = draft(producer), draft(producer)
    submit_batch(producer, first, second)
    (chunk,) = validation_jobs()

    assert job_execute(job_id=chunk.pk).status == "pending"

    chunk.refresh_from_db()
    assert chunk.last_error == f"transient: {CRASH_MESSAGE} (and 1 other runs of the chunk)"
    for run in ValidationRun.objects.all():
        assert (run.status, run.crashed_rule_code, run.last_error, run.attempts) == (
            "crashed",
            "TEST-CRASH-001",
            CRASH_MESSAGE,
            1,
        )
        assert run.finished_at is None
    assert not ValidationFinding.objects.exists()  # the other rule's findings rolled back

    assert job_execute(job_id=chunk.pk).status == "failed"

    assert set(ValidationRun.objects.values_list("status", "attempts")) == {("crashed", 2)}
    assert not ValidationRun.objects.filter(finished_at__isnull=True).exists()
    assert set(statuses().values()) == {"submitted"}
    assert len(validation_jobs()) == 1  # no work row of its own for anyone


def test_a_chunk_that_loses_its_database_connection_is_retried_whole_and_no_run_crashed(
    producer, rules, settings
):
    """A query that fails because the connection is gone (a database restart) is not a rule's
    bug: it is not kept as that run's crash nor handed over; the whole attempt rolls back, the
    runs wait (``pending``, retryable) and the next attempt validates every one of them."""
    settings.VALIDATION_CHUNK_SIZE = 3
    lost: list[str] = []

    def connection_lost_once(ctx: Any) -> list[Any]:
        if not lost:
            lost.append("once")
            raise OperationalError("terminating connection due to administrator command")
        return []

    rules.add("TEST-WARN-001", electricity_noted)
    rules.add("TEST-DB-001", connection_lost_once)
    footprint_ids = [draft(producer, **SMALL) for _ in range(3)]
    submit_batch(producer, *footprint_ids)
    (chunk,) = validation_jobs()

    assert job_execute(job_id=chunk.pk).status == "pending"

    chunk.refresh_from_db()
    message = "OperationalError: terminating connection due to administrator command"
    assert (chunk.status, chunk.attempts, chunk.last_error) == (
        "pending",
        1,
        f"transient: {message}",
    )
    runs = list(ValidationRun.objects.values_list("status", "crashed_rule_code", "finished_at"))
    assert runs == [("pending", "", None)] * 3
    assert set(ValidationRun.objects.values_list("last_error", flat=True)) == {
        f"{message} (retrying)"
    }
    assert not ValidationFinding.objects.exists()
    assert set(statuses().values()) == {"submitted"}
    assert len(validation_jobs()) == 1  # nothing handed over

    assert job_execute(job_id=chunk.pk).status == "succeeded"

    runs = list(ValidationRun.objects.values_list("status", "attempts", "last_error"))
    assert runs == [("passed", 2, "")] * 3
    assert set(statuses().values()) == {"in_review"}
