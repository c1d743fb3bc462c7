"""The "default value must be used" decision of a footprint."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.roles import ALL_ROLES
from core.errors import ValidationFailed
from suppliers.api.footprints import FootprintObjectAPIView
from suppliers.api.validation import DecisionOutput
from suppliers.services.decision_records import DECIDED_STATUSES, footprint_decision_refresh


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
