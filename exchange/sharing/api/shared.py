"""Footprints other organisations shared with this one (read only).

Every lookup goes through ``exchange.sharing.selectors.footprints_shared_with``: published
or deprecated versions of lineages this organisation holds a live grant on. Anything else —
a draft, a revoked grant, another buyer's share — is a 404.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.base import OrganisationAPIView
from accounts.roles import ALL_ROLES
from core.errors import ValidationFailed
from exchange.sharing.api.requests import OrganisationRefOutput
from exchange.sharing.selectors import shared_footprints_for
from exchange.sharing.services.reading import (
    shared_footprint_decision,
    shared_footprint_verification,
)
from suppliers.api.communication_template_export import communication_template_response
from suppliers.api.footprints import (
    signature_response,
    signed_document_response,
    wants_original,
)
from suppliers.api.validation import DecisionOutput
from suppliers.models import Footprint, FootprintStatus
from suppliers.selectors import footprint_signed_current
from suppliers.services.eu_template_export import CONTENT_TYPE


class SharedProductOutput(serializers.Serializer):
    name = serializers.CharField()
    cn_code = serializers.CharField()
    category = serializers.CharField()


class SharedInstallationOutput(serializers.Serializer):
    name = serializers.CharField()
    name_latin = serializers.CharField()
    country = serializers.CharField()
    un_locode = serializers.CharField()


class SharedFootprintOutput(serializers.Serializer):
    id = serializers.UUIDField()
    lineage = serializers.UUIDField()
    supplier = OrganisationRefOutput(source="organisation")
    status = serializers.CharField(help_text="published or deprecated")
    deprecated = serializers.SerializerMethodField()
    deprecated_at = serializers.DateTimeField(allow_null=True)
    superseded_by = serializers.SerializerMethodField()
    preceding = serializers.UUIDField(source="preceding_id", allow_null=True)
    product = SharedProductOutput()
    installation = SharedInstallationOutput()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    see_direct = serializers.DecimalField(max_digits=20, decimal_places=5, allow_null=True)
    see_indirect = serializers.DecimalField(max_digits=20, decimal_places=5, allow_null=True)
    see_total = serializers.DecimalField(max_digits=20, decimal_places=5, allow_null=True)
    indirect_counts = serializers.BooleanField()
    verification = serializers.SerializerMethodField()
    carbon_price = serializers.SerializerMethodField()
    primary_data_share_pct = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True
    )
    methodology = serializers.CharField()
    valid_until = serializers.DateField(allow_null=True)
    signing_kid = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)

    def get_deprecated(self, obj: Footprint) -> bool:
        return obj.status == FootprintStatus.DEPRECATED

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_superseded_by(self, obj: Footprint) -> str | None:
        """The version that replaced this one (the grant covers it too), if any."""
        successors = getattr(obj, "visible_successors", None)
        if successors is None:
            successors = list(
                obj.corrections.filter(
                    status__in=(FootprintStatus.PUBLISHED, FootprintStatus.DEPRECATED)
                ).order_by("published_at", "created_at", "id")
            )
        return str(successors[0].pk) if successors else None

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_verification(self, obj: Footprint) -> dict[str, Any]:
        return {
            "verifier_name": obj.verifier_name,
            "accreditation_number": obj.verifier_accreditation,
            "statement_date": obj.verification_statement_date,
            "assurance_level": obj.assurance_level,
            "confirmed_by_verifier_at": obj.verifier_confirmed_at,
        }

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_carbon_price(self, obj: Footprint) -> dict[str, Any] | None:
        if obj.carbon_price_amount is None and not obj.carbon_price_instrument:
            return None
        return {
            "instrument": obj.carbon_price_instrument,
            "amount": None if obj.carbon_price_amount is None else str(obj.carbon_price_amount),
            "currency": obj.carbon_price_currency,
        }


class SignatureVerificationOutput(serializers.Serializer):
    valid = serializers.BooleanField()
    reason = serializers.CharField()
    kid = serializers.CharField(allow_null=True)
    signer = serializers.CharField(source="organisation", allow_null=True)
    signer_name = serializers.CharField(source="organisation_name", allow_null=True)
    signed_at = serializers.DateTimeField(allow_null=True)
    key_revoked_at = serializers.DateTimeField(allow_null=True)
    revoked_later = serializers.BooleanField()


def _signed_current(footprint: Footprint) -> tuple[bytes, str]:
    """``footprint_signed_current``, read once per footprint for the document and its JWS."""
    cached: tuple[bytes, str] | None = getattr(footprint, "_signed_current", None)
    if cached is None:
        cached = footprint_signed_current(footprint)
        footprint._signed_current = cached  # type: ignore[attr-defined]
    return cached


class SharedFootprintDetailOutput(SharedFootprintOutput):
    document = serializers.SerializerMethodField()
    signature = serializers.SerializerMethodField()
    signature_verification = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_document(self, obj: Footprint) -> Any:
        """The signed PACT v3 ProductFootprint, parsed (the exact bytes: ``document/``)."""
        payload, _jws = _signed_current(obj)  # the deprecated state when deprecated
        return json.loads(payload or b"null")

    @extend_schema_field(OpenApiTypes.STR)
    def get_signature(self, obj: Footprint) -> str:
        """The detached JWS over ``document`` (the deprecated state's when deprecated)."""
        return _signed_current(obj)[1]

    @extend_schema_field(SignatureVerificationOutput)
    def get_signature_verification(self, obj: Footprint) -> dict[str, Any]:
        return dict(SignatureVerificationOutput(shared_footprint_verification(footprint=obj)).data)

    @extend_schema_field(DecisionOutput(allow_null=True))
    def get_decision(self, obj: Footprint) -> dict[str, Any] | None:
        record = shared_footprint_decision(footprint=obj)
        return None if record is None else dict(DecisionOutput(record).data)


_FILTERS = [
    OpenApiParameter("supplier", str, description="Slug of the supplier"),
    OpenApiParameter("current", bool, description="true: only versions not deprecated"),
    OpenApiParameter("lineage", str, description="Every version of one footprint"),
]


class SharedFootprintListApi(OrganisationAPIView):
    """Every version shared with this organisation, newest publication first; deprecated
    versions are marked and name the version that replaced them."""

    role_map = {"GET": ALL_ROLES}
    scope_area = "grants"

    @extend_schema(parameters=_FILTERS, responses=SharedFootprintOutput(many=True))
    def get(self, request: Request, org_slug: str) -> Response:
        params = request.query_params
        queryset = shared_footprints_for(buyer=self.organisation)
        if params.get("supplier"):
            queryset = queryset.filter(organisation__slug=params["supplier"])
        current = (params.get("current") or "").lower()
        if current not in ("", "true", "false"):
            raise ValidationFailed(
                "Invalid filter.", fields={"current": [f"{current!r}; expected true or false."]}
            )
        if current == "true":
            queryset = queryset.filter(status=FootprintStatus.PUBLISHED)
        if params.get("lineage"):
            try:
                lineage = uuid.UUID(params["lineage"])
            except ValueError:
                raise ValidationFailed(
                    "Invalid filter.",
                    fields={"lineage": [f"{params['lineage']!r}; expected a lineage id (UUID)."]},
                ) from None
            queryset = queryset.filter(lineage=lineage)
        return self.paginated(queryset, SharedFootprintOutput)


class _SharedFootprintApi(OrganisationAPIView):
    scope_area = "grants"

    def shared(self, shared_footprint_id: str) -> Footprint:
        return self.get_object_or_404(
            shared_footprints_for(buyer=self.organisation), pk=shared_footprint_id
        )


class SharedFootprintDetailApi(_SharedFootprintApi):
    """One shared version with its signed PACT document, the signature's verification now,
    and the supplier data's "default value must be used" decision."""

    role_map = {"GET": ALL_ROLES}

    @extend_schema(responses=SharedFootprintDetailOutput)
    def get(self, request: Request, org_slug: str, shared_footprint_id: str) -> Response:
        return Response(SharedFootprintDetailOutput(self.shared(shared_footprint_id)).data)


class SharedFootprintDocumentApi(_SharedFootprintApi):
    """The signed PACT document, byte for byte as signed (verify it offline with the JWS)."""

    role_map = {"GET": ALL_ROLES}

    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT})
    def get(self, request: Request, org_slug: str, shared_footprint_id: str) -> HttpResponse:
        return signed_document_response(
            self.shared(shared_footprint_id), original=wants_original(request)
        )


class SharedFootprintSignatureApi(_SharedFootprintApi):
    """The detached JWS over the document's exact bytes."""

    role_map = {"GET": ALL_ROLES}

    @extend_schema(responses={(200, "application/jose"): OpenApiTypes.STR})
    def get(self, request: Request, org_slug: str, shared_footprint_id: str) -> HttpResponse:
        return signature_response(
            self.shared(shared_footprint_id), original=wants_original(request)
        )


class SharedFootprintCommunicationTemplateApi(_SharedFootprintApi):
    """The shared version written into the EU communication template (v2.1.1), as its owner
    would download it; the signature and verification are on the sheet ``CBAM Exchange``."""

    role_map = {"GET": ALL_ROLES}

    @extend_schema(responses={(200, CONTENT_TYPE): OpenApiTypes.BINARY})
    def get(self, request: Request, org_slug: str, shared_footprint_id: str) -> HttpResponse:
        return communication_template_response(self.shared(shared_footprint_id))
