"""Writing a validation chunk's outcomes (services, inside the job's transaction).

What ``suppliers.validation.chunks`` computed in memory for each run (a ``RunWork``) is written
here in bulk: the findings (replaced, never added to), the runs' outcomes (one UPDATE per
distinct outcome), each run's "default value" decision record (built here, stored by the
chunk in one upsert) and, for runs whose rule crashed while others of the chunk did not, the
hand-over to a work row of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.jobs import job_create
from core.models import Job
from suppliers.calculations.default_value_decision import DefaultValueDecision
from suppliers.models import (
    VALIDATION_RUN_TRANSITIONS,
    DefaultValueDecisionRecord,
    Footprint,
    ValidationFinding,
    ValidationRun,
    ValidationRunStatus,
)
from suppliers.services.decision_records import (
    decision_inputs_fingerprint,
    decision_record_build,
    decision_take,
)
from suppliers.services.workflow import VALIDATE_JOB
from suppliers.validation.facts import ReferenceReader
from suppliers.validation.findings import finding_key
from suppliers.validation.registry import RuleCrashed
from suppliers.validation.types import Finding, RuleContext


@dataclass
class RunWork:
    """One run of a chunk on its way: what was computed for it in memory."""

    run: ValidationRun
    footprint: Footprint
    today: date
    findings: list[Finding] = field(default_factory=list)
    see_changes: dict[str, Any] = field(default_factory=dict)
    ctx: RuleContext | None = None
    crash: RuleCrashed | None = None


def findings_store(done: list[RunWork]) -> None:
    """Replace the runs' findings (a repeated write leaves exactly one set)."""
    if not done:
        return
    rows = [
        ValidationFinding(
            run=w.run,
            position=position,
            code=finding.code,
            severity=finding.severity,
            path=finding.path,
            message_en=finding.message_en,
            message_zh=finding.message_zh,
            evidence=dict(finding.evidence),
            default_value_required=finding.default_value_required,
            key=finding_key(finding),
        )
        for w in done
        for position, finding in enumerate(w.findings)
    ]
    ValidationFinding.objects.filter(run_id__in=[w.run.pk for w in done]).delete()
    ValidationFinding.objects.bulk_create(rows)


_CLOSE_FIELDS = (
    "status",
    "error_count",
    "warning_count",
    "info_count",
    "rules_version",
    "crashed_rule_code",
    "last_error",
)


def runs_close(runs: list[ValidationRun], *, now: Any) -> None:
    """Write the runs' outcomes with ``finished_at``: runs with the same outcome in one UPDATE."""
    groups: dict[tuple[Any, ...], list[Any]] = {}
    for run in runs:
        run.started_at = run.started_at or now
        run.finished_at = now
        groups.setdefault(tuple(getattr(run, name) for name in _CLOSE_FIELDS), []).append(run.pk)
    for values, pks in groups.items():
        ValidationRun.objects.filter(pk__in=pks).update(
            **dict(zip(_CLOSE_FIELDS, values, strict=True)),
            started_at=Coalesce(F("started_at"), Value(now)),
            finished_at=now,
        )


def run_decision_record(
    w: RunWork, keys: dict[str, Any], reference: ReferenceReader
) -> DefaultValueDecisionRecord:
    """The run's decision, from the facts, snapshot and findings the run has."""
    decision: DefaultValueDecision | None = None
    if w.ctx is not None:
        decision = decision_take(ctx=w.ctx, findings=w.findings, today=w.today)
        note = decision.note
    else:
        # No facts: the input could not be computed (it went back to draft, no decision),
        # or there is no reference data for the period.
        note = "no reference data: " + "; ".join(f.message_en for f in w.findings)
    return decision_record_build(
        footprint=w.footprint,
        decision=decision,
        findings=w.findings,
        note=note,
        fingerprint=decision_inputs_fingerprint(
            w.footprint,
            today=w.today,
            keys=keys,
            versions=reference.versions(w.footprint.period_end),
        ),
        today=w.today,
        keys=keys,
    )


def crashed_runs_hand_over(crashed: list[RunWork], *, job: Job | None) -> None:
    """Runs whose rule crashed while others of the chunk did not: ``crashed`` with the rule's
    code, and a work row of their own with the attempts the chunk had left (closed for good
    when none are left)."""
    assert job is not None  # outside a work row a crash raises (see ``_execute``)
    left = job.max_attempts - job.attempts
    successor: Job | None = None
    if left > 0:
        successor = job_create(
            kind=VALIDATE_JOB,
            payload={"run_ids": [str(w.run.pk) for w in crashed]},
            organisation_id=job.organisation_id,
            idempotency_key=f"{VALIDATE_JOB}:after:{job.pk}",
            max_attempts=left,
        )
    now = timezone.now()
    for w in crashed:
        assert w.crash is not None
        VALIDATION_RUN_TRANSITIONS.transition(w.run, to=ValidationRunStatus.CRASHED)
        w.run.crashed_rule_code = w.crash.code
        w.run.last_error = str(w.crash)[:4000]
        updates: dict[str, Any] = {
            "status": w.run.status,
            "crashed_rule_code": w.run.crashed_rule_code,
            "last_error": w.run.last_error,
        }
        if successor is not None:
            w.run.job_id = successor.pk
            updates["job_id"] = successor.pk
        else:
            w.run.finished_at = now
            updates["finished_at"] = now
        ValidationRun.objects.filter(pk=w.run.pk).update(**updates)


def run_result(run: ValidationRun) -> dict[str, Any]:
    return {
        "run": str(run.pk),
        "status": run.status,
        "errors": run.error_count,
        "warnings": run.warning_count,
        "infos": run.info_count,
    }
