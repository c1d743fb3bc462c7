"""Shipments: list and record, read, change and delete one, upload a CSV, read upload reports."""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.base import OrganisationAPIView
from accounts.roles import ALL_ROLES, WRITER_ROLES
from core.api.inputs import body_object, serializer_for
from core.errors import ValidationFailed
from exchange.declarations.calculations.threshold import counts_for_de_minimis
from exchange.declarations.inputs import SHIPMENT_INPUT
from exchange.declarations.selectors import shipment_imports_visible_to, shipments_visible_to
from exchange.declarations.services.imports import shipments_import_csv
from exchange.declarations.services.shipments import (
    shipment_create,
    shipment_delete,
    shipment_update,
)


class ShipmentOutput(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    cn_code = serializers.CharField()
    goods_category = serializers.CharField()
    counts_for_de_minimis = serializers.SerializerMethodField()
    quantity = serializers.SerializerMethodField()
    unit = serializers.CharField()
    quantity_as_entered = serializers.JSONField()
    country_of_origin = serializers.CharField()
    import_date = serializers.DateField()
    customs_procedure = serializers.CharField()
    supplier_name = serializers.CharField()
    installation_name = serializers.CharField()
    footprint_id = serializers.UUIDField(allow_null=True)
    buyer_product_id = serializers.UUIDField(allow_null=True)
    source_import_id = serializers.UUIDField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_quantity(self, obj: Any) -> str:
        return format(obj.quantity.normalize(), "f")

    def get_counts_for_de_minimis(self, obj: Any) -> bool:
        return counts_for_de_minimis(obj.sector)


SHIPMENT_INPUT_SCHEMA = serializer_for(SHIPMENT_INPUT)


def _year_param(raw: str | None) -> int | None:
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or not 2000 <= int(raw) <= 2100:
        raise ValidationFailed(
            f"year {raw!r} is not a year.", fields={"year": ["Expected a year, e.g. 2026."]}
        )
    return int(raw)


class ShipmentListApi(OrganisationAPIView):
    role_map = {"GET": ALL_ROLES, "POST": WRITER_ROLES}
    scope_area = "shipments"

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="Only shipments imported in this year"),
            OpenApiParameter("cn_code", str, description="Only shipments of this CN code"),
        ],
        responses=ShipmentOutput(many=True),
    )
    def get(self, request: Request, org_slug: str) -> Response:
        shipments = shipments_visible_to(
            organisation=self.organisation,
            year=_year_param(request.query_params.get("year")),
            cn_code=request.query_params.get("cn_code") or None,
        )
        return self.paginated(shipments, ShipmentOutput)

    @extend_schema(request=SHIPMENT_INPUT_SCHEMA, responses={201: ShipmentOutput})
    def post(self, request: Request, org_slug: str) -> Response:
        shipment = shipment_create(
            actor=self.actor, organisation=self.organisation, data=body_object(request)
        )
        return Response(ShipmentOutput(shipment).data, status=status.HTTP_201_CREATED)


class ShipmentDetailApi(OrganisationAPIView):
    role_map = {"GET": ALL_ROLES, "PATCH": WRITER_ROLES, "DELETE": WRITER_ROLES}
    scope_area = "shipments"

    @extend_schema(responses=ShipmentOutput)
    def get(self, request: Request, org_slug: str, shipment_id: str) -> Response:
        shipment = self.get_object_or_404(
            shipments_visible_to(organisation=self.organisation), pk=shipment_id
        )
        return Response(ShipmentOutput(shipment).data)

    @extend_schema(request=SHIPMENT_INPUT_SCHEMA, responses=ShipmentOutput)
    def patch(self, request: Request, org_slug: str, shipment_id: str) -> Response:
        shipment = self.get_object_or_404(
            shipments_visible_to(organisation=self.organisation), pk=shipment_id
        )
        shipment = shipment_update(actor=self.actor, shipment=shipment, data=body_object(request))
        return Response(ShipmentOutput(shipment).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, org_slug: str, shipment_id: str) -> Response:
        shipment = self.get_object_or_404(
            shipments_visible_to(organisation=self.organisation), pk=shipment_id
        )
        shipment_delete(actor=self.actor, shipment=shipment)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ShipmentImportOutput(serializers.Serializer):
    id = serializers.UUIDField()
    file_name = serializers.CharField()
    sha256 = serializers.CharField()
    size_bytes = serializers.IntegerField()
    rows_total = serializers.IntegerField()
    rows_imported = serializers.IntegerField()
    rows_already_present = serializers.IntegerField()
    rows_failed = serializers.IntegerField()
    created_by = serializers.CharField(source="created_by_label")
    created_at = serializers.DateTimeField()


class ShipmentImportReportOutput(ShipmentImportOutput):
    repeated = serializers.SerializerMethodField()
    report = serializers.JSONField()

    def get_repeated(self, obj: Any) -> bool:
        return bool(self.context.get("repeated", False))


class ShipmentUploadApi(OrganisationAPIView):
    """CSV upload: valid rows are imported, every bad row is reported (201); the same file
    again answers its first report (200, ``repeated``) and writes nothing."""

    role_map = {"POST": WRITER_ROLES}
    scope_area = "shipments"
    parser_classes: ClassVar[list[Any]] = [MultiPartParser]  # type: ignore[misc]

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        responses={201: ShipmentImportReportOutput, 200: ShipmentImportReportOutput},
    )
    def post(self, request: Request, org_slug: str) -> Response:
        record, created = shipments_import_csv(
            actor=self.actor, organisation=self.organisation, upload=request.FILES.get("file")
        )
        return Response(
            ShipmentImportReportOutput(record, context={"repeated": not created}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ShipmentImportListApi(OrganisationAPIView):
    role_map = {"GET": ALL_ROLES}
    scope_area = "shipments"

    @extend_schema(responses=ShipmentImportOutput(many=True))
    def get(self, request: Request, org_slug: str) -> Response:
        return self.paginated(
            shipment_imports_visible_to(organisation=self.organisation), ShipmentImportOutput
        )


class ShipmentImportDetailApi(OrganisationAPIView):
    role_map = {"GET": ALL_ROLES}
    scope_area = "shipments"

    @extend_schema(responses=ShipmentImportReportOutput)
    def get(self, request: Request, org_slug: str, shipment_import_id: str) -> Response:
        record = self.get_object_or_404(
            shipment_imports_visible_to(organisation=self.organisation), pk=shipment_import_id
        )
        return Response(ShipmentImportReportOutput(record).data)
