"""The annual declaration of a year: the summary per CN code, country, installation and basis
with its totals, the certificates to surrender and their cost in EUR (with every certificate
price used, its basis and publication), the deadline, the quarterly holdings, a calendar of the
obligations with their source in the law, and the downloads (CSV and JSON: the service's own
``declaration_csv`` and ``declaration_document``, so the page and the files say the same)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, gettext_lazy

from accounts.pages.base import OrganisationPage
from accounts.roles import ALL_ROLES
from core.messages import localise
from exchange.declarations.calculations.summary import (
    QUARTERLY_HOLDING_FROM_YEAR,
    QUARTERLY_HOLDING_SHARE,
)
from exchange.declarations.services.declaration import (
    declaration_csv,
    declaration_document,
    declaration_report,
)
from exchange.pages.importer_years import FIRST_YEAR, LAST_YEAR, year_chosen

BASIS_LABELS = {
    "actual": gettext_lazy("Actual data (supplier's footprint)"),
    "complex_good": gettext_lazy("Your product's computed SEE"),
    "default": gettext_lazy("Default value with mark-up"),
}

DEADLINE_SOURCE = gettext_lazy(
    "Art. 6(2) and Art. 22(1) of Reg. (EU) 2023/956 as amended by Reg. (EU) 2025/2083"
)
HOLDING_SOURCE = gettext_lazy("Art. 22(2) of Reg. (EU) 2023/956 as amended by Reg. (EU) 2025/2083")
PRICE_SOURCE = gettext_lazy(
    "Art. 21 of Reg. (EU) 2023/956 as amended by Reg. (EU) 2025/2083; Implementing Reg. (EU) "
    "2025/2548"
)


@dataclass(frozen=True)
class Obligation:
    """One date of the calendar: what must be done by then, and where the law says so."""

    day: date
    what: str
    source: str
    certificates: int | None = None


def obligations_calendar(*, year: int, holdings: Any, to_surrender: int) -> list[Obligation]:
    """The dates of ``year``'s obligations: from 2027, at the end of each quarter, hold at least
    50 % of the certificates due on the goods imported since 1 January (with the whole number
    computed, where the summary has it); by 30 September of the following year, declare and
    surrender."""
    calendar: list[Obligation] = []
    if year >= QUARTERLY_HOLDING_FROM_YEAR:
        required = {q.quarter_end: q.holding_required_whole for q in holdings}
        for quarter, (month, day) in enumerate(((3, 31), (6, 30), (9, 30), (12, 31)), start=1):
            end = date(year, month, day)
            calendar.append(
                Obligation(
                    end,
                    gettext(
                        "End of Q%(quarter)s: hold on your account at least %(share)s %% of the "
                        "certificates due on the goods imported since 1 January %(year)s."
                    )
                    % {
                        "quarter": quarter,
                        "share": format((QUARTERLY_HOLDING_SHARE * 100).normalize(), "f"),
                        "year": year,
                    },
                    str(HOLDING_SOURCE),
                    required.get(end),
                )
            )
    calendar.append(
        Obligation(
            date(year + 1, 9, 30),
            gettext(
                "Submit the CBAM declaration for %(year)s and surrender the certificates for the "
                "embedded emissions of all goods imported in %(year)s."
            )
            % {"year": year},
            str(DEADLINE_SOURCE),
            to_surrender,
        )
    )
    return calendar


def _file_name(page: OrganisationPage, year: int, extension: str) -> str:
    return f"cbam-declaration-{page.organisation.slug}-{year}.{extension}"


class DeclarationPage(OrganisationPage):
    """``declaration/?year=``: the declaration of a year as it stands today."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        chosen = year_chosen(organisation=self.organisation, raw=request.GET.get("year"))
        report = declaration_report(organisation=self.organisation, year=chosen.year)
        summary = report.summary
        context = self.get_context_data(
            chosen=chosen,
            year=chosen.year,
            report=report,
            summary=summary,
            threshold=report.threshold,
            threshold_message=localise(report.threshold.messages[0]),
            rows=[
                (row, BASIS_LABELS[row.basis], None if row.mark_up is None else row.mark_up * 100)
                for row in summary.rows
            ],
            notes=[localise(note) for note in summary.notes],
            calendar=obligations_calendar(
                year=chosen.year,
                holdings=summary.quarterly_holdings,
                to_surrender=summary.certificates_to_surrender,
            ),
            holding_from=QUARTERLY_HOLDING_FROM_YEAR,
            price_source=PRICE_SOURCE,
            shipments_count=len(report.obligations),
            default_shipments=sum(1 for ob in report.obligations if ob.facts.basis == "default"),
        )
        return render(request, "exchange/pages/declaration.html", context)


class _DeclarationDownload(OrganisationPage):
    role_map = {"GET": ALL_ROLES}

    def report_of(self, year: int) -> Any:
        if not FIRST_YEAR <= year <= LAST_YEAR:
            return None
        return declaration_report(organisation=self.organisation, year=year)


def _out_of_range(year: int) -> HttpResponse:
    return HttpResponse(
        gettext("%(value)s is not a year of the definitive period; expected %(first)s to %(last)s.")
        % {"value": year, "first": FIRST_YEAR, "last": LAST_YEAR},
        status=400,
        content_type="text/plain; charset=utf-8",
    )


class DeclarationCsvPage(_DeclarationDownload):
    """``declaration/<year>/summary.csv``: the summary as CSV (``declaration_csv``)."""

    def get(self, request: HttpRequest, year: int, **kwargs: Any) -> HttpResponse:
        report = self.report_of(year)
        if report is None:
            return _out_of_range(year)
        response = HttpResponse(declaration_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{_file_name(self, year, "csv")}"'
        return response


class DeclarationJsonPage(_DeclarationDownload):
    """``declaration/<year>/summary.json``: the summary as JSON (``declaration_document``)."""

    def get(self, request: HttpRequest, year: int, **kwargs: Any) -> HttpResponse:
        report = self.report_of(year)
        if report is None:
            return _out_of_range(year)
        body = json.dumps(declaration_document(report), ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{_file_name(self, year, "json")}"'
        return response
