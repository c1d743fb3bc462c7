"""The audit log of an organisation, read by its admins."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.base import OrganisationAPIView
from accounts.roles import ADMIN_ROLES
from accounts.selectors import audit_events_visible_to


class AuditEventOutput(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor_label")
    action = serializers.CharField()
    object_type = serializers.CharField()
    object_id = serializers.CharField()
    before = serializers.JSONField()
    after = serializers.JSONField()
    request_id = serializers.CharField()


class AuditEventListApi(OrganisationAPIView):
    role_map = {"GET": ADMIN_ROLES}
    scope_area = "audit"

    @extend_schema(responses=AuditEventOutput(many=True))
    def get(self, request: Request, org_slug: str) -> Response:
        queryset = audit_events_visible_to(organisation=self.organisation)
        action = request.query_params.get("action")
        if action:
            queryset = queryset.filter(action=action)
        return self.paginated(queryset, AuditEventOutput)
