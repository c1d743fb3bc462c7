"""The importer's shipments: the list with its filters, one shipment added, changed or
deleted. The same selectors, services and roles as ``exchange.declarations.api.shipments``:
every role reads, owners, admins and preparers write."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext

from accounts.pages.base import OrganisationPage
from accounts.roles import ALL_ROLES, WRITER_ROLES
from core.errors import ApplicationError
from exchange.boms.selectors import buyer_products_visible_to
from exchange.declarations.calculations.threshold import counts_for_de_minimis
from exchange.declarations.models import Shipment
from exchange.declarations.selectors import (
    shipment_years,
    shipments_filtered,
    shipments_visible_to,
)
from exchange.declarations.services.shipments import (
    shipment_create,
    shipment_delete,
    shipment_stored_data,
    shipment_update,
)
from exchange.pages.shipment_forms import ShipmentFilterForm, ShipmentForm
from exchange.sharing.selectors import SHAREABLE_STATUSES, footprints_visible_to

#: Shipments on one page of the list.
PAGE_SIZE = 50


class ShipmentListPage(OrganisationPage):
    """``shipments/``: newest first, filtered by year, CN code, country, supplier or
    installation, emissions source and date range, 50 a page."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        query = request.GET.copy()
        query.pop("page", None)
        form = ShipmentFilterForm(
            query or None, years=shipment_years(organisation=self.organisation)
        )
        if form.is_bound:
            form.is_valid()
        shipments = shipments_filtered(organisation=self.organisation, where=form.filter())
        page = Paginator(shipments, PAGE_SIZE).get_page(request.GET.get("page"))
        context = self.get_context_data(
            filter_form=form,
            filtered=bool(_kept(query)),
            query=urlencode(_kept(query)),
            page_obj=page,
            rows=[(s, counts_for_de_minimis(s.sector)) for s in page.object_list],
            can_write=self.role in WRITER_ROLES,
        )
        return render(request, "exchange/pages/shipment_list.html", context)


def _kept(query: QueryDict) -> dict[str, str]:
    """The filters that are set, to carry from page to page."""
    return {name: str(value) for name, value in query.items() if value}


def _footprint_choices(page: OrganisationPage) -> list[tuple[str, str]]:
    footprints = (
        footprints_visible_to(organisation=page.organisation)
        .filter(status__in=SHAREABLE_STATUSES)
        .select_related("product", "installation", "organisation")
        .order_by("product__cn_code", "-period_end", "id")
    )
    return [
        (
            str(f.pk),
            f"{f.product.cn_code} · {f.product.name} · "
            f"{f.installation.name_latin or f.installation.name} ({f.installation.country}) · "
            f"{f.period_start:%Y-%m-%d} – {f.period_end:%Y-%m-%d}",
        )
        for f in footprints
    ]


def _product_choices(page: OrganisationPage) -> list[tuple[str, str]]:
    return [
        (str(p.pk), f"{p.cn_code} · {p.name} ({p.country_of_production})")
        for p in buyer_products_visible_to(organisation=page.organisation).order_by("name", "id")
    ]


class _ShipmentFormPage(OrganisationPage):
    template = "exchange/pages/shipment_form.html"

    def form(self, data: Any = None, initial: dict[str, Any] | None = None) -> ShipmentForm:
        return ShipmentForm(
            data,
            initial=initial,
            footprints=_footprint_choices(self),
            products=_product_choices(self),
        )

    def render_form(
        self, request: HttpRequest, form: ShipmentForm, shipment: Shipment | None = None
    ) -> HttpResponse:
        context = self.get_context_data(
            form=form,
            shipment=shipment,
            can_write=self.role in WRITER_ROLES,
        )
        return render(request, self.template, context)


class ShipmentCreatePage(_ShipmentFormPage):
    """``shipments/new/``: one shipment entered by hand."""

    role_map = {"GET": WRITER_ROLES, "POST": WRITER_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self.render_form(request, self.form(initial={"unit": "t"}))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        form = self.form(request.POST)
        try:
            shipment = shipment_create(
                actor=self.actor, organisation=self.organisation, data=form.service_data()
            )
        except ApplicationError as error:
            form.add_service_error(error)
            return self.render_form(request, form)
        messages.success(
            request,
            gettext("Shipment %(reference)s recorded.")
            % {"reference": shipment.reference or shipment.cn_code},
        )
        return redirect("exchange-pages:shipments", org_slug=self.organisation.slug)


class ShipmentDetailPage(_ShipmentFormPage):
    """``shipments/<id>/``: the shipment; writers change it here."""

    role_map = {"GET": ALL_ROLES, "POST": WRITER_ROLES}

    def shipment(self, shipment_id: uuid.UUID) -> Shipment:
        return get_object_or_404(
            shipments_visible_to(organisation=self.organisation).select_related(
                "footprint__product", "buyer_product", "source_import"
            ),
            pk=shipment_id,
        )

    def get(self, request: HttpRequest, shipment_id: uuid.UUID, **kwargs: Any) -> HttpResponse:
        shipment = self.shipment(shipment_id)
        initial = shipment_stored_data(shipment)
        if not shipment.quantity_as_entered:  # recorded without the text typed: no 10 decimals
            initial["quantity"] = format(shipment.quantity.normalize(), "f")
        form = self.form(initial=initial)
        return self.render_form(request, form, shipment)

    def post(self, request: HttpRequest, shipment_id: uuid.UUID, **kwargs: Any) -> HttpResponseBase:
        shipment = self.shipment(shipment_id)
        form = self.form(request.POST)
        try:
            shipment_update(actor=self.actor, shipment=shipment, data=form.service_data())
        except ApplicationError as error:
            form.add_service_error(error)
            return self.render_form(request, form, shipment)
        messages.success(request, gettext("The shipment is saved."))
        return redirect(
            "exchange-pages:shipment", org_slug=self.organisation.slug, shipment_id=shipment.pk
        )


class ShipmentDeletePage(OrganisationPage):
    """``POST shipments/<id>/delete/``: a shipment recorded by mistake (the audit log keeps
    its fields)."""

    role_map = {"POST": WRITER_ROLES}

    def post(self, request: HttpRequest, shipment_id: uuid.UUID, **kwargs: Any) -> HttpResponseBase:
        shipment = get_object_or_404(
            shipments_visible_to(organisation=self.organisation), pk=shipment_id
        )
        shipment_delete(actor=self.actor, shipment=shipment)
        messages.success(
            request,
            gettext("Shipment %(reference)s deleted.")
            % {"reference": shipment.reference or shipment.cn_code},
        )
        return redirect("exchange-pages:shipments", org_slug=self.organisation.slug)
