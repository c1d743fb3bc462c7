"""Reads of validation runs, findings and batches; every selector takes ``organisation=``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber

from accounts.models import Organisation
from suppliers.models import ValidationBatch, ValidationRun, ValidationRunStatus


def validation_runs_visible_to(
    *, organisation: Organisation, footprint_id: str | None = None
) -> QuerySet[ValidationRun]:
    """Runs of the organisation's footprints (of one footprint), newest first. Add
    ``.prefetch_related("findings")`` to render findings: they come in their stored order, the
    rules' order (code, path, message)."""
    runs = ValidationRun.objects.filter(footprint__organisation=organisation)
    if footprint_id is not None:
        runs = runs.filter(footprint_id=footprint_id)
    return runs.order_by("-created_at", "-id")


def latest_validation_prefetch() -> Prefetch[Any, Any, Any]:
    """For footprint querysets: each footprint's newest run (with its findings) in
    ``latest_validation_runs`` (a list of at most one), in two queries for any number of
    footprints."""
    runs = newest_runs().prefetch_related("findings")
    return Prefetch("validation_runs", queryset=runs, to_attr="latest_validation_runs")


def newest_runs() -> QuerySet[ValidationRun]:
    """Each footprint's newest validation run (one row per footprint), for a ``Prefetch``."""
    newest_first = Window(
        RowNumber(),
        partition_by=[F("footprint_id")],
        order_by=[F("created_at").desc(), F("id").desc()],
    )
    return (
        ValidationRun.objects.annotate(newest=newest_first)
        .filter(newest=1)
        .order_by("footprint_id")
    )


def validation_batches_visible_to(*, organisation: Organisation) -> QuerySet[ValidationBatch]:
    """The organisation's batches with their runs (oldest first, the order submitted)."""
    return (
        ValidationBatch.objects.filter(organisation=organisation)
        .prefetch_related(
            Prefetch("runs", queryset=ValidationRun.objects.order_by("created_at", "id"))
        )
        .order_by("-created_at", "id")
    )


@dataclass(frozen=True)
class BatchProgress:
    """``done`` of ``total``: runs that will not change any more (passed, errors found, or
    crashed for good), and a run whose footprint was deleted since. ``failed``: errors found;
    ``crashed``: a rule or the pipeline kept failing."""

    total: int
    done: int
    passed: int
    failed: int
    crashed: int


def validation_batch_progress(batch: ValidationBatch) -> BatchProgress:
    """Counted from the batch's runs (use ``validation_batches_visible_to``: prefetched)."""
    runs = list(batch.runs.all())
    unfinished = sum(1 for run in runs if run.finished_at is None)
    finished = [run for run in runs if run.finished_at is not None]
    return BatchProgress(
        total=batch.total,
        done=batch.total - unfinished,
        passed=sum(1 for run in finished if run.status == ValidationRunStatus.PASSED),
        failed=sum(1 for run in finished if run.status == ValidationRunStatus.FAILED_FINDINGS),
        crashed=sum(1 for run in finished if run.status == ValidationRunStatus.CRASHED),
    )
