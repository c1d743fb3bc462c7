"""``footprints/import/<id>/precursors/``: the purchased precursors of an imported communication
template, each with the supplier its name matched on the platform, that supplier's footprints
shared with us (a Link button each) and a "Request a footprint" button. Linked from the
import's report (``suppliers.pages.communication_template``), which cannot offer this itself:
grants and requests are the exchange's, a layer above. The same selector, services and roles
as ``exchange.sharing.api.precursor_offers``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.pages.base import OrganisationPage
from accounts.roles import ALL_ROLES, WRITER_ROLES
from core.errors import ApplicationError
from exchange.pages.forms import PrecursorLinkForm, PrecursorRequestForm
from exchange.sharing.precursor_offers import (
    PrecursorOffer,
    template_import_precursor_offers,
    template_imports_of,
)
from exchange.sharing.services.precursor_links import (
    REQUEST_DUE_DAYS,
    template_precursor_link,
    template_precursor_request,
)
from suppliers.models import CommunicationTemplateImport, Footprint


def _by_draft(offers: list[PrecursorOffer]) -> list[tuple[Footprint, list[PrecursorOffer]]]:
    groups: dict[Any, tuple[Footprint, list[PrecursorOffer]]] = {}
    for offer in offers:
        groups.setdefault(offer.draft.pk, (offer.draft, []))[1].append(offer)
    return list(groups.values())


class _PrecursorsPage(OrganisationPage):
    def template_import(self, import_id: uuid.UUID) -> CommunicationTemplateImport:
        return get_object_or_404(template_imports_of(organisation=self.organisation), pk=import_id)

    def render_offers(
        self,
        request: HttpRequest,
        row: CommunicationTemplateImport,
        *,
        errors: list[str] | None = None,
        error_at: str = "",
    ) -> HttpResponse:
        """The page; ``errors`` shown at the precursor ``error_at`` names
        (``<footprint>:<position>``), or above the list when it names none of them."""
        offers = template_import_precursor_offers(
            organisation=self.organisation, template_import=row
        )
        keys = {o.key for o in offers}
        context = self.get_context_data(
            row=row,
            drafts=_by_draft(offers),
            can_write=self.role in WRITER_ROLES,
            due_date=timezone.localdate() + timedelta(days=REQUEST_DUE_DAYS),
            errors=errors or [],
            error_at=error_at if error_at in keys else "",
        )
        return render(request, "exchange/pages/template_precursors.html", context)

    def act(
        self,
        request: HttpRequest,
        import_id: uuid.UUID,
        form: forms.Form,
        action: Callable[[dict[str, Any], dict[str, Any]], PrecursorOffer],
        done: Callable[[PrecursorOffer], str],
    ) -> HttpResponseBase:
        """Run ``action`` with a valid form (given what every action's service takes: the
        caller, the import, the precursor named; and the form's data) and go back to the page
        with ``done``'s message; otherwise the page again (200) with the errors at the
        precursor concerned."""
        row = self.template_import(import_id)
        if form.is_valid():
            named = {
                "actor": self.actor,
                "organisation": self.organisation,
                "template_import": row,
                "footprint_id": form.cleaned_data["footprint"],
                "position": form.cleaned_data["position"],
            }
            try:
                offer = action(named, form.cleaned_data)
            except ApplicationError as error:
                fields = error.extra.get("fields") or {}
                problems = [str(m) for ms in fields.values() for m in ms] or [error.message]
                return self.render_offers(
                    request, row, errors=problems, error_at=_key(form.cleaned_data)
                )
            messages.success(request, done(offer))
            return redirect(
                "exchange-pages:template-import-precursors",
                org_slug=self.organisation.slug,
                import_id=row.pk,
            )
        problems = [str(m) for ms in form.errors.values() for m in ms]
        return self.render_offers(request, row, errors=problems, error_at=_key(form.cleaned_data))


def _key(data: dict[str, Any]) -> str:
    return f"{data.get('footprint')}:{data.get('position')}"


class TemplatePrecursorsPage(_PrecursorsPage):
    """The import's purchased precursors and what can be done for each."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, import_id: uuid.UUID, **kwargs: Any) -> HttpResponse:
        return self.render_offers(request, self.template_import(import_id))


class TemplatePrecursorLinkPage(_PrecursorsPage):
    """``POST``: the precursor uses the chosen footprint; the draft's SEE is recomputed."""

    role_map = {"POST": WRITER_ROLES}

    def post(self, request: HttpRequest, import_id: uuid.UUID, **kwargs: Any) -> HttpResponseBase:
        return self.act(
            request,
            import_id,
            PrecursorLinkForm(request.POST),
            lambda named, data: template_precursor_link(
                **named, source_footprint_id=data["source_footprint"]
            ),
            lambda offer: (
                _(
                    "Linked: %(name)s now uses the footprint of %(supplier)s; the draft's SEE is "
                    "%(see)s tCO2e/t."
                )
                % {
                    "name": offer.workbook.name,
                    "supplier": offer.linked.organisation if offer.linked else "—",
                    "see": offer.draft.see_total,
                }
            ),
        )


class TemplatePrecursorRequestPage(_PrecursorsPage):
    """``POST``: a footprint request to the supplier the precursor's name matched."""

    role_map = {"POST": WRITER_ROLES}

    def post(self, request: HttpRequest, import_id: uuid.UUID, **kwargs: Any) -> HttpResponseBase:
        return self.act(
            request,
            import_id,
            PrecursorRequestForm(request.POST),
            lambda named, data: template_precursor_request(**named, due_date=data["due_date"]),
            lambda offer: (
                _("Request sent to %(supplier)s, due %(due)s.")
                % {
                    "supplier": offer.supplier,
                    "due": date_format(offer.open_request.due_date, "DATE_FORMAT")
                    if offer.open_request
                    else "—",
                }
            ),
        )
