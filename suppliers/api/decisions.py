"""The "default value must be used" decision of a footprint."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.roles import ALL_ROLES
from core.errors import ValidationFailed
from suppliers.api.footprints import FootprintObjectAPIView
from suppliers.validation.decisions import DECIDED_STATUSES, footprint_decision_refresh


class DecisionReasonOutput(serializers.Serializer):
    code = serializers.CharField()
    path = serializers.CharField()
    message_en = serializers.CharField()
    message_zh = serializers.CharField()


class DecisionOutput(serializers.Serializer):
    footprint = serializers.UUIDField(source="footprint_id")
    actual_data_allowed = serializers.BooleanField()
    default_value_must_be_used = serializers.SerializerMethodField()
    reasons = DecisionReasonOutput(many=True)
    warnings = serializers.JSONField()
    year = serializers.IntegerField()
    certificate_price_eur = serializers.DecimalField(max_digits=12, decimal_places=2)
    default_see_direct = serializers.DecimalField(max_digits=20, decimal_places=5, allow_null=True)
    default_see_indirect = serializers.DecimalField(
        max_digits=20, decimal_places=5, allow_null=True
    )
    default_value_row = serializers.CharField()
    mark_up = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    cost_actual_eur_per_t = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True
    )
    cost_default_eur_per_t = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True
    )
    cost_difference_eur_per_t = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True
    )
    note = serializers.CharField()
    computed_at = serializers.DateTimeField()

    def get_default_value_must_be_used(self, obj: object) -> bool:
        return not obj.actual_data_allowed  # type: ignore[attr-defined]


class FootprintDecisionApi(FootprintObjectAPIView):
    """The decision as last computed; computed now if its inputs changed since (the record
    is a cache of a pure function of the footprint's current state)."""

    role_map = {"GET": ALL_ROLES}

    @extend_schema(responses=DecisionOutput)
    def get(self, request: Request, org_slug: str, footprint_id: str) -> Response:
        footprint = self.footprint(footprint_id)
        if footprint.status not in DECIDED_STATUSES:
            raise ValidationFailed(
                f"This footprint is {footprint.status}; a decision is taken once it is submitted.",
                code="not_decided",
            )
        record = footprint_decision_refresh(footprint_id=footprint.pk)
        return Response(DecisionOutput(record).data)
