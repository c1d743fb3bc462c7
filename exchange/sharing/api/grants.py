"""Grants: the ones this organisation gave (share proactively, revoke) and the ones it holds."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.base import OrganisationAPIView
from accounts.models import Organisation
from accounts.roles import ALL_ROLES, WRITER_ROLES
from core.errors import ValidationFailed
from exchange.sharing.api.requests import OrganisationRefOutput
from exchange.sharing.models import Grant
from exchange.sharing.selectors import grants_given_by, grants_received_by
from exchange.sharing.services.grants import grant_revoke, grant_share


class GrantedFootprintOutput(serializers.Serializer):
    footprint = serializers.UUIDField(source="footprint_id")
    lineage = serializers.UUIDField()


class GrantOutput(serializers.Serializer):
    id = serializers.UUIDField()
    supplier = OrganisationRefOutput()
    buyer = OrganisationRefOutput()
    request = serializers.UUIDField(source="request_id", allow_null=True)
    live = serializers.BooleanField(source="is_live")
    footprints = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    revocation_reason = serializers.CharField()

    @extend_schema_field(GrantedFootprintOutput(many=True))
    def get_footprints(self, obj: Grant) -> list[dict[str, Any]]:
        return list(GrantedFootprintOutput(obj.footprints.all(), many=True).data)


class GrantReceivedOutput(GrantOutput):
    """A grant as its buyer sees it: a revoked grant names no footprints any more."""

    @extend_schema_field(GrantedFootprintOutput(many=True))
    def get_footprints(self, obj: Grant) -> list[dict[str, Any]]:
        return super().get_footprints(obj) if obj.is_live else []


class ShareInput(serializers.Serializer):
    buyer = serializers.CharField(help_text="Slug of the organisation to share with")
    footprints = serializers.ListField(
        child=serializers.CharField(),
        allow_empty=False,
        help_text="Ids of your published footprints",
    )


_LIVE_FILTER = [OpenApiParameter("live", bool, description="true: live only; false: revoked")]


def _live_filter(request: Request) -> bool | None:
    value = (request.query_params.get("live") or "").lower()
    if value in ("", None):
        return None
    if value not in ("true", "false"):
        raise ValidationFailed(
            "Invalid filter.", fields={"live": [f"{value!r}; expected true or false."]}
        )
    return value == "true"


class GrantListApi(OrganisationAPIView):
    """Grants this organisation gave; POST shares footprints with a buyer proactively."""

    role_map = {"GET": ALL_ROLES, "POST": WRITER_ROLES}
    scope_area = "grants"

    @extend_schema(parameters=_LIVE_FILTER, responses=GrantOutput(many=True))
    def get(self, request: Request, org_slug: str) -> Response:
        queryset = grants_given_by(supplier=self.organisation, live=_live_filter(request))
        return self.paginated(queryset, GrantOutput)

    @extend_schema(request=ShareInput, responses={201: GrantOutput})
    def post(self, request: Request, org_slug: str) -> Response:
        serializer = ShareInput(data=request.data if isinstance(request.data, dict) else {})
        serializer.is_valid(raise_exception=True)
        slug = serializer.validated_data["buyer"]
        buyer = Organisation.objects.filter(slug=slug).first()
        if buyer is None:
            raise ValidationFailed(
                "Unknown buyer.",
                fields={
                    "buyer": [
                        f"There is no organisation {slug!r} on the platform; expected the slug "
                        "of the organisation to share with."
                    ]
                },
            )
        grant = grant_share(
            actor=self.actor,
            supplier=self.organisation,
            buyer=buyer,
            footprints=serializer.validated_data["footprints"],
        )
        fresh = grants_given_by(supplier=self.organisation).get(pk=grant.pk)
        return Response(GrantOutput(fresh).data, status=status.HTTP_201_CREATED)


class GrantReceivedListApi(OrganisationAPIView):
    """Grants other organisations gave this one."""

    role_map = {"GET": ALL_ROLES}
    scope_area = "grants"

    @extend_schema(parameters=_LIVE_FILTER, responses=GrantReceivedOutput(many=True))
    def get(self, request: Request, org_slug: str) -> Response:
        queryset = grants_received_by(buyer=self.organisation, live=_live_filter(request))
        return self.paginated(queryset, GrantReceivedOutput)


class _GivenGrantApi(OrganisationAPIView):
    scope_area = "grants"

    def given(self, grant_id: str) -> Grant:
        return self.get_object_or_404(grants_given_by(supplier=self.organisation), pk=grant_id)


class GrantDetailApi(_GivenGrantApi):
    role_map = {"GET": ALL_ROLES}

    @extend_schema(responses=GrantOutput)
    def get(self, request: Request, org_slug: str, grant_id: str) -> Response:
        return Response(GrantOutput(self.given(grant_id)).data)


class RevokeInput(serializers.Serializer):
    reason = serializers.CharField(help_text="Why the buyer loses access; sent to the buyer")


class GrantRevokeApi(_GivenGrantApi):
    """Revoking only ever narrows what a buyer sees, so whoever may share may revoke (writers):
    a preparer who shared the wrong footprint must be able to undo it at once."""

    role_map = {"POST": WRITER_ROLES}

    @extend_schema(request=RevokeInput, responses=GrantOutput)
    def post(self, request: Request, org_slug: str, grant_id: str) -> Response:
        given = self.given(grant_id)  # 404 before judging the input
        serializer = RevokeInput(data=request.data if isinstance(request.data, dict) else {})
        serializer.is_valid(raise_exception=True)
        revoked = grant_revoke(
            actor=self.actor, grant=given, reason=serializer.validated_data["reason"]
        )
        return Response(GrantOutput(self.given(str(revoked.pk))).data)
