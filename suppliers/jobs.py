"""Background work of the suppliers app (work-row handlers, see core.jobs)."""

from __future__ import annotations

from typing import Any

from core.jobs import JobHooks, register_job_handler
from core.models import Job
from suppliers.services import eu_template_import  # noqa: F401 - registers its work-row kind
from suppliers.services.workflow import VALIDATE_JOB
from suppliers.validation.chunks import validation_chunk_result, validation_runs_execute
from suppliers.validation.runs import (
    validation_job_run_ids,
    validation_runs_attempt_failed,
    validation_runs_attempt_started,
)


def _runs_started(job: Job) -> None:
    validation_runs_attempt_started(job=job)


def _runs_failed(job: Job, error: BaseException | None, retrying: bool) -> None:
    validation_runs_attempt_failed(job=job, error=error, retrying=retrying)


@register_job_handler(VALIDATE_JOB, hooks=JobHooks(on_start=_runs_started, on_failure=_runs_failed))
def validate_footprint(job: Job) -> dict[str, Any]:
    """Execute the validation runs of the job: ``payload["run_id"]`` (a single submission;
    the result is the run's) or ``payload["run_ids"]`` (a chunk of a batch; the result counts
    the outcomes). Idempotent: finished runs are left alone. The hooks keep the runs' status
    in step with the job's attempts."""
    results = validation_runs_execute(run_ids=validation_job_run_ids(job), job=job)
    if "run_ids" in job.payload:
        return validation_chunk_result(results)
    return results[0]
