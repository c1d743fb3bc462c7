"""The logged-in person: profile and organisations, switching, two-factor enrolment."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.base import UserAPIView
from accounts.selectors import memberships_of_user
from accounts.services.auth import totp_begin_enrolment, totp_confirm, totp_disable
from accounts.services.memberships import user_switch_organisation


class MyMembershipOutput(serializers.Serializer):
    organisation = serializers.SlugField(source="organisation.slug")
    organisation_name = serializers.CharField(source="organisation.legal_name_latin")
    role = serializers.CharField()


class MeOutput(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    totp_enabled = serializers.BooleanField()
    active_organisation = serializers.SlugField(
        source="active_organisation.slug",
        default=None,
        allow_null=True,
        help_text="Null until the person belongs to an organisation.",
    )
    memberships = serializers.SerializerMethodField()

    def get_memberships(self, user: object) -> list[dict[str, str]]:
        return list(
            MyMembershipOutput(memberships_of_user(user=user), many=True).data  # type: ignore[arg-type]
        )


class MeApi(UserAPIView):
    @extend_schema(responses=MeOutput)
    def get(self, request: Request) -> Response:
        return Response(MeOutput(self.user).data)


class ActiveOrganisationApi(UserAPIView):
    class InputSerializer(serializers.Serializer):
        organisation = serializers.SlugField()

    @extend_schema(request=InputSerializer, responses=MeOutput)
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user_switch_organisation(
            user=self.user, organisation_slug=serializer.validated_data["organisation"]
        )
        return Response(MeOutput(self.user).data)


class CodeInput(serializers.Serializer):
    code = serializers.RegexField(r"^\s*[0-9]{6}\s*$", help_text="6-digit code from the app")


class TotpEnrolmentApi(UserAPIView):
    class EnrolmentOutput(serializers.Serializer):
        otpauth_uri = serializers.CharField()

    @extend_schema(request=None, responses=EnrolmentOutput)
    def post(self, request: Request) -> Response:
        return Response({"otpauth_uri": totp_begin_enrolment(user=self.user)})


class TotpConfirmApi(UserAPIView):
    @extend_schema(request=CodeInput, responses=MeOutput)
    def post(self, request: Request) -> Response:
        serializer = CodeInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        totp_confirm(user=self.user, code=serializer.validated_data["code"])
        return Response(MeOutput(self.user).data)


class TotpDisableApi(UserAPIView):
    @extend_schema(request=CodeInput, responses=MeOutput)
    def post(self, request: Request) -> Response:
        serializer = CodeInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        totp_disable(user=self.user, code=serializer.validated_data["code"])
        self.user.refresh_from_db()
        return Response(MeOutput(self.user).data)
