"""The validation pipeline in this process (``job_execute``, no worker): submit → run → findings
→ in review or back to draft; idempotent re-runs; crashing rules; input that cannot be
computed; batches with progress; the dry run; the API's outputs.

Every test empties the rule registry and adds the small rules of ``rule_fixtures`` (the
``rules`` fixture), so the findings below do not depend on the shipped rules.
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import serializers

from accounts.models import AuditEvent
from core.jobs import job_execute, jobs_sweep
from core.models import Job
from reference.datasets import SNAPSHOT_DATASETS
from suppliers.calculations.default_value_decision import decision_year
from suppliers.models import (
    Footprint,
    FootprintPrecursor,
    ValidationBatch,
    ValidationFinding,
    ValidationRun,
)
from suppliers.validation.chunks import validation_run_execute
from suppliers.validation.loading import rules_load
from suppliers.validation.registry import rules_version
from suppliers.validation.types import Finding
from tests.factories import FootprintFactory, OrganisationFactory
from tests.suppliers.conftest import footprint_input
from tests.suppliers.validation.conftest import (
    draft,
    finding_rows,
    run_pending_jobs,
    submit,
    validation_jobs,
)
from tests.suppliers.validation.rule_fixtures import (
    activity_above_limit,
    crashes,
    electricity_noted,
    precursor_masses,
)

pytestmark = pytest.mark.django_db

ERROR_ROW = {
    "code": "TEST-ERR-001",
    "severity": "error",
    "path": "activity_level",
    "message_en": "1000000 t is above the test limit of 500000 t.",
    "message_zh": "1000000 t 超过测试上限 500000 吨。",
    "evidence": {"activity_level_t": "1000000", "limit_t": "500000"},
    "default_value_required": False,
}
WARNING_ROW = {
    "code": "TEST-WARN-001",
    "severity": "warning",
    "path": "electricity",
    "message_en": "Electricity consumption is checked against the grid factor.",
    "message_zh": "用电量按电网排放因子核对。",
    "evidence": {"electricity_mwh": "90000", "as_entered": "90000 MWh"},
    "default_value_required": False,
}
INFO_ROW = {
    "code": "TEST-INFO-001",
    "severity": "info",
    "path": "precursors[0].mass_per_t",
    "message_en": "Crude steel precursor counted.",
    "message_zh": "已计入前体 Crude steel。",
    "evidence": {"mass_t_per_t": "1.05"},
    "default_value_required": False,
}
SMALL = {
    "activity_level": {"value": "400000", "unit": "t"},
    "attributed_direct_emissions": {"value": "100000", "unit": "tCO2e"},
}


def positioned(*rows: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"position": index, **row} for index, row in enumerate(rows)]


def iso(moment: Any) -> Any:
    return serializers.DateTimeField().to_representation(moment) if moment else None


def audit_actions(footprint_id: str) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_id=footprint_id)
        .order_by("id")
        .values_list("action", flat=True)
    )


def the_run(footprint_id: str) -> ValidationRun:
    return ValidationRun.objects.get(footprint_id=footprint_id)


# --------------------------------------------------------------------------- outcomes


def test_a_footprint_with_errors_goes_back_to_draft_with_its_findings(producer, rules):
    rules.add("TEST-ERR-001", activity_above_limit)
    rules.add("TEST-WARN-001", electricity_noted)
    footprint_id = draft(producer)
    submit(producer, footprint_id)

    assert run_pending_jobs() == ["succeeded"]

    run = the_run(footprint_id)
    footprint = Footprint.objects.get(pk=footprint_id)
    assert footprint.status == "draft"
    assert footprint.calculation_problems == [
        {
            "path": "activity_level",
            "message": "TEST-ERR-001: 1000000 t is above the test limit of 500000 t.",
        }
    ]
    assert (
        run.status,
        run.error_count,
        run.warning_count,
        run.info_count,
        run.attempts,
        run.crashed_rule_code,
        run.last_error,
        run.rules_version,
    ) == ("failed_findings", 1, 1, 0, 1, "", "", rules_version())
    assert run.started_at is not None
    assert run.finished_at is not None
    assert finding_rows(run.pk) == positioned(ERROR_ROW, WARNING_ROW)
    assert audit_actions(footprint_id) == [
        "footprint.created",
        "footprint.submitted",
        "footprint.validation_failed",
    ]
    assert Job.objects.get(pk=run.job_id).result == {
        "run": str(run.pk),
        "status": "failed_findings",
        "errors": 1,
        "warnings": 1,
        "infos": 0,
        "footprint_status": "draft",
    }


def test_warnings_and_information_alone_let_the_footprint_into_review(producer, rules):
    rules.add("TEST-WARN-001", electricity_noted)
    rules.add("TEST-INFO-001", precursor_masses)
    footprint_id = draft(producer)
    submit(producer, footprint_id)

    assert run_pending_jobs() == ["succeeded"]

    run = the_run(footprint_id)
    assert Footprint.objects.get(pk=footprint_id).status == "in_review"
    assert Footprint.objects.get(pk=footprint_id).calculation_problems == []
    assert (run.status, run.error_count, run.warning_count, run.info_count) == (
        "passed",
        0,
        1,
        1,
    )
    assert finding_rows(run.pk) == positioned(INFO_ROW, WARNING_ROW)
    assert audit_actions(footprint_id)[-1] == "footprint.validation_passed"


def test_the_run_shows_running_with_its_attempt_while_the_rules_run(producer, rules):
    seen: list[tuple[str, int]] = []

    def spy(ctx: Any) -> list[Finding]:
        seen.append(
            ValidationRun.objects.values_list("status", "attempts").get(footprint_id=ctx.facts.id)
        )
        return []

    rules.add("TEST-SPY-001", spy)
    footprint_id = draft(producer)
    submit(producer, footprint_id)
    assert the_run(footprint_id).status == "pending"

    run_pending_jobs()

    # Once: the closing run hands its findings to the default-value decision.
    assert seen == [("running", 1)]
    assert the_run(footprint_id).status == "passed"


def test_a_second_submission_is_a_new_run_and_the_newest_is_listed_first(producer, rules):
    rules.add("TEST-ERR-001", activity_above_limit)
    footprint_id = draft(producer)
    submit(producer, footprint_id)
    run_pending_jobs()
    producer.api("preparer").patch(
        producer.url(f"footprints/{footprint_id}/"), SMALL, format="json"
    )
    submit(producer, footprint_id)
    run_pending_jobs()

    response = producer.api("viewer").get(
        producer.url(f"footprints/{footprint_id}/validation-runs/")
    )

    assert response.status_code == 200
    assert [(r["status"], r["error_count"]) for r in response.json()["results"]] == [
        ("passed", 0),
        ("failed_findings", 1),
    ]
    assert Footprint.objects.get(pk=footprint_id).status == "in_review"


# --------------------------------------------------------------------------- idempotence


def test_executing_a_run_again_changes_nothing_and_a_replay_gives_the_same_findings(
    producer, rules
):
    rules.add("TEST-ERR-001", activity_above_limit)
    rules.add("TEST-INFO-001", precursor_masses)
    footprint_id = draft(producer)
    submit(producer, footprint_id)
    run_pending_jobs()
    run = the_run(footprint_id)
    first = finding_rows(run.pk)
    assert first == positioned(ERROR_ROW, INFO_ROW)

    # A duplicate delivery of the job: the job and the run are finished, nothing runs.
    assert job_execute(job_id=run.job_id).status == "succeeded"
    assert validation_run_execute(run_id=str(run.pk)) == {
        "run": str(run.pk),
        "status": "failed_findings",
        "errors": 1,
        "warnings": 0,
        "infos": 1,
        "skipped": "already finished",
    }
    # A replay of the run itself (as if its first outcome had never been recorded): the
    # findings are replaced by the same ones, never added to.
    ValidationRun.objects.filter(pk=run.pk).update(status="running", finished_at=None)
    Footprint.objects.filter(pk=footprint_id).update(status="submitted")
    validation_run_execute(run_id=str(run.pk))

    assert finding_rows(run.pk) == first
    assert ValidationFinding.objects.filter(run=run).count() == 2
    assert Footprint.objects.get(pk=footprint_id).status == "draft"


def test_a_finding_repeated_by_its_rule_is_stored_once(producer, rules):
    def twice(ctx: Any) -> list[Finding]:
        finding = Finding("TEST-DUP-001", "info", "", "Said twice.", "说了两次。")
        return [finding, finding]

    rules.add("TEST-DUP-001", twice)
    footprint_id = draft(producer)
    submit(producer, footprint_id)

    run_pending_jobs()

    run = the_run(footprint_id)
    assert [row["code"] for row in finding_rows(run.pk)] == ["TEST-DUP-001"]
    assert run.info_count == 1


def test_the_database_refuses_a_second_copy_of_a_finding(producer, rules):
    rules.add("TEST-ERR-001", activity_above_limit)
    footprint_id = draft(producer)
    submit(producer, footprint_id)
    run_pending_jobs()
    stored = ValidationFinding.objects.get(run__footprint_id=footprint_id)

    with pytest.raises(IntegrityError), transaction.atomic():
        ValidationFinding.objects.create(
            run=stored.run,
            position=1,
            code=stored.code,
            severity=stored.severity,
            path=stored.path,
            message_en=stored.message_en,
            message_zh="另一种说法",
            key=stored.key,
        )


# --------------------------------------------------------------------------- bad input, crashes


def test_a_rule_that_raises_marks_the_run_crashed_and_the_job_retries_until_it_gives_up(
    producer, rules, settings
):
    settings.JOB_MAX_ATTEMPTS = 2
    rules.add("TEST-INFO-001", precursor_masses)
    rules.add("TEST-CRASH-001", crashes)
    footprint_id = draft(producer)
    submit(producer, footprint_id)
    job = validation_jobs()[0]
    message = "rule TEST-CRASH-001 crashed: KeyError: 'electricity_factor'"

    assert job_execute(job_id=job.pk).status == "pending"

    run = the_run(footprint_id)
    assert (run.status, run.crashed_rule_code, run.attempts, run.last_error) == (
        "crashed",
        "TEST-CRASH-001",
        1,
        message,
    )
    assert run.finished_at is None  # the job will try again
    assert not ValidationFinding.objects.exists()  # the other rule's findings rolled back
    assert Footprint.objects.get(pk=footprint_id).status == "submitted"

    assert job_execute(job_id=job.pk).status == "failed"

    job.refresh_from_db()
    run.refresh_from_db()
    assert (job.status, job.attempts, job.last_error) == ("failed", 2, f"transient: {message}")
    assert (run.status, run.crashed_rule_code, run.attempts, run.last_error) == (
        "crashed",
        "TEST-CRASH-001",
        2,
        message,
    )
    assert run.finished_at is not None
    assert not ValidationFinding.objects.exists()
    # Never a silent pass: the footprint waits in submitted, nothing moved it.
    assert Footprint.objects.get(pk=footprint_id).status == "submitted"
    assert audit_actions(footprint_id) == ["footprint.created", "footprint.submitted"]
    assert job_execute(job_id=job.pk).status == "failed"


def test_a_run_whose_workers_kept_dying_is_closed_as_crashed_by_the_sweeper(producer, rules):
    footprint_id = draft(producer)
    submit(producer, footprint_id)
    job = validation_jobs()[0]
    # What the last attempt left behind: its worker died mid-run, its lease ran out.
    Job.objects.filter(pk=job.pk).update(
        status="running",
        attempts=job.max_attempts,
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )
    ValidationRun.objects.filter(pk=the_run(footprint_id).pk).update(
        status="running", attempts=job.max_attempts
    )

    report = jobs_sweep()

    assert report.failed == [job.pk]
    run = the_run(footprint_id)
    assert (run.status, run.attempts, run.crashed_rule_code, run.last_error) == (
        "crashed",
        job.max_attempts,
        "",
        "The worker running it was lost on every attempt; the platform gave up.",
    )
    assert run.finished_at is not None
    assert Footprint.objects.get(pk=footprint_id).status == "submitted"


def test_a_footprint_without_reference_data_for_its_period_gets_an_input_finding(producer, rules):
    rules.add("TEST-INFO-001", precursor_masses)  # does not run: the facts would be stale
    footprint_id = draft(producer)
    # The period moved before the first reference data (as a data fix would do).
    Footprint.objects.filter(pk=footprint_id).update(
        period_start="2025-01-01", period_end="2025-12-31"
    )
    submit(producer, footprint_id)

    assert run_pending_jobs() == ["succeeded"]

    run = the_run(footprint_id)
    detail = (
        f"no reference data valid on 2025-12-31 for {', '.join(SNAPSHOT_DATASETS)}: load it with "
        "manage.py load_reference_data (or load_reference_version)"
    )
    assert finding_rows(run.pk) == positioned(
        {
            "code": "CBAM-INPUT-000",
            "severity": "error",
            "path": "period_end",
            "message_en": f"This input cannot be read or computed: {detail}",
            "message_zh": f"无法读取或计算此项输入（period_end）：{detail}",
            "evidence": {},
            "default_value_required": False,
        }
    )
    assert run.status == "failed_findings"
    assert Footprint.objects.get(pk=footprint_id).status == "draft"


# --------------------------------------------------------------------------- batches


def batch_url(producer, batch_id: str) -> str:
    return producer.url(f"validation-batches/{batch_id}/")


def progress(producer, batch_id: str) -> dict[str, int]:
    body = producer.api("viewer").get(batch_url(producer, batch_id)).json()
    return {key: body[key] for key in ("total", "done", "passed", "failed", "crashed")}


def test_a_batch_submits_every_footprint_and_reports_its_progress(producer, rules, settings):
    settings.VALIDATION_CHUNK_SIZE = 2
    rules.add("TEST-ERR-001", activity_above_limit)
    small, big, small2 = draft(producer, **SMALL), draft(producer), draft(producer, **SMALL)

    response = producer.api("preparer").post(
        producer.url("footprints/submit-batch/"),
        {"footprints": [small, big, small2]},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    batch_id = body["id"]
    assert {key: body[key] for key in ("total", "done", "passed", "failed", "crashed")} == {
        "total": 3,
        "done": 0,
        "passed": 0,
        "failed": 0,
        "crashed": 0,
    }
    assert [(r["footprint"], r["batch"], r["status"]) for r in body["runs"]] == [
        (small, batch_id, "pending"),
        (big, batch_id, "pending"),
        (small2, batch_id, "pending"),
    ]
    assert set(Footprint.objects.values_list("status", flat=True)) == {"submitted"}
    # One work row per chunk of two runs; each run points at its chunk's.
    runs = {str(r.footprint_id): r for r in ValidationRun.objects.all()}
    jobs = validation_jobs()
    assert [job.payload for job in jobs] == [
        {"run_ids": [str(runs[small].pk), str(runs[big].pk)]},
        {"run_id": str(runs[small2].pk), "footprint_id": small2},
    ]
    assert [runs[fp].job_id for fp in (small, big, small2)] == [jobs[0].pk, jobs[0].pk, jobs[1].pk]

    assert job_execute(job_id=jobs[0].pk).status == "succeeded"
    assert progress(producer, batch_id) == {
        "total": 3,
        "done": 2,
        "passed": 1,
        "failed": 1,
        "crashed": 0,
    }
    jobs[0].refresh_from_db()
    assert jobs[0].result == {"runs": 2, "passed": 1, "failed_findings": 1}
    run_pending_jobs()
    assert progress(producer, batch_id) == {
        "total": 3,
        "done": 3,
        "passed": 2,
        "failed": 1,
        "crashed": 0,
    }
    assert dict(Footprint.objects.values_list("id", "status")) == {
        Footprint.objects.get(pk=small).pk: "in_review",
        Footprint.objects.get(pk=big).pk: "draft",
        Footprint.objects.get(pk=small2).pk: "in_review",
    }
    assert AuditEvent.objects.filter(action="validation_batch.submitted").count() == 1


def test_a_batch_with_a_footprint_that_is_not_a_draft_submits_nothing(producer, rules):
    in_review = draft(producer)
    submit(producer, in_review)
    run_pending_jobs()
    other = draft(producer)
    before = (Job.objects.count(), ValidationRun.objects.count(), AuditEvent.objects.count())

    response = producer.api("preparer").post(
        producer.url("footprints/submit-batch/"), {"footprints": [other, in_review]}, format="json"
    )

    assert response.status_code == 409
    assert response.json() == {
        "code": "not_draft",
        "message": "Only drafts can be submitted; nothing was submitted. Not drafts: "
        f"{in_review} (in_review).",
        "extra": {"footprints": {in_review: "in_review"}},
    }
    assert Footprint.objects.get(pk=other).status == "draft"
    assert not ValidationBatch.objects.exists()
    assert (
        Job.objects.count(),
        ValidationRun.objects.count(),
        AuditEvent.objects.count(),
    ) == before


def test_a_batch_names_each_id_it_cannot_use(producer, rules):
    mine = draft(producer)
    foreign = str(FootprintFactory(organisation=OrganisationFactory()).pk)

    response = producer.api("preparer").post(
        producer.url("footprints/submit-batch/"),
        {"footprints": [mine, "HRC-2026", foreign, mine]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {
        "footprints[1]": ["'HRC-2026' is not a footprint id (a UUID)."],
        "footprints[3]": [f"{mine} is listed twice (first at footprints[0])."],
    }
    response = producer.api("preparer").post(
        producer.url("footprints/submit-batch/"), {"footprints": [mine, foreign]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {
        "footprints[1]": [f"{foreign}: unknown footprint; give the ids of your own footprints."]
    }
    assert Footprint.objects.get(pk=mine).status == "draft"
    assert not ValidationRun.objects.exists()


def test_an_empty_batch_is_refused(producer, rules):
    response = producer.api("preparer").post(
        producer.url("footprints/submit-batch/"), {"footprints": []}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {
        "footprints": ["Expected a non-empty list of footprint ids."]
    }


# --------------------------------------------------------------------------- dry run


def _rows(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: value for key, value in f.items()} for f in findings]


def _table_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Footprint,
            FootprintPrecursor,
            ValidationRun,
            ValidationFinding,
            ValidationBatch,
            Job,
            AuditEvent,
        )
    }


def test_a_dry_run_gives_the_findings_a_submission_would_get_and_saves_nothing(producer, rules):
    rules.add("TEST-ERR-001", activity_above_limit)
    rules.add("TEST-INFO-001", precursor_masses)
    before = _table_counts()

    response = producer.api("preparer").post(
        producer.url("footprints/validate-dry-run/"), footprint_input(producer), format="json"
    )

    assert response.status_code == 200, response.content
    body = response.json()
    decision = body.pop("decision")
    assert body == {
        "status": "failed_findings",
        "rules_version": rules_version(),
        "error_count": 1,
        "warning_count": 0,
        "info_count": 1,
        "see": {"see_direct": "2.24500", "see_indirect": "0.36945", "see_total": "2.61445"},
        "findings": [ERROR_ROW, INFO_ROW],
    }
    # The error forces the default value; priced for the current year at 75 EUR:
    # on defaults (3.187 [7208 CN, default_values v2] x 1.10 - 0.975 x 1.370 [B, route C]) x 75
    # = (3.5057 - 1.33575) x 75 = 2.16995 x 75 = 162.74625;
    # actual (2.245 - 0.975 x (0.044 [A] + 1.05 x 1.364 [B, slab, route unknown])) x 75
    # = 0.805705 x 75 = 60.427875; difference 102.318375
    assert decision["default_value_must_be_used"] is True
    assert [r["code"] for r in decision["reasons"]] == ["TEST-ERR-001"]
    assert decision["year"] == decision_year(timezone.localdate())
    if decision["year"] == 2026:
        assert decision["cost_default_eur_per_t"] == "162.75"
        assert decision["cost_actual_eur_per_t"] == "60.43"
        assert decision["cost_difference_eur_per_t"] == "102.32"
    assert decision["note"].startswith("precursor benchmarks from column B:")
    assert _table_counts() == before


def test_a_dry_run_reports_unreadable_input_as_findings(producer, rules):
    rules.add("TEST-INFO-001", precursor_masses)
    data = footprint_input(producer, activity_level={"value": "1000000", "unit": "m3"})
    del data["product"]

    response = producer.api("preparer").post(
        producer.url("footprints/validate-dry-run/"), data, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["error_count"], body["see"]) == ("failed_findings", 2, {})
    assert [(f["code"], f["severity"], f["path"], f["message_en"]) for f in body["findings"]] == [
        (
            "CBAM-INPUT-000",
            "error",
            "product",
            "This input cannot be read or computed: This field is required.",
        ),
        (
            "CBAM-INPUT-000",
            "error",
            "activity_level",
            "This input cannot be read or computed: unit 'm3' does not fit a mass; expected "
            "one of t, kg.",
        ),
    ]
    assert body["findings"][0]["message_zh"] == (
        "无法读取或计算此项输入（product）：This field is required."
    )


def test_a_dry_run_of_a_document_that_is_not_json_is_a_finding(producer, rules):
    response = producer.api("preparer").post(
        producer.url("footprints/validate-dry-run/"),
        data="{not json",
        content_type="application/json",
    )

    assert response.status_code == 200
    (finding,) = response.json()["findings"]
    assert (finding["code"], finding["path"]) == ("CBAM-INPUT-000", "")
    assert finding["message_en"].startswith(
        "This input cannot be read or computed: The document is not valid JSON: JSON parse error"
    )

    response = producer.api("preparer").post(
        producer.url("footprints/validate-dry-run/"),
        json.dumps([1, 2]),
        content_type="application/json",
    )
    assert [f["message_en"] for f in response.json()["findings"]] == [
        "This input cannot be read or computed: Expected a JSON object: the footprint input, "
        "as for POST …/footprints/."
    ]


def test_a_dry_run_whose_rule_crashes_says_so_without_a_trace(producer, rules):
    rules.add("TEST-CRASH-001", crashes)

    response = producer.api("preparer").post(
        producer.url("footprints/validate-dry-run/"), footprint_input(producer), format="json"
    )

    assert response.status_code == 500
    assert response.json() == {
        "code": "rule_crashed",
        "message": "Rule TEST-CRASH-001 failed unexpectedly; nothing was validated. This is a "
        "fault of the platform: please report it with this message.",
        "extra": {"rule": "TEST-CRASH-001"},
    }


# --------------------------------------------------------------------------- API outputs


def run_output(run: ValidationRun) -> dict[str, Any]:
    return {
        "id": str(run.pk),
        "footprint": str(run.footprint_id),
        "batch": None if run.batch_id is None else str(run.batch_id),
        "status": run.status,
        "attempts": run.attempts,
        "started_at": iso(run.started_at),
        "finished_at": iso(run.finished_at),
        "rules_version": run.rules_version,
        "error_count": run.error_count,
        "warning_count": run.warning_count,
        "info_count": run.info_count,
        "crashed_rule_code": run.crashed_rule_code,
        "last_error": run.last_error,
        "created_at": iso(run.created_at),
    }


def test_the_api_shows_runs_with_counts_and_a_run_with_its_findings(producer, rules):
    rules.add("TEST-ERR-001", activity_above_limit)
    rules.add("TEST-WARN-001", electricity_noted)
    rules.add("TEST-INFO-001", precursor_masses)
    footprint_id = draft(producer)
    submit(producer, footprint_id)
    run_pending_jobs()
    run = the_run(footprint_id)
    api = producer.api("viewer")

    listed = api.get(producer.url(f"footprints/{footprint_id}/validation-runs/"))
    detail = api.get(producer.url(f"validation-runs/{run.pk}/"))
    footprint = api.get(producer.url(f"footprints/{footprint_id}/"))

    assert listed.status_code == 200
    assert listed.json()["results"] == [run_output(run)]
    assert run_output(run)["status"] == "failed_findings"
    assert (run.error_count, run.warning_count, run.info_count) == (1, 1, 1)
    expected_detail = {**run_output(run), "findings": [ERROR_ROW, INFO_ROW, WARNING_ROW]}
    assert detail.status_code == 200
    assert detail.json() == expected_detail
    assert footprint.json()["latest_validation"] == expected_detail


def test_a_footprint_never_submitted_has_no_latest_validation(producer, rules):
    footprint_id = draft(producer)

    body = producer.api("viewer").get(producer.url(f"footprints/{footprint_id}/")).json()

    assert body["latest_validation"] is None
    assert (
        producer.api("viewer")
        .get(producer.url(f"footprints/{footprint_id}/validation-runs/"))
        .json()["results"]
        == []
    )


def test_the_footprint_list_shows_each_latest_validation_in_a_fixed_number_of_queries(
    producer, rules, django_assert_num_queries
):
    rules.add("TEST-WARN-001", electricity_noted)
    api = producer.api("viewer")
    submit(producer, draft(producer))
    run_pending_jobs()
    # Membership, count, footprints, precursors, evidence, newest runs, their findings.
    with django_assert_num_queries(7):
        assert api.get(producer.url("footprints/")).status_code == 200
    for _ in range(3):
        submit(producer, draft(producer))
    run_pending_jobs()

    with django_assert_num_queries(7):
        response = api.get(producer.url("footprints/"))

    results = response.json()["results"]
    assert len(results) == 4
    assert [len(f["latest_validation"]["findings"]) for f in results] == [1, 1, 1, 1]


def test_deleting_a_draft_sent_back_by_its_batch_keeps_the_batch_progress_whole(producer, rules):
    rules.add("TEST-ERR-001", activity_above_limit)
    small, big = draft(producer, **SMALL), draft(producer)
    batch_id = (
        producer.api("preparer")
        .post(producer.url("footprints/submit-batch/"), {"footprints": [small, big]}, format="json")
        .json()["id"]
    )
    run_pending_jobs()

    deleted = producer.api("preparer").delete(producer.url(f"footprints/{big}/"))

    assert deleted.status_code == 204
    assert not ValidationRun.objects.filter(footprint_id=big).exists()
    assert progress(producer, batch_id) == {
        "total": 2,
        "done": 2,
        "passed": 1,
        "failed": 0,
        "crashed": 0,
    }


# --------------------------------------------------------------------------- rule modules


def test_extra_rule_modules_are_loaded_after_the_shipped_rules(rules, settings, monkeypatch):
    module = "tests.suppliers.validation.worker_rules"
    monkeypatch.delitem(sys.modules, module, raising=False)  # imported afresh, forgotten after
    settings.VALIDATION_EXTRA_RULE_MODULES = [module]

    assert rules_load() == [module]

    assert sorted(rules.table) == ["TEST-INFO-001", "TEST-SLOW-001"]


def test_an_extra_rule_module_that_cannot_be_imported_stops_the_process(settings):
    settings.VALIDATION_EXTRA_RULE_MODULES = ["tests.suppliers.validation.no_such_rules"]

    with pytest.raises(ModuleNotFoundError):
        rules_load()
