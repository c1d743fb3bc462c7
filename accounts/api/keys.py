"""Signing keys of an organisation (list, rotate, revoke), the public JWKS, and the public
verification of a signed document."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle

from accounts.api.base import OrganisationAPIView, PublicAPIView
from accounts.roles import ADMIN_ROLES, ALL_ROLES
from accounts.selectors import (
    jwks_published,
    organisation_by_slug,
    signing_key_jwk,
    signing_keys_visible_to,
)
from accounts.services.signing_keys import (
    REVOCATION_REASON_MAX_LENGTH,
    document_verify,
    signing_key_revoke,
    signing_key_rotate,
)
from accounts.signing import canonicalize
from core.errors import NotFound

JWKS_CACHE_CONTROL = "public, max-age=300"


class JwkOutput(serializers.Serializer):
    kty = serializers.CharField(help_text="OKP")
    crv = serializers.CharField(help_text="Ed25519")
    x = serializers.CharField(help_text="The 32-byte public key, base64url")
    kid = serializers.CharField()
    use = serializers.CharField(help_text="sig")
    alg = serializers.CharField(help_text="Ed25519")
    organisation = serializers.CharField(help_text="Slug of the owning organisation")
    organisation_name = serializers.CharField()
    created_at = serializers.CharField(help_text="ISO 8601, UTC")
    retired_at = serializers.CharField(
        required=False, help_text="Present when rotated out: no longer signs, still verifies"
    )
    revoked_at = serializers.CharField(
        required=False, help_text="Present when revoked: signatures at or after it are invalid"
    )
    revocation_reason = serializers.CharField(required=False)


class JwksOutput(serializers.Serializer):
    keys = JwkOutput(many=True)


class SigningKeyOutput(serializers.Serializer):
    id = serializers.UUIDField()
    kid = serializers.CharField()
    status = serializers.ChoiceField(choices=["active", "retired", "revoked"])
    jwk = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    activated_at = serializers.DateTimeField()
    retired_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    revocation_reason = serializers.CharField()

    @extend_schema(responses=JwkOutput)
    def get_jwk(self, key: Any) -> dict[str, Any]:
        return signing_key_jwk(key)


class SigningKeyListApi(OrganisationAPIView):
    role_map = {"GET": ALL_ROLES}
    scope_area = "keys"

    @extend_schema(responses=SigningKeyOutput(many=True))
    def get(self, request: Request, org_slug: str) -> Response:
        return self.paginated(
            signing_keys_visible_to(organisation=self.organisation), SigningKeyOutput
        )


class SigningKeyRotateApi(OrganisationAPIView):
    role_map = {"POST": ADMIN_ROLES}
    scope_area = "keys"

    @extend_schema(
        request=None,
        responses={201: SigningKeyOutput},
        description="Retire the active key (it keeps verifying) and create the one that signs "
        "from now on.",
    )
    def post(self, request: Request, org_slug: str) -> Response:
        key = signing_key_rotate(actor=self.actor, organisation=self.organisation)
        return Response(SigningKeyOutput(key).data, status=status.HTTP_201_CREATED)


class SigningKeyRevokeApi(OrganisationAPIView):
    role_map = {"POST": ADMIN_ROLES}
    scope_area = "keys"

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=REVOCATION_REASON_MAX_LENGTH)

    @extend_schema(
        request=InputSerializer,
        responses=SigningKeyOutput,
        description="Revoke a key for good: signatures dated at or after now become invalid, "
        "earlier ones verify as 'signed by a key revoked later'. Revoking the active key "
        "creates its successor at once.",
    )
    def post(self, request: Request, org_slug: str, key_id: str) -> Response:
        key = self.get_object_or_404(
            signing_keys_visible_to(organisation=self.organisation), pk=key_id
        )
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key = signing_key_revoke(
            actor=self.actor, key=key, reason=serializer.validated_data["reason"]
        )
        return Response(SigningKeyOutput(key).data)


class JwksApi(PublicAPIView):
    """``/.well-known/jwks.json``: every organisation's public keys, revoked ones included."""

    @extend_schema(responses=JwksOutput, auth=[], operation_id="jwks_retrieve")
    def get(self, request: Request) -> Response:
        return Response(jwks_published(), headers={"Cache-Control": JWKS_CACHE_CONTROL})


class OrganisationJwksApi(PublicAPIView):
    """One organisation's public keys, revoked ones included."""

    @extend_schema(responses=JwksOutput, auth=[], operation_id="organisation_jwks_retrieve")
    def get(self, request: Request, org_slug: str) -> Response:
        organisation = organisation_by_slug(slug=org_slug)
        if organisation is None:
            raise NotFound("No such organisation.")
        return Response(
            jwks_published(organisation=organisation),
            headers={"Cache-Control": JWKS_CACHE_CONTROL},
        )


class FootprintVerifyThrottle(SimpleRateThrottle):
    """Per IP address: verification is public and costs a signature check."""

    scope = "footprint_verify"
    default_rate = "120/min"

    def get_rate(self) -> str | None:
        return self.THROTTLE_RATES.get(self.scope, self.default_rate)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class VerificationOutput(serializers.Serializer):
    valid = serializers.BooleanField()
    reason = serializers.CharField(
        help_text="'valid', 'signed by a key revoked later (on …: reason)', or why it is invalid"
    )
    kid = serializers.CharField(allow_null=True)
    organisation = serializers.CharField(allow_null=True, help_text="Slug of the signer")
    organisation_name = serializers.CharField(allow_null=True)
    signed_at = serializers.DateTimeField(allow_null=True, help_text="The JWS iat")
    key_revoked_at = serializers.DateTimeField(allow_null=True)
    revoked_later = serializers.BooleanField()


class FootprintVerifyApi(PublicAPIView):
    """Check a signed document. An invalid signature is an answer (200, ``valid: false``);
    only a malformed request is a 400."""

    throttle_classes = [FootprintVerifyThrottle]

    class InputSerializer(serializers.Serializer):
        document = serializers.JSONField(
            required=False,
            help_text="The document as a JSON object; it is canonicalised (RFC 8785) first, "
            "so any key order or whitespace verifies.",
        )
        document_base64 = serializers.CharField(
            required=False,
            help_text="The exact signed bytes, base64 (RFC 4648 §4): verified as they are.",
        )
        signature = serializers.CharField(
            max_length=4096, help_text="The detached compact JWS: header..signature"
        )

        def validate_document(self, value: Any) -> Any:
            if not isinstance(value, dict):
                raise serializers.ValidationError(
                    f"Expected a JSON object (the footprint), got {type(value).__name__}."
                )
            return value

        def validate_document_base64(self, value: str) -> bytes:
            try:
                return base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                raise serializers.ValidationError(
                    "Not base64: expected the exact bytes of the document in standard base64 "
                    "(A-Z a-z 0-9 + /, = padding)."
                ) from None

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            has_document = "document" in attrs
            if has_document == ("document_base64" in attrs):
                message = (
                    "Send exactly one of document (a JSON object) and document_base64 (the "
                    "exact signed bytes, base64)."
                )
                raise serializers.ValidationError({"document": [message]})
            if has_document:
                try:
                    attrs["payload"] = canonicalize(attrs["document"])
                except ValueError as exc:
                    raise serializers.ValidationError(
                        {"document": [f"Cannot be canonicalised (RFC 8785): {exc}."]}
                    ) from None
            else:
                attrs["payload"] = attrs["document_base64"]
            return attrs

    @extend_schema(request=InputSerializer, responses=VerificationOutput, auth=[])
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = document_verify(
            payload=serializer.validated_data["payload"],
            jws=serializer.validated_data["signature"],
        )
        return Response(VerificationOutput(result).data)
