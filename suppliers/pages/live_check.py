"""The footprint editor's live check: as the user types, htmx posts the whole form here and the
answer shows what a submission would find, without saving anything.

It runs the validation dry run the API's ``POST …/footprints/dry-run/`` runs
(``suppliers.validation.dry_run.validation_dry_run``: the draft's input checks, the engine's
computation and every rule) on the form's values, and answers a fragment: the counts, the
SEE computed so far with its provenance, the "default value must be used" decision with its
euro cost, and, swapped out of band into the slot beside each field (``live-<field name>``),
the findings whose path names that field, in the page's language. Every slot is sent each
time, so a finding that is fixed disappears.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from accounts.roles import WRITER_ROLES
from cbam.messages import Message
from core.errors import ApplicationError
from core.messages import localise
from suppliers.models import FindingSeverity
from suppliers.pages.footprint_form import FootprintForm
from suppliers.pages.footprints import _FootprintFormPage, path_label
from suppliers.pages.forms import field_name
from suppliers.validation.dry_run import DryRunResult, validation_dry_run
from suppliers.validation.types import Finding


def finding_text(finding: Finding) -> str:
    """What ``finding`` says in the active language: a rule writes both languages; an input
    problem (``CBAM-INPUT-000``) keeps its translatable message, said through the catalogues."""
    if isinstance(finding.message_en, Message):
        return localise(finding.message_en)
    return finding.message_zh if translation.get_language() == "zh-hans" else finding.message_en


@dataclass
class ShownFinding:
    severity: str
    severity_label: str
    code: str
    text: str
    label: str
    default_value_required: bool


@dataclass
class Slot:
    """The place beside one field of the form, and the findings shown there."""

    name: str
    findings: list[ShownFinding] = field(default_factory=list)


def slot_names(form: FootprintForm) -> list[str]:
    """The fields a finding can be shown beside: every field but the unit selectors."""
    return [name for name in form.fields if not name.endswith("_unit")]


def check_context(form: FootprintForm, result: DryRunResult | None) -> dict[str, Any]:
    """The fragment's context: each finding in a slot (or among the general ones when its path
    names no field of the form), the counts, the SEE and the decision."""
    slots = {name: Slot(name) for name in slot_names(form)}
    general: list[ShownFinding] = []
    labels = dict(FindingSeverity.choices)
    for finding in result.findings if result is not None else []:
        shown = ShownFinding(
            severity=finding.severity,
            severity_label=str(labels.get(finding.severity, finding.severity)),
            code=finding.code,
            text=finding_text(finding),
            label=path_label(finding.path),
            default_value_required=finding.default_value_required,
        )
        slot = slots.get(field_name(finding.path)) if finding.path else None
        if slot is not None:
            slot.findings.append(shown)
        else:
            general.append(shown)
    calculation = result.calculation if result is not None else {}
    return {
        "checked": result is not None,
        "slots": list(slots.values()),
        "general": general,
        "counts": result.counts if result is not None else {},
        "calculation": calculation,
        "decision": result.decision if result is not None else None,
    }


class FootprintCheckPage(_FootprintFormPage):
    """POST the editor's form (htmx, ``input changed delay:600ms``): the live check's fragment.
    Reads and computes; writes nothing. Editing a draft, its attached evidence counts, as it
    will when the draft is submitted."""

    role_map = {"POST": WRITER_ROLES}

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if "footprint_id" in kwargs:
            self.current = self.footprint(kwargs["footprint_id"])
        form = self.form(request.POST)
        evidence = (
            frozenset(e.kind for e in self.current.evidence.all())
            if self.current is not None
            else frozenset()
        )
        failure = ""
        result: DryRunResult | None = None
        try:
            result = validation_dry_run(
                organisation=self.organisation,
                document=form.data_for_service(partial=False),
                evidence_kinds=evidence,
            )
        except ApplicationError as exc:  # a rule crashed: say so, never a 500 in the editor
            failure = localise(exc.message)
        context = self.get_context_data(form=form, failure=failure, **check_context(form, result))
        return render(request, "suppliers/pages/live_check.html", context)
