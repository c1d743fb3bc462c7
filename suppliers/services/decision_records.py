"""Keep every footprint's "default value must be used" decision current.

The decision (``suppliers.calculations.default_value_decision.decide``, pure) is taken on the
rules run *now* over the footprint's current facts: a key revoked, a footprint deprecated, a
verification added, confirmed or declined, new reference data or a new year all change it.
Each record stores the digest of those inputs; ``decisions_refresh`` (a periodic task)
recomputes the records whose digest changed, and the validation pipeline refreshes a
footprint's record when its run finishes.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.audit import Actor, audit_record
from accounts.models import SigningKey
from reference.errors import ReferenceDataMissing
from reference.models import ReferenceVersion
from reference.selectors import reference_versions_valid_on
from suppliers import events
from suppliers.calculations.default_value_decision import (
    DefaultValueDecision,
    decide,
    decision_year,
)
from suppliers.models import DefaultValueDecisionRecord, Footprint, FootprintStatus
from suppliers.validation.facts import footprint_for_facts, rule_context
from suppliers.validation.registry import RuleCrashed, rules_version, run_rules
from suppliers.validation.types import Finding, RuleContext

logger = logging.getLogger(__name__)

#: Drafts have no decision: nobody downstream may use them yet.
DECIDED_STATUSES = (
    FootprintStatus.SUBMITTED,
    FootprintStatus.IN_REVIEW,
    FootprintStatus.APPROVED,
    FootprintStatus.PUBLISHED,
    FootprintStatus.DEPRECATED,
)


def certificate_price_eur() -> Decimal:
    return Decimal(str(settings.CBAM_CERTIFICATE_PRICE_EUR))


def decision_signing_keys(footprints: Iterable[Footprint]) -> dict[str, SigningKey]:
    """The signing keys named by ``footprints`` and the footprints their precursors take SEE
    from (loaded with ``footprint_for_facts``), by kid, in one query (none when unsigned)."""
    kids: set[str] = set()
    for footprint in footprints:
        kids.add(footprint.signing_kid)
        kids.update(
            p.source_footprint.signing_kid
            for p in footprint.precursors.all()
            if p.source_footprint is not None
        )
    kids.discard("")  # not signed (yet): no key to look up
    return {k.kid: k for k in SigningKey.objects.filter(kid__in=kids)} if kids else {}


def decision_inputs_fingerprint(
    footprint: Footprint,
    *,
    today: date,
    keys: Mapping[str, SigningKey] | None = None,
    versions: Mapping[str, ReferenceVersion] | None = None,
) -> str:
    """Digest of everything the decision depends on (see the module docstring). ``keys``
    (``decision_signing_keys``) and ``versions`` (the reference versions valid on the period's
    last day) when the caller has read them; read them *before* the facts the decision is
    taken on, so that a change in between leaves a stale digest (refreshed later), never a
    stale decision under a current digest."""
    if keys is None:
        keys = decision_signing_keys([footprint])
    if versions is None:
        versions = reference_versions_valid_on(on=footprint.period_end)
    sources = [p.source_footprint for p in footprint.precursors.all() if p.source_footprint]

    def revoked(kid: str) -> str:
        key = keys.get(kid)
        return key.revoked_at.isoformat() if key is not None and key.revoked_at else ""

    state: dict[str, Any] = {
        "footprint": [str(footprint.pk), footprint.status, footprint.updated_at.isoformat()],
        "own_key": [footprint.signing_kid, revoked(footprint.signing_kid)],
        "confirmed": footprint.verifier_confirmed_at.isoformat()
        if footprint.verifier_confirmed_at
        else "",
        "declined": footprint.verifier_declined_at.isoformat()
        if footprint.verifier_declined_at
        else "",
        "evidence": sorted(e.sha256 for e in footprint.evidence.all()),
        "sources": sorted(
            [str(s.pk), s.status, s.signing_kid, revoked(s.signing_kid)] for s in sources
        ),
        "reference": sorted(v.pk for v in versions.values()),
        "year": decision_year(today),
        "price": str(certificate_price_eur()),
        "rules": rules_version(),
    }
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()


def _finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "severity": finding.severity,
        "path": finding.path,
        "message_en": finding.message_en,
        "message_zh": finding.message_zh,
    }


def decision_take(
    *, ctx: RuleContext, findings: list[Finding], today: date
) -> DefaultValueDecision:
    """The decision on facts the rules have just run over (pure: no ORM)."""
    return decide(
        facts=ctx.facts,
        findings=findings,
        snapshot=ctx.snapshot,
        year=decision_year(today),
        certificate_price_eur=certificate_price_eur(),
    )


def decision_record_build(
    *,
    footprint: Footprint,
    decision: DefaultValueDecision | None,
    findings: list[Finding],
    note: str,
    fingerprint: str,
    today: date,
    keys: Mapping[str, SigningKey],
) -> DefaultValueDecisionRecord:
    """The record to store (unsaved; ``decision_records_store`` writes it). ``decision`` None
    when it could not be taken (``note`` says why: no reference data)."""
    warnings = [_finding_dict(f) for f in findings if f.severity == "warning"]
    own_key = keys.get(footprint.signing_kid) if footprint.signing_kid else None
    if own_key is not None and own_key.revoked_at is not None:
        # Publication signs with the active key, so a revoked key was revoked after signing.
        warnings.append(
            {
                "code": "CBAM-SIGNATURE-001",
                "severity": "warning",
                "path": "signature",
                "message_en": f"Signed by a key revoked later, on {own_key.revoked_at:%Y-%m-%d} "
                f"({own_key.revocation_reason}); ask the producer for a re-signed correction.",
                "message_zh": f"签名密钥已于 {own_key.revoked_at:%Y-%m-%d} 被撤销"
                f"（{own_key.revocation_reason}）；请生产商发布重新签名的更正版本。",
            }
        )
    values: dict[str, Any] = {
        "inputs_fingerprint": fingerprint,
        "computed_at": timezone.now(),
        "year": decision_year(today),
        "certificate_price_eur": certificate_price_eur(),
        "warnings": warnings,
        "note": note,
    }
    if decision is None:
        values.update(
            actual_data_allowed=False,
            reasons=[
                {
                    "code": "CBAM-INPUT-000",
                    "path": "period_end",
                    "message_en": note,
                    "message_zh": f"无法判断：{note}",
                }
            ],
        )
    else:
        values.update(
            actual_data_allowed=decision.actual_data_allowed,
            reasons=[
                {
                    "code": r.code,
                    "path": r.path,
                    "message_en": r.message_en,
                    "message_zh": r.message_zh,
                }
                for r in decision.reasons
            ],
            default_see_direct=decision.default_see_direct,
            default_see_indirect=decision.default_see_indirect,
            default_value_row=decision.default_value_row or "",
            mark_up=decision.mark_up,
            cost_actual_eur_per_t=decision.cost_actual_eur_per_t,
            cost_default_eur_per_t=decision.cost_default_eur_per_t,
            cost_difference_eur_per_t=decision.cost_difference_eur_per_t,
        )
    return DefaultValueDecisionRecord(footprint_id=footprint.pk, **values)


_RECORD_FIELDS = [
    f.name for f in DefaultValueDecisionRecord._meta.concrete_fields if not f.primary_key
]


def decision_records_store(records: list[DefaultValueDecisionRecord]) -> None:
    """Insert or replace the records in one statement (``INSERT … ON CONFLICT DO UPDATE``):
    every field of a record is written, so a record never mixes two computations."""
    if records:
        DefaultValueDecisionRecord.objects.bulk_create(
            records,
            update_conflicts=True,
            unique_fields=["footprint"],
            update_fields=_RECORD_FIELDS,
        )


@transaction.atomic
def footprint_decision_refresh(
    *, footprint_id: Any, today: date | None = None, force: bool = False
) -> DefaultValueDecisionRecord | None:
    """Recompute one footprint's decision if its inputs changed (or ``force``). Drafts have
    none (an existing record is removed). Returns the current record. (A closing validation
    run stores its decision itself, from the facts and findings it has: see
    ``suppliers.validation.runs``.)"""
    today = today or timezone.localdate()
    footprint = footprint_for_facts().filter(pk=footprint_id).first()
    if footprint is None:
        return None
    if footprint.status not in DECIDED_STATUSES:
        DefaultValueDecisionRecord.objects.filter(footprint_id=footprint.pk).delete()
        return None
    keys = decision_signing_keys([footprint])
    fingerprint = decision_inputs_fingerprint(footprint, today=today, keys=keys)
    if not force:
        existing = DefaultValueDecisionRecord.objects.filter(footprint_id=footprint.pk).first()
        if existing is not None and existing.inputs_fingerprint == fingerprint:
            return existing
    findings: list[Finding] = []
    decision: DefaultValueDecision | None = None
    try:
        ctx = rule_context(footprint, today=today)
    except ReferenceDataMissing as exc:
        note = f"no reference data: {exc.message}"
    else:
        findings = run_rules(ctx)
        decision = decision_take(ctx=ctx, findings=findings, today=today)
        note = decision.note
    record = decision_record_build(
        footprint=footprint,
        decision=decision,
        findings=findings,
        note=note,
        fingerprint=fingerprint,
        today=today,
        keys=keys,
    )
    with transaction.atomic():
        before = _outcome_of(
            DefaultValueDecisionRecord.objects.select_for_update()
            .filter(footprint_id=footprint.pk)
            .first()
        )
        decision_records_store([record])
        after = _outcome_of(record)
        if after != before:
            # Buyers' bills of materials and anything else built on this footprint's data
            # learn of it through this event (exchange.boms listens to it).
            audit_record(
                actor=Actor.platform("decisions"),
                organisation=footprint.organisation,
                action=events.FOOTPRINT_DECISION_CHANGED,
                obj=footprint,
                before=before,
                after=after,
            )
    return record


def _outcome_of(record: DefaultValueDecisionRecord | None) -> dict[str, Any] | None:
    """What a change of decision is judged on: allowed or not, and the reasons' codes."""
    if record is None:
        return None
    return {
        "actual_data_allowed": record.actual_data_allowed,
        "reasons": sorted({reason["code"] for reason in record.reasons}),
    }


def decisions_refresh(*, today: date | None = None, limit: int = 2000) -> dict[str, int]:
    """Refresh every decided footprint whose inputs changed (the periodic task's one call).
    A rule that crashes keeps the previous record and is logged: a decision never silently
    turns into "actual data allowed"."""
    checked = changed = crashed = 0
    ids = list(
        Footprint.objects.filter(status__in=DECIDED_STATUSES)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    for footprint_id in ids:
        checked += 1
        before = (
            DefaultValueDecisionRecord.objects.filter(footprint_id=footprint_id)
            .values_list("inputs_fingerprint", flat=True)
            .first()
        )
        try:
            record = footprint_decision_refresh(footprint_id=footprint_id, today=today)
        except RuleCrashed:
            crashed += 1
            logger.exception("decision of footprint %s not refreshed", footprint_id)
            continue
        if record is not None and record.inputs_fingerprint != before:
            changed += 1
    return {"checked": checked, "changed": changed, "crashed": crashed}
