"""The validation pipeline with real worker processes on Redis and the test database.

The workers load the shipped rules and, through ``CBAM_EXTRA_RULE_MODULES``, the test rules of
``worker_rules`` (a rule that takes ``CBAM_TEST_SLOW_RULE_SECONDS``, and one info per
precursor). The findings expected are computed in this process with the same rule set over the
same facts, so the tests hold whatever the shipped rules find, as long as they find no error in
the fixture's footprint (then it would go back to draft, and the first test says so).
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.utils import timezone

from core.models import Job
from suppliers.models import Footprint, ValidationFinding, ValidationRun
from suppliers.validation import registry
from suppliers.validation.facts import footprint_for_facts, rule_context
from suppliers.validation.registry import Rule
from tests.core.worker import (
    WorkerGroup,
    celery_on_redis,
    redis_test_client,
    unique_queue,
    wait_until,
)
from tests.suppliers.validation.conftest import draft, finding_rows, submit
from tests.suppliers.validation.rule_fixtures import precursor_masses, slow

pytestmark = [
    pytest.mark.services,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

WORKER_RULES = {"CBAM_EXTRA_RULE_MODULES": "tests.suppliers.validation.worker_rules"}
# Well inside the workers' 6 s task limit (tests/core/worker.py), long enough to be killed in.
SLOW_RULE_SECONDS = 4


@pytest.fixture
def redis_db() -> Iterator[redis.Redis]:
    client = redis_test_client()
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
        client.close()


@pytest.fixture
def workers(transactional_db: Any, redis_db: redis.Redis, tmp_path: Any) -> Iterator[WorkerGroup]:
    """Workers on a queue of this test's own, which this process publishes to; all killed at
    the end, before the test database is emptied."""
    queue = unique_queue()
    with celery_on_redis(queue):
        group = WorkerGroup(queue=queue, log_dir=tmp_path)
        try:
            yield group
        finally:
            group.kill_all()


def wait_for_run(
    footprint_id: str, workers: WorkerGroup, *, status: str, attempts: int, timeout: float
) -> ValidationRun:
    def reached() -> ValidationRun | None:
        run = ValidationRun.objects.get(footprint_id=footprint_id)
        if run.finished_at is not None and run.status != status:
            raise AssertionError(
                f"run ended {run.status} (attempts {run.attempts}, rule "
                f"{run.crashed_rule_code!r}, error {run.last_error!r}); findings "
                f"{finding_rows(run.pk)}\n{workers.logs()}"
            )
        return run if (run.status, run.attempts) == (status, attempts) else None

    def describe() -> str:
        run = ValidationRun.objects.get(footprint_id=footprint_id)
        job = Job.objects.get(pk=run.job_id)
        return (
            f"run to be {status} after {attempts} attempt(s); it is {run.status} after "
            f"{run.attempts}; job {job.status}, attempts {job.attempts}, "
            f"error {job.last_error!r}\n{workers.logs()}"
        )

    return wait_until(reached, timeout=timeout, describe=describe, interval=0.2)


def expected_findings(footprint_id: str, run: ValidationRun) -> list[dict[str, Any]]:
    """What the workers' rule set finds for the footprint, computed in this process (the test
    rules are added for the call only, so no other test sees them)."""
    saved = registry.RULES
    registry.RULES = {
        **saved,
        "TEST-SLOW-001": Rule("TEST-SLOW-001", "Slow (tests)", "tests", slow),
        "TEST-INFO-001": Rule(
            "TEST-INFO-001", "Precursor masses (tests)", "tests", precursor_masses
        ),
    }
    try:
        ctx = rule_context(
            footprint_for_facts().get(pk=footprint_id),
            today=timezone.localdate(run.created_at),
        )
        findings = registry.run_rules(ctx)
    finally:
        registry.RULES = saved
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for f in findings:
        rows.setdefault(
            (f.code, f.path, f.message_en),
            {
                "code": f.code,
                "severity": f.severity,
                "path": f.path,
                "message_en": f.message_en,
                "message_zh": f.message_zh,
                "evidence": dict(f.evidence),
                "default_value_required": f.default_value_required,
            },
        )
    return [{"position": i, **row} for i, row in enumerate(rows.values())]


def assert_one_complete_set(footprint_id: str, run: ValidationRun) -> None:
    rows = finding_rows(run.pk)
    assert rows == expected_findings(footprint_id, run)
    assert [r["code"] for r in rows].count("TEST-SLOW-001") == 1
    assert [r["path"] for r in rows if r["code"] == "TEST-INFO-001"] == ["precursors[0].mass_per_t"]
    assert ValidationFinding.objects.filter(run__footprint_id=footprint_id).count() == len(rows)
    counts = {s: sum(1 for r in rows if r["severity"] == s) for s in ("error", "warning", "info")}
    assert (run.error_count, run.warning_count, run.info_count) == (
        counts["error"],
        counts["warning"],
        counts["info"],
    )


def test_a_real_worker_validates_a_submission_and_moves_it_to_review(producer, workers):
    workers.start(extra_env=WORKER_RULES)
    footprint_id = draft(producer)

    submit(producer, footprint_id)

    run = wait_for_run(footprint_id, workers, status="passed", attempts=1, timeout=30)
    assert Footprint.objects.get(pk=footprint_id).status == "in_review"
    assert_one_complete_set(footprint_id, run)
    job = Job.objects.get(pk=run.job_id)
    assert (job.status, job.attempts, job.last_error) == ("succeeded", 1, "")


def test_a_worker_killed_mid_run_leaves_exactly_one_complete_set_of_findings(
    producer, workers, redis_db
):
    slow_env = {**WORKER_RULES, "CBAM_TEST_SLOW_RULE_SECONDS": str(SLOW_RULE_SECONDS)}
    first = workers.start(extra_env=slow_env)
    footprint_id = draft(producer)
    submit(producer, footprint_id)
    wait_for_run(footprint_id, workers, status="running", attempts=1, timeout=20)
    time.sleep(1)  # inside the slow rule

    first.kill()

    assert first.process.returncode == -signal.SIGKILL
    run = ValidationRun.objects.get(footprint_id=footprint_id)
    assert (run.status, run.attempts, run.finished_at) == ("running", 1, None)
    assert not ValidationFinding.objects.exists()
    assert Footprint.objects.get(pk=footprint_id).status == "submitted"
    assert redis_db.hlen("unacked") == 1, workers.logs()

    workers.start(extra_env=slow_env)

    run = wait_for_run(footprint_id, workers, status="passed", attempts=2, timeout=90)
    assert Footprint.objects.get(pk=footprint_id).status == "in_review"
    assert_one_complete_set(footprint_id, run)
    job = Job.objects.get(pk=run.job_id)
    assert (job.status, job.attempts) == ("succeeded", 2)


def test_a_worker_killed_mid_chunk_loses_no_run_of_it(producer, workers, redis_db):
    # Two runs of 1.5 s each: one chunk, well inside the workers' task limit.
    slow_env = {**WORKER_RULES, "CBAM_TEST_SLOW_RULE_SECONDS": "1.5"}
    first = workers.start(extra_env=slow_env)
    footprint_ids = [draft(producer), draft(producer)]
    response = producer.api("preparer").post(
        producer.url("footprints/submit-batch/"), {"footprints": footprint_ids}, format="json"
    )
    assert response.status_code == 201, response.content
    for footprint_id in footprint_ids:
        wait_for_run(footprint_id, workers, status="running", attempts=1, timeout=20)
    time.sleep(1)  # inside the first run's slow rule

    first.kill()

    assert first.process.returncode == -signal.SIGKILL
    assert set(ValidationRun.objects.values_list("status", "attempts", "finished_at")) == {
        ("running", 1, None)
    }
    assert not ValidationFinding.objects.exists()
    assert set(Footprint.objects.values_list("status", flat=True)) == {"submitted"}
    assert redis_db.hlen("unacked") == 1, workers.logs()

    workers.start(extra_env=slow_env)

    for footprint_id in footprint_ids:
        run = wait_for_run(footprint_id, workers, status="passed", attempts=2, timeout=90)
        assert Footprint.objects.get(pk=footprint_id).status == "in_review"
        assert_one_complete_set(footprint_id, run)
    (job_id,) = set(ValidationRun.objects.values_list("job_id", flat=True))
    job = Job.objects.get(pk=job_id)
    assert (job.status, job.attempts, len(job.payload["run_ids"])) == ("succeeded", 2, 2)
