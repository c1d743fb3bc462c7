"""Evidence of efforts: per supplier (an organisation, or a company invited by e-mail), the
log of every request, reminder, reply, refusal, withdrawal and expiry, over a chosen period,
and its CSV and PDF downloads. Buyers and importers show with it that they tried to obtain
actual data before falling back on default values. Everything comes from
``exchange.sharing.efforts`` (the rule) and ``exchange.sharing.effort_exports`` (the files).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from accounts.pages.base import OrganisationPage
from accounts.roles import ALL_ROLES
from exchange.pages.buyer_forms import EffortPeriodForm
from exchange.sharing.effort_exports import (
    effort_log_csv,
    effort_log_filename,
    effort_log_pdf,
    effort_log_supplier,
)
from exchange.sharing.efforts import EVENT_LABELS, EffortLog, effort_log, effort_suppliers


class EvidenceIndexPage(OrganisationPage):
    """``evidence/``: every supplier asked for data, with what was done towards it."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        context = self.get_context_data(suppliers=effort_suppliers(buyer=self.organisation))
        return render(request, "exchange/pages/buyer_evidence.html", context)


class _EvidencePage(OrganisationPage):
    role_map = {"GET": ALL_ROLES}

    def period(self, request: HttpRequest) -> tuple[EffortPeriodForm, date | None, date | None]:
        form = EffortPeriodForm(request.GET or None)
        if form.is_bound and form.is_valid():
            return form, form.cleaned_data["start"], form.cleaned_data["end"]
        return form, None, None

    def log(self, key: str, start: date | None, end: date | None) -> EffortLog:
        """The log, or 404 when this organisation sent that supplier no request (another
        organisation's supplier is a 404 like any other organisation's object)."""
        found = effort_log(buyer=self.organisation, key=key, start=start, end=end)
        if found is None:
            raise Http404("No request to this supplier.")
        return found

    def download(
        self, log: EffortLog, data: bytes, content_type: str, extension: str
    ) -> HttpResponse:
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="{effort_log_filename(log, extension)}"'
        )
        return response


class EvidenceLogPage(_EvidencePage):
    """``evidence/<supplier>/``: the log over the period chosen (all of it by default)."""

    def get(self, request: HttpRequest, effort_supplier: str, **kwargs: Any) -> HttpResponse:
        form, start, end = self.period(request)
        log = self.log(effort_supplier, start, end)
        period = {k: v.isoformat() for k, v in (("start", start), ("end", end)) if v}
        context = self.get_context_data(
            log=log,
            supplier_shown=effort_log_supplier(log),
            period_form=form,
            query=urlencode(period),
            counts=[
                {"label": EVENT_LABELS[kind], "count": count} for kind, count in log.counts.items()
            ],
        )
        return render(request, "exchange/pages/buyer_evidence_log.html", context)


class EvidenceCsvPage(_EvidencePage):
    """``evidence/<supplier>/evidence.csv``: the same log as CSV (UTF-8 with BOM)."""

    def get(self, request: HttpRequest, effort_supplier: str, **kwargs: Any) -> HttpResponse:
        _form, start, end = self.period(request)
        log = self.log(effort_supplier, start, end)
        data = effort_log_csv(log, generated_by=self.user.email)
        return self.download(log, data, "text/csv; charset=utf-8", "csv")


class EvidencePdfPage(_EvidencePage):
    """``evidence/<supplier>/evidence.pdf``: the same log as a PDF."""

    def get(self, request: HttpRequest, effort_supplier: str, **kwargs: Any) -> HttpResponse:
        _form, start, end = self.period(request)
        log = self.log(effort_supplier, start, end)
        data = effort_log_pdf(log, generated_by=self.user.email)
        return self.download(log, data, "application/pdf", "pdf")
