"""Celery tasks of the platform core: thin, ids in, one service call."""

from __future__ import annotations

from celery import Task, shared_task

from core.jobs import job_execute, job_retry_delay, jobs_sweep


@shared_task(name="core.run_job", bind=True, max_retries=None)
def run_job(self: Task, job_id: int) -> str:
    """Execute work row ``job_id``; idempotent (a finished job is a no-op). A database that
    cannot be reached at all (``connection_lost``) is tried again with a growing delay."""
    outcome = job_execute(job_id=job_id)
    if outcome.status == "connection_lost":
        raise self.retry(countdown=job_retry_delay(self.request.retries + 1))
    if outcome.retry_in_seconds is not None:
        raise self.retry(countdown=outcome.retry_in_seconds)
    return outcome.status


@shared_task(name="core.sweep_jobs")
def sweep_jobs() -> dict[str, list[int]]:
    """Periodic (beat): publish lost work again, fail exhausted work. A connection that died
    since the last tick is replaced (``jobs_sweep``)."""
    report = jobs_sweep()
    return {"requeued": report.requeued, "failed": report.failed}
