"""A buyer's bills of materials in the browser: its products, each with its lines (a footprint a
supplier shared, another own product, or the default value), the aggregated SEE with its
provenance, and the recompute shown as it runs.

Pages read through ``exchange.boms.selectors`` and write through the services the API calls
(``exchange.boms.services``), with the same role sets as ``exchange.boms.api``; a service's
``ValidationFailed`` comes back on the form, each problem at its field in the page's language.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext

from accounts.pages.base import OrganisationPage
from accounts.roles import ALL_ROLES, WRITER_ROLES
from cbam.rounding import round_money, round_see
from core.errors import ApplicationError, ValidationFailed
from core.messages import engine_message, localise
from exchange.boms.models import AggregationResult, BomLine, BuyerProduct, LineSource
from exchange.boms.selectors import (
    aggregation_reference_superseded,
    aggregation_result_of,
    bom_lines_of,
    buyer_products_overview,
    buyer_products_visible_to,
    buyer_recompute_state,
)
from exchange.boms.services.lines import bom_line_create, bom_line_delete, bom_line_update
from exchange.boms.services.products import (
    buyer_product_create,
    buyer_product_delete,
    buyer_product_update,
)
from exchange.boms.services.recompute import buyer_product_recompute_request
from exchange.pages.bom_forms import BomLineForm, BuyerProductForm
from exchange.pages.bom_texts import SOURCES, USES, provenance_shown, reason_text
from exchange.partners.selectors import fetched_footprints_of
from exchange.sharing.selectors import footprints_shared_with
from suppliers.models import FootprintStatus

#: The default share is shown in per cent with one decimal.
PERCENT_PLACES = Decimal("0.1")


def _decimal(raw: Any) -> Decimal | None:
    return None if raw in (None, "") else Decimal(str(raw))


def _problem_text(problem: Any) -> str:
    """A stored problem (``{"line_id", "message"}``) in the page's language where the
    engine's template is known."""
    message = problem.get("message") if isinstance(problem, dict) else problem
    return localise(engine_message(str(message or "")))


class BomListPage(OrganisationPage):
    """``boms/``: every product with its lines count, SEE and cost per tonne."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        context = self.get_context_data(
            products=buyer_products_overview(organisation=self.organisation),
            recompute_state=buyer_recompute_state(organisation=self.organisation),
            can_write=self.role in WRITER_ROLES,
        )
        return render(request, "exchange/pages/bom_list.html", context)


class _ProductPage(OrganisationPage):
    def product(self, product_id: uuid.UUID) -> BuyerProduct:
        return get_object_or_404(
            buyer_products_visible_to(organisation=self.organisation), pk=product_id
        )


def recompute_context(page: OrganisationPage, product: BuyerProduct) -> dict[str, Any]:
    """What the recompute fragment shows: whether a recompute is under way (a work row of this
    buyer, or of every buyer, pending or running), and when the result was computed."""
    result = (
        AggregationResult.objects.filter(product=product).values("status", "computed_at").first()
    )
    state = buyer_recompute_state(organisation=page.organisation)
    stale = result is None or product.updated_at > result["computed_at"]
    return {
        "product": product,
        "recompute_state": state,
        "computed_at": result["computed_at"] if result else None,
        "result_status": result["status"] if result else "pending",
        "stale": stale,
        "can_write": page.role in WRITER_ROLES,
    }


def _line_rows(lines: list[BomLine], result: AggregationResult | None) -> list[dict[str, Any]]:
    """Each line of the bill with what its stored result says of it (matched by id: a line
    added since the last computation has none yet)."""
    stored = {line["id"]: line for line in (result.lines if result is not None else [])}
    rows = []
    for line in lines:
        data = stored.get(str(line.pk))
        row: dict[str, Any] = {"line": line, "source_label": SOURCES.get(LineSource(line.source))}
        if data is not None:
            see = data.get("see_used") or {}
            contribution = data.get("contribution") or {}
            saving = data.get("saving") or {}
            row.update(
                computed=True,
                use=data["use"],
                use_label=USES.get(data["use"], data["use"]),
                reasons=[reason_text(r) for r in data["decision"]["reasons"]],
                footprint_used=data["decision"].get("footprint_used"),
                see_direct=_rounded_see(see.get("see_direct")),
                see_indirect=_rounded_see(see.get("see_indirect")),
                default_value=see.get("default_value"),
                contribution=_rounded_see(contribution.get("counted")),
                cost=_rounded_money(data.get("cost_eur_per_t")),
                saving=_rounded_money(saving.get("sure_eur_per_t")),
                estimate=_rounded_money(saving.get("estimate_eur_per_t")),
            )
        rows.append(row)
    return rows


def _rounded_see(raw: Any) -> Any:
    value = _decimal(raw)
    return None if value is None else round_see(value)


def _rounded_money(raw: Any) -> Any:
    value = _decimal(raw)
    return None if value is None else round_money(value)


class BomDetailPage(_ProductPage):
    """``boms/<id>/``: the product, its lines with their decision, SEE used, contribution, cost
    and saving, the aggregated SEE with its provenance, and the recompute's state."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, buyer_product_id: uuid.UUID, **kwargs: Any) -> HttpResponse:
        product = self.product(buyer_product_id)
        result = aggregation_result_of(product=product)
        lines = list(
            bom_lines_of(product=product).select_related("own_product", "footprint__product")
        )
        see = None
        if result is not None and result.see_direct is not None:
            counted = (
                result.see_direct + result.see_indirect_counted
                if result.see_indirect_counted is not None
                else None
            )
            see = {
                "direct": round_see(result.see_direct),
                "indirect": round_see(result.see_indirect)
                if result.see_indirect is not None
                else None,
                "indirect_counted": round_see(result.see_indirect_counted)
                if result.see_indirect_counted is not None
                else None,
                "counted": round_see(counted) if counted is not None else None,
                "default_share_pct": (result.default_share * 100).quantize(PERCENT_PLACES)
                if result.default_share is not None
                else None,
            }
        context = self.get_context_data(
            result=result,
            see=see,
            rows=_line_rows(lines, result),
            provenance=provenance_shown(result.provenance)
            if result is not None and result.provenance
            else None,
            superseded=aggregation_reference_superseded(result=result) if result else [],
            problems=[_problem_text(p) for p in (result.problems if result else [])],
            **recompute_context(self, product),
        )
        return render(request, "exchange/pages/bom_detail.html", context)


class _ProductFormPage(_ProductPage):
    """Create (no id in the URL) or edit one product."""

    role_map = {"GET": WRITER_ROLES, "POST": WRITER_ROLES}
    obj: BuyerProduct | None = None

    def render_form(self, request: HttpRequest, form: BuyerProductForm) -> HttpResponse:
        context = self.get_context_data(form=form, obj=self.obj)
        return render(request, "exchange/pages/bom_product_form.html", context)

    def load(self, kwargs: dict[str, Any]) -> None:
        if "buyer_product_id" in kwargs:
            self.obj = self.product(kwargs["buyer_product_id"])

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        self.load(kwargs)
        initial = (
            BuyerProductForm.initial_of(self.obj)
            if self.obj is not None
            else {"country_of_production": self.organisation.country or "CN"}
        )
        return self.render_form(request, BuyerProductForm(initial=initial))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        self.load(kwargs)
        form = BuyerProductForm(request.POST)
        try:
            if self.obj is None:
                product = buyer_product_create(
                    actor=self.actor, organisation=self.organisation, data=form.service_data()
                )
            else:
                product = buyer_product_update(
                    actor=self.actor, product=self.obj, data=form.service_data()
                )
        except ValidationFailed as exc:
            form.add_service_error(exc)
            return self.render_form(request, form)
        messages.success(request, gettext("The product is saved; its SEE is being computed."))
        return redirect(
            "exchange-pages:bom", org_slug=self.organisation.slug, buyer_product_id=product.pk
        )


class BomCreatePage(_ProductFormPage):
    """``boms/new/``."""


class BomEditPage(_ProductFormPage):
    """``boms/<id>/edit/``."""


class BomDeletePage(_ProductPage):
    """``POST boms/<id>/delete/``: the product and its lines; refused while another product is
    made from it (the page says which)."""

    role_map = {"POST": WRITER_ROLES}

    def post(
        self, request: HttpRequest, buyer_product_id: uuid.UUID, **kwargs: Any
    ) -> HttpResponseBase:
        product = self.product(buyer_product_id)
        try:
            buyer_product_delete(actor=self.actor, product=product)
        except ApplicationError as exc:
            messages.error(request, localise(exc.message))
            return redirect(
                "exchange-pages:bom", org_slug=self.organisation.slug, buyer_product_id=product.pk
            )
        messages.success(request, gettext("%(name)s is deleted.") % {"name": product.name})
        return redirect("exchange-pages:boms", org_slug=self.organisation.slug)


class _LineFormPage(_ProductPage):
    """Add a line to a product (no line id in the URL) or edit one."""

    role_map = {"GET": WRITER_ROLES, "POST": WRITER_ROLES}
    line: BomLine | None = None

    def load(self, kwargs: dict[str, Any]) -> BuyerProduct:
        product = self.product(kwargs["buyer_product_id"])
        if "bom_line_id" in kwargs:
            self.line = get_object_or_404(bom_lines_of(product=product), pk=kwargs["bom_line_id"])
        return product

    def form(self, product: BuyerProduct, data: Any = None, initial: Any = None) -> BomLineForm:
        footprints = (
            footprints_shared_with(buyer=self.organisation)
            .filter(status=FootprintStatus.PUBLISHED)
            .select_related("organisation", "product", "installation")
            .order_by("organisation__legal_name_latin", "product__name", "-period_start", "id")
        )
        own_products = buyer_products_visible_to(organisation=self.organisation).exclude(
            pk=product.pk
        )
        fetched = fetched_footprints_of(organisation=self.organisation, current_only=True)
        return BomLineForm(
            data,
            initial=initial,
            footprints=list(footprints),
            own_products=list(own_products),
            fetched=list(fetched),
        )

    def render_form(
        self, request: HttpRequest, product: BuyerProduct, form: BomLineForm
    ) -> HttpResponse:
        context = self.get_context_data(product=product, form=form, line=self.line)
        return render(request, "exchange/pages/bom_line_form.html", context)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        product = self.load(kwargs)
        initial = (
            BomLineForm.initial_of(self.line)
            if self.line is not None
            else {"source": "default_value", "country_of_origin": "CN"}
        )
        return self.render_form(request, product, self.form(product, initial=initial))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        product = self.load(kwargs)
        form = self.form(product, request.POST)
        data = form.service_data(line=self.line)
        try:
            if self.line is None:
                bom_line_create(actor=self.actor, product=product, data=data)
            else:
                bom_line_update(actor=self.actor, line=self.line, data=data)
        except ApplicationError as exc:
            form.add_service_error(exc)
            return self.render_form(request, product, form)
        messages.success(request, gettext("The line is saved; the SEE is being computed again."))
        return redirect(
            "exchange-pages:bom", org_slug=self.organisation.slug, buyer_product_id=product.pk
        )


class BomLineCreatePage(_LineFormPage):
    """``boms/<id>/lines/new/``."""


class BomLineEditPage(_LineFormPage):
    """``boms/<id>/lines/<line_id>/edit/``."""


class BomLineDeletePage(_ProductPage):
    """``POST boms/<id>/lines/<line_id>/delete/``."""

    role_map = {"POST": WRITER_ROLES}

    def post(
        self,
        request: HttpRequest,
        buyer_product_id: uuid.UUID,
        bom_line_id: uuid.UUID,
        **kwargs: Any,
    ) -> HttpResponseBase:
        product = self.product(buyer_product_id)
        line = get_object_or_404(bom_lines_of(product=product), pk=bom_line_id)
        bom_line_delete(actor=self.actor, line=line)
        messages.success(
            request, gettext("Line %(position)s is deleted.") % {"position": line.position}
        )
        return redirect(
            "exchange-pages:bom", org_slug=self.organisation.slug, buyer_product_id=product.pk
        )


class BomRecomputePage(_ProductPage):
    """``POST boms/<id>/recompute/``: enqueue the product's recompute (the work row the API's
    recompute creates); htmx swaps in the state fragment, which then polls until done."""

    role_map = {"POST": WRITER_ROLES}

    def post(
        self, request: HttpRequest, buyer_product_id: uuid.UUID, **kwargs: Any
    ) -> HttpResponseBase:
        product = self.product(buyer_product_id)
        buyer_product_recompute_request(actor=self.actor, product=product)
        if request.headers.get("HX-Request"):
            context = self.get_context_data(**recompute_context(self, product))
            return render(request, "exchange/pages/bom_recompute.html", context)
        messages.success(request, gettext("The recompute is queued."))
        return redirect(
            "exchange-pages:bom", org_slug=self.organisation.slug, buyer_product_id=product.pk
        )


class BomRecomputeStatusPage(_ProductPage):
    """``boms/<id>/recompute/``'s state as a fragment (htmx polls it every 2 s while running)."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, buyer_product_id: uuid.UUID, **kwargs: Any) -> HttpResponse:
        product = self.product(buyer_product_id)
        context = self.get_context_data(**recompute_context(self, product))
        return render(request, "exchange/pages/bom_recompute.html", context)
