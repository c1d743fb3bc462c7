"""Services for work rows (``core.models.Job``): create, publish, execute, sweep.

Handlers are plain functions registered per ``kind``; they receive the job and return a
JSON-serialisable result. They run inside the transaction that marks the job succeeded, so
a handler's writes and the "done" mark commit together or not at all.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

import psycopg
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from core.models import Job

logger = logging.getLogger(__name__)

JobHandler = Callable[[Job], Any]
_HANDLERS: dict[str, JobHandler] = {}


@dataclass(frozen=True)
class JobHooks:
    """Callbacks of a kind whose domain row mirrors its job (a validation run shows
    "running", or "crashed in rule X, retrying").

    A failed attempt rolls back everything its handler wrote, so a handler cannot record its
    own failure. Hooks run in transactions of their own instead:

    - ``on_start(job)``: after a successful claim, before the handler; committed even when the
      attempt fails or its worker dies;
    - ``on_failure(job, error, retrying)``: in the transaction that returns the job to pending
      (``retrying`` True) or fails it (False), so it commits with that mark or not at all;
      ``error`` is the handler's exception, or None when the sweeper or a late delivery gives
      up on a job whose workers kept dying. Not called for an attempt that lost its lease.

    A hook that raises is logged and ignored: the job's own bookkeeping never depends on it.
    Except a database connection error in ``on_failure``: the mark's transaction died with
    the connection, so it is written again, hook included, on a new connection.
    """

    on_start: Callable[[Job], None] | None = None
    on_failure: Callable[[Job, BaseException | None, bool], None] | None = None


_HOOKS: dict[str, JobHooks] = {}


class TransientJobError(Exception):
    """Raise from a handler when trying again later may succeed (a service was down)."""


class UnknownJobKind(LookupError):
    pass


# What the database raises when the connection is gone (a restart, a failover,
# ``pg_terminate_backend``, a network cut) or the server asks to try again (a deadlock, a
# serialisation failure): Django's wrappers, and psycopg's own for code that reaches past them.
_DATABASE_TRANSIENT = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)


def is_transient_database_error(error: BaseException | None) -> bool:
    """True for an error of the database connection rather than of the job: the attempt is
    retried on a new connection, like a ``TransientJobError``."""
    return isinstance(error, _DATABASE_TRANSIENT)


def _drop_connection() -> None:
    """Close this thread's database connection after a connection error, so that the next
    statement opens a new one (Django would otherwise keep failing on the dead socket until
    a task boundary). Not inside a caller's transaction: that caller owns the connection
    (a test, or a job run in-line), and closing would end its transaction under it."""
    if not connection.in_atomic_block:
        connection.close()


_T = TypeVar("_T")


def _on_a_new_connection_if_lost(write: Callable[[], _T]) -> _T:
    """Run ``write`` (one transaction); if the connection turns out to be dead, run it once
    more on a new one. The bookkeeping after a lost connection needs a working connection
    itself, and a connection is often found dead only at its first statement."""
    try:
        return write()
    except _DATABASE_TRANSIENT:
        if connection.in_atomic_block:
            raise
        logger.warning("database connection lost; writing again on a new one", exc_info=True)
        _drop_connection()
        return write()


def register_job_handler(
    kind: str, *, hooks: JobHooks | None = None
) -> Callable[[JobHandler], JobHandler]:
    """Decorator: ``@register_job_handler("suppliers.validate")`` on ``def handler(job)``;
    ``hooks`` (see ``JobHooks``) when a domain row follows the job's attempts."""

    def decorator(func: JobHandler) -> JobHandler:
        existing = _HANDLERS.get(kind)
        if existing is not None and existing is not func:
            raise ValueError(f"job kind {kind!r} is already registered to {existing!r}")
        _HANDLERS[kind] = func
        if hooks is not None:
            _HOOKS[kind] = hooks
        return func

    return decorator


def _run_hook(job: Job, name: str, call: Callable[[], None]) -> None:
    """Run one hook in a transaction (a savepoint inside the caller's) and swallow its error,
    except a lost connection inside the caller's transaction: that transaction is lost with it
    and would roll back silently, so the caller must hear of it and write it again."""
    try:
        with transaction.atomic():
            call()
    except Exception as exc:
        if is_transient_database_error(exc) and connection.in_atomic_block:
            raise
        logger.exception("job %s (%s): the %s hook failed", job.pk, job.kind, name)


def _started(job: Job) -> None:
    hooks = _HOOKS.get(job.kind)
    if hooks is not None and hooks.on_start is not None:
        on_start = hooks.on_start
        _run_hook(job, "on_start", lambda: on_start(job))


def _failed(job: Job, error: BaseException | None, *, retrying: bool) -> None:
    hooks = _HOOKS.get(job.kind)
    if hooks is not None and hooks.on_failure is not None:
        on_failure = hooks.on_failure
        _run_hook(job, "on_failure", lambda: on_failure(job, error, retrying))


def job_handler_for(kind: str) -> JobHandler:
    try:
        return _HANDLERS[kind]
    except KeyError:
        raise UnknownJobKind(f"no handler registered for job kind {kind!r}") from None


def job_create(
    *,
    kind: str,
    payload: dict[str, Any] | None = None,
    organisation_id: int | None = None,
    idempotency_key: str | None = None,
    max_attempts: int | None = None,
) -> Job:
    """Create a pending job and publish it once the surrounding transaction commits.

    With ``idempotency_key`` an existing job with that key is returned instead of a new one.
    """
    job_handler_for(kind)  # fail fast on a typo rather than in the worker
    if idempotency_key is not None:
        existing = Job.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    job = Job.objects.create(
        kind=kind,
        payload=payload or {},
        organisation_id=organisation_id,
        idempotency_key=idempotency_key,
        max_attempts=max_attempts or settings.JOB_MAX_ATTEMPTS,
        enqueued_at=timezone.now(),
    )
    transaction.on_commit(lambda: job_publish(job_id=job.pk))
    return job


def job_publish(*, job_id: int, countdown: float | None = None) -> bool:
    """Send the job's id to the broker. A broker outage is logged, not raised: the row stays
    pending and the sweeper publishes it again.

    The message carries no time limits (``None``): Celery would otherwise copy the
    publisher's ``CELERY_TASK_TIME_LIMIT`` into it, and a worker obeys the message over its
    own setting — so a web process configured differently could let a task outlive the
    lease the worker derives from its own limit. The consuming worker's limits apply.
    """
    from core.tasks import run_job

    try:
        run_job.apply_async(
            args=(job_id,),
            countdown=countdown or 0,
            # None clears the limits in the message (the stubs only know ints).
            time_limit=None,  # type: ignore[arg-type]
            soft_time_limit=None,  # type: ignore[arg-type]
        )
    except Exception:  # kombu/redis raise many connection error types
        logger.warning("could not publish job %s; the sweeper will retry", job_id, exc_info=True)
        return False
    return True


@dataclass(frozen=True)
class JobOutcome:
    status: str
    retry_in_seconds: float | None = None


def _claim(job_id: int, now: datetime) -> int | None:
    """Take the lease with one conditional UPDATE; return the attempt number, or None."""
    lease = timedelta(seconds=settings.JOB_LEASE_SECONDS)
    claimable = Q(status=Job.Status.PENDING) | Q(
        status=Job.Status.RUNNING, lease_expires_at__lt=now
    )
    updated = Job.objects.filter(claimable, pk=job_id, attempts__lt=F("max_attempts")).update(
        status=Job.Status.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        lease_expires_at=now + lease,
    )
    if not updated:
        return None
    return Job.objects.values_list("attempts", flat=True).get(pk=job_id)


def job_retry_delay(attempt: int) -> float:
    """Seconds before try number ``attempt + 1``: 2, 4, 8 …, capped (see ``_backoff_seconds``)."""
    return _backoff_seconds(attempt)


def _backoff_seconds(attempt: int) -> float:
    # Stay below the broker's visibility timeout: a countdown longer than it would make
    # Redis redeliver the held message to a second worker.
    return float(min(2**attempt, settings.BROKER_VISIBILITY_TIMEOUT // 2))


def job_execute(*, job_id: int) -> JobOutcome:
    """Run one job if it can be claimed. Safe to call any number of times for the same id.

    A database connection lost where no attempt can be charged for it (claiming, or recording
    an attempt's end even on a new connection) is answered with ``connection_lost`` and a
    delay: the task tries again, and a claim that did commit is taken over once its lease ends.
    """
    try:
        return _execute(job_id)
    except _DATABASE_TRANSIENT:
        if connection.in_atomic_block:
            raise
        logger.warning("job %s: database connection lost; retrying", job_id, exc_info=True)
        _drop_connection()
        return JobOutcome("connection_lost", retry_in_seconds=_backoff_seconds(1))


def _execute(job_id: int) -> JobOutcome:
    now = timezone.now()
    attempt = _claim(job_id, now)
    if attempt is None:
        job = Job.objects.filter(pk=job_id).first()
        if job is None:
            logger.warning("job %s does not exist; dropping its message", job_id)
            return JobOutcome("missing")
        if job.status in (Job.Status.SUCCEEDED, Job.Status.FAILED):
            return JobOutcome(job.status)  # already done: a duplicate delivery
        if job.status == Job.Status.RUNNING and job.lease_expires_at and job.lease_expires_at > now:
            wait = (job.lease_expires_at - now).total_seconds() + 1
            return JobOutcome("busy", retry_in_seconds=wait)
        # Out of attempts.
        error = f"gave up after {job.attempts} attempts; last error: {job.last_error}"
        _on_a_new_connection_if_lost(partial(_give_up, job, error))
        return JobOutcome(Job.Status.FAILED)

    job = Job.objects.get(pk=job_id)
    _started(job)
    failure: BaseException
    try:
        handler = job_handler_for(job.kind)
        with transaction.atomic():
            result = handler(job)
            finished = Job.objects.filter(
                pk=job_id, status=Job.Status.RUNNING, attempts=attempt
            ).update(
                status=Job.Status.SUCCEEDED,
                result=result,
                finished_at=timezone.now(),
                lease_expires_at=None,
                last_error="",
            )
            if not finished:
                # Our lease expired and another worker took the job over: undo our writes.
                raise _LeaseLost()
    except _LeaseLost:
        logger.warning("job %s attempt %s lost its lease; rolled back", job_id, attempt)
        return JobOutcome("lease_lost")
    except TransientJobError as exc:
        error, retry, failure = f"transient: {exc}", True, exc
    except _DATABASE_TRANSIENT as exc:
        # The connection died under the handler (or the server asked to try again): the
        # attempt rolled back (the outermost atomic block closes a connection it cannot roll
        # back on); the attempt is spent and the job retried with backoff.
        logger.warning(
            "job %s (%s) attempt %s: database error, retrying: %s", job_id, job.kind, attempt, exc
        )
        _drop_connection()
        error, retry, failure = f"transient: {type(exc).__name__}: {exc}", True, exc
    except Exception as exc:
        # Soft time limits land here too: the attempt is spent and the job retried.
        retry = type(exc).__name__ == "SoftTimeLimitExceeded"
        logger.exception("job %s (%s) attempt %s failed", job_id, job.kind, attempt)
        error, failure = f"{type(exc).__name__}: {exc}", exc
    else:
        return JobOutcome(Job.Status.SUCCEEDED)
    return _on_a_new_connection_if_lost(
        partial(_after_failed_attempt, job, attempt, error, retry=retry, exc=failure)
    )


class _LeaseLost(Exception):
    pass


def _after_failed_attempt(
    job: Job, attempt: int, error: str, *, retry: bool, exc: BaseException
) -> JobOutcome:
    # Both updates are fenced by our attempt number: a stale attempt whose job another worker
    # took over must neither requeue nor fail the job under that worker. The failure hook
    # commits with the mark, or not at all.
    ours = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=attempt)
    with transaction.atomic():
        if retry and attempt < job.max_attempts:
            requeued = ours.update(
                status=Job.Status.PENDING,
                last_error=error[:4000],
                lease_expires_at=None,
                enqueued_at=timezone.now(),
            )
            if not requeued:
                return JobOutcome("lease_lost")
            _failed(job, exc, retrying=True)
            return JobOutcome(Job.Status.PENDING, retry_in_seconds=_backoff_seconds(attempt))
        if not _fail(job.pk, error, rows=ours):
            return JobOutcome("lease_lost")
        _failed(job, exc, retrying=False)
    return JobOutcome(Job.Status.FAILED)


def _give_up(job: Job, error: str) -> None:
    with transaction.atomic():
        if _fail(job.pk, error):
            _failed(job, None, retrying=False)


def _fail(job_id: int, error: str, *, rows: QuerySet[Job] | None = None) -> int:
    if rows is None:
        rows = Job.objects.filter(pk=job_id)
    return rows.exclude(status=Job.Status.SUCCEEDED).update(
        status=Job.Status.FAILED,
        last_error=error[:4000],
        finished_at=timezone.now(),
        lease_expires_at=None,
    )


@dataclass(frozen=True)
class SweepReport:
    requeued: list[int]
    failed: list[int]


def jobs_sweep(*, now: datetime | None = None) -> SweepReport:
    """Re-publish work the broker lost; fail work that keeps failing instead of looping.

    - ``running`` rows whose lease expired (their worker died): back to ``pending``;
    - ``pending`` rows not picked up within ``JOB_REQUEUE_AFTER_SECONDS`` (a Redis restart
      or flush lost their message, or publishing failed): published again;
    - rows that used up ``max_attempts``: ``failed`` with the last error kept.

    Every step is idempotent, so a sweep whose connection turns out to be dead (a database
    restart since the last tick) runs again, whole, on a new connection.
    """
    return _on_a_new_connection_if_lost(lambda: _sweep(now or timezone.now()))


def _sweep(now: datetime) -> SweepReport:
    expired = Q(status=Job.Status.RUNNING, lease_expires_at__lt=now)
    exhausted = Q(attempts__gte=F("max_attempts"))

    exhausted_jobs = list(
        Job.objects.filter(exhausted).filter(expired | Q(status=Job.Status.PENDING)).order_by("pk")
    )
    failed_ids = [job.pk for job in exhausted_jobs]
    for job in exhausted_jobs:
        _give_up(job, "gave up: the job used all its attempts (worker lost or kept failing)")

    Job.objects.filter(expired, attempts__lt=F("max_attempts")).update(
        status=Job.Status.PENDING,
        lease_expires_at=None,
        last_error="worker lost: lease expired",
        enqueued_at=None,
    )

    stale_before = now - timedelta(seconds=settings.JOB_REQUEUE_AFTER_SECONDS)
    candidates = list(
        Job.objects.filter(status=Job.Status.PENDING, attempts__lt=F("max_attempts"))
        .filter(Q(enqueued_at__lt=stale_before) | Q(enqueued_at__isnull=True))
        .values_list("pk", flat=True)[:1000]
    )
    requeued: list[int] = []
    for job_id in candidates:
        # Conditional UPDATE: two sweepers never publish the same row twice in one round.
        taken = (
            Job.objects.filter(pk=job_id, status=Job.Status.PENDING)
            .filter(Q(enqueued_at__lt=stale_before) | Q(enqueued_at__isnull=True))
            .update(enqueued_at=now)
        )
        if taken and job_publish(job_id=job_id):
            requeued.append(job_id)
    if requeued or failed_ids:
        logger.info("job sweep: requeued %s, failed %s", requeued, failed_ids)
    return SweepReport(requeued=requeued, failed=failed_ids)


@register_job_handler("core.selftest")
def _selftest(job: Job) -> dict[str, Any]:
    """Diagnostic job used by ``manage.py selftest_worker`` and the reliability tests: waits
    ``sleep_seconds`` (a stand-in for real work) and echoes ``value`` with the attempt."""
    sleep_seconds = float(job.payload.get("sleep_seconds", 0))
    time.sleep(sleep_seconds)
    return {"echo": job.payload.get("value"), "attempt": job.attempts}
