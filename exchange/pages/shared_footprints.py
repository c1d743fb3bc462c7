"""Footprints other organisations shared with this one: the list with each signature's state
(checked now against the platform's keys: valid, its key revoked, invalid) and each version's
(current or deprecated), and one footprint's page with its facts, the signature's
verification, the "default value must be used" decision record, and its downloads (signed
JSON, detached JWS, EU communication template).

Every lookup goes through ``exchange.sharing.selectors.shared_footprints_for`` (the one
visibility rule): a draft, a revoked grant or another buyer's share is a 404. The same
services as ``exchange.sharing.api.shared``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from accounts.pages.base import OrganisationPage
from accounts.roles import ALL_ROLES
from exchange.sharing.selectors import shared_footprints_for
from exchange.sharing.services.reading import (
    shared_footprint_decision,
    shared_footprint_verification,
    shared_footprints_verification,
    signature_state,
)
from suppliers.api.communication_template_export import communication_template_response
from suppliers.api.footprints import (
    signature_response,
    signed_document_response,
    wants_original,
)
from suppliers.models import Footprint, FootprintStatus

#: Footprints on one page of the list.
PAGE_SIZE = 50


class SharedFilterForm(forms.Form):
    supplier = forms.ChoiceField(label=gettext_lazy("Supplier"), required=False)
    current = forms.BooleanField(label=gettext_lazy("Current versions only"), required=False)

    def __init__(self, *args: Any, suppliers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].choices = [("", gettext_lazy("All")), *suppliers]  # type: ignore[attr-defined]


def _supplier_choices(shared: QuerySet[Footprint]) -> list[tuple[str, str]]:
    rows = (
        shared.order_by()
        .prefetch_related(None)
        .values_list(
            "organisation__slug", "organisation__legal_name", "organisation__legal_name_latin"
        )
        .distinct()
    )
    choices = []
    for slug, name, latin in rows:
        shown = name or latin
        choices.append((slug, f"{shown} ({latin})" if latin and latin != shown else shown))
    return sorted(choices, key=lambda c: c[1].lower())


class SharedFootprintListPage(OrganisationPage):
    """``shared-footprints/``: every version shared with us, newest publication first."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        shared = shared_footprints_for(buyer=self.organisation)
        form = SharedFilterForm(request.GET or None, suppliers=_supplier_choices(shared))
        filters: dict[str, str] = {}
        if form.is_valid():
            if form.cleaned_data["supplier"]:
                filters["supplier"] = form.cleaned_data["supplier"]
                shared = shared.filter(organisation__slug=filters["supplier"])
            if form.cleaned_data["current"]:
                filters["current"] = "on"
                shared = shared.filter(status=FootprintStatus.PUBLISHED)
        page = Paginator(shared, PAGE_SIZE).get_page(request.GET.get("page"))
        footprints = list(page.object_list)
        checked = shared_footprints_verification(footprints=footprints)
        rows = [
            {"footprint": f, "signature": checked[f.pk], "state": signature_state(checked[f.pk])}
            for f in footprints
        ]
        context = self.get_context_data(
            filter_form=form,
            filtered=bool(filters),
            query=urlencode(filters),
            page_obj=page,
            rows=rows,
        )
        return render(request, "exchange/pages/buyer_shared_footprints.html", context)


class _SharedFootprintPage(OrganisationPage):
    role_map = {"GET": ALL_ROLES}

    def shared(self, shared_footprint_id: str) -> Footprint:
        return get_object_or_404(
            shared_footprints_for(buyer=self.organisation), pk=shared_footprint_id
        )


class SharedFootprintDetailPage(_SharedFootprintPage):
    """``shared-footprints/<id>/``: the facts, the signature now, the decision record."""

    def get(self, request: HttpRequest, shared_footprint_id: str, **kwargs: Any) -> HttpResponse:
        footprint = self.shared(shared_footprint_id)
        verification = shared_footprint_verification(footprint=footprint)
        successors = getattr(footprint, "visible_successors", [])
        context = self.get_context_data(
            footprint=footprint,
            signature=verification,
            state=signature_state(verification),
            decision=shared_footprint_decision(footprint=footprint),
            superseded_by=successors[0] if successors else None,
        )
        return render(request, "exchange/pages/buyer_shared_footprint.html", context)


class SharedFootprintDocumentPage(_SharedFootprintPage):
    """The signed PACT document, byte for byte as signed (``<id>.json``)."""

    def get(self, request: HttpRequest, shared_footprint_id: str, **kwargs: Any) -> HttpResponse:
        return signed_document_response(
            self.shared(shared_footprint_id), original=wants_original(request)
        )


class SharedFootprintSignaturePage(_SharedFootprintPage):
    """The detached JWS over the document's exact bytes (``<id>.jws``)."""

    def get(self, request: HttpRequest, shared_footprint_id: str, **kwargs: Any) -> HttpResponse:
        return signature_response(
            self.shared(shared_footprint_id), original=wants_original(request)
        )


class SharedFootprintTemplatePage(_SharedFootprintPage):
    """The footprint in the EU communication template (xlsx), as the API's download."""

    def get(self, request: HttpRequest, shared_footprint_id: str, **kwargs: Any) -> HttpResponse:
        return communication_template_response(self.shared(shared_footprint_id))
