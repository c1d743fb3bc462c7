"""The validation pipeline: every submission of a footprint is a validation run that a worker
executes through a work row (``core.jobs``), storing the findings of every rule.

- ``validation_run_create``: in the submit transaction; the run and its job
  (``suppliers.validate_footprint``, payload ``{"run_id", "footprint_id"}``), published after
  commit. The work row brings the foundation's guarantees: redelivery after a killed worker,
  the sweeper, retries up to ``JOB_MAX_ATTEMPTS``.
- ``validation_run_execute``: the job handler's one call. Recomputes the SEE, loads the facts,
  runs every rule, and in the job's transaction replaces the run's findings, sets its counts
  and status and moves the footprint: errors → back to ``draft`` with them, none →
  ``in_review``. Idempotent: a finished run is left alone, and the findings are replaced, never
  added to (a unique key per run makes a duplicate impossible).
- ``validation_run_attempt_started`` / ``validation_run_attempt_failed``: the job's hooks, which
  commit outside the attempt's transaction: the run shows ``running`` with its attempt, and a
  rule that raised shows ``crashed`` with the rule's code while the job retries (the footprint
  stays ``submitted``; it never passes silently), finally with ``finished_at`` once the job gives
  up.
- ``footprints_submit_batch``: many drafts at once, all or nothing, one run each in one batch.
- ``validation_dry_run``: the findings for a footprint *input* (the JSON body of
  ``POST …/footprints/``), nothing saved.

Input that cannot be read or computed (no reference data for the period, a unit that does not
fit) is itself a finding, ``CBAM-INPUT-000`` (error), never a crash.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.audit import Actor, audit_record
from accounts.models import Organisation
from core.errors import ApplicationError, Conflict, ValidationFailed
from core.jobs import TransientJobError, job_create
from reference.errors import ReferenceDataMissing
from suppliers.models import (
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
    footprint_submission_problems,
    footprint_submit,
    footprint_validation_finish,
)
from suppliers.validation.decision import DefaultValueDecision, decide, decision_year
from suppliers.validation.facts import footprint_for_facts, rule_context, rule_context_unsaved
from suppliers.validation.registry import RuleCrashed, rules_version, run_rules
from suppliers.validation.types import SEVERITIES, Finding

#: The finding for input that cannot be parsed or computed.
INPUT_CODE = "CBAM-INPUT-000"
#: Most footprints one batch may submit.
BATCH_MAX_FOOTPRINTS = 500

_FINISHED = (ValidationRunStatus.PASSED, ValidationRunStatus.FAILED_FINDINGS)


class ValidationRuleCrashed(TransientJobError):
    """A rule raised: the attempt rolls back and the job is retried (``TransientJobError``);
    the failure hook marks the run ``crashed`` with ``rule_code``."""

    def __init__(self, rule_code: str, message: str) -> None:
        super().__init__(message)
        self.rule_code = rule_code


class ValidationCrashed(ApplicationError):
    """A rule raised during a dry run: nothing was validated (a bug of the platform)."""

    status = 500
    code = "rule_crashed"


# --------------------------------------------------------------------------- runs


def validation_run_create(
    *, footprint: Footprint, batch: ValidationBatch | None = None
) -> ValidationRun:
    """A pending run of a footprint just submitted, and the work row that executes it after
    commit. Called by ``footprint_submit`` inside its transaction."""
    assert footprint.submitted_at is not None, "only a submitted footprint is validated"
    run = ValidationRun(
        id=uuid.uuid4(), footprint=footprint, batch=batch, rules_version=rules_version()
    )
    submitted_at = footprint.submitted_at.isoformat()
    job = job_create(
        kind=VALIDATE_JOB,
        payload={"run_id": str(run.pk), "footprint_id": str(footprint.pk)},
        organisation_id=footprint.organisation_id,
        # One job per submission, whoever asks twice.
        idempotency_key=f"{VALIDATE_JOB}:{footprint.pk}:{submitted_at}",
    )
    run.job_id = job.pk
    run.save(force_insert=True)
    return run


def validation_run_execute(*, run_id: str) -> dict[str, Any]:
    """Run every rule over the run's footprint and record the outcome (the job handler's one
    call; it runs inside the job's transaction, so everything below commits with the job's
    success mark or not at all).

    A finished run is a no-op. A rule that raises makes ``ValidationRuleCrashed`` (transient:
    the job retries) and nothing is written. Returns the job's result.
    """
    with transaction.atomic():
        run = ValidationRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None:
            return {"run": run_id, "skipped": "the run no longer exists"}
        if run.is_finished:
            return {**_result(run), "skipped": "already finished"}
        footprint = (
            footprint_for_facts().select_for_update(of=("self",)).filter(pk=run.footprint_id).get()
        )
        if footprint.status != FootprintStatus.SUBMITTED:
            # Only a submission is validated; nothing else moves a submitted footprint, so
            # this is a run left over from a manual change. Close it, visibly.
            _close(
                run,
                status=ValidationRunStatus.CRASHED,
                last_error=f"The footprint is {footprint.status}, not submitted: nothing was "
                "validated.",
            )
            return _result(run)
        try:
            findings = _findings_store(
                run, _findings(footprint, today=timezone.localdate(run.created_at))
            )
        except RuleCrashed as exc:
            raise ValidationRuleCrashed(exc.code, str(exc)) from exc
        errors = [f for f in findings if f.severity == "error"]
        run.error_count = len(errors)
        run.warning_count = sum(1 for f in findings if f.severity == "warning")
        run.info_count = sum(1 for f in findings if f.severity == "info")
        run.rules_version = rules_version()
        run.crashed_rule_code = ""
        _close(
            run,
            status=ValidationRunStatus.FAILED_FINDINGS if errors else ValidationRunStatus.PASSED,
            last_error="",
        )
        problems: dict[str, list[str]] = {}
        for finding in errors:
            problems.setdefault(finding.path or "non_field_errors", []).append(
                f"{finding.code}: {finding.message_en}"
            )
        footprint = footprint_validation_finish(footprint=footprint, problems=problems)
        if footprint.status != FootprintStatus.DRAFT:
            # The decision buyers see follows the submission at once, not at the next refresh.
            from suppliers.validation.decisions import footprint_decision_refresh

            footprint_decision_refresh(
                footprint_id=footprint.pk,
                today=timezone.localdate(run.created_at),
                force=True,
                findings=findings,
            )
    return {**_result(run), "footprint_status": footprint.status}


def _findings(footprint: Footprint, *, today: date) -> list[Finding]:
    """Recompute the SEE with the reference data in force, then run every rule. Input the
    engine cannot compute is reported as input findings and the rules do not run (their
    facts would be stale)."""
    problems = footprint_recompute(footprint=footprint)
    if problems:
        return _input_findings(problems)
    try:
        ctx = rule_context(footprint, today=today)
    except ReferenceDataMissing as exc:
        return _input_findings({"period_end": [exc.message]})
    return run_rules(ctx)


def _finding_key(finding: Finding) -> str:
    raw = "\x00".join((finding.code, finding.path, finding.message_en))
    return hashlib.sha256(raw.encode()).hexdigest()


def _findings_store(run: ValidationRun, findings: list[Finding]) -> list[Finding]:
    """Replace the run's findings (a repeated write leaves exactly one set); a finding repeated
    by its rule is stored once. Returns the findings stored."""
    stored: list[Finding] = []
    rows: dict[str, ValidationFinding] = {}
    for finding in findings:
        if finding.severity not in SEVERITIES:
            raise RuleCrashed(
                finding.code,
                ValueError(f"severity {finding.severity!r} is not one of {', '.join(SEVERITIES)}"),
            )
        key = _finding_key(finding)
        if key in rows:
            continue
        stored.append(finding)
        rows[key] = ValidationFinding(
            run=run,
            position=len(rows),
            code=finding.code,
            severity=finding.severity,
            path=finding.path,
            message_en=finding.message_en,
            message_zh=finding.message_zh,
            evidence=dict(finding.evidence),
            default_value_required=finding.default_value_required,
            key=key,
        )
    ValidationFinding.objects.filter(run=run).delete()
    ValidationFinding.objects.bulk_create(rows.values())
    return stored


def _close(run: ValidationRun, *, status: str, last_error: str) -> None:
    now = timezone.now()
    run.status = status
    run.last_error = last_error
    run.started_at = run.started_at or now
    run.finished_at = now
    run.save()


def _result(run: ValidationRun) -> dict[str, Any]:
    return {
        "run": str(run.pk),
        "status": run.status,
        "errors": run.error_count,
        "warnings": run.warning_count,
        "infos": run.info_count,
    }


def validation_run_attempt_started(*, run_id: str, attempt: int) -> None:
    """Job hook: an attempt has begun (committed before the rules run)."""
    ValidationRun.objects.filter(pk=run_id, finished_at__isnull=True).update(
        status=ValidationRunStatus.RUNNING, attempts=attempt, started_at=timezone.now()
    )


def validation_run_attempt_failed(
    *, run_id: str, attempt: int, error: BaseException | None, retrying: bool
) -> None:
    """Job hook: an attempt failed (its writes rolled back). The run is ``crashed`` with the
    rule's code when a rule raised; with ``finished_at`` once the job will not try again, so the
    footprint visibly stays ``submitted``."""
    if error is None:
        message = "The worker running it was lost on every attempt; the platform gave up."
    elif isinstance(error, ValidationRuleCrashed):
        message = str(error)
    else:
        message = f"{type(error).__name__}: {error}"
    updates: dict[str, Any] = {
        "status": ValidationRunStatus.CRASHED,
        "attempts": attempt,
        "last_error": message[:4000],
    }
    if isinstance(error, ValidationRuleCrashed):
        updates["crashed_rule_code"] = error.rule_code
    if not retrying:
        updates["finished_at"] = timezone.now()
    ValidationRun.objects.filter(pk=run_id, finished_at__isnull=True).update(**updates)


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
    for footprint_id in ids:
        footprint_submit(actor=actor, footprint=found[footprint_id], batch=batch)
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
