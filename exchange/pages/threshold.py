"""The de minimis threshold of a year (Reg. (EU) 2023/956 Art. 2(3a), inserted by Reg. (EU)
2025/2083): a gauge of the year's counted net mass against 50 t with the 80 % and 90 % marks,
the counted mass through the year with the shipment that crossed the threshold marked, and
the splitting warnings explained. The same service as ``cbam-threshold/<year>`` of the API
(``exchange.declarations.services.threshold.threshold_report``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext

from accounts.models import User
from accounts.pages.base import OrganisationPage
from accounts.roles import ALL_ROLES
from core.charts import Gauge, LineChart, gauge, line_chart
from core.messages import localise
from exchange.declarations.calculations.splitting import HEADROOM_SHARE, MIN_CONSIGNMENTS
from exchange.declarations.calculations.threshold import WARNING_80, WARNING_90, ThresholdStatus
from exchange.declarations.services.threshold import ThresholdReport, threshold_report
from exchange.pages.importer_years import year_chosen


def _t(value: Decimal) -> str:
    """Tonnes as a label says them: 40, 49.9 (no exponent, no trailing zeros)."""
    return format(value.normalize(), "f")


def threshold_gauge(status: ThresholdStatus) -> Gauge:
    """The year's counted net mass against the threshold, marked at 80 %, 90 % and 100 %."""
    limit = status.threshold_t
    return gauge(
        title=gettext("Net mass imported in %(year)s") % {"year": status.year},
        summary=gettext(
            "%(mass)s t of CBAM goods counted against the de minimis threshold of %(limit)s t "
            "(%(share)s %%)."
        )
        % {
            "mass": _t(status.counted_mass_t),
            "limit": _t(limit),
            "share": _t((status.share * 100).quantize(Decimal("0.1"))),
        },
        unit="t",
        value=status.counted_mass_t,
        maximum=limit,
        marks=[
            (limit * WARNING_80, gettext("80 %% · %(mass)s t") % {"mass": _t(limit * WARNING_80)}),
            (limit * WARNING_90, gettext("90 %% · %(mass)s t") % {"mass": _t(limit * WARNING_90)}),
            (limit, gettext("threshold · %(mass)s t") % {"mass": _t(limit)}),
        ],
        id="threshold-gauge",
    )


def _day_of_year(day: date) -> Decimal:
    return Decimal(day.toordinal() - date(day.year, 1, 1).toordinal())


def cumulative_chart(report: ThresholdReport) -> LineChart:
    """The counted net mass through the year, day by day, with the threshold as a rule and a
    marker on the day the shipment that crossed it was imported."""
    status = report.status
    year = status.year
    end = date(year, 12, 31)
    points = [
        (_day_of_year(day), date_format(day, "SHORT_DATE_FORMAT"), mass)
        for day, mass in report.cumulative
    ]
    markers = []
    if status.crossed_by is not None and status.crossed_on is not None:
        crossed_mass = dict(report.cumulative).get(status.crossed_on, status.counted_mass_t)
        markers.append(
            (
                _day_of_year(status.crossed_on),
                crossed_mass,
                gettext("crossed %(date)s · %(shipment)s")
                % {
                    "date": date_format(status.crossed_on, "SHORT_DATE_FORMAT"),
                    "shipment": status.crossed_by.reference or status.crossed_by.shipment_id,
                },
            )
        )
    return line_chart(
        title=gettext("Counted net mass through %(year)s") % {"year": year},
        summary=gettext(
            "The net mass of CBAM goods imported from 1 January, by import date: %(mass)s t by "
            "the end of the data, against the threshold of %(limit)s t."
        )
        % {"mass": _t(status.counted_mass_t), "limit": _t(status.threshold_t)},
        x_title=gettext("Import date"),
        y_title=gettext("t net mass, cumulative"),
        series=[(gettext("Counted net mass"), points)],
        x_range=(Decimal(0), _day_of_year(end)),
        x_ticks=[
            (_day_of_year(date(year, month, 1)), date_format(date(year, month, 1), "M"))
            for month in range(1, 13)
        ],
        rules=[
            (status.threshold_t, gettext("threshold %(mass)s t") % {"mass": _t(status.threshold_t)})
        ],
        markers=markers,
        id="threshold-cumulative",
    )


class ThresholdPage(OrganisationPage):
    """``threshold/?year=``: where the organisation stands against the 50 t in a year."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        chosen = year_chosen(organisation=self.organisation, raw=request.GET.get("year"))
        user = request.user if isinstance(request.user, User) else None
        report = threshold_report(organisation=self.organisation, year=chosen.year, user=user)
        status = report.status
        context = self.get_context_data(
            chosen=chosen,
            year=chosen.year,
            status=status,
            report=report,
            status_messages=[localise(m) for m in status.messages],
            warnings=[(w, localise(w.message)) for w in report.splitting_warnings],
            gauge=threshold_gauge(status),
            chart=cumulative_chart(report) if report.cumulative else None,
            share_percent=(status.share * 100).quantize(Decimal("0.1")),
            mark_80=status.threshold_t * WARNING_80,
            mark_90=status.threshold_t * WARNING_90,
            hugging_share=_t(HEADROOM_SHARE * 100),
            hugging_count=MIN_CONSIGNMENTS,
            next_year=chosen.year + 1,
        )
        return render(request, "exchange/pages/threshold.html", context)
