"""Installations and products of a producer."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.base import OrganisationAPIView
from accounts.roles import ALL_ROLES, WRITER_ROLES
from core.api.fields import LATITUDE, LONGITUDE, NumberField
from suppliers.selectors import installations_visible_to, products_visible_to
from suppliers.services.catalogue import (
    installation_create,
    installation_update,
    product_create,
    product_update,
)


class InstallationOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    name_latin = serializers.CharField()
    address = serializers.CharField()
    country = serializers.CharField()
    un_locode = serializers.CharField()
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    cbam_operator_id = serializers.CharField()
    cbam_installation_id = serializers.CharField()
    production_routes = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()


class InstallationInput(serializers.Serializer):
    name = serializers.CharField(max_length=300, required=False)
    name_latin = serializers.CharField(max_length=300, required=False)
    address = serializers.CharField(required=False, allow_blank=True)
    country = serializers.CharField(max_length=2, required=False)
    un_locode = serializers.CharField(max_length=6, required=False, allow_blank=True)
    latitude = NumberField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, bounds=LATITUDE
    )
    longitude = NumberField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, bounds=LONGITUDE
    )
    cbam_operator_id = serializers.CharField(max_length=64, required=False, allow_blank=True)
    cbam_installation_id = serializers.CharField(max_length=64, required=False, allow_blank=True)
    production_routes = serializers.ListField(child=serializers.CharField(), required=False)


class InstallationListApi(OrganisationAPIView):
    role_map = {"GET": ALL_ROLES, "POST": WRITER_ROLES}
    scope_area = "installations"

    @extend_schema(responses=InstallationOutput(many=True))
    def get(self, request: Request, org_slug: str) -> Response:
        return self.paginated(
            installations_visible_to(organisation=self.organisation), InstallationOutput
        )

    @extend_schema(request=InstallationInput, responses={201: InstallationOutput})
    def post(self, request: Request, org_slug: str) -> Response:
        serializer = InstallationInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        installation = installation_create(
            actor=self.actor, organisation=self.organisation, data=dict(serializer.validated_data)
        )
        return Response(InstallationOutput(installation).data, status=status.HTTP_201_CREATED)


class InstallationDetailApi(OrganisationAPIView):
    role_map = {"GET": ALL_ROLES, "PATCH": WRITER_ROLES}
    scope_area = "installations"

    @extend_schema(responses=InstallationOutput)
    def get(self, request: Request, org_slug: str, installation_id: str) -> Response:
        installation = self.get_object_or_404(
            installations_visible_to(organisation=self.organisation), pk=installation_id
        )
        return Response(InstallationOutput(installation).data)

    @extend_schema(request=InstallationInput, responses=InstallationOutput)
    def patch(self, request: Request, org_slug: str, installation_id: str) -> Response:
        installation = self.get_object_or_404(
            installations_visible_to(organisation=self.organisation), pk=installation_id
        )
        serializer = InstallationInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        installation = installation_update(
            actor=self.actor, installation=installation, data=dict(serializer.validated_data)
        )
        return Response(InstallationOutput(installation).data)


class ProductOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    cn_code = serializers.CharField()
    category = serializers.CharField()
    production_route = serializers.CharField()
    benchmark_route = serializers.CharField()
    installations = serializers.SerializerMethodField()
    identifiers = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()

    def get_installations(self, obj: object) -> list[str]:
        return [str(i.pk) for i in obj.installations.all()]  # type: ignore[attr-defined]


class ProductInput(serializers.Serializer):
    name = serializers.CharField(max_length=300, required=False)
    cn_code = serializers.CharField(max_length=12, required=False)
    production_route = serializers.CharField(max_length=100, required=False, allow_blank=True)
    benchmark_route = serializers.CharField(max_length=3, required=False, allow_blank=True)
    installations = serializers.ListField(child=serializers.UUIDField(), required=False)
    identifiers = serializers.ListField(child=serializers.CharField(max_length=200), required=False)


class ProductListApi(OrganisationAPIView):
    role_map = {"GET": ALL_ROLES, "POST": WRITER_ROLES}
    scope_area = "products"

    @extend_schema(responses=ProductOutput(many=True))
    def get(self, request: Request, org_slug: str) -> Response:
        return self.paginated(products_visible_to(organisation=self.organisation), ProductOutput)

    @extend_schema(request=ProductInput, responses={201: ProductOutput})
    def post(self, request: Request, org_slug: str) -> Response:
        serializer = ProductInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        product = product_create(
            actor=self.actor, organisation=self.organisation, data=dict(serializer.validated_data)
        )
        return Response(ProductOutput(product).data, status=status.HTTP_201_CREATED)


class ProductDetailApi(OrganisationAPIView):
    role_map = {"GET": ALL_ROLES, "PATCH": WRITER_ROLES}
    scope_area = "products"

    @extend_schema(responses=ProductOutput)
    def get(self, request: Request, org_slug: str, product_id: str) -> Response:
        product = self.get_object_or_404(
            products_visible_to(organisation=self.organisation), pk=product_id
        )
        return Response(ProductOutput(product).data)

    @extend_schema(request=ProductInput, responses=ProductOutput)
    def patch(self, request: Request, org_slug: str, product_id: str) -> Response:
        product = self.get_object_or_404(
            products_visible_to(organisation=self.organisation), pk=product_id
        )
        serializer = ProductInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        product = product_update(
            actor=self.actor, product=product, data=dict(serializer.validated_data)
        )
        return Response(ProductOutput(product).data)
