"""The verifier's inbox: footprints that name this organisation as verifier; confirming or
declining (with a comment) each submission; the history of its answers."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.base import OrganisationAPIView
from accounts.roles import ALL_ROLES, REVIEW_ROLES
from suppliers.api.footprints import CommentInput
from suppliers.models import Footprint
from suppliers.selectors import verification_decisions_of, verification_requests_visible_to
from suppliers.services.verification import (
    footprint_verification_confirm,
    footprint_verification_decline,
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
    verifier_declined_at = serializers.DateTimeField(allow_null=True)


class VerificationDecisionOutput(serializers.Serializer):
    id = serializers.UUIDField()
    footprint = serializers.UUIDField(source="footprint_id")
    producer = serializers.SlugField(source="footprint.organisation.slug")
    product_name = serializers.CharField(source="footprint.product.name")
    cn_code = serializers.CharField(source="footprint.product.cn_code")
    period_start = serializers.DateField(source="footprint.period_start")
    period_end = serializers.DateField(source="footprint.period_end")
    outcome = serializers.CharField()
    comment = serializers.CharField()
    decided_by = serializers.EmailField(source="decided_by.email", allow_null=True)
    decided_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    see_direct = serializers.DecimalField(max_digits=20, decimal_places=5, allow_null=True)
    see_indirect = serializers.DecimalField(max_digits=20, decimal_places=5, allow_null=True)
    see_total = serializers.DecimalField(max_digits=20, decimal_places=5, allow_null=True)


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


class _VerificationAnswerApi(OrganisationAPIView):
    role_map = {"POST": REVIEW_ROLES}
    scope_area = "footprints"
    people_only = True

    def answer(self, footprint: Footprint, comment: str) -> None:
        raise NotImplementedError

    @extend_schema(request=CommentInput, responses=VerificationRequestOutput)
    def post(self, request: Request, org_slug: str, request_id: str) -> Response:
        serializer = CommentInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        visible = verification_requests_visible_to(organisation=self.organisation)
        footprint = self.get_object_or_404(visible, pk=request_id)
        self.answer(footprint, serializer.validated_data["comment"])
        return Response(VerificationRequestOutput(visible.get(pk=footprint.pk)).data)


class VerificationConfirmApi(_VerificationAnswerApi):
    """Confirm the verification of the footprint's current submission (optional comment)."""

    def answer(self, footprint: Footprint, comment: str) -> None:
        footprint_verification_confirm(
            actor=self.actor, verifier=self.organisation, footprint=footprint, comment=comment
        )


class VerificationDeclineApi(_VerificationAnswerApi):
    """Decline it, saying why in ``comment`` (required); the producer is told."""

    def answer(self, footprint: Footprint, comment: str) -> None:
        footprint_verification_decline(
            actor=self.actor, verifier=self.organisation, footprint=footprint, comment=comment
        )


class VerificationDecisionListApi(OrganisationAPIView):
    """Every answer this organisation gave as a verifier, newest first."""

    role_map = {"GET": ALL_ROLES}
    scope_area = "footprints"

    @extend_schema(responses=VerificationDecisionOutput(many=True))
    def get(self, request: Request, org_slug: str) -> Response:
        return self.paginated(
            verification_decisions_of(organisation=self.organisation), VerificationDecisionOutput
        )
