"""The review queue: the footprints waiting for a reviewer, oldest first, each with what changed
since the version it corrects, and approve / reject right there.

The buttons post to the footprint's own action pages (``footprint-approve``,
``footprint-reject``) with ``back=review``, so the services, their refusals and their messages
are those of the footprint's page. Who may not review a footprint (four eyes:
``suppliers.services.workflow.four_eyes_refusal``) is told so beside it, instead of buttons.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, gettext_lazy

from accounts.pages.base import OrganisationPage
from accounts.roles import REVIEW_ROLES
from suppliers.inputs import QUANTITIES
from suppliers.models import Footprint, FootprintPrecursor, FootprintStatus
from suppliers.pages.footprint_form import LABELS
from suppliers.pages.footprints import latest_run, review_refusal
from suppliers.selectors import footprints_owned_by


@dataclass(frozen=True)
class Change:
    """One input or result that differs from the preceding version: ``old`` → ``new`` (each a
    value and its unit; numbers are shown with the page's number format)."""

    label: str
    old: Any
    old_unit: str
    new: Any
    new_unit: str
    numeric: bool


def _quantity(footprint: Footprint, key: str, model_field: str) -> tuple[Any, str]:
    entered = (footprint.inputs_as_entered or {}).get(key)
    if isinstance(entered, dict) and entered.get("value") not in (None, ""):
        return entered.get("value"), str(entered.get("unit") or "")
    return getattr(footprint, model_field), ""


def _precursor_text(p: FootprintPrecursor) -> str:
    mass = p.mass_as_entered or {}
    text = (
        f"CN {p.cn_code} · {mass.get('value', p.mass_t_per_t)} {mass.get('unit', 't/t')} · "
        f"{p.country_of_origin} · {p.get_see_source_display()}"
    )
    if p.see_direct is not None:
        text += f" · {p.see_direct.normalize():f} / {(p.see_indirect or Decimal(0)).normalize():f}"
    return text


def footprint_changes(old: Footprint, new: Footprint) -> list[Change]:
    """What differs between ``old`` (the version corrected) and ``new``: every input as the
    preparer entered it, the precursors, and the SEE the engine computed."""
    changes: list[Change] = []

    def compare(label: Any, before: Any, after: Any, *, units: tuple[str, str] = ("", "")) -> None:
        if (before, units[0]) != (after, units[1]):
            numeric = _is_number(before, after)
            changes.append(Change(str(label), before, units[0], after, units[1], numeric))

    compare(
        gettext_lazy("Period"),
        f"{old.period_start.isoformat()} – {old.period_end.isoformat()}",
        f"{new.period_start.isoformat()} – {new.period_end.isoformat()}",
    )
    for key, model_field, _kind, _required, _zero in QUANTITIES:
        (before, unit_before), (after, unit_after) = (
            _quantity(old, key, model_field),
            _quantity(new, key, model_field),
        )
        compare(LABELS[key], before, after, units=(unit_before, unit_after))
    for label, name in (
        (LABELS["electricity_factor_source"], "get_electricity_factor_source_display"),
        (LABELS["electricity_factor_reference"], "electricity_factor_reference"),
        (LABELS["carbon_price__instrument"], "carbon_price_instrument"),
        (LABELS["carbon_price__amount"], "carbon_price_amount"),
        (LABELS["carbon_price__currency"], "carbon_price_currency"),
        (LABELS["verification__verifier_name"], "verifier_name"),
        (LABELS["verification__accreditation_number"], "verifier_accreditation"),
        (LABELS["verification__statement_date"], "verification_statement_date"),
        (LABELS["verification__assurance_level"], "get_assurance_level_display"),
        (LABELS["data_quality__primary_data_share_pct"], "primary_data_share_pct"),
        (LABELS["data_quality__methodology"], "methodology"),
    ):
        before, after = getattr(old, name), getattr(new, name)
        compare(
            label, before() if callable(before) else before, after() if callable(after) else after
        )
    compare(
        LABELS["precursors_declared_absent"],
        ", ".join(old.precursors_declared_absent or []),
        ", ".join(new.precursors_declared_absent or []),
    )
    old_rows = [_precursor_text(p) for p in old.precursors.all()]
    new_rows = [_precursor_text(p) for p in new.precursors.all()]
    for index in range(max(len(old_rows), len(new_rows))):
        compare(
            gettext("Precursor %(number)s") % {"number": index + 1},
            old_rows[index] if index < len(old_rows) else "",
            new_rows[index] if index < len(new_rows) else "",
        )
    for label, name in (
        (gettext_lazy("Direct SEE (tCO2e/t)"), "see_direct"),
        (gettext_lazy("Indirect SEE (tCO2e/t)"), "see_indirect"),
        (gettext_lazy("Total SEE (tCO2e/t)"), "see_total"),
    ):
        compare(label, getattr(old, name), getattr(new, name))
    return changes


def _is_number(*values: Any) -> bool:
    """Whether every value given is a number (a Decimal, or text that reads as one)."""
    for value in values:
        if value in (None, "") or isinstance(value, Decimal):
            continue
        try:
            Decimal(str(value))
        except ArithmeticError:
            return False
    return True


#: Footprints per page of the queue: each comes with its changes and its approve/reject forms,
#: and a reviewer works through a few at a time.
REVIEW_PAGE_SIZE = 20


class ReviewQueuePage(OrganisationPage):
    """The footprints in review, oldest submission first."""

    role_map = {"GET": REVIEW_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        queue = (
            footprints_owned_by(organisation=self.organisation, status=FootprintStatus.IN_REVIEW)
            .select_related("created_by", "submitted_by")
            .prefetch_related(
                Prefetch("preceding__precursors", queryset=FootprintPrecursor.objects.all())
            )
            .order_by("submitted_at", "created_at", "id")
        )
        number = request.GET.get("page", "1")
        page = Paginator(queue, REVIEW_PAGE_SIZE).get_page(
            int(number) if number.isascii() and number.isdigit() else 1
        )
        items = [
            {
                "footprint": footprint,
                "run": latest_run(footprint),
                "changes": footprint_changes(footprint.preceding, footprint)
                if footprint.preceding is not None
                else None,
                "refusal": review_refusal(self, footprint),
            }
            for footprint in page.object_list
        ]
        context = self.get_context_data(items=items, page_obj=page)
        return render(request, "suppliers/pages/review.html", context)
