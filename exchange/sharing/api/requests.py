"""Footprint requests: the buyer's sent requests (send, withdraw), the supplier's inbox
(fulfil, reject), and requests sent by e-mail to the organisation's people (claim)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.base import OrganisationAPIView
from accounts.roles import ALL_ROLES, WRITER_ROLES
from core.api.fields import NumberField
from core.errors import ValidationFailed
from exchange.sharing.models import FootprintRequest, RequestStatus
from exchange.sharing.selectors import (
    requests_claimable_by,
    requests_received_by,
    requests_sent_by,
)
from exchange.sharing.services.requests import (
    RequestInput,
    request_claim,
    request_fulfil,
    request_reject,
    request_send,
    request_withdraw,
)


class OrganisationRefOutput(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField(source="legal_name_latin")


class RequestGrantOutput(serializers.Serializer):
    id = serializers.UUIDField()
    created_at = serializers.DateTimeField()
    footprints = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.UUIDField()))
    def get_footprints(self, obj: Any) -> list[str]:
        return [str(g.footprint_id) for g in obj.footprints.all()]


class FootprintRequestOutput(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=RequestStatus.choices)
    buyer = OrganisationRefOutput()
    supplier = OrganisationRefOutput(allow_null=True)
    # Blank when the request went to a registered supplier rather than an invited address.
    supplier_email = serializers.CharField(help_text="The invited address, or blank.")
    supplier_name = serializers.CharField()
    supplier_product = serializers.UUIDField(source="supplier_product_id", allow_null=True)
    supplier_product_name = serializers.SerializerMethodField()
    cn_code = serializers.CharField()
    description = serializers.CharField()
    installation = serializers.UUIDField(source="installation_id", allow_null=True)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    quantity_t = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    due_date = serializers.DateField()
    message = serializers.CharField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    reminder_sent_at = serializers.DateTimeField(allow_null=True)
    grants = serializers.SerializerMethodField()

    def get_supplier_product_name(self, obj: FootprintRequest) -> str | None:
        return obj.supplier_product.name if obj.supplier_product is not None else None

    @extend_schema_field(RequestGrantOutput(many=True))
    def get_grants(self, obj: FootprintRequest) -> list[dict[str, Any]]:
        """The live grants that answered the request (a revoked grant no longer shows)."""
        grants = getattr(obj, "live_grants", None)
        if grants is None:
            grants = list(obj.grants.filter(revoked_at__isnull=True).order_by("created_at", "id"))
        return list(RequestGrantOutput(grants, many=True).data)


class RequestSendInput(serializers.Serializer):
    supplier = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Slug of an organisation"
    )
    supplier_email = serializers.EmailField(
        required=False, allow_blank=True, default="", help_text="To invite a company not on it"
    )
    supplier_name = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=300
    )
    supplier_product = serializers.UUIDField(required=False, allow_null=True, default=None)
    cn_code = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    installation = serializers.UUIDField(required=False, allow_null=True, default=None)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    quantity_t = NumberField(
        max_digits=20, decimal_places=6, required=False, allow_null=True, default=None
    )
    due_date = serializers.DateField()
    message = serializers.CharField(required=False, allow_blank=True, default="")


_STATUS_FILTER = [OpenApiParameter("status", str, enum=RequestStatus.values)]


def _status_filter(request: Request) -> str | None:
    value = request.query_params.get("status") or None
    if value and value not in RequestStatus.values:
        raise ValidationFailed(
            "Invalid filter.",
            fields={"status": [f"{value!r}; expected one of {', '.join(RequestStatus.values)}."]},
        )
    return value


def _json_object(request: Request) -> dict[str, Any]:
    return request.data if isinstance(request.data, dict) else {}


class RequestListApi(OrganisationAPIView):
    """Requests this organisation sent (as buyer); POST sends one."""

    role_map = {"GET": ALL_ROLES, "POST": WRITER_ROLES}
    scope_area = "requests"

    @extend_schema(parameters=_STATUS_FILTER, responses=FootprintRequestOutput(many=True))
    def get(self, request: Request, org_slug: str) -> Response:
        queryset = requests_sent_by(buyer=self.organisation, status=_status_filter(request))
        return self.paginated(queryset, FootprintRequestOutput)

    @extend_schema(request=RequestSendInput, responses={201: FootprintRequestOutput})
    def post(self, request: Request, org_slug: str) -> Response:
        serializer = RequestSendInput(data=_json_object(request))
        serializer.is_valid(raise_exception=True)
        sent = request_send(
            actor=self.actor,
            buyer=self.organisation,
            data=RequestInput(**serializer.validated_data),
        )
        fresh = requests_sent_by(buyer=self.organisation).get(pk=sent.pk)
        return Response(FootprintRequestOutput(fresh).data, status=status.HTTP_201_CREATED)


class _SentRequestApi(OrganisationAPIView):
    scope_area = "requests"

    def sent(self, footprint_request_id: str) -> FootprintRequest:
        return self.get_object_or_404(
            requests_sent_by(buyer=self.organisation), pk=footprint_request_id
        )


class RequestDetailApi(_SentRequestApi):
    role_map = {"GET": ALL_ROLES}

    @extend_schema(responses=FootprintRequestOutput)
    def get(self, request: Request, org_slug: str, footprint_request_id: str) -> Response:
        return Response(FootprintRequestOutput(self.sent(footprint_request_id)).data)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RequestWithdrawApi(_SentRequestApi):
    role_map = {"POST": WRITER_ROLES}

    @extend_schema(request=ReasonInput, responses=FootprintRequestOutput)
    def post(self, request: Request, org_slug: str, footprint_request_id: str) -> Response:
        sent = self.sent(footprint_request_id)  # 404 before judging the input
        serializer = ReasonInput(data=_json_object(request))
        serializer.is_valid(raise_exception=True)
        withdrawn = request_withdraw(
            actor=self.actor,
            request=sent,
            reason=serializer.validated_data["reason"],
        )
        return Response(FootprintRequestOutput(self.sent(str(withdrawn.pk))).data)


class InboxListApi(OrganisationAPIView):
    """Requests addressed to this organisation (as supplier)."""

    role_map = {"GET": ALL_ROLES}
    scope_area = "requests"

    @extend_schema(parameters=_STATUS_FILTER, responses=FootprintRequestOutput(many=True))
    def get(self, request: Request, org_slug: str) -> Response:
        queryset = requests_received_by(supplier=self.organisation, status=_status_filter(request))
        return self.paginated(queryset, FootprintRequestOutput)


class _InboxRequestApi(OrganisationAPIView):
    scope_area = "requests"

    def received(self, incoming_request_id: str) -> FootprintRequest:
        return self.get_object_or_404(
            requests_received_by(supplier=self.organisation), pk=incoming_request_id
        )


class InboxDetailApi(_InboxRequestApi):
    role_map = {"GET": ALL_ROLES}

    @extend_schema(responses=FootprintRequestOutput)
    def get(self, request: Request, org_slug: str, incoming_request_id: str) -> Response:
        return Response(FootprintRequestOutput(self.received(incoming_request_id)).data)


class FulfilInput(serializers.Serializer):
    footprints = serializers.ListField(
        child=serializers.CharField(),
        allow_empty=False,
        help_text="Ids of your published footprints that answer the request",
    )


class RequestFulfilApi(_InboxRequestApi):
    role_map = {"POST": WRITER_ROLES}

    @extend_schema(request=FulfilInput, responses=FootprintRequestOutput)
    def post(self, request: Request, org_slug: str, incoming_request_id: str) -> Response:
        received = self.received(incoming_request_id)  # 404 before judging the input
        serializer = FulfilInput(data=_json_object(request))
        serializer.is_valid(raise_exception=True)
        fulfilled, _grant = request_fulfil(
            actor=self.actor,
            request=received,
            footprints=serializer.validated_data["footprints"],
        )
        return Response(FootprintRequestOutput(self.received(str(fulfilled.pk))).data)


class RejectInput(serializers.Serializer):
    reason = serializers.CharField(help_text="Why you cannot answer; sent to the buyer")


class RequestRejectApi(_InboxRequestApi):
    role_map = {"POST": WRITER_ROLES}

    @extend_schema(request=RejectInput, responses=FootprintRequestOutput)
    def post(self, request: Request, org_slug: str, incoming_request_id: str) -> Response:
        received = self.received(incoming_request_id)  # 404 before judging the input
        serializer = RejectInput(data=_json_object(request))
        serializer.is_valid(raise_exception=True)
        rejected = request_reject(
            actor=self.actor,
            request=received,
            reason=serializer.validated_data["reason"],
        )
        return Response(FootprintRequestOutput(self.received(str(rejected.pk))).data)


class InvitedListApi(OrganisationAPIView):
    """Open requests sent by e-mail to one of this organisation's members before they were
    on the platform; claim one to answer it as this organisation."""

    role_map = {"GET": ALL_ROLES}
    scope_area = "requests"

    @extend_schema(responses=FootprintRequestOutput(many=True))
    def get(self, request: Request, org_slug: str) -> Response:
        return self.paginated(
            requests_claimable_by(organisation=self.organisation), FootprintRequestOutput
        )


class RequestClaimApi(OrganisationAPIView):
    role_map = {"POST": WRITER_ROLES}
    scope_area = "requests"

    @extend_schema(request=None, responses=FootprintRequestOutput)
    def post(self, request: Request, org_slug: str, invited_request_id: str) -> Response:
        invited = self.get_object_or_404(
            requests_claimable_by(organisation=self.organisation), pk=invited_request_id
        )
        claimed = request_claim(actor=self.actor, organisation=self.organisation, request=invited)
        fresh = requests_received_by(supplier=self.organisation).get(pk=claimed.pk)
        return Response(FootprintRequestOutput(fresh).data)
