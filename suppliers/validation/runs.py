"""The validation pipeline: every submission of a footprint is a validation run, which a worker
executes through a work row (``core.jobs``), storing the findings of every rule.

- ``validation_runs_create``: in the submit transaction; one run per footprint, and one work
  row (``suppliers.validate_footprint``) per **chunk** of runs, published after commit. A
  single submission is a chunk of one (payload ``{"run_id", "footprint_id"}``); a batch is cut
  into chunks of ``VALIDATION_CHUNK_SIZE`` runs (payload ``{"run_ids": [...]}``). The work row
  brings the foundation's guarantees: redelivery after a killed worker, the sweeper, retries up
  to ``JOB_MAX_ATTEMPTS``. Each run keeps its own status, attempts, times and findings, so a
  batch's progress is counted from its runs as before.
- ``validation_runs_execute``: the job handler's one call, for all the runs of its chunk, in
  the job's transaction (everything commits with the job's success mark, or nothing does).
  It locks the runs and their footprints and loads the footprints with their precursors and
  evidence in bulk; then, in memory, per run: recomputes the SEE, builds the facts (reference
  data read once per date for the chunk), runs every rule and takes the default-value
  decision; then writes in bulk: the findings (replaced, never added to: a unique key per
  run), the runs' outcomes, the footprints' moves (errors → back to ``draft`` with them, none
  → ``in_review``; each footprint written once, with its SEE changes) and their audit events,
  and the decisions (one upsert). Idempotent: finished runs are skipped, and re-running an
  unfinished run replaces its findings with the same ones.
- A rule that raises (``RuleCrashed``) only concerns its own run: nothing of that run is
  written. When every run still to do in the chunk crashed, the attempt raises
  ``ValidationRuleCrashed`` (transient): it rolls back, the failure hook marks each run
  ``crashed`` with its rule's code, and the job is retried. When others did not crash, they
  are committed, and the crashed runs are marked ``crashed`` and handed to a new work row of
  their own with the attempts the chunk had left (a run never gets more attempts in total
  than ``JOB_MAX_ATTEMPTS``); with none left they are closed ``crashed``. Their footprints stay
  ``submitted``: a crash never passes silently, and never holds up the rest of a batch.
- ``validation_runs_attempt_started`` / ``validation_runs_attempt_failed``: the job's hooks,
  which commit outside the attempt's transaction: the runs show ``running`` with their attempt
  count, and a failed attempt shows ``crashed`` (with the rule's code when a rule raised) while
  the job retries, finally with ``finished_at`` once the job gives up. A lost database
  connection is no crash: the runs go back to ``pending`` while the job retries.
- ``footprint_revalidate``: a submitted footprint whose run ended without an outcome (crashed
  on every attempt) gets a new run and work row through ``validation_runs_create``, with a
  fresh attempt budget; refused while one of its runs is unfinished. (Withdrawing the
  submission instead, ``suppliers.services.workflow.footprint_withdraw``, closes such a run.)
- ``footprints_submit_batch``: many drafts at once, all or nothing, one run each in one batch.
- ``validation_dry_run``: the findings for a footprint *input* (the JSON body of
  ``POST …/footprints/``), nothing saved.

Input that cannot be read or computed (no reference data for the period, a unit that does not
fit) is itself a finding, ``CBAM-INPUT-000`` (error), never a crash.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.audit import Actor, audit_record
from accounts.models import Organisation
from core.errors import ApplicationError, Conflict, ValidationFailed
from core.jobs import TransientJobError, is_transient_database_error, job_create
from core.models import Job
from core.workflows import IllegalTransition
from reference.errors import ReferenceDataMissing
from suppliers import events
from suppliers.models import (
    VALIDATION_RUN_TRANSITIONS,
    DefaultValueDecisionRecord,
    Footprint,
    FootprintStatus,
    ValidationBatch,
    ValidationFinding,
    ValidationRun,
    ValidationRunStatus,
)
from suppliers.services.footprints import (
    REFUSED_FACTOR_SOURCES,
    footprint_preview,
    footprint_recompute,
)
from suppliers.services.workflow import (
    VALIDATE_JOB,
    FootprintMove,
    footprint_submission_problems,
    footprint_validation_move,
    footprints_move_locked,
    footprints_submit_locked,
)
from suppliers.validation.decision import DefaultValueDecision, decide, decision_year
from suppliers.validation.decisions import (
    decision_inputs_fingerprint,
    decision_record_build,
    decision_records_store,
    decision_signing_keys,
    decision_take,
)
from suppliers.validation.facts import (
    ReferenceReader,
    footprint_for_facts,
    rule_context,
    rule_context_unsaved,
)
from suppliers.validation.registry import RuleCrashed, rules_version, run_rules
from suppliers.validation.types import SEVERITIES, Finding, RuleContext

#: The finding for input that cannot be parsed or computed.
INPUT_CODE = "CBAM-INPUT-000"
#: Most footprints one batch may submit.
BATCH_MAX_FOOTPRINTS = 500
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


class ValidationCrashed(ApplicationError):
    """A rule raised during a dry run: nothing was validated (a bug of the platform)."""

    status = 500
    code = "rule_crashed"


# --------------------------------------------------------------------------- runs


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


def validation_run_execute(*, run_id: str) -> dict[str, Any]:
    """Execute one run (outside a work row: a replay, a command); see
    ``validation_runs_execute``. Returns the run's result."""
    return validation_runs_execute(run_ids=[run_id])[0]


@dataclass
class _Work:
    """One run of a chunk on its way: what was computed for it in memory."""

    run: ValidationRun
    footprint: Footprint
    today: date
    findings: list[Finding] = field(default_factory=list)
    see_changes: dict[str, Any] = field(default_factory=dict)
    ctx: RuleContext | None = None
    crash: RuleCrashed | None = None


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
                results[str(run.pk)] = {**_result(run), "skipped": "already finished"}
            elif job is not None and run.job_id != job.pk:
                results[str(run.pk)] = {
                    **_result(run),
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
    work: list[_Work] = []
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
            work.append(_Work(run, footprint, timezone.localdate(run.created_at)))
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
    _findings_store(done)
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
    _runs_close([w.run for w in done] + closed, now=now)
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
            _decision_record(w, keys, reference)
            for w in done
            if w.footprint.status != FootprintStatus.DRAFT
        ]
    )
    if crashed:
        _crashed_hand_over(crashed, job=job)

    results = {str(run.pk): _result(run) for run in closed}
    for w in done:
        results[str(w.run.pk)] = {**_result(w.run), "footprint_status": w.footprint.status}
    for w in crashed:
        results[str(w.run.pk)] = {**_result(w.run), "crashed": w.run.crashed_rule_code}
    return results


def validation_chunk_footprints(footprint_ids: Iterable[Any]) -> QuerySet[Footprint]:
    """The footprints of a chunk with everything the evaluation reads (``footprint_for_facts``:
    one query, precursors and evidence prefetched in two more), in id order. The handler locks
    them (``select_for_update``)."""
    return footprint_for_facts().filter(pk__in=set(footprint_ids)).order_by("pk")


def validation_chunk_evaluate(work: list[_Work]) -> tuple[ReferenceReader, dict[str, Any]]:
    """The in-memory part of a chunk, nothing written: per run, the SEE recomputed, the facts
    (through one ``ReferenceReader`` for the chunk) and the rules (``_evaluate``); a rule that
    raises is kept in ``crash``. Returns the reader and the signing keys, which the decisions
    (``_decision_record``) take."""
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


def _evaluate(w: _Work, reference: ReferenceReader) -> None:
    """Recompute the SEE with the reference data in force (in memory), then run every rule.
    Input the engine cannot compute is reported as input findings and the rules do not run
    (their facts would be stale). Raises ``RuleCrashed``."""
    try:
        snapshot = reference.snapshot(w.footprint.period_end)
    except ReferenceDataMissing as exc:
        w.findings = _input_findings({"period_end": [exc.message]})
        return
    w.see_changes, problems = footprint_recompute(footprint=w.footprint, snapshot=snapshot)
    if problems:
        w.findings = _input_findings(problems)
        return
    w.ctx = rule_context(w.footprint, today=w.today, reference=reference)
    w.findings = _unique(run_rules(w.ctx))


def _unique(findings: list[Finding]) -> list[Finding]:
    """The findings to store: a finding repeated by its rule once; a severity that is not one
    of ``SEVERITIES`` is the rule's crash."""
    seen: set[str] = set()
    unique: list[Finding] = []
    for finding in findings:
        if finding.severity not in SEVERITIES:
            raise RuleCrashed(
                finding.code,
                ValueError(f"severity {finding.severity!r} is not one of {', '.join(SEVERITIES)}"),
            )
        key = _finding_key(finding)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def _finding_key(finding: Finding) -> str:
    raw = "\x00".join((finding.code, finding.path, finding.message_en))
    return hashlib.sha256(raw.encode()).hexdigest()


def _findings_store(done: list[_Work]) -> None:
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
            key=_finding_key(finding),
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


def _runs_close(runs: list[ValidationRun], *, now: Any) -> None:
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


def _decision_record(
    w: _Work, keys: dict[str, Any], reference: ReferenceReader
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


def _crashed_hand_over(crashed: list[_Work], *, job: Job | None) -> None:
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


def _result(run: ValidationRun) -> dict[str, Any]:
    return {
        "run": str(run.pk),
        "status": run.status,
        "errors": run.error_count,
        "warnings": run.warning_count,
        "infos": run.info_count,
    }


def validation_chunk_result(results: list[dict[str, Any]]) -> dict[str, Any]:
    """A chunk's job result: how many runs ended how (its runs hold the detail)."""
    summary: dict[str, Any] = {"runs": len(results)}
    for result in results:
        outcome = "skipped" if "skipped" in result else result["status"]
        summary[outcome] = summary.get(outcome, 0) + 1
    return summary


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


# --------------------------------------------------------------------------- batches


@transaction.atomic
def footprints_submit_batch(
    *, actor: Actor, organisation: Organisation, footprint_ids: Any
) -> ValidationBatch:
    """Submit many drafts at once: one batch, one validation run per footprint, all or
    nothing. An id that is not one of the organisation's footprints, or a draft that cannot be
    submitted, is a 400 naming it; footprints that are not drafts are a 409 naming them."""
    if not isinstance(footprint_ids, list) or not footprint_ids:
        raise ValidationFailed(
            "Give the footprints to submit.",
            fields={"footprints": ["Expected a non-empty list of footprint ids."]},
        )
    if len(footprint_ids) > BATCH_MAX_FOOTPRINTS:
        raise ValidationFailed(
            "Too many footprints for one batch.",
            fields={
                "footprints": [
                    f"{len(footprint_ids)} ids; a batch takes at most {BATCH_MAX_FOOTPRINTS}."
                ]
            },
        )
    errors: dict[str, list[str]] = {}
    ids: list[uuid.UUID] = []
    for index, raw in enumerate(footprint_ids):
        try:
            parsed = uuid.UUID(str(raw))
        except ValueError:
            errors[f"footprints[{index}]"] = [f"{raw!r} is not a footprint id (a UUID)."]
            continue
        if parsed in ids:
            errors[f"footprints[{index}]"] = [
                f"{parsed} is listed twice (first at footprints[{ids.index(parsed)}])."
            ]
        ids.append(parsed)
    if errors:
        raise ValidationFailed("The batch is invalid; nothing was submitted.", fields=errors)
    # Locked in id order, so two batches sharing footprints cannot deadlock.
    found = {
        fp.pk: fp
        for fp in Footprint.objects.select_for_update()
        .filter(organisation=organisation, pk__in=ids)
        .order_by("pk")
    }
    for index, footprint_id in enumerate(ids):
        footprint = found.get(footprint_id)
        if footprint is None:
            errors[f"footprints[{index}]"] = [
                f"{footprint_id}: unknown footprint; give the ids of your own footprints."
            ]
        elif footprint.status == FootprintStatus.DRAFT:
            for field, messages in footprint_submission_problems(footprint).items():
                errors[f"footprints[{index}].{field}"] = messages
    if errors:
        raise ValidationFailed(
            "The batch cannot be submitted; nothing was submitted.", fields=errors
        )
    not_drafts = {
        str(fp_id): found[fp_id].status
        for fp_id in ids
        if found[fp_id].status != FootprintStatus.DRAFT
    }
    if not_drafts:
        named = ", ".join(f"{fp_id} ({status})" for fp_id, status in not_drafts.items())
        raise Conflict(
            f"Only drafts can be submitted; nothing was submitted. Not drafts: {named}.",
            code="not_draft",
            extra={"footprints": not_drafts},
        )
    batch = ValidationBatch.objects.create(
        organisation=organisation, created_by=actor.user, total=len(ids)
    )
    audit_record(
        actor=actor,
        organisation=organisation,
        action="validation_batch.submitted",
        obj=batch,
        after={"total": len(ids), "footprints": [str(i) for i in ids]},
    )
    footprints_submit_locked(actor=actor, footprints=[found[i] for i in ids], batch=batch)
    return batch


# --------------------------------------------------------------------------- dry run


@dataclass(frozen=True)
class DryRunResult:
    """The findings for a footprint input; ``see`` is the SEE computed (empty when the input
    could not be computed)."""

    status: str  # passed / failed_findings, as a run would end
    rules_version: str
    findings: list[Finding]
    see: dict[str, str]
    decision: DefaultValueDecision | None = None

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(1 for f in self.findings if f.severity == s) for s in SEVERITIES}


def validation_dry_run(
    *, organisation: Organisation, document: Any, parse_error: str | None = None
) -> DryRunResult:
    """Validate a footprint input (the body of ``POST …/footprints/``: product and
    installation ids of ``organisation``, quantities with units, precursors…) as a submission
    would be, without saving anything. Input that cannot be read is a ``CBAM-INPUT-000``
    finding; ``parse_error`` says the body was not JSON at all."""
    see: dict[str, str] = {}
    decision: DefaultValueDecision | None = None
    if parse_error is not None:
        findings = _input_findings({"": [f"The document is not valid JSON: {parse_error}"]})
    elif not isinstance(document, dict):
        findings = _input_findings(
            {"": ["Expected a JSON object: the footprint input, as for POST …/footprints/."]}
        )
    else:
        # A refused electricity source (green certificates, guarantees of origin) is stopped at
        # entry; in a dry run it is validated instead, so an integration sees the finding
        # (CBAM-ELEC-001) beside all the others. Its SEE is computed on the grid factor, which
        # is what applies when such a certificate is presented.
        refused_source = str(document.get("electricity_factor_source") or "").strip().lower()
        if refused_source in REFUSED_FACTOR_SOURCES:
            document = {**document, "electricity_factor_source": "country_default"}
            document.pop("electricity_factor", None)
        try:
            preview = footprint_preview(organisation=organisation, data=document)
            ctx = rule_context_unsaved(footprint=preview.footprint, precursors=preview.precursors)
            if refused_source in REFUSED_FACTOR_SOURCES:
                ctx = replace(
                    ctx,
                    facts=replace(ctx.facts, electricity_factor_source=refused_source),
                )
        except ValidationFailed as exc:
            findings = _input_findings(exc.extra.get("fields") or {"": [exc.message]})
        else:
            see = dict(ctx.facts.see_as_given)
            try:
                findings = run_rules(ctx)
                decision = decide(
                    facts=ctx.facts,
                    findings=findings,
                    snapshot=ctx.snapshot,
                    year=decision_year(ctx.today),
                    certificate_price_eur=Decimal(str(settings.CBAM_CERTIFICATE_PRICE_EUR)),
                )
            except RuleCrashed as exc:
                raise ValidationCrashed(
                    f"Rule {exc.code} failed unexpectedly; nothing was validated. This is a fault "
                    "of the platform: please report it with this message.",
                    extra={"rule": exc.code},
                ) from exc
    errors = any(f.severity == "error" for f in findings)
    return DryRunResult(
        status=ValidationRunStatus.FAILED_FINDINGS if errors else ValidationRunStatus.PASSED,
        rules_version=rules_version(),
        findings=findings,
        see=see,
        decision=decision,
    )


def _input_findings(problems: dict[str, list[str]]) -> list[Finding]:
    """One ``CBAM-INPUT-000`` error per problem. The detail comes from the input checks, in
    English; the Chinese message frames it."""
    return [
        Finding(
            code=INPUT_CODE,
            severity="error",
            path=path,
            message_en=f"This input cannot be read or computed: {message}",
            message_zh=f"无法读取或计算此项输入（{path or '文档'}）：{message}",
            evidence={},
        )
        for path, messages in problems.items()
        for message in messages
    ]
