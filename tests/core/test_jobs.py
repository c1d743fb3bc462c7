"""Work-row services run in this process: claim, run, retry, fail, sweep and publish.

These tests call ``core.jobs`` directly (no worker). Publishing goes to the real test Redis
(db 15) on a queue of its own, and the tests read the queue back with redis-py.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from core.jobs import (
    JobHooks,
    JobOutcome,
    SweepReport,
    TransientJobError,
    UnknownJobKind,
    job_create,
    job_execute,
    job_publish,
    jobs_sweep,
    register_job_handler,
)
from core.models import Job
from core.tasks import sweep_jobs
from tests.core.worker import (
    celery_on_redis,
    queued_job_ids,
    redis_test_client,
    unique_queue,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
LEASE_SECONDS = 35
REQUEUE_AFTER_SECONDS = 60

ROW_FIELDS = (
    "status",
    "attempts",
    "result",
    "last_error",
    "started_at",
    "finished_at",
    "lease_expires_at",
    "enqueued_at",
)


def written_by(job: Job) -> str:
    return f"written-by-job-{job.pk}"


@register_job_handler("tests.registry_down")
def _registry_down(job: Job) -> None:
    raise TransientJobError("registry timed out")


@register_job_handler("tests.write_then_crash")
def _write_then_crash(job: Job) -> None:
    Job.objects.create(kind="core.selftest", idempotency_key=written_by(job))
    raise ValueError("CN code 7208 is not in the register")


@register_job_handler("tests.cut_off_by_soft_time_limit")
def _cut_off(job: Job) -> None:
    raise SoftTimeLimitExceeded()  # as billiard raises it in the pool process


@register_job_handler("tests.taken_over_in_this_transaction")
def _taken_over_in_this_transaction(job: Job) -> dict[str, bool]:
    Job.objects.create(kind="core.selftest", idempotency_key=written_by(job))
    # What a second worker's claim does once the lease has expired: the attempt moves on.
    Job.objects.filter(pk=job.pk).update(attempts=F("attempts") + 1)
    return {"written": True}


def another_worker_takes_over(job: Job) -> None:
    """Commit, on a second connection, what a second worker's claim writes once the lease of
    ``job`` has expired, while the calling handler is still running."""

    def second_worker() -> None:
        try:
            Job.objects.filter(pk=job.pk).update(
                attempts=F("attempts") + 1,
                started_at=NOW + timedelta(seconds=LEASE_SECONDS + 1),
                lease_expires_at=NOW + timedelta(seconds=2 * LEASE_SECONDS + 1),
            )
        finally:
            connection.close()

    thread = threading.Thread(target=second_worker)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive(), "the second worker's UPDATE is blocked"


@register_job_handler("tests.taken_over_by_another_connection")
def _taken_over_by_another_connection(job: Job) -> dict[str, bool]:
    Job.objects.create(kind="core.selftest", idempotency_key=written_by(job))
    another_worker_takes_over(job)
    return {"written": True}


@register_job_handler("tests.crash_after_take_over")
def _crash_after_take_over(job: Job) -> None:
    another_worker_takes_over(job)
    raise ValueError("the stale attempt crashed")


@pytest.fixture(autouse=True)
def job_settings(settings: Any) -> None:
    """Pin the timings these tests compute with (the environment may change the defaults)."""
    settings.JOB_LEASE_SECONDS = LEASE_SECONDS
    settings.BROKER_VISIBILITY_TIMEOUT = 50
    settings.JOB_REQUEUE_AFTER_SECONDS = REQUEUE_AFTER_SECONDS
    settings.JOB_MAX_ATTEMPTS = 5


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """Django's clock stopped at NOW, so that times and retry delays compare exactly."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def redis_queue() -> Any:
    """A fresh queue on the test Redis that this process's Celery app publishes to."""
    client = redis_test_client()
    queue = unique_queue()
    try:
        with celery_on_redis(queue):
            yield client, queue
    finally:
        client.delete(queue, f"_kombu.binding.{queue}")
        client.close()


def row(job: Job) -> dict[str, Any]:
    return Job.objects.values(*ROW_FIELDS).get(pk=job.pk)


def make_job(**fields: Any) -> Job:
    fields.setdefault("kind", "core.selftest")
    fields.setdefault("enqueued_at", NOW)
    return Job.objects.create(**fields)


def test_a_pending_job_runs_once_and_records_its_result(clock):
    """The happy path: one claim, one run, the result stored with the success mark."""
    job = make_job(payload={"value": "CBAM-Q1"})

    outcome = job_execute(job_id=job.pk)

    assert outcome == JobOutcome("succeeded")
    assert row(job) == {
        "status": "succeeded",
        "attempts": 1,
        "result": {"echo": "CBAM-Q1", "attempt": 1},
        "last_error": "",
        "started_at": NOW,
        "finished_at": NOW,
        "lease_expires_at": None,
        "enqueued_at": NOW,
    }


def test_a_second_delivery_of_a_finished_job_changes_nothing(clock):
    """Redis delivers at least once: a duplicate message must not run the work again."""
    job = make_job(payload={"value": "CBAM-Q1"})
    job_execute(job_id=job.pk)
    before = row(job)

    outcome = job_execute(job_id=job.pk)

    assert outcome == JobOutcome("succeeded")
    assert row(job) == before
    assert row(job)["attempts"] == 1


def test_a_running_job_with_a_live_lease_is_busy_and_says_when_to_retry(clock):
    """A redelivered message must not start a second copy of work still in progress; the
    task retries one second after the lease ends."""
    job = make_job(
        status=Job.Status.RUNNING,
        attempts=1,
        started_at=NOW - timedelta(seconds=5),
        lease_expires_at=NOW + timedelta(seconds=30),
    )
    before = row(job)

    outcome = job_execute(job_id=job.pk)

    assert outcome == JobOutcome("busy", retry_in_seconds=31.0)
    assert row(job) == before


def test_a_running_job_whose_lease_expired_is_claimed_again_as_attempt_two(clock):
    """A worker that died mid-task leaves a running row; once its lease is over the next
    delivery takes the job over."""
    job = make_job(
        payload={"value": "orphan"},
        status=Job.Status.RUNNING,
        attempts=1,
        started_at=NOW - timedelta(seconds=LEASE_SECONDS + 1),
        lease_expires_at=NOW - timedelta(seconds=1),
    )

    outcome = job_execute(job_id=job.pk)

    assert outcome == JobOutcome("succeeded")
    assert row(job) == {
        "status": "succeeded",
        "attempts": 2,
        "result": {"echo": "orphan", "attempt": 2},
        "last_error": "",
        "started_at": NOW,
        "finished_at": NOW,
        "lease_expires_at": None,
        "enqueued_at": NOW,
    }


def test_a_transient_error_returns_the_job_to_pending_with_a_growing_backoff(clock, settings):
    """A service that is down is retried: 2, 4, 8 … seconds, capped at half the broker's
    visibility timeout so the held retry message is never handed to a second worker."""
    settings.BROKER_VISIBILITY_TIMEOUT = 12
    job = make_job(kind="tests.registry_down", max_attempts=4)

    outcomes = [job_execute(job_id=job.pk) for _ in range(3)]

    assert outcomes == [
        JobOutcome("pending", retry_in_seconds=2.0),
        JobOutcome("pending", retry_in_seconds=4.0),
        JobOutcome("pending", retry_in_seconds=6.0),
    ]
    assert row(job) == {
        "status": "pending",
        "attempts": 3,
        "result": None,
        "last_error": "transient: registry timed out",
        "started_at": NOW,
        "finished_at": None,
        "lease_expires_at": None,
        "enqueued_at": NOW,
    }


def test_a_transient_error_on_the_last_attempt_fails_the_job(clock):
    """Retrying forever would hide a broken dependency: after max_attempts the job fails
    and keeps the last error for the user."""
    job = make_job(kind="tests.registry_down", max_attempts=2)

    outcomes = [job_execute(job_id=job.pk) for _ in range(3)]

    assert outcomes == [
        JobOutcome("pending", retry_in_seconds=2.0),
        JobOutcome("failed"),
        JobOutcome("failed"),
    ]
    assert row(job) == {
        "status": "failed",
        "attempts": 2,
        "result": None,
        "last_error": "transient: registry timed out",
        "started_at": NOW,
        "finished_at": NOW,
        "lease_expires_at": None,
        "enqueued_at": NOW,
    }


def test_any_other_error_fails_the_job_at_once_and_rolls_back_its_writes(clock):
    """A bug or bad data will not fix itself: no retry. The handler's half-done writes
    must not survive the failure."""
    job = make_job(kind="tests.write_then_crash")

    outcome = job_execute(job_id=job.pk)

    assert outcome == JobOutcome("failed")
    assert row(job) == {
        "status": "failed",
        "attempts": 1,
        "result": None,
        "last_error": "ValueError: CN code 7208 is not in the register",
        "started_at": NOW,
        "finished_at": NOW,
        "lease_expires_at": None,
        "enqueued_at": NOW,
    }
    assert not Job.objects.filter(idempotency_key=written_by(job)).exists()


def test_a_handler_cut_off_by_the_soft_time_limit_is_retried(clock):
    """The soft time limit interrupts a slow attempt cleanly; the job gets another go."""
    job = make_job(kind="tests.cut_off_by_soft_time_limit")

    outcome = job_execute(job_id=job.pk)

    assert outcome == JobOutcome("pending", retry_in_seconds=2.0)
    assert row(job)["status"] == "pending"
    assert row(job)["attempts"] == 1
    assert row(job)["last_error"] == "SoftTimeLimitExceeded: SoftTimeLimitExceeded()"


def test_a_handler_that_lost_its_lease_has_its_writes_rolled_back(clock):
    """The success mark is conditional on our attempt number; when another claim moved the
    attempt on, the handler's writes are undone together with the mark."""
    job = make_job(kind="tests.taken_over_in_this_transaction")

    outcome = job_execute(job_id=job.pk)

    assert outcome == JobOutcome("lease_lost")
    assert not Job.objects.filter(idempotency_key=written_by(job)).exists()
    # The take-over happened inside the rolled-back transaction, so only our claim remains.
    assert row(job)["status"] == "running"
    assert row(job)["attempts"] == 1
    assert row(job)["result"] is None


@pytest.mark.django_db(transaction=True)
def test_a_handler_whose_job_another_worker_took_over_commits_nothing(clock, postgres_only):
    """The real race: a second worker commits its claim on another connection while the
    first handler runs. The first handler's writes are rolled back; the second claim stays.
    (SQLite serialises writers, so this race cannot happen there.)"""
    job = make_job(kind="tests.taken_over_by_another_connection")

    outcome = job_execute(job_id=job.pk)

    assert outcome == JobOutcome("lease_lost")
    assert not Job.objects.filter(idempotency_key=written_by(job)).exists()
    assert row(job) == {
        "status": "running",
        "attempts": 2,
        "result": None,
        "last_error": "",
        "started_at": NOW + timedelta(seconds=LEASE_SECONDS + 1),
        "finished_at": None,
        "lease_expires_at": NOW + timedelta(seconds=2 * LEASE_SECONDS + 1),
        "enqueued_at": NOW,
    }


@pytest.mark.django_db(transaction=True)
def test_a_stale_attempt_that_crashes_does_not_fail_the_job_another_worker_runs(
    clock, postgres_only
):
    """Marking the job failed is fenced by the attempt number like the success mark: the
    crash of an attempt that already lost its job must not fail the attempt now running."""
    job = make_job(kind="tests.crash_after_take_over")

    outcome = job_execute(job_id=job.pk)

    assert outcome == JobOutcome("lease_lost")
    assert row(job) == {
        "status": "running",
        "attempts": 2,
        "result": None,
        "last_error": "",
        "started_at": NOW + timedelta(seconds=LEASE_SECONDS + 1),
        "finished_at": None,
        "lease_expires_at": NOW + timedelta(seconds=2 * LEASE_SECONDS + 1),
        "enqueued_at": NOW,
    }


def test_a_delivery_of_a_job_out_of_attempts_fails_it_instead_of_running_it(clock):
    """A worker that keeps dying on a job must not get it forever."""
    job = make_job(
        status=Job.Status.RUNNING,
        attempts=3,
        max_attempts=3,
        last_error="worker lost: lease expired",
        lease_expires_at=NOW - timedelta(seconds=1),
    )

    outcome = job_execute(job_id=job.pk)

    assert outcome == JobOutcome("failed")
    assert row(job)["status"] == "failed"
    assert row(job)["attempts"] == 3
    assert row(job)["finished_at"] == NOW
    assert (
        row(job)["last_error"] == "gave up after 3 attempts; last error: worker lost: lease expired"
    )


def test_a_message_for_a_job_that_no_longer_exists_is_dropped():
    """The row was deleted (e.g. its organisation was removed): nothing to do, no retry."""
    job = make_job()
    job_id = job.pk
    job.delete()

    assert job_execute(job_id=job_id) == JobOutcome("missing")


def test_job_create_with_an_idempotency_key_returns_the_existing_job(
    django_capture_on_commit_callbacks,
):
    """A retried request must not start the same work twice."""
    with django_capture_on_commit_callbacks() as callbacks:
        first = job_create(kind="core.selftest", payload={"value": 1}, idempotency_key="import:42")
        second = job_create(kind="core.selftest", payload={"value": 2}, idempotency_key="import:42")

    assert second.pk == first.pk
    assert second.payload == {"value": 1}
    assert Job.objects.count() == 1
    assert len(callbacks) == 1


def test_job_create_refuses_an_unknown_kind():
    """A typo fails in the request, not later in a worker."""
    with pytest.raises(UnknownJobKind, match=r"no handler registered for job kind 'core\.typo'"):
        job_create(kind="core.typo")

    assert Job.objects.count() == 0


@pytest.mark.services
def test_job_create_publishes_only_after_commit(redis_queue, django_capture_on_commit_callbacks):
    """A worker must never receive the id of a row it cannot see yet (or that is rolled
    back): the message goes to Redis when the transaction commits."""
    client, queue = redis_queue

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = job_create(kind="core.selftest", payload={"value": "after-commit"})
        assert client.llen(queue) == 0

    assert len(callbacks) == 1
    assert queued_job_ids(client, queue) == [job.pk]


@pytest.mark.services
def test_a_published_message_leaves_the_time_limits_to_the_worker(redis_queue):
    """Celery would copy this process's time limits into the message, and a worker obeys the
    message over its own settings; the worker's lease is derived from its own limit, so the
    message must carry none."""
    client, queue = redis_queue
    job = make_job()

    assert job_publish(job_id=job.pk) is True

    message = json.loads(client.lindex(queue, 0))
    assert message["headers"]["timelimit"] == [None, None]
    assert message["headers"]["argsrepr"] == f"({job.pk},)"


@pytest.mark.services
def test_a_rolled_back_job_is_never_published(redis_queue, django_capture_on_commit_callbacks):
    """A request that fails after creating a job leaves neither the row nor a message."""
    client, queue = redis_queue

    def failing_request() -> None:
        with transaction.atomic():
            job_create(kind="core.selftest")
            raise RuntimeError("the request failed after creating the job")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        failing_request()

    assert callbacks == []
    assert client.llen(queue) == 0
    assert Job.objects.count() == 0


@pytest.mark.services
def test_the_sweeper_republishes_a_pending_job_whose_message_was_lost(redis_queue, clock):
    """Redis restarted or was flushed: the row is still pending, so it is published again."""
    client, queue = redis_queue
    job = make_job(enqueued_at=NOW - timedelta(seconds=REQUEUE_AFTER_SECONDS + 1))

    report = jobs_sweep()

    assert report == SweepReport(requeued=[job.pk], failed=[])
    assert queued_job_ids(client, queue) == [job.pk]
    assert row(job)["status"] == "pending"
    assert row(job)["enqueued_at"] == NOW


@pytest.mark.services
def test_the_sweeper_returns_a_job_whose_worker_died_to_pending_and_republishes_it(
    redis_queue, clock
):
    client, queue = redis_queue
    job = make_job(
        status=Job.Status.RUNNING,
        attempts=1,
        started_at=NOW - timedelta(seconds=LEASE_SECONDS + 10),
        lease_expires_at=NOW - timedelta(seconds=10),
    )

    report = jobs_sweep()

    assert report == SweepReport(requeued=[job.pk], failed=[])
    assert queued_job_ids(client, queue) == [job.pk]
    assert row(job) == {
        "status": "pending",
        "attempts": 1,
        "result": None,
        "last_error": "worker lost: lease expired",
        "started_at": NOW - timedelta(seconds=LEASE_SECONDS + 10),
        "finished_at": None,
        "lease_expires_at": None,
        "enqueued_at": NOW,
    }


@pytest.mark.services
def test_the_sweeper_fails_a_job_whose_last_attempt_died(redis_queue, clock):
    """No endless loop on a job that kills its worker every time."""
    client, queue = redis_queue
    job = make_job(
        status=Job.Status.RUNNING,
        attempts=5,
        max_attempts=5,
        lease_expires_at=NOW - timedelta(seconds=1),
    )

    report = jobs_sweep()

    assert report == SweepReport(requeued=[], failed=[job.pk])
    assert client.llen(queue) == 0
    assert row(job)["status"] == "failed"
    assert row(job)["finished_at"] == NOW
    assert row(job)["lease_expires_at"] is None
    assert (
        row(job)["last_error"]
        == "gave up: the job used all its attempts (worker lost or kept failing)"
    )


@pytest.mark.services
def test_the_sweeper_leaves_fresh_and_healthy_jobs_alone(redis_queue, clock):
    """A just-published job and one running within its lease are not the sweeper's business
    (publishing them again would only cost a 'busy' round trip)."""
    client, queue = redis_queue
    fresh = make_job(enqueued_at=NOW - timedelta(seconds=REQUEUE_AFTER_SECONDS - 1))
    running = make_job(
        status=Job.Status.RUNNING, attempts=1, lease_expires_at=NOW + timedelta(seconds=1)
    )
    before = [row(fresh), row(running)]

    report = jobs_sweep()

    assert report == SweepReport(requeued=[], failed=[])
    assert client.llen(queue) == 0
    assert [row(fresh), row(running)] == before


def test_a_broker_outage_at_publish_is_logged_and_the_row_waits_for_the_sweeper(clock, caplog):
    """A request that creates work must not fail (or hang) because Redis is down."""
    job = make_job()
    nothing_listens = "redis://127.0.0.1:9/15"

    with celery_on_redis(unique_queue(), broker_url=nothing_listens):
        started = datetime.now(UTC)
        published = job_publish(job_id=job.pk)
        took = datetime.now(UTC) - started

    assert published is False
    assert took < timedelta(seconds=10)
    assert f"could not publish job {job.pk}; the sweeper will retry" in caplog.text
    assert row(job)["status"] == "pending"


# --------------------------------------------------------------------------- hooks

#: What the hooks below were called with: (hook, job id, attempt, error, retrying).
HOOK_CALLS: list[tuple[Any, ...]] = []


def hook_mark(job: Job, what: str) -> str:
    return f"hook-{what}-of-job-{job.pk}-attempt-{job.attempts}"


def _record_start(job: Job) -> None:
    HOOK_CALLS.append(("start", job.pk, job.attempts))
    Job.objects.create(kind="core.selftest", idempotency_key=hook_mark(job, "start"))


def _record_failure(job: Job, error: BaseException | None, retrying: bool) -> None:
    HOOK_CALLS.append(("failure", job.pk, job.attempts, repr(error), retrying))
    Job.objects.create(kind="core.selftest", idempotency_key=hook_mark(job, "failure"))


def _broken_failure_hook(job: Job, error: BaseException | None, retrying: bool) -> None:
    Job.objects.create(kind="core.selftest", idempotency_key=hook_mark(job, "half-done"))
    raise RuntimeError("the hook has a bug")


RECORDING = JobHooks(on_start=_record_start, on_failure=_record_failure)


@register_job_handler("tests.hooked_registry_down", hooks=RECORDING)
def _hooked_registry_down(job: Job) -> None:
    Job.objects.create(kind="core.selftest", idempotency_key=written_by(job))
    raise TransientJobError("registry timed out")


@register_job_handler("tests.hooked_success", hooks=RECORDING)
def _hooked_success(job: Job) -> dict[str, bool]:
    return {"done": True}


@register_job_handler("tests.hooked_taken_over", hooks=RECORDING)
def _hooked_taken_over(job: Job) -> None:
    another_worker_takes_over(job)
    raise TransientJobError("too late anyway")


@register_job_handler("tests.broken_failure_hook", hooks=JobHooks(on_failure=_broken_failure_hook))
def _with_broken_failure_hook(job: Job) -> None:
    raise TransientJobError("registry timed out")


@pytest.fixture
def hook_calls() -> Any:
    HOOK_CALLS.clear()
    yield HOOK_CALLS
    HOOK_CALLS.clear()


def marks() -> list[str]:
    return sorted(
        key
        for key in Job.objects.filter(idempotency_key__startswith="hook-").values_list(
            "idempotency_key", flat=True
        )
        if key
    )


def test_hooks_record_each_attempt_and_failure_outside_the_rolled_back_handler(clock, hook_calls):
    """A domain row that mirrors its job (a validation run) learns of every attempt and every
    failure, although the failed handler's own writes roll back."""
    job = make_job(kind="tests.hooked_registry_down", max_attempts=2)

    outcomes = [job_execute(job_id=job.pk) for _ in range(2)]

    assert outcomes == [JobOutcome("pending", retry_in_seconds=2.0), JobOutcome("failed")]
    error = repr(TransientJobError("registry timed out"))
    assert hook_calls == [
        ("start", job.pk, 1),
        ("failure", job.pk, 1, error, True),
        ("start", job.pk, 2),
        ("failure", job.pk, 2, error, False),
    ]
    assert marks() == [
        f"hook-failure-of-job-{job.pk}-attempt-1",
        f"hook-failure-of-job-{job.pk}-attempt-2",
        f"hook-start-of-job-{job.pk}-attempt-1",
        f"hook-start-of-job-{job.pk}-attempt-2",
    ]
    assert not Job.objects.filter(idempotency_key=written_by(job)).exists()


def test_a_successful_attempt_calls_only_the_start_hook(clock, hook_calls):
    job = make_job(kind="tests.hooked_success")

    assert job_execute(job_id=job.pk) == JobOutcome("succeeded")

    assert hook_calls == [("start", job.pk, 1)]


@pytest.mark.django_db(transaction=True)
def test_the_failure_hook_is_not_called_for_an_attempt_that_lost_its_job(
    clock, hook_calls, postgres_only
):
    """Another worker owns the job now: its run, not ours, decides what the domain row says.
    (A real second connection, as in the take-over tests above: PostgreSQL only.)"""
    job = make_job(kind="tests.hooked_taken_over")

    assert job_execute(job_id=job.pk) == JobOutcome("lease_lost")

    assert hook_calls == [("start", job.pk, 1)]


def test_a_failing_hook_is_logged_and_the_job_is_still_retried(clock, caplog):
    job = make_job(kind="tests.broken_failure_hook")

    outcome = job_execute(job_id=job.pk)

    assert outcome == JobOutcome("pending", retry_in_seconds=2.0)
    assert row(job)["status"] == "pending"
    assert marks() == []  # the hook's half-done write rolled back with it
    assert "the on_failure hook failed" in caplog.text


def test_giving_up_on_a_job_whose_workers_died_calls_the_failure_hook(clock, hook_calls):
    """Sweeper and late delivery alike: no error to pass, and no retry."""
    swept = make_job(
        kind="tests.hooked_success",
        status=Job.Status.RUNNING,
        attempts=2,
        max_attempts=2,
        lease_expires_at=NOW - timedelta(seconds=1),
    )
    delivered = make_job(
        kind="tests.hooked_success",
        status=Job.Status.RUNNING,
        attempts=2,
        max_attempts=2,
        lease_expires_at=NOW - timedelta(seconds=1),
    )

    assert job_execute(job_id=delivered.pk) == JobOutcome("failed")
    report = jobs_sweep()

    assert report.failed == [swept.pk]
    assert hook_calls == [
        ("failure", delivered.pk, 2, "None", False),
        ("failure", swept.pk, 2, "None", False),
    ]


# --------------------------------------------------------------------------- lost connections


def own_backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def terminate_behind_our_back() -> None:
    """Terminate this connection's PostgreSQL backend from a second connection, as a database
    restart or an administrator's ``pg_terminate_backend`` does: Django is not told, and the
    next statement on this connection fails."""
    pid = own_backend_pid()

    def administrator() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        finally:
            connection.close()

    thread = threading.Thread(target=administrator)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive(), "pg_terminate_backend did not return"


@pytest.fixture
def usable_connection_afterwards() -> Any:
    """A test that breaks the connection leaves a working one for the database teardown, also
    when the code under test did not recover."""
    yield
    connection.close()


@register_job_handler("tests.database_gone")
def _database_gone(job: Job) -> None:
    raise OperationalError("terminating connection due to administrator command")


@register_job_handler("tests.connection_closed")
def _connection_closed(job: Job) -> None:
    raise InterfaceError("connection already closed")


@register_job_handler("tests.psycopg_connection_lost")
def _psycopg_connection_lost(job: Job) -> None:
    raise psycopg.OperationalError("server closed the connection unexpectedly")


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        (
            "tests.database_gone",
            "OperationalError: terminating connection due to administrator command",
        ),
        ("tests.connection_closed", "InterfaceError: connection already closed"),
        (
            "tests.psycopg_connection_lost",
            "OperationalError: server closed the connection unexpectedly",
        ),
    ],
)
def test_a_lost_database_connection_is_transient_and_the_job_is_retried(clock, kind, error):
    """A database restart or failover is not the job's fault: the attempt is spent and the
    job tried again with backoff, like a ``TransientJobError``, up to ``max_attempts``."""
    job = make_job(kind=kind, max_attempts=2)

    outcomes = [job_execute(job_id=job.pk) for _ in range(2)]

    assert outcomes == [JobOutcome("pending", retry_in_seconds=2.0), JobOutcome("failed")]
    assert row(job) == {
        "status": "failed",
        "attempts": 2,
        "result": None,
        "last_error": f"transient: {error}",
        "started_at": NOW,
        "finished_at": NOW,
        "lease_expires_at": None,
        "enqueued_at": NOW,
    }


@register_job_handler("tests.terminated_on_first_attempt")
def _terminated_on_first_attempt(job: Job) -> dict[str, int]:
    Job.objects.create(kind="core.selftest", idempotency_key=written_by(job))
    if job.attempts == 1:
        terminate_behind_our_back()
        Job.objects.count()  # the first statement on the dead connection
    return {"attempt": job.attempts}


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_connection_is_terminated_mid_handler_is_retried_on_a_new_one(
    clock, postgres_only, usable_connection_afterwards
):
    """The real thing: ``pg_terminate_backend`` on the worker's connection while the handler
    runs. The attempt rolls back, the retry is recorded on a new connection, and the next
    attempt succeeds."""
    job = make_job(kind="tests.terminated_on_first_attempt")

    first = job_execute(job_id=job.pk)
    assert (first, row(job)["status"], row(job)["attempts"]) == (
        JobOutcome("pending", retry_in_seconds=2.0),
        "pending",
        1,
    )
    assert row(job)["last_error"].startswith("transient: OperationalError: terminating connection")
    assert not Job.objects.filter(idempotency_key=written_by(job)).exists()

    assert job_execute(job_id=job.pk) == JobOutcome("succeeded")
    assert (row(job)["status"], row(job)["attempts"], row(job)["result"]) == (
        "succeeded",
        2,
        {"attempt": 2},
    )
    assert Job.objects.filter(idempotency_key=written_by(job)).count() == 1


TERMINATED_WHILE_MARKING: list[int] = []


def _terminated_while_marking(job: Job, error: BaseException | None, retrying: bool) -> None:
    HOOK_CALLS.append(("failure", job.pk, job.attempts, repr(error), retrying))
    if not TERMINATED_WHILE_MARKING:
        TERMINATED_WHILE_MARKING.append(job.pk)
        terminate_behind_our_back()
    Job.objects.create(kind="core.selftest", idempotency_key=hook_mark(job, "failure"))


@register_job_handler(
    "tests.terminated_while_marking", hooks=JobHooks(on_failure=_terminated_while_marking)
)
def _registry_down_then_connection_lost(job: Job) -> None:
    raise TransientJobError("registry timed out")


@pytest.mark.django_db(transaction=True)
def test_a_connection_lost_while_the_retry_is_recorded_is_recorded_on_a_new_one(
    clock, hook_calls, postgres_only, usable_connection_afterwards
):
    """The connection dies in the transaction that returns the job to pending (here in its
    failure hook): that transaction is written again, whole, on a new connection, rather
    than reported done while it rolled back."""
    TERMINATED_WHILE_MARKING.clear()
    job = make_job(kind="tests.terminated_while_marking")

    outcome = job_execute(job_id=job.pk)

    assert outcome == JobOutcome("pending", retry_in_seconds=2.0)
    assert (row(job)["status"], row(job)["attempts"], row(job)["last_error"]) == (
        "pending",
        1,
        "transient: registry timed out",
    )
    error = repr(TransientJobError("registry timed out"))
    assert hook_calls == [("failure", job.pk, 1, error, True)] * 2
    assert marks() == [f"hook-failure-of-job-{job.pk}-attempt-1"]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_sweeper_task_reconnects_when_its_connection_was_terminated(
    redis_queue, clock, postgres_only, usable_connection_afterwards
):
    """The beat task's connection was cut since its last tick (a database restart): the sweep
    reconnects and does its work instead of failing until the worker restarts."""
    client, queue = redis_queue
    job = make_job(enqueued_at=NOW - timedelta(seconds=REQUEUE_AFTER_SECONDS + 1))
    terminate_behind_our_back()

    report = sweep_jobs()

    assert report == {"requeued": [job.pk], "failed": []}
    assert queued_job_ids(client, queue) == [job.pk]
    assert row(job)["enqueued_at"] == NOW


@pytest.mark.django_db(transaction=True)
def test_a_delivery_whose_connection_died_before_the_claim_is_retried_later(
    clock, postgres_only, usable_connection_afterwards
):
    """Nothing was claimed, so no attempt is charged: the task is told to come back, and the
    next delivery runs the job on a new connection."""
    job = make_job(kind="tests.hooked_success")
    terminate_behind_our_back()

    assert job_execute(job_id=job.pk) == JobOutcome("connection_lost", retry_in_seconds=2.0)

    assert job_execute(job_id=job.pk) == JobOutcome("succeeded")
    assert (row(job)["status"], row(job)["attempts"]) == ("succeeded", 1)
