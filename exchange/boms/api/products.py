"""A buyer's products and their bill-of-materials lines (CRUD)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.base import OrganisationAPIView
from accounts.roles import ALL_ROLES, WRITER_ROLES
from core.api.inputs import body_object, serializer_for
from exchange.boms.inputs import BOM_LINE_INPUT, BUYER_PRODUCT_INPUT
from exchange.boms.models import BomLine, BuyerProduct, LineSource
from exchange.boms.selectors import bom_lines_of, buyer_products_visible_to
from exchange.boms.services.lines import bom_line_create, bom_line_delete, bom_line_update
from exchange.boms.services.products import (
    buyer_product_create,
    buyer_product_delete,
    buyer_product_update,
)


class BuyerProductOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    cn_code = serializers.CharField()
    country_of_production = serializers.CharField()
    reference = serializers.CharField()
    production_route = serializers.CharField()
    direct_tco2e_per_t = serializers.DecimalField(max_digits=20, decimal_places=10)
    electricity_mwh_per_t = serializers.DecimalField(max_digits=20, decimal_places=10)
    electricity_factor_tco2_per_mwh = serializers.DecimalField(
        max_digits=12, decimal_places=6, allow_null=True
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class BomLineOutput(serializers.Serializer):
    id = serializers.UUIDField()
    product = serializers.UUIDField(source="product_id")
    position = serializers.IntegerField()
    cn_code = serializers.CharField()
    description = serializers.CharField()
    mass_t_per_t = serializers.DecimalField(max_digits=20, decimal_places=10)
    country_of_origin = serializers.CharField(allow_blank=True)
    origin_unknown = serializers.BooleanField(
        help_text="The country of production cannot be identified: the Annex IV value of "
        "IR 2025/2621 applies (Art. 1(5)); country_of_origin is then empty"
    )
    source = serializers.ChoiceField(choices=LineSource.choices)  # type: ignore[assignment]
    footprint = serializers.UUIDField(source="footprint_id", allow_null=True)
    lineage = serializers.UUIDField(allow_null=True)
    own_product = serializers.UUIDField(source="own_product_id", allow_null=True)
    fetched_footprint = serializers.UUIDField(
        source="fetched_footprint_id",
        allow_null=True,
        help_text="With source fetched_footprint: the footprint fetched from a PACT partner",
    )
    supplier = serializers.IntegerField(source="supplier_id", allow_null=True)
    supplier_name = serializers.CharField()
    updated_at = serializers.DateTimeField()


BUYER_PRODUCT_INPUT_SCHEMA = serializer_for(BUYER_PRODUCT_INPUT)
BOM_LINE_INPUT_SCHEMA = serializer_for(BOM_LINE_INPUT)


class BuyerProductListApi(OrganisationAPIView):
    role_map = {"GET": ALL_ROLES, "POST": WRITER_ROLES}
    scope_area = "boms"

    @extend_schema(responses=BuyerProductOutput(many=True))
    def get(self, request: Request, org_slug: str) -> Response:
        return self.paginated(
            buyer_products_visible_to(organisation=self.organisation), BuyerProductOutput
        )

    @extend_schema(request=BUYER_PRODUCT_INPUT_SCHEMA, responses={201: BuyerProductOutput})
    def post(self, request: Request, org_slug: str) -> Response:
        product = buyer_product_create(
            actor=self.actor,
            organisation=self.organisation,
            data=body_object(request),
        )
        return Response(BuyerProductOutput(product).data, status=status.HTTP_201_CREATED)


class BuyerProductDetailApi(OrganisationAPIView):
    role_map = {"GET": ALL_ROLES, "PATCH": WRITER_ROLES, "DELETE": WRITER_ROLES}
    scope_area = "boms"

    def _product(self, buyer_product_id: str) -> BuyerProduct:
        return self.get_object_or_404(
            buyer_products_visible_to(organisation=self.organisation), pk=buyer_product_id
        )

    @extend_schema(responses=BuyerProductOutput)
    def get(self, request: Request, org_slug: str, buyer_product_id: str) -> Response:
        return Response(BuyerProductOutput(self._product(buyer_product_id)).data)

    @extend_schema(request=BUYER_PRODUCT_INPUT_SCHEMA, responses=BuyerProductOutput)
    def patch(self, request: Request, org_slug: str, buyer_product_id: str) -> Response:
        product = buyer_product_update(
            actor=self.actor,
            product=self._product(buyer_product_id),
            data=body_object(request),
        )
        return Response(BuyerProductOutput(product).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, org_slug: str, buyer_product_id: str) -> Response:
        buyer_product_delete(actor=self.actor, product=self._product(buyer_product_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class _LinesBase(OrganisationAPIView):
    scope_area = "boms"

    def _product(self, buyer_product_id: str) -> BuyerProduct:
        return self.get_object_or_404(
            buyer_products_visible_to(organisation=self.organisation), pk=buyer_product_id
        )

    def _line(self, buyer_product_id: str, bom_line_id: str) -> BomLine:
        product = self._product(buyer_product_id)
        return self.get_object_or_404(bom_lines_of(product=product), pk=bom_line_id)


class BomLineListApi(_LinesBase):
    role_map = {"GET": ALL_ROLES, "POST": WRITER_ROLES}

    @extend_schema(responses=BomLineOutput(many=True))
    def get(self, request: Request, org_slug: str, buyer_product_id: str) -> Response:
        product = self._product(buyer_product_id)
        return self.paginated(bom_lines_of(product=product), BomLineOutput)

    @extend_schema(request=BOM_LINE_INPUT_SCHEMA, responses={201: BomLineOutput})
    def post(self, request: Request, org_slug: str, buyer_product_id: str) -> Response:
        line = bom_line_create(
            actor=self.actor,
            product=self._product(buyer_product_id),
            data=body_object(request),
        )
        return Response(BomLineOutput(line).data, status=status.HTTP_201_CREATED)


class BomLineDetailApi(_LinesBase):
    role_map = {"GET": ALL_ROLES, "PATCH": WRITER_ROLES, "DELETE": WRITER_ROLES}

    @extend_schema(responses=BomLineOutput)
    def get(
        self, request: Request, org_slug: str, buyer_product_id: str, bom_line_id: str
    ) -> Response:
        return Response(BomLineOutput(self._line(buyer_product_id, bom_line_id)).data)

    @extend_schema(request=BOM_LINE_INPUT_SCHEMA, responses=BomLineOutput)
    def patch(
        self, request: Request, org_slug: str, buyer_product_id: str, bom_line_id: str
    ) -> Response:
        line = bom_line_update(
            actor=self.actor,
            line=self._line(buyer_product_id, bom_line_id),
            data=body_object(request),
        )
        return Response(BomLineOutput(line).data)

    @extend_schema(responses={204: None})
    def delete(
        self, request: Request, org_slug: str, buyer_product_id: str, bom_line_id: str
    ) -> Response:
        bom_line_delete(actor=self.actor, line=self._line(buyer_product_id, bom_line_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
