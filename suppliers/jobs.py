"""Background work of the suppliers app (work-row handlers, see core.jobs)."""

from __future__ import annotations

from typing import Any

from core.jobs import JobHooks, register_job_handler
from core.models import Job
from suppliers.services.workflow import VALIDATE_JOB
from suppliers.validation.runs import (
    validation_run_attempt_failed,
    validation_run_attempt_started,
    validation_run_execute,
)


def _run_started(job: Job) -> None:
    validation_run_attempt_started(run_id=job.payload["run_id"], attempt=job.attempts)


def _run_failed(job: Job, error: BaseException | None, retrying: bool) -> None:
    validation_run_attempt_failed(
        run_id=job.payload["run_id"], attempt=job.attempts, error=error, retrying=retrying
    )


@register_job_handler(VALIDATE_JOB, hooks=JobHooks(on_start=_run_started, on_failure=_run_failed))
def validate_footprint(job: Job) -> dict[str, Any]:
    """Execute the validation run ``payload["run_id"]`` (idempotent: a finished run is left
    alone). The hooks keep the run's status in step with the job's attempts."""
    return validation_run_execute(run_id=job.payload["run_id"])
