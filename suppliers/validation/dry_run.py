"""The findings for a footprint *input* (the JSON body of ``POST …/footprints/``), as a
submission would get them, with nothing saved: what an integration is about to submit goes
through the same input checks (``footprint_preview``), facts and rules."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.conf import settings

from accounts.models import Organisation
from cbam.messages import gettext_noop
from core.errors import ApplicationError, ValidationFailed
from suppliers.calculations.default_value_decision import (
    DefaultValueDecision,
    decide,
    decision_year,
)
from suppliers.models import ValidationRunStatus
from suppliers.services.footprints import REFUSED_FACTOR_SOURCES, footprint_preview
from suppliers.validation.facts import rule_context_unsaved
from suppliers.validation.findings import input_findings
from suppliers.validation.registry import RuleCrashed, rules_version, run_rules
from suppliers.validation.types import SEVERITIES, Finding


class ValidationCrashed(ApplicationError):
    """A rule raised during a dry run: nothing was validated (a bug of the platform)."""

    status = 500
    code = "rule_crashed"


@dataclass(frozen=True)
class DryRunResult:
    """The findings for a footprint input; ``see`` is the SEE computed (empty when the input
    could not be computed) and ``calculation`` the engine's account of it (figures and
    provenance, as a saved draft keeps it in ``Footprint.calculation``)."""

    status: str  # passed / failed_findings, as a run would end
    rules_version: str
    findings: list[Finding]
    see: dict[str, str]
    decision: DefaultValueDecision | None = None
    calculation: dict[str, Any] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(1 for f in self.findings if f.severity == s) for s in SEVERITIES}


def validation_dry_run(
    *,
    organisation: Organisation,
    document: Any,
    parse_error: str | None = None,
    evidence_kinds: frozenset[str] = frozenset(),
) -> DryRunResult:
    """Validate a footprint input (the body of ``POST …/footprints/``: product and
    installation ids of ``organisation``, quantities with units, precursors…) as a submission
    would be, without saving anything. Input that cannot be read is a ``CBAM-INPUT-000``
    finding; ``parse_error`` says the body was not JSON at all. ``evidence_kinds``: the kinds
    of evidence already attached (a draft being edited), which some rules ask for."""
    see: dict[str, str] = {}
    calculation: dict[str, Any] = {}
    decision: DefaultValueDecision | None = None
    if parse_error is not None:
        findings = input_findings(
            {"": [gettext_noop("The document is not valid JSON: %(error)s", error=parse_error)]}
        )
    elif not isinstance(document, dict):
        findings = input_findings(
            {
                "": [
                    gettext_noop(
                        "Expected a JSON object: the footprint input, as for POST …/footprints/."
                    )
                ]
            }
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
            ctx = rule_context_unsaved(
                footprint=preview.footprint,
                precursors=preview.precursors,
                evidence_kinds=evidence_kinds,
            )
            if refused_source in REFUSED_FACTOR_SOURCES:
                ctx = replace(
                    ctx,
                    facts=replace(ctx.facts, electricity_factor_source=refused_source),
                )
        except ValidationFailed as exc:
            findings = input_findings(exc.extra.get("fields") or {"": [exc.message]})
        else:
            see = dict(ctx.facts.see_as_given)
            calculation = dict(preview.footprint.calculation or {})
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
                    gettext_noop(
                        "Rule %(rule)s failed unexpectedly; nothing was validated. This is a fault "
                        "of the platform: please report it with this message.",
                        rule=exc.code,
                    ),
                    extra={"rule": exc.code},
                ) from exc
    errors = any(f.severity == "error" for f in findings)
    return DryRunResult(
        status=ValidationRunStatus.FAILED_FINDINGS if errors else ValidationRunStatus.PASSED,
        rules_version=rules_version(),
        findings=findings,
        see=see,
        decision=decision,
        calculation=calculation,
    )
