"""Background work survives what production does to it: killed workers, a flushed Redis and
lost database connections.

Each test runs real ``celery worker`` processes (prefork, one child) against the test Redis
(db 15) and the test database, on a queue of its own. Rows are committed
(``transaction=True``) so that the worker sees them. Nothing is mocked: the broker's
redelivery of unacknowledged messages, billiard's handling of a lost child and the beat
sweeper are the real ones, configured as in production but with short limits
(task time limit 6 s, lease 11 s, visibility timeout 12 s).
"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.db import connection, transaction

from core.jobs import job_create
from core.models import Job
from suppliers.models import Footprint, ValidationRun
from tests.core.worker import (
    WorkerGroup,
    celery_on_redis,
    is_alive,
    queued_job_ids,
    redis_test_client,
    unique_queue,
    wait_until,
)
from tests.suppliers import conftest as suppliers_fixtures
from tests.suppliers.validation.conftest import draft

# The suppliers' producer (people, installation, product) for the validation batch below.
producer = suppliers_fixtures.producer

pytestmark = [
    pytest.mark.services,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

# A task that is certainly still running when the test kills its worker, yet well inside
# the worker's 6 s time limit.
SLOW_TASK_SECONDS = 4
FINAL_STATES = {Job.Status.SUCCEEDED, Job.Status.FAILED}


@pytest.fixture
def redis_db() -> Iterator[redis.Redis]:
    """The test Redis database, emptied before and after (db 15 only, never FLUSHALL)."""
    client = redis_test_client()
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
        client.close()


@pytest.fixture
def queue(redis_db: redis.Redis) -> Iterator[str]:
    """A queue of this test's own that this process's Celery app publishes to."""
    name = unique_queue()
    with celery_on_redis(name):
        yield name


@pytest.fixture
def workers(transactional_db: Any, queue: str, tmp_path: Any) -> Iterator[WorkerGroup]:
    """Starts workers on demand; kills every one of them (process group) at the end,
    before the test database is emptied."""
    group = WorkerGroup(queue=queue, log_dir=tmp_path)
    try:
        yield group
    finally:
        group.kill_all()


def job_row(job_id: int) -> Job:
    return Job.objects.get(pk=job_id)


def wait_for_job(
    job_id: int, workers: WorkerGroup, *, status: str, timeout: float, attempts: int | None = None
) -> Job:
    """Poll the row until it has ``status`` (and ``attempts``); fail at once if it ends in
    another final state."""

    def reached() -> Job | None:
        job = job_row(job_id)
        if job.status in FINAL_STATES and job.status != status:
            raise AssertionError(
                f"job {job_id} ended {job.status} with attempts={job.attempts}, "
                f"result={job.result!r}, last_error={job.last_error!r}\n{workers.logs()}"
            )
        if job.status == status and (attempts is None or job.attempts == attempts):
            return job
        return None

    def describe() -> str:
        job = job_row(job_id)
        return (
            f"job {job_id} to be {status} (attempts={attempts}); it is {job.status} "
            f"with attempts={job.attempts}, last_error={job.last_error!r}\n{workers.logs()}"
        )

    return wait_until(reached, timeout=timeout, describe=describe)


def create_selftest_job(**payload: Any) -> Job:
    """Create and commit a self-test job; it is published to Redis on commit."""
    with transaction.atomic():
        return job_create(kind="core.selftest", payload=payload)


def test_a_real_worker_completes_a_job(workers):
    """The baseline: a message published on commit reaches a separate worker process, which
    sees the committed row and records the result."""
    workers.start()

    job = create_selftest_job(value="CBAM 2026-Q1 ✓")

    job = wait_for_job(job.pk, workers, status="succeeded", timeout=30)
    assert (job.status, job.attempts, job.result, job.last_error) == (
        "succeeded",
        1,
        {"echo": "CBAM 2026-Q1 ✓", "attempt": 1},
        "",
    ), workers.logs()


def test_a_job_survives_its_worker_being_killed_mid_task(workers, redis_db):
    """SIGKILL of the whole worker (OOM killer, a host going away) while a task runs: the
    message was never acknowledged (``task_acks_late``), so Redis hands it to the next
    worker after the visibility timeout, and that worker takes over the expired lease.
    No beat and no sweeper run here: only the broker's redelivery can rescue the job."""
    first = workers.start()
    job = create_selftest_job(value="survivor", sleep_seconds=SLOW_TASK_SECONDS)
    wait_for_job(job.pk, workers, status="running", attempts=1, timeout=20)

    first.kill()

    assert first.process.returncode == -signal.SIGKILL
    assert job_row(job.pk).status == "running"
    # The message sits in Redis as delivered-but-unacknowledged, not lost and not queued.
    assert redis_db.hlen("unacked") == 1, (
        "the message was acknowledged before its task finished (is task_acks_late on?)\n"
        + workers.logs()
    )
    assert redis_db.llen(workers.queue) == 0

    workers.start()

    job = wait_for_job(job.pk, workers, status="succeeded", timeout=60)
    assert (job.status, job.attempts, job.result, job.last_error) == (
        "succeeded",
        2,
        {"echo": "survivor", "attempt": 2},
        "",
    ), workers.logs()


def test_a_job_survives_its_child_process_being_killed(workers):
    """Only the pool process dies (a segfault, the OOM killer choosing it): the main process
    sees the lost child and, with ``task_reject_on_worker_lost``, puts the message back at
    once. The same worker waits for the first attempt's lease to end and runs attempt 2."""
    worker = workers.start()
    job = create_selftest_job(value="orphaned child", sleep_seconds=SLOW_TASK_SECONDS)
    wait_for_job(job.pk, workers, status="running", attempts=1, timeout=20)
    children = worker.children()
    assert len(children) == 1, f"expected one pool process, found {children}\n{workers.logs()}"

    os.kill(children[0], signal.SIGKILL)

    wait_until(
        lambda: not is_alive(children[0]),
        timeout=10,
        describe=lambda: f"pool process {children[0]} to die",
    )
    job = wait_for_job(job.pk, workers, status="succeeded", timeout=45)
    assert (job.status, job.attempts, job.result, job.last_error) == (
        "succeeded",
        2,
        {"echo": "orphaned child", "attempt": 2},
        "",
    ), workers.logs()
    assert worker.process.poll() is None, "the main worker process should have survived"
    assert "WorkerLostError" in worker.log()


def test_the_worker_enforces_its_own_time_limit_whatever_the_publisher_uses(workers):
    """The lease a worker takes is derived from its own CELERY_TASK_TIME_LIMIT, so that limit
    (not the publishing process's, 30 s by default) must cut a task off, or a slow task could
    outlive its lease and run twice. The worker's soft limit (5 s of its 6 s) interrupts the
    9 s task, the attempt rolls back and is retried, and the last attempt fails the job."""
    workers.start()
    with transaction.atomic():
        job = job_create(
            kind="core.selftest", payload={"value": "too slow", "sleep_seconds": 9}, max_attempts=2
        )

    job = wait_for_job(job.pk, workers, status="failed", timeout=30)
    assert (job.status, job.attempts, job.result, job.last_error) == (
        "failed",
        2,
        None,
        "SoftTimeLimitExceeded: SoftTimeLimitExceeded()",
    ), workers.logs()
    assert (job.finished_at - job.started_at).total_seconds() < 6.5


def test_jobs_survive_a_redis_flush_thanks_to_the_sweeper(workers, redis_db):
    """Redis loses its data (restart without persistence, FLUSHDB): the messages are gone
    but the rows are still pending, and the beat-driven sweeper publishes them again."""
    sweeper_env = {"JOB_REQUEUE_AFTER_SECONDS": "2", "JOB_SWEEP_INTERVAL_SECONDS": "1"}
    with transaction.atomic():
        jobs = [job_create(kind="core.selftest", payload={"value": n}) for n in range(5)]
    ids = [job.pk for job in jobs]
    assert queued_job_ids(redis_db, workers.queue) == ids

    redis_db.flushdb()
    assert redis_db.dbsize() == 0

    # Without the sweeper (same settings, no beat) nothing brings the work back: the flush
    # really lost it.
    plain = workers.start(extra_env=sweeper_env)
    time.sleep(4)
    statuses = list(Job.objects.order_by("pk").values_list("status", "attempts"))
    assert statuses == [("pending", 0)] * 5, workers.logs()
    plain.kill()

    with_sweeper = workers.start(beat=True, extra_env=sweeper_env)

    for job_id in ids:
        wait_for_job(job_id, workers, status="succeeded", timeout=30)
    rows = list(Job.objects.order_by("pk").values_list("status", "attempts", "result"))
    assert rows == [("succeeded", 1, {"echo": n, "attempt": 1}) for n in range(5)], workers.logs()
    assert f"job sweep: requeued {ids}, failed []" in with_sweeper.log(), workers.logs()


# The workers also load the test rules (a slow one), as in test_worker_validation.
WORKER_RULES = {"CBAM_EXTRA_RULE_MODULES": "tests.suppliers.validation.worker_rules"}
TERMINATE_OTHER_BACKENDS = """
    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
"""


def test_a_batch_survives_its_worker_losing_the_database_connection_mid_chunk(
    workers, producer, settings, postgres_only
):
    """A database restart, a failover or an administrator's ``pg_terminate_backend`` cuts the
    worker's connection while it validates a chunk. The attempt rolls back; the error is
    transient: the worker reconnects and the job is retried, so every submission of the batch
    ends validated and no run is ever shown ``crashed``.

    40 footprints in chunks of 10; each run takes 0.3 s in a slow test rule, so a chunk
    (3 s) is still running one second after its runs show ``running``."""
    settings.VALIDATION_CHUNK_SIZE = 10
    workers.start(extra_env={**WORKER_RULES, "CBAM_TEST_SLOW_RULE_SECONDS": "0.3"})
    footprint_ids = [draft(producer) for _ in range(40)]
    response = producer.api("preparer").post(
        producer.url("footprints/submit-batch/"), {"footprints": footprint_ids}, format="json"
    )
    assert response.status_code == 201, response.content
    job_ids = sorted(set(ValidationRun.objects.values_list("job_id", flat=True)))
    assert len(job_ids) == 4
    run_statuses_seen: set[str] = set()

    def some_run_running() -> bool:
        statuses = set(ValidationRun.objects.values_list("status", flat=True))
        run_statuses_seen.update(statuses)
        return "running" in statuses

    wait_until(some_run_running, timeout=30, describe=workers.logs)
    time.sleep(1)  # inside the chunk's rules, its transaction open
    with connection.cursor() as cursor:
        cursor.execute(TERMINATE_OTHER_BACKENDS)
        terminated = [row[0] for row in cursor.fetchall()]
    assert terminated, "no worker connection to terminate"
    assert all(terminated), terminated

    def batch_done() -> bool:
        run_statuses_seen.update(ValidationRun.objects.values_list("status", flat=True))
        return not ValidationRun.objects.filter(finished_at__isnull=True).exists()

    wait_until(
        batch_done,
        timeout=90,
        interval=0.2,
        describe=lambda: f"runs {run_counts()}, jobs {job_states(job_ids)}\n{workers.logs()}",
    )
    assert run_counts() == {("passed", True): 40}, workers.logs()
    assert dict(Counter(Footprint.objects.values_list("status", flat=True))) == {"in_review": 40}
    jobs = job_states(job_ids)
    assert [status for status, _attempts, _error in jobs] == ["succeeded"] * 4, workers.logs()
    # The chunk that lost its connection took a second attempt; the others one.
    assert sorted(attempts for _status, attempts, _error in jobs) == [1, 1, 1, 2], jobs
    assert "crashed" not in run_statuses_seen, run_statuses_seen


def run_counts() -> dict[tuple[str, bool], int]:
    rows = ValidationRun.objects.values_list("status", "finished_at")
    return dict(Counter((status, finished is not None) for status, finished in rows))


def job_states(job_ids: list[int]) -> list[tuple[str, int, str]]:
    return list(
        Job.objects.filter(pk__in=job_ids)
        .order_by("pk")
        .values_list("status", "attempts", "last_error")
    )
