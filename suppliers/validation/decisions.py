"""Keep every footprint's "default value must be used" decision current.

The decision (``suppliers.validation.decision.decide``) is taken on the rules run *now* over
the footprint's current facts: a key revoked, a footprint deprecated, a verification added or
confirmed, new reference data or a new year all change it. Each record stores the digest of
those inputs; ``decisions_refresh`` (a periodic task) recomputes the records whose digest
changed, and the validation pipeline refreshes a footprint's record when its run finishes.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import SigningKey
from reference.errors import ReferenceDataMissing
from reference.selectors import reference_versions_valid_on
from suppliers.models import DefaultValueDecisionRecord, Footprint, FootprintStatus
from suppliers.validation.decision import DefaultValueDecision, decide, decision_year
from suppliers.validation.facts import footprint_for_facts, rule_context
from suppliers.validation.registry import RuleCrashed, rules_version, run_rules
from suppliers.validation.types import Finding

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


def decision_inputs_fingerprint(footprint: Footprint, *, today: date) -> str:
    """Digest of everything the decision depends on (see the module docstring)."""
    sources = [p.source_footprint for p in footprint.precursors.all() if p.source_footprint]
    kids = {s.signing_kid for s in sources if s.signing_kid} | {footprint.signing_kid}
    kids.discard("")  # not signed (yet): no key to look up
    revoked = (
        {
            k.kid: k.revoked_at.isoformat() if k.revoked_at else ""
            for k in SigningKey.objects.filter(kid__in=kids)
        }
        if kids
        else {}
    )
    versions = sorted(v.pk for v in reference_versions_valid_on(on=footprint.period_end).values())
    state: dict[str, Any] = {
        "footprint": [str(footprint.pk), footprint.status, footprint.updated_at.isoformat()],
        "own_key": [footprint.signing_kid, revoked.get(footprint.signing_kid, "")],
        "confirmed": footprint.verifier_confirmed_at.isoformat()
        if footprint.verifier_confirmed_at
        else "",
        "evidence": sorted(e.sha256 for e in footprint.evidence.all()),
        "sources": sorted(
            [str(s.pk), s.status, s.signing_kid, revoked.get(s.signing_kid, "")] for s in sources
        ),
        "reference": versions,
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


@dataclass(frozen=True)
class _Outcome:
    decision: DefaultValueDecision | None
    findings: list[Finding]
    note: str


def _decide_now(
    footprint: Footprint, *, today: date, findings: list[Finding] | None = None
) -> _Outcome:
    """Decide on the footprint's current facts; ``findings`` when the caller has just run the
    rules on them (a closing validation run), else the rules are run here."""
    try:
        ctx = rule_context(footprint, today=today)
    except ReferenceDataMissing as exc:
        return _Outcome(None, [], f"no reference data: {exc.message}")
    if findings is None:
        findings = run_rules(ctx)
    decision = decide(
        facts=ctx.facts,
        findings=findings,
        snapshot=ctx.snapshot,
        year=decision_year(today),
        certificate_price_eur=certificate_price_eur(),
    )
    return _Outcome(decision, findings, decision.note)


@transaction.atomic
def footprint_decision_refresh(
    *,
    footprint_id: Any,
    today: date | None = None,
    force: bool = False,
    findings: list[Finding] | None = None,
) -> DefaultValueDecisionRecord | None:
    """Recompute one footprint's decision if its inputs changed (or ``force``). Drafts have
    none (an existing record is removed). ``findings``: the rules' findings on the current
    facts when the caller has them (a closing validation run), so the rules run once.
    Returns the current record."""
    today = today or timezone.localdate()
    footprint = footprint_for_facts().filter(pk=footprint_id).first()
    if footprint is None:
        return None
    if footprint.status not in DECIDED_STATUSES:
        DefaultValueDecisionRecord.objects.filter(footprint_id=footprint.pk).delete()
        return None
    fingerprint = decision_inputs_fingerprint(footprint, today=today)
    if not force:
        existing = DefaultValueDecisionRecord.objects.filter(footprint_id=footprint.pk).first()
        if existing is not None and existing.inputs_fingerprint == fingerprint:
            return existing
    outcome = _decide_now(footprint, today=today, findings=findings)
    decision = outcome.decision
    warnings = [_finding_dict(f) for f in outcome.findings if f.severity == "warning"]
    own_key = (
        SigningKey.objects.filter(kid=footprint.signing_kid).first()
        if footprint.signing_kid
        else None
    )
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
        "note": outcome.note,
    }
    if decision is None:
        values.update(
            actual_data_allowed=False,
            reasons=[
                {
                    "code": "CBAM-INPUT-000",
                    "path": "period_end",
                    "message_en": outcome.note,
                    "message_zh": f"无法判断：{outcome.note}",
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
    record, _ = DefaultValueDecisionRecord.objects.update_or_create(
        footprint_id=footprint.pk, defaults=values
    )
    return record


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
