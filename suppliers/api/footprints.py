"""Footprints: drafts (create, edit, delete), the workflow actions (withdrawing a submission and
asking for its validation again among them), evidence, and the signed document of a published
footprint served exactly as stored."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.http import HttpRequest, HttpResponse
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiTypes,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.base import OrganisationAPIView
from accounts.roles import ADMIN_ROLES, ALL_ROLES, REVIEW_ROLES, WRITER_ROLES
from core.api.inputs import body_object, serializer_for
from core.errors import ValidationFailed
from suppliers.api.validation import ValidationRunDetailOutput, ValidationRunOutput
from suppliers.inputs import FOOTPRINT_INPUT
from suppliers.models import EvidenceKind, Footprint, FootprintStatus
from suppliers.selectors import footprint_signed_current, footprints_owned_by
from suppliers.services.evidence import evidence_add
from suppliers.services.footprints import footprint_create, footprint_delete, footprint_update
from suppliers.services.publishing import footprint_correct, footprint_publish
from suppliers.services.workflow import (
    footprint_approve,
    footprint_deprecate,
    footprint_reject,
    footprint_reopen,
    footprint_submit,
    footprint_withdraw,
)
from suppliers.validation.runs import footprint_revalidate

FOOTPRINT_INPUT_SCHEMA = serializer_for(FOOTPRINT_INPUT)


class PrecursorOutput(serializers.Serializer):
    cn_code = serializers.CharField()
    mass_t_per_t = serializers.DecimalField(max_digits=28, decimal_places=10)
    mass_as_entered = serializers.JSONField()
    country_of_origin = serializers.CharField()
    see_source = serializers.CharField()
    source_footprint = serializers.UUIDField(source="source_footprint_id", allow_null=True)
    see_direct = serializers.DecimalField(max_digits=20, decimal_places=5, allow_null=True)
    see_indirect = serializers.DecimalField(max_digits=20, decimal_places=5, allow_null=True)


class EvidenceOutput(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size_bytes = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class FootprintOutput(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    product = serializers.UUIDField(source="product_id")
    product_name = serializers.CharField(source="product.name")
    cn_code = serializers.CharField(source="product.cn_code")
    installation = serializers.UUIDField(source="installation_id")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    preceding = serializers.UUIDField(source="preceding_id", allow_null=True)
    inputs_as_entered = serializers.JSONField()
    attributed_direct_tco2e = serializers.DecimalField(max_digits=28, decimal_places=10)
    activity_level_t = serializers.DecimalField(max_digits=28, decimal_places=10)
    electricity_mwh = serializers.DecimalField(max_digits=28, decimal_places=10, allow_null=True)
    electricity_factor_tco2_per_mwh = serializers.DecimalField(
        max_digits=28, decimal_places=10, allow_null=True
    )
    electricity_factor_source = serializers.CharField()
    electricity_factor_reference = serializers.CharField()
    attributed_indirect_tco2e = serializers.DecimalField(
        max_digits=28, decimal_places=10, allow_null=True
    )
    natural_gas_nm3 = serializers.DecimalField(max_digits=28, decimal_places=10, allow_null=True)
    precursors = PrecursorOutput(many=True, source="precursors.all")
    precursors_declared_absent = serializers.ListField(child=serializers.CharField())
    carbon_price = serializers.SerializerMethodField()
    verification = serializers.SerializerMethodField()
    data_quality = serializers.SerializerMethodField()
    see_direct = serializers.DecimalField(max_digits=20, decimal_places=5, allow_null=True)
    see_indirect = serializers.DecimalField(max_digits=20, decimal_places=5, allow_null=True)
    see_total = serializers.DecimalField(max_digits=20, decimal_places=5, allow_null=True)
    indirect_counts = serializers.BooleanField()
    calculation = serializers.JSONField()
    problems = serializers.JSONField(source="calculation_problems")
    latest_validation = serializers.SerializerMethodField()
    evidence = EvidenceOutput(many=True, source="evidence.all")
    review_comment = serializers.CharField()
    signing_kid = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    deprecated_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(ValidationRunDetailOutput(allow_null=True))
    def get_latest_validation(self, obj: Footprint) -> dict[str, Any] | None:
        """The newest validation run with its findings (none before the first submission)."""
        runs = getattr(obj, "latest_validation_runs", None)
        if runs is None:  # not from footprints_owned_by: one query
            run = (
                obj.validation_runs.prefetch_related("findings")
                .order_by("-created_at", "-id")
                .first()
            )
        else:
            run = runs[0] if runs else None
        return None if run is None else ValidationRunDetailOutput(run).data

    def get_carbon_price(self, obj: Footprint) -> dict[str, Any] | None:
        if obj.carbon_price_amount is None and not obj.carbon_price_instrument:
            return None
        return {
            "instrument": obj.carbon_price_instrument,
            "amount": None if obj.carbon_price_amount is None else str(obj.carbon_price_amount),
            "currency": obj.carbon_price_currency,
        }

    def get_verification(self, obj: Footprint) -> dict[str, Any]:
        return {
            "verifier_organisation": obj.verifier_organisation.slug
            if obj.verifier_organisation
            else None,
            "verifier_name": obj.verifier_name,
            "accreditation_number": obj.verifier_accreditation,
            "statement_date": obj.verification_statement_date,
            "assurance_level": obj.assurance_level,
            "confirmed_at": obj.verifier_confirmed_at,
        }

    def get_data_quality(self, obj: Footprint) -> dict[str, Any]:
        return {
            "primary_data_share_pct": None
            if obj.primary_data_share_pct is None
            else str(obj.primary_data_share_pct),
            "methodology": obj.methodology,
            "comments": obj.comments,
            "valid_until": obj.valid_until,
        }


_FILTERS = [
    OpenApiParameter("status", str, enum=FootprintStatus.values),
    OpenApiParameter("cn_code", str, description="CN code or its prefix"),
    OpenApiParameter("period", int, description="A calendar year the period overlaps"),
]


class FootprintListApi(OrganisationAPIView):
    role_map = {"GET": ALL_ROLES, "POST": WRITER_ROLES}
    scope_area = "footprints"

    @extend_schema(parameters=_FILTERS, responses=FootprintOutput(many=True))
    def get(self, request: Request, org_slug: str) -> Response:
        params = request.query_params
        errors: dict[str, list[str]] = {}
        status_filter = params.get("status") or None
        if status_filter and status_filter not in FootprintStatus.values:
            errors["status"] = [f"Expected one of {', '.join(FootprintStatus.values)}."]
        period = params.get("period") or None
        if period and not (period.isascii() and period.isdigit() and len(period) == 4):
            errors["period"] = ["Expected a year, e.g. 2026."]
        if errors:
            raise ValidationFailed("Invalid filter.", fields=errors)
        queryset = footprints_owned_by(
            organisation=self.organisation,
            status=status_filter,
            cn_code=params.get("cn_code") or None,
            period_year=int(period) if period else None,
        )
        return self.paginated(queryset, FootprintOutput)

    @extend_schema(request=FOOTPRINT_INPUT_SCHEMA, responses={201: FootprintOutput})
    def post(self, request: Request, org_slug: str) -> Response:
        footprint = footprint_create(
            actor=self.actor, organisation=self.organisation, data=body_object(request)
        )
        return Response(FootprintOutput(footprint).data, status=status.HTTP_201_CREATED)


class FootprintObjectAPIView(OrganisationAPIView):
    scope_area = "footprints"

    def footprint(self, footprint_id: str) -> Footprint:
        return self.get_object_or_404(
            footprints_owned_by(organisation=self.organisation), pk=footprint_id
        )


class FootprintDetailApi(FootprintObjectAPIView):
    role_map = {"GET": ALL_ROLES, "PATCH": WRITER_ROLES, "DELETE": WRITER_ROLES}

    @extend_schema(responses=FootprintOutput)
    def get(self, request: Request, org_slug: str, footprint_id: str) -> Response:
        return Response(FootprintOutput(self.footprint(footprint_id)).data)

    @extend_schema(request=FOOTPRINT_INPUT_SCHEMA, responses=FootprintOutput)
    def patch(self, request: Request, org_slug: str, footprint_id: str) -> Response:
        footprint = footprint_update(
            actor=self.actor, footprint=self.footprint(footprint_id), data=body_object(request)
        )
        return Response(
            FootprintOutput(
                footprints_owned_by(organisation=self.organisation).get(pk=footprint.pk)
            ).data
        )

    @extend_schema(responses={204: None})
    def delete(self, request: Request, org_slug: str, footprint_id: str) -> Response:
        footprint_delete(actor=self.actor, footprint=self.footprint(footprint_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentInput(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class _ActionApi(FootprintObjectAPIView):
    """POST performs one workflow action and answers the footprint as it now is."""

    action_name: ClassVar[str] = ""

    def perform(self, footprint: Footprint, comment: str) -> Footprint:
        raise NotImplementedError

    @extend_schema(request=CommentInput, responses=FootprintOutput)
    def post(self, request: Request, org_slug: str, footprint_id: str) -> Response:
        serializer = CommentInput(data=request.data if isinstance(request.data, dict) else {})
        serializer.is_valid(raise_exception=True)
        footprint = self.perform(self.footprint(footprint_id), serializer.validated_data["comment"])
        fresh = footprints_owned_by(organisation=self.organisation).get(pk=footprint.pk)
        return Response(FootprintOutput(fresh).data)


class FootprintSubmitApi(_ActionApi):
    role_map = {"POST": WRITER_ROLES}

    def perform(self, footprint: Footprint, comment: str) -> Footprint:
        return footprint_submit(actor=self.actor, footprint=footprint)


class FootprintWithdrawApi(_ActionApi):
    """A submission goes back to draft; a validation run still unfinished is closed."""

    role_map = {"POST": WRITER_ROLES}

    def perform(self, footprint: Footprint, comment: str) -> Footprint:
        return footprint_withdraw(actor=self.actor, footprint=footprint, comment=comment)


class FootprintRevalidateApi(FootprintObjectAPIView):
    """Validate a submitted footprint again whose validation ended without an outcome (its
    rules kept crashing): answers the new run, as the footprint's runs are listed."""

    role_map = {"POST": WRITER_ROLES}

    @extend_schema(request=None, responses={201: ValidationRunOutput})
    def post(self, request: Request, org_slug: str, footprint_id: str) -> Response:
        run = footprint_revalidate(actor=self.actor, footprint=self.footprint(footprint_id))
        return Response(ValidationRunOutput(run).data, status=status.HTTP_201_CREATED)


class FootprintApproveApi(_ActionApi):
    role_map = {"POST": REVIEW_ROLES}
    people_only = True

    def perform(self, footprint: Footprint, comment: str) -> Footprint:
        return footprint_approve(actor=self.actor, footprint=footprint, comment=comment)


class FootprintRejectApi(_ActionApi):
    role_map = {"POST": REVIEW_ROLES}
    people_only = True

    def perform(self, footprint: Footprint, comment: str) -> Footprint:
        return footprint_reject(actor=self.actor, footprint=footprint, comment=comment)


class FootprintReopenApi(_ActionApi):
    role_map = {"POST": WRITER_ROLES}

    def perform(self, footprint: Footprint, comment: str) -> Footprint:
        return footprint_reopen(actor=self.actor, footprint=footprint)


class FootprintPublishApi(_ActionApi):
    role_map = {"POST": REVIEW_ROLES}
    people_only = True

    def perform(self, footprint: Footprint, comment: str) -> Footprint:
        return footprint_publish(actor=self.actor, footprint=footprint)


class FootprintDeprecateApi(_ActionApi):
    role_map = {"POST": ADMIN_ROLES}

    def perform(self, footprint: Footprint, comment: str) -> Footprint:
        return footprint_deprecate(actor=self.actor, footprint=footprint, reason=comment)


class FootprintCorrectApi(_ActionApi):
    """A published footprint is corrected by a new draft whose precedingPfIds names it."""

    role_map = {"POST": WRITER_ROLES}

    def perform(self, footprint: Footprint, comment: str) -> Footprint:
        return footprint_correct(actor=self.actor, footprint=footprint)

    @extend_schema(request=CommentInput, responses={201: FootprintOutput})
    def post(self, request: Request, org_slug: str, footprint_id: str) -> Response:
        response = super().post(request, org_slug, footprint_id)
        response.status_code = status.HTTP_201_CREATED
        return response


class EvidenceApi(FootprintObjectAPIView):
    role_map = {"GET": ALL_ROLES, "POST": WRITER_ROLES}
    parser_classes: ClassVar[list[Any]] = [MultiPartParser]  # type: ignore[misc]
    pagination_class = None  # a footprint's few evidence files, answered as one array

    @extend_schema(responses=EvidenceOutput(many=True))
    def get(self, request: Request, org_slug: str, footprint_id: str) -> Response:
        footprint = self.footprint(footprint_id)
        return Response(EvidenceOutput(footprint.evidence.all(), many=True).data)

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "kind": {"type": "string", "enum": EvidenceKind.values},
                    "file": {"type": "string", "format": "binary"},
                },
            }
        },
        responses={201: EvidenceOutput},
    )
    def post(self, request: Request, org_slug: str, footprint_id: str) -> Response:
        evidence = evidence_add(
            actor=self.actor,
            footprint=self.footprint(footprint_id),
            kind=str(request.data.get("kind", "")),
            upload=request.FILES.get("file"),
        )
        return Response(EvidenceOutput(evidence).data, status=status.HTTP_201_CREATED)


def _published(view: FootprintObjectAPIView, footprint_id: str) -> Footprint:
    footprint = view.footprint(footprint_id)
    if footprint.status not in (FootprintStatus.PUBLISHED, FootprintStatus.DEPRECATED):
        raise ValidationFailed(
            f"This footprint is {footprint.status}; only a published footprint has a signed "
            "document.",
            code="not_published",
        )
    return footprint


ORIGINAL_VERSION = "original"


def wants_original(request: HttpRequest) -> bool:
    """``?version=original``: the document as first published, not its deprecated state."""
    return request.GET.get("version") == ORIGINAL_VERSION


def _signed(footprint: Footprint, *, original: bool) -> tuple[bytes, str]:
    if original:
        return bytes(footprint.signed_document or b""), footprint.signature
    return footprint_signed_current(footprint)


def signed_document_response(footprint: Footprint, *, original: bool = False) -> HttpResponse:
    """The signed PACT document of a published footprint as a download, byte for byte as
    signed, with its SHA-256 digest (shared by the owner's and the buyers' endpoints). A
    deprecated footprint answers its signed deprecated state (status "Deprecated", a
    statusComment naming its successor); ``original`` the bytes first published."""
    payload, _jws = _signed(footprint, original=original)
    response = HttpResponse(payload, content_type="application/json")
    response["Digest"] = "sha-256=" + hashlib.sha256(payload).hexdigest()
    response["Content-Disposition"] = f'attachment; filename="{footprint.pk}.json"'
    return response


def signature_response(footprint: Footprint, *, original: bool = False) -> HttpResponse:
    """The detached JWS of a published footprint as a download (of the document that
    ``signed_document_response`` serves with the same ``original``)."""
    _payload, jws = _signed(footprint, original=original)
    response = HttpResponse(jws, content_type="application/jose")
    response["Content-Disposition"] = f'attachment; filename="{footprint.pk}.jws"'
    return response


class FootprintDocumentApi(FootprintObjectAPIView):
    """The signed PACT document, byte for byte as signed (never re-serialised)."""

    role_map = {"GET": ALL_ROLES}

    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT})
    def get(self, request: Request, org_slug: str, footprint_id: str) -> HttpResponse:
        return signed_document_response(
            _published(self, footprint_id), original=wants_original(request)
        )


class FootprintSignatureApi(FootprintObjectAPIView):
    """The detached JWS over the document's exact bytes."""

    role_map = {"GET": ALL_ROLES}

    @extend_schema(responses={(200, "application/jose"): OpenApiTypes.STR})
    def get(self, request: Request, org_slug: str, footprint_id: str) -> HttpResponse:
        return signature_response(_published(self, footprint_id), original=wants_original(request))
