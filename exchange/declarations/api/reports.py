"""The de minimis threshold status and the annual declaration summary (JSON or CSV)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, ClassVar

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.base import OrganisationAPIView
from accounts.models import User
from accounts.roles import ALL_ROLES
from cbam.numbers import PRICE, NumberError, parse_number
from cbam.rounding import round_emissions
from core.errors import ValidationFailed
from exchange.declarations.calculations.threshold import ThresholdStatus
from exchange.declarations.services.declaration import (
    declaration_csv,
    declaration_document,
    declaration_report,
)
from exchange.declarations.services.threshold import threshold_report

FIRST_YEAR = 2026  # the definitive period starts on 1 January 2026
LAST_YEAR = 2100


def _year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationFailed(
            f"{year} is outside the definitive period of CBAM.",
            fields={"year": [f"Expected a year from {FIRST_YEAR} to {LAST_YEAR}, e.g. 2026."]},
        )
    return year


def _q(value: Decimal) -> str:
    return format(value.normalize(), "f")


class SplittingWarningOutput(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    shipments = serializers.ListField(child=serializers.CharField())
    organisations = serializers.ListField(child=serializers.CharField())
    cn_codes = serializers.ListField(child=serializers.CharField())


class ThresholdOutput(serializers.Serializer):
    year = serializers.IntegerField()
    threshold_t = serializers.CharField()
    counted_mass_t = serializers.CharField()
    share_percent = serializers.CharField()
    headroom_t = serializers.CharField()
    level = serializers.ChoiceField(choices=["below", "warning_80", "warning_90", "exceeded"])
    exceeded = serializers.BooleanField()
    obligations_apply_to_whole_year = serializers.BooleanField()
    crossed_on = serializers.DateField(allow_null=True)
    crossed_by_shipment_id = serializers.CharField(allow_null=True)
    reached_80_on = serializers.DateField(allow_null=True)
    reached_90_on = serializers.DateField(allow_null=True)
    counted_shipments = serializers.IntegerField()
    excluded_shipments = serializers.IntegerField()
    excluded_hydrogen_t = serializers.CharField()
    excluded_electricity_mwh = serializers.CharField()
    messages = serializers.ListField(child=serializers.CharField())
    splitting_warnings = SplittingWarningOutput(many=True)


def _threshold_data(status: ThresholdStatus, warnings: Any) -> dict[str, Any]:
    return {
        "year": status.year,
        "threshold_t": _q(status.threshold_t),
        "counted_mass_t": _q(status.counted_mass_t),
        "share_percent": _q(round_emissions(status.share * 100)),
        "headroom_t": _q(status.headroom_t),
        "level": status.level,
        "exceeded": status.exceeded,
        "obligations_apply_to_whole_year": status.exceeded,
        "crossed_on": status.crossed_on,
        "crossed_by_shipment_id": status.crossed_by.shipment_id if status.crossed_by else None,
        "reached_80_on": status.reached_80_on,
        "reached_90_on": status.reached_90_on,
        "counted_shipments": status.counted_shipments,
        "excluded_shipments": status.excluded_shipments,
        "excluded_hydrogen_t": _q(status.excluded_hydrogen_t),
        "excluded_electricity_mwh": _q(status.excluded_electricity_mwh),
        "messages": list(status.messages),
        "splitting_warnings": [
            {
                "code": w.code,
                "message": w.message,
                "shipments": list(w.shipments),
                "organisations": list(w.organisations),
                "cn_codes": list(w.cn_codes),
            }
            for w in warnings
        ],
    }


class ThresholdApi(OrganisationAPIView):
    """Cumulative net mass of the year against the 50 t de minimis threshold, with warnings."""

    role_map = {"GET": ALL_ROLES}
    scope_area = "shipments"

    @extend_schema(responses=ThresholdOutput)
    def get(self, request: Request, org_slug: str, year: int) -> Response:
        user = request.user if isinstance(request.user, User) else None
        report = threshold_report(organisation=self.organisation, year=_year(year), user=user)
        return Response(
            ThresholdOutput(_threshold_data(report.status, report.splitting_warnings)).data
        )


class _IgnoreFormatParameter(DefaultContentNegotiation):
    """``?format=csv`` selects the CSV body in the view; DRF must not read it as a renderer
    name (it would answer 404 for a format it has no renderer for)."""

    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        first = next(iter(renderers))
        return first, first.media_type


def _price(raw: str | None) -> Decimal | None:
    if raw is None or raw == "":
        return None
    try:
        price = parse_number(raw, PRICE)
    except NumberError:
        price = Decimal(-1)
    if price <= 0:
        raise ValidationFailed(
            f"certificate_price_eur {raw!r} is not a price.",
            fields={"certificate_price_eur": ["Expected a price in EUR above zero, e.g. 75.36."]},
        )
    return price


class DeclarationSummaryApi(OrganisationAPIView):
    """The annual declaration summary; ``?format=csv`` (or the ``.csv`` URL) for CSV."""

    role_map = {"GET": ALL_ROLES}
    scope_area = "shipments"
    content_negotiation_class = _IgnoreFormatParameter
    always_csv: ClassVar[bool] = False

    @extend_schema(
        parameters=[
            OpenApiParameter("format", str, enum=["json", "csv"], description="csv for CSV"),
            OpenApiParameter(
                "certificate_price_eur",
                str,
                description="Price per certificate in EUR for every shipment (default: the "
                "published price of each shipment's quarter of importation in 2026, its week "
                "from 2027; where none is published, the platform's labelled assumption)",
            ),
        ],
        responses={(200, "application/json"): OpenApiTypes.OBJECT, (200, "text/csv"): str},
    )
    def get(self, request: Request, org_slug: str, year: int) -> Response | HttpResponse:
        report = declaration_report(
            organisation=self.organisation,
            year=_year(year),
            certificate_price_eur=_price(request.query_params.get("certificate_price_eur")),
        )
        if self.always_csv or request.query_params.get("format") == "csv":
            response = HttpResponse(declaration_csv(report), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="cbam-declaration-{self.organisation.slug}-{year}.csv"'
            )
            return response
        return Response(declaration_document(report))


class DeclarationSummaryCsvApi(DeclarationSummaryApi):
    always_csv = True
