"""Memberships and invitations of an organisation."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.base import OrganisationAPIView, UserAPIView
from accounts.models import Invitation
from accounts.roles import ADMIN_ROLES, ALL_ROLES, Role
from accounts.selectors import invitations_visible_to, memberships_visible_to
from accounts.services.invitations import (
    invitation_accept,
    invitation_accept_url,
    invitation_create,
    invitation_revoke,
)
from accounts.services.memberships import membership_change_role, membership_remove


class MembershipOutput(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(source="user.full_name")
    role = serializers.CharField()
    created_at = serializers.DateTimeField()


class MembershipListApi(OrganisationAPIView):
    role_map = {"GET": ALL_ROLES}
    scope_area = "members"

    @extend_schema(responses=MembershipOutput(many=True))
    def get(self, request: Request, org_slug: str) -> Response:
        return self.paginated(
            memberships_visible_to(organisation=self.organisation), MembershipOutput
        )


class MembershipDetailApi(OrganisationAPIView):
    role_map = {"PATCH": ADMIN_ROLES, "DELETE": ADMIN_ROLES}
    scope_area = "members"

    class InputSerializer(serializers.Serializer):
        role = serializers.ChoiceField(choices=Role.choices)

    @extend_schema(request=InputSerializer, responses=MembershipOutput)
    def patch(self, request: Request, org_slug: str, membership_id: str) -> Response:
        membership = self.get_object_or_404(
            memberships_visible_to(organisation=self.organisation), pk=membership_id
        )
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = membership_change_role(
            actor=self.actor,
            acting_role=self.role,
            membership=membership,
            role=serializer.validated_data["role"],
        )
        return Response(MembershipOutput(membership).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, org_slug: str, membership_id: str) -> Response:
        membership = self.get_object_or_404(
            memberships_visible_to(organisation=self.organisation), pk=membership_id
        )
        membership_remove(actor=self.actor, acting_role=self.role, membership=membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationOutput(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    role = serializers.CharField()
    status = serializers.SerializerMethodField()
    invited_by = serializers.EmailField(source="invited_by.email", default=None)
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()

    def get_status(self, obj: Invitation) -> str:
        return obj.status_at(timezone.now())


class InvitationCreatedOutput(InvitationOutput):
    accept_url = serializers.CharField(help_text="Shown once; also sent by email.")


class InvitationListApi(OrganisationAPIView):
    role_map = {"GET": ADMIN_ROLES, "POST": ADMIN_ROLES}
    scope_area = "members"

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        role = serializers.ChoiceField(choices=Role.choices)

    @extend_schema(responses=InvitationOutput(many=True))
    def get(self, request: Request, org_slug: str) -> Response:
        return self.paginated(
            invitations_visible_to(organisation=self.organisation), InvitationOutput
        )

    @extend_schema(request=InputSerializer, responses={201: InvitationCreatedOutput})
    def post(self, request: Request, org_slug: str) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation, raw_token = invitation_create(
            actor=self.actor,
            acting_role=self.role,
            organisation=self.organisation,
            email=serializer.validated_data["email"],
            role=serializer.validated_data["role"],
        )
        data = dict(InvitationOutput(invitation).data)
        data["accept_url"] = invitation_accept_url(raw_token)
        return Response(data, status=status.HTTP_201_CREATED)


class InvitationDetailApi(OrganisationAPIView):
    role_map = {"DELETE": ADMIN_ROLES}
    scope_area = "members"

    @extend_schema(responses={204: None})
    def delete(self, request: Request, org_slug: str, invitation_id: str) -> Response:
        invitation = self.get_object_or_404(
            invitations_visible_to(organisation=self.organisation), pk=invitation_id
        )
        invitation_revoke(actor=self.actor, invitation=invitation)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationAcceptApi(UserAPIView):
    class InputSerializer(serializers.Serializer):
        token = serializers.CharField(max_length=200)

    @extend_schema(request=InputSerializer, responses={201: MembershipOutput})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = invitation_accept(user=self.user, raw_token=serializer.validated_data["token"])
        return Response(MembershipOutput(membership).data, status=status.HTTP_201_CREATED)
