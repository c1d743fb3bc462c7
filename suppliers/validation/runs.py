"""Validation runs: every submission of a footprint is a validation run, which a worker
executes through a work row (``core.jobs``), storing the findings of every rule.

- ``validation_runs_create``: in the submit transaction; one run per footprint, and one work
  row (``suppliers.validate_footprint``) per **chunk** of runs, published after commit. A
  single submission is a chunk of one (payload ``{"run_id", "footprint_id"}``); a batch is cut
  into chunks of ``VALIDATION_CHUNK_SIZE`` runs (payload ``{"run_ids": [...]}``). The work row
  brings the foundation's guarantees: redelivery after a killed worker, the sweeper, retries up
  to ``JOB_MAX_ATTEMPTS``. Each run keeps its own status, attempts, times and findings, so a
  batch's progress is counted from its runs.
- The work row's handler executes its chunk: ``suppliers.validation.chunks`` (load, evaluate)
  and ``suppliers.validation.outcomes`` (write).
- ``validation_runs_attempt_started`` / ``validation_runs_attempt_failed``: the job's hooks,
  which commit outside the attempt's transaction: the runs show ``running`` with their attempt
  count, and a failed attempt shows ``crashed`` (with the rule's code when a rule raised) while
  the job retries, finally with ``finished_at`` once the job gives up. A lost database
  connection is no crash: the runs go back to ``pending`` while the job retries. These are
  conditional UPDATEs of the work row's unfinished runs; ``VALIDATION_RUN_TRANSITIONS`` is
  their map (``tests/core/test_workflows.py`` checks them against it).
- ``footprint_revalidate``: a submitted footprint whose run ended without an outcome (crashed
  on every attempt) gets a new run and work row through ``validation_runs_create``, with a
  fresh attempt budget; refused while one of its runs is unfinished. (Withdrawing the
  submission instead, ``suppliers.services.workflow.footprint_withdraw``, closes such a run.)

Batches: ``suppliers.validation.batches``; the dry run: ``suppliers.validation.dry_run``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.audit import Actor, audit_record
from core.errors import Conflict
from core.jobs import TransientJobError, is_transient_database_error, job_create
from core.models import Job
from core.workflows import IllegalTransition
from suppliers import events
from suppliers.models import (
    Footprint,
    FootprintStatus,
    ValidationBatch,
    ValidationRun,
    ValidationRunStatus,
)
from suppliers.services.workflow import VALIDATE_JOB
from suppliers.validation.registry import rules_version

#: Runs per work row when a batch is validated (setting ``VALIDATION_CHUNK_SIZE``).
DEFAULT_CHUNK_SIZE = 50


def validation_chunk_size() -> int:
    return max(1, int(getattr(settings, "VALIDATION_CHUNK_SIZE", DEFAULT_CHUNK_SIZE)))


class ValidationRuleCrashed(TransientJobError):
    """Rules raised for every run of a chunk still to do: the attempt rolls back and the job
    is retried (``TransientJobError``); the failure hook marks each run ``crashed`` with its
    rule's code (``crashes``: run id → (rule code, message)). ``rule_code``: the first."""

    def __init__(self, crashes: dict[str, tuple[str, str]]) -> None:
        first_code, first_message = next(iter(crashes.values()))
        others = len(crashes) - 1
        super().__init__(
            first_message + (f" (and {others} other runs of the chunk)" if others else "")
        )
        self.rule_code = first_code
        self.crashes = crashes


def validation_runs_create(
    *,
    footprints: Sequence[Footprint],
    batch: ValidationBatch | None = None,
    again_after: ValidationRun | None = None,
) -> list[ValidationRun]:
    """Pending runs of footprints just submitted (in their submit transaction), in chunks of
    ``validation_chunk_size()`` runs with one work row each, executed after commit. A chunk
    of one is the single submission's job: payload ``{"run_id", "footprint_id"}``.
    ``again_after``: the finished run of a single submission that this run validates again
    (``footprint_revalidate``); its work row is a new one, with a fresh attempt budget."""
    assert again_after is None or len(footprints) == 1, "a footprint is revalidated alone"
    version = rules_version()
    runs: list[ValidationRun] = []
    size = validation_chunk_size()
    for start in range(0, len(footprints), size):
        chunk = footprints[start : start + size]
        ids = [uuid.uuid4() for _ in chunk]
        first = chunk[0]
        assert all(fp.submitted_at is not None for fp in chunk), "only submissions are validated"
        if len(chunk) == 1:
            payload: dict[str, Any] = {"run_id": str(ids[0]), "footprint_id": str(first.pk)}
            # One job per submission, whoever asks twice.
            key = f"{VALIDATE_JOB}:{first.pk}:{first.submitted_at.isoformat()}"  # type: ignore[union-attr]
            if again_after is not None:
                # The submission's key names its first work row, which gave up.
                key += f":again-after:{again_after.pk}"
        else:
            payload = {"run_ids": [str(i) for i in ids]}
            key = f"{VALIDATE_JOB}:chunk:{ids[0]}"
        job = job_create(
            kind=VALIDATE_JOB,
            payload=payload,
            organisation_id=first.organisation_id,
            idempotency_key=key,
        )
        runs.extend(
            ValidationRun(
                id=run_id, footprint=fp, batch=batch, rules_version=version, job_id=job.pk
            )
            for run_id, fp in zip(ids, chunk, strict=True)
        )
    ValidationRun.objects.bulk_create(runs)
    return runs


@transaction.atomic
def footprint_revalidate(*, actor: Actor, footprint: Footprint) -> ValidationRun:
    """Validate a submitted footprint again whose validation ended without an outcome (its
    run crashed on every attempt and the work row gave up): a new run and work row, exactly
    as a submission makes them (``validation_runs_create``), with a fresh attempt budget;
    audit ``footprint.revalidation_requested``. The footprint stays ``submitted``.

    Refused (409) unless the footprint is ``submitted``, and while one of its runs is
    unfinished (still pending, running or retrying), naming that run. Runs are only created
    under the footprint's lock (a submission, a revalidation), so the check after taking it
    is current; no run is locked, so this never waits for a worker."""
    locked = Footprint.objects.select_for_update().get(pk=footprint.pk)
    if locked.status != FootprintStatus.SUBMITTED:
        hint = " Submit it instead." if locked.status == FootprintStatus.DRAFT else ""
        raise IllegalTransition(
            f"A {locked.status} footprint cannot be revalidated; only a submitted footprint "
            f"whose validation ended without an outcome can.{hint}",
            extra={"status": locked.status, "requested": "revalidate"},
        )
    unfinished = (
        ValidationRun.objects.filter(footprint_id=locked.pk, finished_at__isnull=True)
        .order_by("created_at", "pk")
        .first()
    )
    if unfinished is not None:
        raise Conflict(
            f"Validation run {unfinished.pk} of this footprint has not finished (status "
            f"{unfinished.status}, attempts so far {unfinished.attempts}); wait for it to finish, "
            "or withdraw the submission.",
            code="validation_unfinished",
            extra={"run": str(unfinished.pk), "run_status": unfinished.status},
        )
    previous = (
        ValidationRun.objects.filter(footprint_id=locked.pk).order_by("-created_at", "-pk").first()
    )
    [run] = validation_runs_create(footprints=[locked], again_after=previous)
    audit_record(
        actor=actor,
        organisation=locked.organisation,
        action=events.FOOTPRINT_REVALIDATION_REQUESTED,
        obj=locked,
        before={
            "run": None if previous is None else str(previous.pk),
            "run_status": None if previous is None else previous.status,
        },
        after={"run": str(run.pk)},
    )
    return run


def validation_job_run_ids(job: Job) -> list[str]:
    """The runs a validation work row executes (a chunk, or the one run of a submission)."""
    payload = job.payload
    return [str(i) for i in payload["run_ids"]] if "run_ids" in payload else [payload["run_id"]]


def _job_runs(job: Job) -> Any:
    """The unfinished runs a work row executes (not those since handed to another)."""
    return ValidationRun.objects.filter(
        pk__in=validation_job_run_ids(job), job_id=job.pk, finished_at__isnull=True
    )


def validation_runs_attempt_started(*, job: Job) -> None:
    """Job hook: an attempt has begun (committed before the rules run); each run counts it."""
    _job_runs(job).update(
        status=ValidationRunStatus.RUNNING, attempts=F("attempts") + 1, started_at=timezone.now()
    )


def validation_runs_attempt_failed(
    *, job: Job, error: BaseException | None, retrying: bool
) -> None:
    """Job hook: an attempt failed (its writes rolled back). Its runs are ``crashed``, with
    the rule's code where a rule raised; with ``finished_at`` once the job will not try again,
    so the footprints visibly stay ``submitted``. A lost database connection that the job
    retries crashed nothing: the runs are ``pending`` again, with the reason."""
    if error is None:
        message = "The worker running it was lost on every attempt; the platform gave up."
    else:
        message = f"{type(error).__name__}: {error}"
    if retrying and is_transient_database_error(error):
        _job_runs(job).update(
            status=ValidationRunStatus.PENDING, last_error=f"{message[:3980]} (retrying)"
        )
        return
    updates: dict[str, Any] = {"status": ValidationRunStatus.CRASHED}
    if not retrying:
        updates["finished_at"] = timezone.now()
    runs = _job_runs(job)
    if isinstance(error, ValidationRuleCrashed):
        for run_id, (code, crash_message) in error.crashes.items():
            runs.filter(pk=run_id).update(
                **updates, crashed_rule_code=code, last_error=crash_message[:4000]
            )
        runs = runs.exclude(pk__in=list(error.crashes))
    runs.update(**updates, last_error=message[:4000])
