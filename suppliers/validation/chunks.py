"""Executing a chunk of validation runs: the job handler's one call
(``validation_runs_execute``), inside the job's transaction, so everything commits with the
job's success mark or nothing does.

1. **Load**: lock the runs (finished ones are skipped, and so are runs since handed to another
   work row) and their footprints, loaded with relations, precursors and evidence in three
   queries (``validation_chunk_footprints``).
2. **Evaluate**, in memory, per run (``validation_chunk_evaluate``): recompute the SEE with the
   reference data in force (read once per date for the chunk), build the facts, run every rule.
3. **Write** in bulk (``suppliers.validation.outcomes``): the findings, the runs' outcomes, the
   footprints' moves (errors → back to ``draft`` with them, none → ``in_review``; each
   footprint written once, with its SEE changes) and their audit events, the decisions (one
   upsert).

A rule that raises (``RuleCrashed``) only concerns its own run: nothing of that run is written.
When every run still to do in the chunk crashed, the attempt raises ``ValidationRuleCrashed``
(transient): it rolls back, the failure hook marks each run ``crashed`` with its rule's code,
and the job is retried. When others did not crash, they are committed, and the crashed runs
are handed to a work row of their own (``crashed_runs_hand_over``). Idempotent: re-running an
unfinished run replaces its findings with the same ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.audit import Actor
from core.jobs import is_transient_database_error
from core.models import Job
from reference.errors import ReferenceDataMissing
from suppliers.models import (
    VALIDATION_RUN_TRANSITIONS,
    Footprint,
    FootprintStatus,
    ValidationRun,
    ValidationRunStatus,
)
from suppliers.services.decision_records import decision_records_store, decision_signing_keys
from suppliers.services.footprints import footprint_recompute
from suppliers.services.workflow import (
    FootprintMove,
    footprint_validation_move,
    footprints_move_locked,
)
from suppliers.validation.facts import ReferenceReader, footprint_for_facts, rule_context
from suppliers.validation.findings import findings_unique, input_findings
from suppliers.validation.outcomes import (
    RunWork,
    crashed_runs_hand_over,
    findings_store,
    run_decision_record,
    run_result,
    runs_close,
)
from suppliers.validation.registry import RuleCrashed, rules_version, run_rules
from suppliers.validation.runs import ValidationRuleCrashed


def validation_run_execute(*, run_id: str) -> dict[str, Any]:
    """Execute one run (outside a work row: a replay, a command); see
    ``validation_runs_execute``. Returns the run's result."""
    return validation_runs_execute(run_ids=[run_id])[0]


def validation_runs_execute(
    *, run_ids: Sequence[str], job: Job | None = None
) -> list[dict[str, Any]]:
    """Validate the runs ``run_ids`` (a chunk) and record every outcome (see the module
    docstring); ``job``: the work row executing them, whose runs they must still be (a run
    handed to another work row is left to it). Returns one result per run id, in order.

    Runs inside the caller's transaction (the job's): nothing is committed here.
    """
    results: dict[str, dict[str, Any]] = {}
    with transaction.atomic():
        runs = list(ValidationRun.objects.select_for_update().filter(pk__in=run_ids).order_by("pk"))
        todo: list[ValidationRun] = []
        for run in runs:
            if run.is_finished:
                results[str(run.pk)] = {**run_result(run), "skipped": "already finished"}
            elif job is not None and run.job_id != job.pk:
                results[str(run.pk)] = {
                    **run_result(run),
                    "skipped": f"executed by job {run.job_id}",
                }
            else:
                todo.append(run)
        if todo:
            results.update(_execute(todo, job=job))
    return [
        results.get(str(run_id), {"run": str(run_id), "skipped": "the run no longer exists"})
        for run_id in run_ids
    ]


def _execute(runs: list[ValidationRun], *, job: Job | None) -> dict[str, dict[str, Any]]:
    now = timezone.now()
    footprints = {
        fp.pk: fp
        for fp in validation_chunk_footprints(run.footprint_id for run in runs).select_for_update(
            of=("self",)
        )
    }
    work: list[RunWork] = []
    closed: list[ValidationRun] = []
    for run in runs:
        footprint = footprints[run.footprint_id]
        if footprint.status != FootprintStatus.SUBMITTED:
            # Only a submission is validated. A withdrawal closes its runs as it moves the
            # footprint, so this is a run left over from a manual change. Close it, visibly,
            # without moving the footprint or writing findings.
            VALIDATION_RUN_TRANSITIONS.transition(run, to=ValidationRunStatus.CRASHED)
            run.last_error = (
                f"The footprint is {footprint.status}, not submitted: nothing was validated."
            )
            closed.append(run)
        else:
            work.append(RunWork(run, footprint, timezone.localdate(run.created_at)))
    reference, keys = validation_chunk_evaluate(work)
    done = [w for w in work if w.crash is None]
    crashed = [w for w in work if w.crash is not None]
    if crashed and (job is None or not (done or closed)):
        # Nothing else to commit, or no work row to hand the crashed runs to (a replay):
        # the attempt rolls back and the job (if any) retries.
        raise ValidationRuleCrashed(
            {str(w.run.pk): (w.crash.code, str(w.crash)) for w in crashed if w.crash}
        )

    # Writes, in bulk.
    findings_store(done)
    version = rules_version()
    for w in done:
        errors = sum(1 for f in w.findings if f.severity == "error")
        VALIDATION_RUN_TRANSITIONS.transition(
            w.run,
            to=ValidationRunStatus.FAILED_FINDINGS if errors else ValidationRunStatus.PASSED,
        )
        w.run.error_count = errors
        w.run.warning_count = sum(1 for f in w.findings if f.severity == "warning")
        w.run.info_count = sum(1 for f in w.findings if f.severity == "info")
        w.run.rules_version = version
        w.run.crashed_rule_code = ""
        w.run.last_error = ""
    runs_close([w.run for w in done] + closed, now=now)
    moves: list[FootprintMove] = []
    for w in done:
        problems: dict[str, list[str]] = {}
        for finding in w.findings:
            if finding.severity == "error":
                problems.setdefault(finding.path or "non_field_errors", []).append(
                    f"{finding.code}: {finding.message_en}"
                )
        moves.append(
            footprint_validation_move(
                footprint=w.footprint, problems=problems, changes=w.see_changes
            )
        )
    footprints_move_locked(actor=Actor.platform("validation"), moves=moves)
    # The decision buyers see follows the submission at once, not at the next refresh.
    decision_records_store(
        [
            run_decision_record(w, keys, reference)
            for w in done
            if w.footprint.status != FootprintStatus.DRAFT
        ]
    )
    if crashed:
        crashed_runs_hand_over(crashed, job=job)

    results = {str(run.pk): run_result(run) for run in closed}
    for w in done:
        results[str(w.run.pk)] = {**run_result(w.run), "footprint_status": w.footprint.status}
    for w in crashed:
        results[str(w.run.pk)] = {**run_result(w.run), "crashed": w.run.crashed_rule_code}
    return results


def validation_chunk_footprints(footprint_ids: Iterable[Any]) -> QuerySet[Footprint]:
    """The footprints of a chunk with everything the evaluation reads (``footprint_for_facts``:
    one query, precursors and evidence prefetched in two more), in id order. The handler locks
    them (``select_for_update``)."""
    return footprint_for_facts().filter(pk__in=set(footprint_ids)).order_by("pk")


def validation_chunk_evaluate(work: list[RunWork]) -> tuple[ReferenceReader, dict[str, Any]]:
    """The in-memory part of a chunk, nothing written: per run, the SEE recomputed, the facts
    (through one ``ReferenceReader`` for the chunk) and the rules (``_evaluate``); a rule that
    raises is kept in ``crash``. Returns the reader and the signing keys, which the decisions
    (``run_decision_record``) take."""
    # What the decision's digest reads, read before the facts (see
    # ``decision_inputs_fingerprint``): the signing keys and the reference versions in force.
    reference = ReferenceReader()
    keys = decision_signing_keys(w.footprint for w in work)
    for w in work:
        reference.versions(w.footprint.period_end)

    for w in work:
        try:
            _evaluate(w, reference)
        except RuleCrashed as exc:
            cause = exc.__cause__
            if cause is not None and is_transient_database_error(cause):
                # A query that failed with the connection is nobody's bug: the whole attempt
                # rolls back and the job retries it, rather than this run being kept crashed.
                raise cause from None
            w.crash = exc
    return reference, keys


def _evaluate(w: RunWork, reference: ReferenceReader) -> None:
    """Recompute the SEE with the reference data in force (in memory), then run every rule.
    Input the engine cannot compute is reported as input findings and the rules do not run
    (their facts would be stale). Raises ``RuleCrashed``."""
    try:
        snapshot = reference.snapshot(w.footprint.period_end)
    except ReferenceDataMissing as exc:
        w.findings = input_findings({"period_end": [exc.message]})
        return
    w.see_changes, problems = footprint_recompute(footprint=w.footprint, snapshot=snapshot)
    if problems:
        w.findings = input_findings(problems)
        return
    w.ctx = rule_context(w.footprint, today=w.today, reference=reference)
    w.findings = findings_unique(run_rules(w.ctx))


def validation_chunk_result(results: list[dict[str, Any]]) -> dict[str, Any]:
    """A chunk's job result: how many runs ended how (its runs hold the detail)."""
    summary: dict[str, Any] = {"runs": len(results)}
    for result in results:
        outcome = "skipped" if "skipped" in result else result["status"]
        summary[outcome] = summary.get(outcome, 0) + 1
    return summary
