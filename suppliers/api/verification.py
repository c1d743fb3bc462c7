"""The verifier's inbox: footprints that name this organisation as verifier, and confirming."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.base import OrganisationAPIView
from accounts.roles import ALL_ROLES, REVIEW_ROLES
from suppliers.services.verification import (
    footprint_verification_confirm,
    verification_requests_visible_to,
)


class VerificationRequestOutput(serializers.Serializer):
    id = serializers.UUIDField()
    producer = serializers.SlugField(source="organisation.slug")
    producer_name = serializers.CharField(source="organisation.legal_name_latin")
    product_name = serializers.CharField(source="product.name")
    cn_code = serializers.CharField(source="product.cn_code")
    installation = serializers.CharField(source="installation.name_latin")
    country = serializers.CharField(source="installation.country")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    status = serializers.CharField()
    activity_level_t = serializers.DecimalField(max_digits=28, decimal_places=10)
    attributed_direct_tco2e = serializers.DecimalField(max_digits=28, decimal_places=10)
    electricity_mwh = serializers.DecimalField(max_digits=28, decimal_places=10, allow_null=True)
    inputs_as_entered = serializers.JSONField()
    see_direct = serializers.DecimalField(max_digits=20, decimal_places=5, allow_null=True)
    see_indirect = serializers.DecimalField(max_digits=20, decimal_places=5, allow_null=True)
    see_total = serializers.DecimalField(max_digits=20, decimal_places=5, allow_null=True)
    verification_statement_date = serializers.DateField(allow_null=True)
    assurance_level = serializers.CharField()
    verifier_confirmed_at = serializers.DateTimeField(allow_null=True)


class VerificationRequestListApi(OrganisationAPIView):
    role_map = {"GET": ALL_ROLES}
    scope_area = "footprints"

    @extend_schema(responses=VerificationRequestOutput(many=True))
    def get(self, request: Request, org_slug: str) -> Response:
        return self.paginated(
            verification_requests_visible_to(organisation=self.organisation),
            VerificationRequestOutput,
        )


class VerificationRequestDetailApi(OrganisationAPIView):
    role_map = {"GET": ALL_ROLES}
    scope_area = "footprints"

    @extend_schema(responses=VerificationRequestOutput)
    def get(self, request: Request, org_slug: str, request_id: str) -> Response:
        footprint = self.get_object_or_404(
            verification_requests_visible_to(organisation=self.organisation), pk=request_id
        )
        return Response(VerificationRequestOutput(footprint).data)


class VerificationConfirmApi(OrganisationAPIView):
    role_map = {"POST": REVIEW_ROLES}
    scope_area = "footprints"
    people_only = True

    @extend_schema(request=None, responses=VerificationRequestOutput)
    def post(self, request: Request, org_slug: str, request_id: str) -> Response:
        footprint = self.get_object_or_404(
            verification_requests_visible_to(organisation=self.organisation), pk=request_id
        )
        footprint = footprint_verification_confirm(
            actor=self.actor, verifier=self.organisation, footprint=footprint
        )
        fresh = verification_requests_visible_to(organisation=self.organisation).get(
            pk=footprint.pk
        )
        return Response(VerificationRequestOutput(fresh).data)
