"""Notifications of this organisation: list, mark one or all read."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.base import OrganisationAPIView
from accounts.roles import ALL_ROLES
from core.errors import ValidationFailed
from exchange.sharing.models import NotificationKind
from exchange.sharing.services.notifications import (
    notification_mark_read,
    notifications_mark_all_read,
    notifications_visible_to,
)


class NotificationOutput(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=NotificationKind.choices)
    subject = serializers.CharField()
    body = serializers.CharField()
    object_type = serializers.CharField()
    object_id = serializers.CharField()
    data = serializers.JSONField()  # type: ignore[assignment]  # the field, not .data
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)
    emailed_at = serializers.DateTimeField(allow_null=True)


class ReadAllOutput(serializers.Serializer):
    marked_read = serializers.IntegerField()


class NotificationListApi(OrganisationAPIView):
    role_map = {"GET": ALL_ROLES}
    scope_area = "requests"

    @extend_schema(
        parameters=[OpenApiParameter("unread", bool, description="true: unread only")],
        responses=NotificationOutput(many=True),
    )
    def get(self, request: Request, org_slug: str) -> Response:
        value = (request.query_params.get("unread") or "").lower()
        if value not in ("", "true", "false"):
            raise ValidationFailed(
                "Invalid filter.", fields={"unread": [f"{value!r}; expected true or false."]}
            )
        unread = None if value == "" else value == "true"
        return self.paginated(
            notifications_visible_to(organisation=self.organisation, unread=unread),
            NotificationOutput,
        )


class NotificationReadApi(OrganisationAPIView):
    """Mark one notification read (for the whole organisation); any member may."""

    role_map = {"POST": ALL_ROLES}
    scope_area = "requests"

    @extend_schema(request=None, responses=NotificationOutput)
    def post(self, request: Request, org_slug: str, notification_id: str) -> Response:
        notification = self.get_object_or_404(
            notifications_visible_to(organisation=self.organisation), pk=notification_id
        )
        read = notification_mark_read(actor=self.actor, notification=notification)
        return Response(NotificationOutput(read).data)


class NotificationReadAllApi(OrganisationAPIView):
    role_map = {"POST": ALL_ROLES}
    scope_area = "requests"

    @extend_schema(request=None, responses=ReadAllOutput)
    def post(self, request: Request, org_slug: str) -> Response:
        count = notifications_mark_all_read(actor=self.actor, organisation=self.organisation)
        return Response({"marked_read": count})
