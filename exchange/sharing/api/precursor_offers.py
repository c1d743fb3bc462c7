"""The purchased precursors of an imported communication template and what the platform offers
for each: a supplier's footprint shared with the importer to link, or a request to send
(``exchange.sharing.precursor_offers``, ``exchange.sharing.services.precursor_links``).

GET answers every offer of the import; each POST acts on one precursor, named by its draft
(``footprint``) and ``position``, and answers that precursor's offer as it stands after.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.base import OrganisationAPIView
from accounts.roles import ALL_ROLES, WRITER_ROLES
from exchange.sharing.precursor_offers import (
    PrecursorOffer,
    template_import_precursor_offers,
    template_imports_of,
)
from exchange.sharing.services.precursor_links import (
    template_precursor_link,
    template_precursor_request,
)
from suppliers.models import CommunicationTemplateImport


class WorkbookNameOutput(serializers.Serializer):
    name = serializers.CharField(help_text="The precursor's name as the workbook holds it")
    cell = serializers.CharField(help_text="Where: A_InstData!L<row> (purchased precursor PPn)")
    named = serializers.BooleanField(
        help_text="False when the cell was empty (the name is the template's 'PPn - category')"
    )


class MatchedSupplierOutput(serializers.Serializer):
    slug = serializers.SlugField()
    legal_name = serializers.CharField()
    legal_name_latin = serializers.CharField()
    matched_by = serializers.ChoiceField(
        choices=["organisation", "installation"],
        help_text="The name is the organisation's, or one of its installations'",
    )
    installation = serializers.UUIDField(allow_null=True)


class CandidateOutput(serializers.Serializer):
    id = serializers.UUIDField()
    product = serializers.CharField(source="product.name")
    cn_code = serializers.CharField(source="product.cn_code")
    installation = serializers.CharField(source="installation.name_latin")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    see_direct = serializers.DecimalField(max_digits=20, decimal_places=5)
    see_indirect = serializers.DecimalField(max_digits=20, decimal_places=5)
    see_total = serializers.DecimalField(max_digits=20, decimal_places=5)


class OpenRequestOutput(serializers.Serializer):
    id = serializers.UUIDField()
    due_date = serializers.DateField()


class PrecursorOfferOutput(serializers.Serializer):
    footprint = serializers.UUIDField(source="draft.pk", help_text="The draft the import created")
    footprint_status = serializers.CharField(source="draft.status")
    position = serializers.IntegerField(help_text="The precursor's position in the draft")
    workbook = serializers.SerializerMethodField()
    cn_code = serializers.CharField(source="precursor.cn_code")
    category = serializers.CharField(help_text="Aggregated goods category")
    country_of_origin = serializers.CharField(source="precursor.country_of_origin")
    see_source = serializers.CharField(source="precursor.see_source")
    source_footprint = serializers.UUIDField(
        source="precursor.source_footprint_id", allow_null=True
    )
    supplier = serializers.SerializerMethodField()
    ambiguous = serializers.BooleanField(
        source="match.ambiguous", help_text="Several organisations have this name: none chosen"
    )
    candidates = CandidateOutput(
        many=True,
        help_text="The supplier's published footprints shared with you, of this category",
    )
    can_request = serializers.BooleanField()
    open_request = OpenRequestOutput(allow_null=True)

    @extend_schema_field(WorkbookNameOutput)
    def get_workbook(self, offer: PrecursorOffer) -> dict[str, Any]:
        ref = offer.workbook
        return {"name": ref.name, "cell": ref.name_cell, "named": ref.named}

    @extend_schema_field(MatchedSupplierOutput(allow_null=True))
    def get_supplier(self, offer: PrecursorOffer) -> dict[str, Any] | None:
        if offer.supplier is None:
            return None
        return {
            "slug": offer.supplier.slug,
            "legal_name": offer.supplier.legal_name,
            "legal_name_latin": offer.supplier.legal_name_latin,
            "matched_by": offer.match.via,
            "installation": offer.installation.pk if offer.installation else None,
        }


class PrecursorOffersOutput(serializers.Serializer):
    id = serializers.UUIDField(help_text="The import")
    offers = PrecursorOfferOutput(many=True)


class PrecursorInput(serializers.Serializer):
    footprint = serializers.UUIDField(help_text="A draft the import created")
    position = serializers.IntegerField(min_value=0, help_text="Its purchased precursor's position")


class LinkInput(PrecursorInput):
    source_footprint = serializers.UUIDField(
        help_text="A published footprint you may read, of the precursor's goods category"
    )


class RequestInput(PrecursorInput):
    due_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Default: in 30 days"
    )


class _ImportApi(OrganisationAPIView):
    def template_import(self, import_id: str) -> CommunicationTemplateImport:
        return self.get_object_or_404(
            template_imports_of(organisation=self.organisation), pk=import_id
        )

    def precursor_named(self, import_id: str, body: PrecursorInput) -> dict[str, Any]:
        """What every action's service takes: the caller, the import and the precursor the
        body names (a 400 naming each bad field; an import not ours is a 404 first)."""
        row = self.template_import(import_id)
        body.is_valid(raise_exception=True)
        return {
            "actor": self.actor,
            "organisation": self.organisation,
            "template_import": row,
            "footprint_id": body.validated_data["footprint"],
            "position": body.validated_data["position"],
        }


class PrecursorOffersApi(_ImportApi):
    """The import's purchased precursors, each with the supplier its name matched on the
    platform, that supplier's footprints shared with you, and whether a request can be sent."""

    role_map = {"GET": ALL_ROLES}
    scope_area = "footprints"

    @extend_schema(responses=PrecursorOffersOutput)
    def get(self, request: Request, org_slug: str, import_id: str) -> Response:
        row = self.template_import(import_id)
        offers = template_import_precursor_offers(
            organisation=self.organisation, template_import=row
        )
        return Response(PrecursorOffersOutput({"id": row.pk, "offers": offers}).data)


class PrecursorLinkApi(_ImportApi):
    """Make a draft's purchased precursor use a published footprint (``platform_footprint``):
    the draft's SEE is recomputed. 409 ``footprint_immutable`` once it is no longer a draft;
    400 ``footprint_not_shared`` for a footprint you may not read or of another category."""

    role_map = {"POST": WRITER_ROLES}
    scope_area = "footprints"

    @extend_schema(request=LinkInput, responses=PrecursorOfferOutput)
    def post(self, request: Request, org_slug: str, import_id: str) -> Response:
        body = LinkInput(data=request.data)
        offer = template_precursor_link(
            **self.precursor_named(import_id, body),
            source_footprint_id=body.validated_data["source_footprint"],
        )
        return Response(PrecursorOfferOutput(offer).data)


class PrecursorRequestApi(_ImportApi):
    """Send the supplier a precursor's name matched a footprint request for its CN code and
    the draft's period: 201 with the offer and its ``open_request``. 400
    ``supplier_not_on_platform`` when the name matched no one; 409 ``request_already_open``."""

    role_map = {"POST": WRITER_ROLES}
    scope_area = "requests"

    @extend_schema(request=RequestInput, responses={201: PrecursorOfferOutput})
    def post(self, request: Request, org_slug: str, import_id: str) -> Response:
        body = RequestInput(data=request.data)
        offer = template_precursor_request(
            **self.precursor_named(import_id, body), due_date=body.validated_data["due_date"]
        )
        return Response(PrecursorOfferOutput(offer).data, status=status.HTTP_201_CREATED)
