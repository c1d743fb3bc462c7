"""What a buyer's bills of materials cost under CBAM, in the browser: per product the cost per
tonne 2026-2034 as it stands against all on default values, and what each line's supplier data
saves; across products the chase list, ranked bars each linking to the action (ask the supplier
for its footprint, or remind it of the open request); the downloads (CSV, XLSX).

Figures come from the stored aggregation results (``exchange.boms.selectors``), rounded as the
API rounds them; requests and reminders go through ``exchange.sharing``'s services.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext, gettext_lazy

from accounts.pages.base import OrganisationPage
from accounts.roles import ALL_ROLES, WRITER_ROLES
from cbam.rounding import round_money
from core.charts import bar_chart, line_chart
from core.errors import ApplicationError
from core.messages import localise
from core.spreadsheet import csv_writer, xlsx_bytes
from exchange.boms.exports import Table, exposure_table, lines_table, products_table
from exchange.boms.models import BomLine, BuyerProduct
from exchange.boms.selectors import (
    OpenRequest,
    aggregation_result_of,
    bom_lines_of,
    buyer_product_exposure,
    buyer_products_overview,
    buyer_products_visible_to,
    chase_ranking,
    open_request_for,
    open_requests_of,
)
from exchange.pages.bom_texts import ASSUMPTIONS, USES, reason_text
from exchange.pages.forms import form_errors_add
from exchange.sharing.models import FootprintRequest
from exchange.sharing.selectors import requests_sent_by
from exchange.sharing.services.requests import RequestInput, request_remind, request_send

#: Bars of the chase list on the exposure page (the whole ranking is in the downloads).
CHASE_BARS = 15
#: A request sent from the chase list is due this many days later (editable in the form).
REQUEST_DUE_DAYS = 30


def _decimal(raw: Any) -> Decimal | None:
    return None if raw in (None, "") else Decimal(str(raw))


def chase_action(
    requests: list[OpenRequest],
    *,
    supplier_id: int | None,
    supplier_name: str,
    cn_code: str,
    use: str = "default",
) -> tuple[str, OpenRequest | None]:
    """What chasing a line means now: ``in_use`` (its supplier's actual data is used: the
    saving is already made), ``remind`` (an open request asks the supplier for this CN code),
    ``request`` (the supplier is on the platform), ``invite`` (a named supplier that is not),
    or ``name`` (no supplier named yet)."""
    if use == "actual":
        return "in_use", None
    found = open_request_for(
        requests, supplier_id=supplier_id, supplier_name=supplier_name, cn_code=cn_code
    )
    if found is not None:
        return "remind", found
    if supplier_id is not None:
        return "request", None
    return ("invite" if supplier_name else "name"), None


def action_label(action: str, request: OpenRequest | None) -> str:
    if action == "remind" and request is not None:
        return gettext("Remind: request due %(due)s") % {"due": request.due_date.isoformat()}
    return {
        "request": gettext("Request their footprint"),
        "invite": gettext("Invite the supplier"),
        "name": gettext("Name the supplier"),
        "in_use": gettext("Their data is in use"),
    }.get(action, "")


class BuyerExposurePage(OrganisationPage):
    """``exposure/``: every product's cost per tonne now and on all defaults, the chase list as
    ranked bars (each linking to its action) and the savings summed per supplier."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        slug = self.organisation.slug
        products = buyer_products_overview(organisation=self.organisation)
        ranking = chase_ranking(organisation=self.organisation, shown=CHASE_BARS)
        requests = open_requests_of(buyer=self.organisation)
        bars = []
        for entry in ranking.top:
            action, found = chase_action(
                requests,
                supplier_id=entry.supplier_id,
                supplier_name=entry.supplier_name,
                cn_code=entry.cn_code,
                use=entry.use,
            )
            supplier = entry.supplier_name or gettext("(no supplier named)")
            bars.append(
                (
                    f"{supplier} · {entry.cn_code} · {entry.product_name}",
                    round_money(entry.saving_eur_per_t),
                    reverse(
                        "exchange-pages:bom-chase",
                        args=[slug, entry.product_id, entry.line_id],
                    ),
                    action_label(action, found),
                )
            )
        chart = (
            bar_chart(
                title=gettext("Whose data saves most (EUR per tonne of product)"),
                summary=gettext(
                    "The supplier lines of your products ranked by what their data saves in "
                    "EUR per tonne of the product they go into; for a line on the default value "
                    "the sure part, the mark-up. Each bar links to the action."
                ),
                label_title=gettext("Supplier · CN code · product"),
                value_title=gettext("EUR per tonne"),
                bars=bars,
                label_width=260,
                id="chase-chart",
            )
            if bars
            else None
        )
        computed = [p for p in products if p.cost_eur_per_t is not None]
        context = self.get_context_data(
            products=products,
            chart=chart,
            chase_total=ranking.total,
            shown=len(bars),
            suppliers=ranking.suppliers,
            year=next((p.year for p in computed), None),
            price=next((p.certificate_price_eur for p in computed), None),
        )
        return render(request, "exchange/pages/exposure.html", context)


class _ProductPage(OrganisationPage):
    def product(self, product_id: uuid.UUID) -> BuyerProduct:
        return get_object_or_404(
            buyer_products_visible_to(organisation=self.organisation), pk=product_id
        )


class ProductExposurePage(_ProductPage):
    """``boms/<id>/exposure/``: the cost per tonne 2026-2034 as it stands and on all defaults
    (a line chart), and the saving of each line (ranked bars linking to the chase page)."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, buyer_product_id: uuid.UUID, **kwargs: Any) -> HttpResponse:
        product = self.product(buyer_product_id)
        result = aggregation_result_of(product=product)
        exposure = buyer_product_exposure(product=product, result=result)
        projection = exposure["projection"]
        chart = None
        if projection:
            chart = line_chart(
                title=gettext("Cost per tonne of %(name)s, 2026-2034 (EUR)")
                % {"name": product.name},
                summary=gettext(
                    "As it stands: %(now)s EUR per tonne in %(first)s, %(last_now)s in %(last)s; "
                    "all on default values: %(defaults)s in %(first)s, %(last_defaults)s in "
                    "%(last)s, at %(price)s EUR per certificate."
                )
                % {
                    "now": projection[0]["cost_eur_per_t"],
                    "first": projection[0]["year"],
                    "last_now": projection[-1]["cost_eur_per_t"],
                    "last": projection[-1]["year"],
                    "defaults": projection[0]["cost_all_defaults_eur_per_t"],
                    "last_defaults": projection[-1]["cost_all_defaults_eur_per_t"],
                    "price": exposure["certificate_price_eur"],
                },
                x_title=gettext("Year"),
                y_title=gettext("EUR per tonne"),
                series=[
                    (
                        gettext("As it stands"),
                        [
                            (Decimal(y["year"]), str(y["year"]), Decimal(y["cost_eur_per_t"]))
                            for y in projection
                        ],
                    ),
                    (
                        gettext("All on default values"),
                        [
                            (
                                Decimal(y["year"]),
                                str(y["year"]),
                                Decimal(y["cost_all_defaults_eur_per_t"]),
                            )
                            for y in projection
                        ],
                    ),
                ],
                id="cost-chart",
            )
        requests = open_requests_of(buyer=self.organisation)
        stored = {line["id"]: line for line in (result.lines if result is not None else [])}
        lines = []
        bars = []
        for line in exposure["lines"]:
            data = stored.get(line["line"], {})
            action, found = chase_action(
                requests,
                supplier_id=data.get("supplier_id"),
                supplier_name=line["supplier_name"],
                cn_code=line["cn_code"],
                use=line["use"],
            )
            href = reverse(
                "exchange-pages:bom-chase",
                args=[self.organisation.slug, product.pk, line["line"]],
            )
            shown = {
                **line,
                "use_label": USES.get(line["use"], line["use"]),
                "reasons": [reason_text(r) for r in line["reasons"]],
                "cost": _decimal(line["cost_eur_per_t"]),
                "saving": _decimal(line["saving_eur_per_t"]),
                "estimate": _decimal(line["saving_estimate_eur_per_t"]),
                "href": href if line["saving_eur_per_t"] is not None else "",
                "action": action_label(action, found),
            }
            lines.append(shown)
            if shown["saving"] is not None:
                supplier = line["supplier_name"] or gettext("(no supplier named)")
                bars.append(
                    (
                        f"#{line['position']} {line['cn_code']} · {supplier}",
                        shown["saving"],
                        href,
                        shown["action"],
                    )
                )
        saving_chart = (
            bar_chart(
                title=gettext("What each line's supplier data saves (EUR per tonne)"),
                summary=gettext(
                    "Lines ranked by saving: for a line on actual data what its data saves now, "
                    "for a line on the default value the sure part (the mark-up). Each bar links "
                    "to the action."
                ),
                label_title=gettext("Line"),
                value_title=gettext("EUR per tonne"),
                bars=bars,
                id="saving-chart",
            )
            if bars
            else None
        )
        context = self.get_context_data(
            product=product,
            exposure=exposure,
            chart=chart,
            saving_chart=saving_chart,
            lines=lines,
            assumptions=[str(text) for text in ASSUMPTIONS.values()],
        )
        return render(request, "exchange/pages/exposure_product.html", context)


class RequestForm(forms.Form):
    """A footprint request to a chase-list line's supplier, prefilled from the line."""

    supplier_email = forms.EmailField(
        label=gettext_lazy("E-mail address of someone at the supplier"),
        help_text=gettext_lazy(
            "The supplier is not on CBAM Exchange: the request is sent there with an invitation"
        ),
        required=False,
        error_messages={
            "invalid": gettext_lazy("Enter an e-mail address, e.g. sales@example.com.")
        },
    )
    supplier_name = forms.CharField(label=gettext_lazy("Supplier"), max_length=300, required=False)
    cn_code = forms.CharField(label=gettext_lazy("CN code"), max_length=20, required=False)
    description = forms.CharField(
        label=gettext_lazy("What you buy"), max_length=300, required=False
    )
    period_start = forms.DateField(
        label=gettext_lazy("Period from"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter a date as YYYY-MM-DD, e.g. 2026-01-01.")},
    )
    period_end = forms.DateField(
        label=gettext_lazy("Period to"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter a date as YYYY-MM-DD, e.g. 2026-12-31.")},
    )
    due_date = forms.DateField(
        label=gettext_lazy("Answer by"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter a date as YYYY-MM-DD, e.g. 2026-12-31.")},
    )
    quantity_t = forms.DecimalField(
        label=gettext_lazy("Quantity you buy (t)"),
        required=False,
        min_value=Decimal("0.000001"),
        max_digits=20,
        decimal_places=6,
        error_messages={
            "min_value": gettext_lazy("A positive number of tonnes, or leave it empty.")
        },
    )
    message = forms.CharField(
        label=gettext_lazy("Message"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    use_required_attribute = False

    def __init__(self, *args: Any, invited: bool, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invited = invited
        self.today = today
        if not invited:
            del self.fields["supplier_email"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.invited and not data.get("supplier_email") and "supplier_email" not in self.errors:
            self.add_error(
                "supplier_email",
                gettext("Give the e-mail address of someone at the supplier to invite them."),
            )
        start, end, due = data.get("period_start"), data.get("period_end"), data.get("due_date")
        if start and end and end < start:
            self.add_error("period_end", gettext("The period ends before it starts."))
        if due and due < self.today:
            self.add_error(
                "due_date",
                gettext("%(due)s is in the past; expected today or a later date.")
                % {"due": due.isoformat()},
            )
        return data


class _ChasePage(_ProductPage):
    """One chase-list line: what its data saves, the open request to its supplier if any (with
    the reminder), otherwise the request to send."""

    def load(
        self, buyer_product_id: uuid.UUID, bom_line_id: uuid.UUID
    ) -> tuple[BuyerProduct, BomLine]:
        product = self.product(buyer_product_id)
        line = get_object_or_404(
            bom_lines_of(product=product).select_related("supplier"), pk=bom_line_id
        )
        return product, line

    def render_chase(
        self,
        request: HttpRequest,
        product: BuyerProduct,
        line: BomLine,
        form: RequestForm | None = None,
    ) -> HttpResponse:
        result = aggregation_result_of(product=product)
        stored: dict[str, Any] = next(
            (item for item in (result.lines if result else []) if item["id"] == str(line.pk)), {}
        )
        saving = stored.get("saving") or {}
        action, found = chase_action(
            open_requests_of(buyer=self.organisation),
            supplier_id=line.supplier_id,
            supplier_name=line.supplier_name,
            cn_code=line.cn_code,
            use=stored.get("use", "default"),
        )
        today = timezone.localdate()
        if form is None and found is None and action != "in_use":
            form = RequestForm(
                initial=self.initial(product, line, result.year if result else today.year, saving),
                invited=line.supplier_id is None,
                today=today,
            )
        context = self.get_context_data(
            product=product,
            line=line,
            use_label=USES.get(stored.get("use", ""), ""),
            reasons=[reason_text(r) for r in (stored.get("decision") or {}).get("reasons", [])],
            saving=_decimal(saving.get("sure_eur_per_t")),
            estimate=_decimal(saving.get("estimate_eur_per_t")),
            cost=_decimal(stored.get("cost_eur_per_t")),
            action=action,
            open_request=found,
            form=form,
            can_write=self.role in WRITER_ROLES,
        )
        return render(request, "exchange/pages/exposure_chase.html", context)

    def initial(
        self, product: BuyerProduct, line: BomLine, year: int, saving: dict[str, Any]
    ) -> dict[str, Any]:
        today = timezone.localdate()
        email = ""
        if line.supplier_id is None and line.supplier_name:
            email = (
                FootprintRequest.objects.filter(
                    buyer=self.organisation,
                    supplier_name__iexact=line.supplier_name,
                    supplier_email__gt="",
                )
                .order_by("-created_at")
                .values_list("supplier_email", flat=True)
                .first()
                or ""
            )
        sure = _decimal(saving.get("sure_eur_per_t"))
        message = gettext(
            "We make %(product)s (CN %(cn)s) with your %(precursor)s and export it to the EU. "
            "Please share your verified %(year)s footprint on CBAM Exchange, so that it need "
            "not be priced on the EU default value."
        ) % {
            "product": product.name,
            "cn": product.cn_code,
            "precursor": line.description or line.cn_code,
            "year": year,
        }
        if sure is not None and sure > 0:
            message += " " + gettext(
                "Your data would save at least %(saving)s EUR per tonne of our product."
            ) % {"saving": round_money(sure)}
        return {
            "supplier_email": email,
            "supplier_name": line.supplier_name
            or (line.supplier.legal_name_latin if line.supplier else ""),
            "cn_code": line.cn_code,
            "description": line.description,
            "period_start": date(year, 1, 1),
            "period_end": date(year, 12, 31),
            "due_date": today + timedelta(days=REQUEST_DUE_DAYS),
            "message": message,
        }


class ChasePage(_ChasePage):
    """``boms/<id>/lines/<line_id>/chase/``: GET the line's chase page; POST send the request
    it prefills (``request_send``: the supplier on the platform is notified, a company not on
    it is invited by e-mail)."""

    role_map = {"GET": ALL_ROLES, "POST": WRITER_ROLES}

    def get(
        self,
        request: HttpRequest,
        buyer_product_id: uuid.UUID,
        bom_line_id: uuid.UUID,
        **kwargs: Any,
    ) -> HttpResponse:
        product, line = self.load(buyer_product_id, bom_line_id)
        return self.render_chase(request, product, line)

    def post(
        self,
        request: HttpRequest,
        buyer_product_id: uuid.UUID,
        bom_line_id: uuid.UUID,
        **kwargs: Any,
    ) -> HttpResponseBase:
        product, line = self.load(buyer_product_id, bom_line_id)
        today = timezone.localdate()
        form = RequestForm(request.POST, invited=line.supplier_id is None, today=today)
        if form.is_valid():
            data = form.cleaned_data
            try:
                request_send(
                    actor=self.actor,
                    buyer=self.organisation,
                    data=RequestInput(
                        supplier=line.supplier.slug if line.supplier else "",
                        supplier_email=data.get("supplier_email") or "",
                        supplier_name=data["supplier_name"],
                        cn_code=data["cn_code"],
                        description=data["description"],
                        period_start=data["period_start"],
                        period_end=data["period_end"],
                        due_date=data["due_date"],
                        quantity_t=data["quantity_t"],
                        message=data["message"],
                    ),
                    today=today,
                )
            except ApplicationError as exc:
                form_errors_add(form, exc)
            else:
                messages.success(request, gettext("The request is sent."))
                return redirect(
                    "exchange-pages:bom-chase",
                    org_slug=self.organisation.slug,
                    buyer_product_id=product.pk,
                    bom_line_id=line.pk,
                )
        return self.render_chase(request, product, line, form)


class ChaseRemindPage(_ChasePage):
    """``POST boms/<id>/lines/<line_id>/chase/remind/``: remind the supplier of the open
    request that asks for this line's CN code (``request_remind``, once a day)."""

    role_map = {"POST": WRITER_ROLES}

    def post(
        self,
        request: HttpRequest,
        buyer_product_id: uuid.UUID,
        bom_line_id: uuid.UUID,
        **kwargs: Any,
    ) -> HttpResponseBase:
        product, line = self.load(buyer_product_id, bom_line_id)
        _action, found = chase_action(
            open_requests_of(buyer=self.organisation),
            supplier_id=line.supplier_id,
            supplier_name=line.supplier_name,
            cn_code=line.cn_code,
        )
        if found is None:
            messages.error(request, gettext("There is no open request to remind the supplier of."))
        else:
            open_request = get_object_or_404(requests_sent_by(buyer=self.organisation), pk=found.id)
            try:
                request_remind(actor=self.actor, request=open_request)
            except ApplicationError as exc:
                messages.error(request, localise(exc.message))
            else:
                messages.success(request, gettext("The supplier is reminded."))
        return redirect(
            "exchange-pages:bom-chase",
            org_slug=self.organisation.slug,
            buyer_product_id=product.pk,
            bom_line_id=line.pk,
        )


# --------------------------------------------------------------------------- downloads


def _csv_response(table: Table, file_name: str) -> HttpResponse:
    header, rows = table
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, file_name) or ""
    return response


class _ExportPage(OrganisationPage):
    role_map = {"GET": ALL_ROLES}

    def file_name(self, what: str) -> str:
        return f"{self.organisation.slug}-{what}-{timezone.localdate().isoformat()}"


class _CsvPage(_ExportPage):
    #: The table (``exchange.boms.exports``) and the file name's word for it.
    table: ClassVar[Callable[..., Table]]
    what: ClassVar[str]

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        table = type(self).table(organisation=self.organisation)
        return _csv_response(table, self.file_name(self.what) + ".csv")


class ProductsCsvPage(_CsvPage):
    """``boms/export/products.csv``."""

    table = staticmethod(products_table)
    what = "products"


class LinesCsvPage(_CsvPage):
    """``boms/export/lines.csv``."""

    table = staticmethod(lines_table)
    what = "bom-lines"


class ExposureCsvPage(_CsvPage):
    """``boms/export/exposure.csv``."""

    table = staticmethod(exposure_table)
    what = "exposure"


class BomsXlsxPage(_ExportPage):
    """``boms/export/boms.xlsx``: products, lines and exposure as three sheets."""

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        sheets = [
            ("Products", *products_table(organisation=self.organisation)),
            ("Lines", *lines_table(organisation=self.organisation)),
            ("Exposure", *exposure_table(organisation=self.organisation)),
        ]
        response = HttpResponse(
            xlsx_bytes(sheets),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            content_disposition_header(True, self.file_name("boms") + ".xlsx") or ""
        )
        return response
