"""Machine clients (create, rotate, revoke by admins) and the OAuth2 token endpoint."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.base import OrganisationAPIView, PublicAPIView
from accounts.api.throttling import TokenEndpointThrottle
from accounts.roles import ADMIN_ROLES, MACHINE_ROLE_CHOICES, Role
from accounts.scopes import ALL_SCOPES
from accounts.selectors import api_clients_visible_to
from accounts.services.api_clients import (
    api_client_create,
    api_client_revoke,
    api_client_rotate,
    token_issue,
)
from core.api.parsers import BoundedJSONParser
from core.errors import ApplicationError


class ApiClientOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    client_id = serializers.CharField()
    role = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())
    active = serializers.BooleanField(source="is_active")
    created_at = serializers.DateTimeField()
    secret_rotated_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)


class ApiClientWithSecretOutput(ApiClientOutput):
    client_secret = serializers.CharField(help_text="Shown only in this response.")


def _with_secret(client: Any, secret: str) -> dict[str, Any]:
    data = dict(ApiClientOutput(client).data)
    data["client_secret"] = secret
    return data


class ApiClientListApi(OrganisationAPIView):
    role_map = {"GET": ADMIN_ROLES, "POST": ADMIN_ROLES}
    scope_area = "members"

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=120)
        role = serializers.ChoiceField(choices=MACHINE_ROLE_CHOICES, default=Role.VIEWER)
        scopes = serializers.ListField(
            child=serializers.ChoiceField(choices=sorted(ALL_SCOPES)), allow_empty=False
        )

    @extend_schema(responses=ApiClientOutput(many=True))
    def get(self, request: Request, org_slug: str) -> Response:
        return self.paginated(
            api_clients_visible_to(organisation=self.organisation), ApiClientOutput
        )

    @extend_schema(request=InputSerializer, responses={201: ApiClientWithSecretOutput})
    def post(self, request: Request, org_slug: str) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        client, secret = api_client_create(
            actor=self.actor, organisation=self.organisation, **serializer.validated_data
        )
        return Response(_with_secret(client, secret), status=status.HTTP_201_CREATED)


class ApiClientDetailApi(OrganisationAPIView):
    role_map = {"GET": ADMIN_ROLES, "DELETE": ADMIN_ROLES}
    scope_area = "members"

    @extend_schema(responses=ApiClientOutput)
    def get(self, request: Request, org_slug: str, api_client_id: str) -> Response:
        client = self.get_object_or_404(
            api_clients_visible_to(organisation=self.organisation), pk=api_client_id
        )
        return Response(ApiClientOutput(client).data)

    @extend_schema(
        # 200 with the revoked client (a DELETE with a serializer would be documented as 204).
        responses={200: ApiClientOutput},
        description="Revoke: the client and its tokens stop working.",
    )
    def delete(self, request: Request, org_slug: str, api_client_id: str) -> Response:
        client = self.get_object_or_404(
            api_clients_visible_to(organisation=self.organisation), pk=api_client_id
        )
        client = api_client_revoke(actor=self.actor, client=client)
        return Response(ApiClientOutput(client).data)


class ApiClientRotateApi(OrganisationAPIView):
    role_map = {"POST": ADMIN_ROLES}
    scope_area = "members"

    @extend_schema(request=None, responses=ApiClientWithSecretOutput)
    def post(self, request: Request, org_slug: str, api_client_id: str) -> Response:
        client = self.get_object_or_404(
            api_clients_visible_to(organisation=self.organisation), pk=api_client_id
        )
        client, secret = api_client_rotate(actor=self.actor, client=client)
        return Response(_with_secret(client, secret))


class TokenOutput(serializers.Serializer):
    access_token = serializers.CharField()
    token_type = serializers.CharField()
    expires_in = serializers.IntegerField()
    scope = serializers.CharField()


def _oauth_error(code: str, message: str, http_status: int) -> Response:
    # RFC 6749 §5.2 names the fields error/error_description; our envelope rides along.
    body = {
        "error": code,
        "error_description": message,
        "code": code,
        "message": message,
        "extra": {},
    }
    headers = {"WWW-Authenticate": 'Basic realm="token"'} if http_status == 401 else {}
    return Response(body, status=http_status, headers=headers)


class TokenApi(PublicAPIView):
    """OAuth2 token endpoint, client credentials grant (RFC 6749 §4.4).

    Client authentication by HTTP Basic (``client_id:client_secret``) or form fields.
    """

    parser_classes = [FormParser, BoundedJSONParser]
    throttle_classes = [TokenEndpointThrottle]

    class InputSerializer(serializers.Serializer):
        grant_type = serializers.CharField()
        scope = serializers.CharField(required=False, allow_blank=True)
        client_id = serializers.CharField(required=False)
        client_secret = serializers.CharField(required=False)

    def requested_scope(self, scope: str | None) -> str | None:
        """The platform scopes asked for; a protocol adapter (PACT) maps its own names here."""
        return scope

    def granted_scope(self, scopes: list[str]) -> str:
        """The ``scope`` field of the answer, in the caller's vocabulary."""
        return " ".join(scopes)

    @extend_schema(request=InputSerializer, responses=TokenOutput, auth=[])
    def post(self, request: Request) -> Response:
        data = request.data
        # Form fields are always strings; a JSON body may hold anything.
        if not isinstance(data, Mapping):
            return _oauth_error(
                "invalid_request", "Send the parameters as form fields or a JSON object.", 400
            )
        for name in ("grant_type", "scope", "client_id", "client_secret"):
            if data.get(name) is not None and not isinstance(data.get(name), str):
                return _oauth_error("invalid_request", f"{name} must be a string.", 400)
        grant_type = data.get("grant_type", "")
        if grant_type != "client_credentials":
            return _oauth_error(
                "unsupported_grant_type",
                f"grant_type {grant_type!r} is not supported; use client_credentials.",
                400,
            )
        client_id, client_secret = data.get("client_id", ""), data.get("client_secret", "")
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
                client_id, _, client_secret = decoded.partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return _oauth_error("invalid_request", "Malformed Basic credentials.", 400)
        if not client_id or not client_secret:
            return _oauth_error(
                "invalid_client",
                "Client authentication is missing: send HTTP Basic client_id:client_secret.",
                401,
            )
        try:
            issued = token_issue(
                client_id=client_id,
                client_secret=client_secret,
                scope=self.requested_scope(data.get("scope")),
            )
        except ApplicationError as exc:
            return _oauth_error(exc.code, exc.message, exc.status)
        return Response(
            {
                "access_token": issued.access_token,
                "token_type": "Bearer",
                "expires_in": issued.expires_in,
                "scope": self.granted_scope(issued.scopes),
            },
            headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
        )
