"""Aggregated SEE with provenance, CBAM exposure, the buyer-wide chase list, recompute."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.base import OrganisationAPIView
from accounts.roles import ALL_ROLES, WRITER_ROLES
from cbam.rounding import round_money, round_see
from exchange.boms.calculations import ASSUMPTION_ESTIMATE, ASSUMPTION_SURE
from exchange.boms.models import AggregationResult, BuyerProduct
from exchange.boms.selectors import (
    aggregation_reference_superseded,
    aggregation_result_of,
    buyer_product_exposure,
    buyer_products_visible_to,
    chase_list,
    chase_suppliers,
)
from exchange.boms.services.recompute import buyer_product_recompute_request

ASSUMPTIONS = {
    ASSUMPTION_SURE: "A line on default values whose supplier's actual SEE equalled the "
    "default value: the mark-up on default values (IR 2025/2621) is saved, nothing else.",
    ASSUMPTION_ESTIMATE: "A line on default values whose supplier's actual SEE equalled the "
    "column B benchmark of its CN code and origin route (IR 2025/2620), free allocation "
    "unchanged: a typical-plant estimate, not a promise.",
}


def _see(value: Decimal | None) -> str | None:
    return None if value is None else str(round_see(value))


class ReferenceSupersededOutput(serializers.Serializer):
    dataset = serializers.CharField()
    used = serializers.CharField(help_text="The version the result was computed with")
    in_force = serializers.CharField(help_text="The version in force now for the same date")


class AggregationOutput(serializers.Serializer):
    product = serializers.UUIDField()
    status = serializers.CharField(help_text="ok, failed, or pending (not computed yet)")
    result_id = serializers.UUIDField(allow_null=True)
    computed_at = serializers.DateTimeField(allow_null=True)
    see_direct = serializers.CharField(allow_null=True, help_text="tCO2e/t, 5 dp")
    see_indirect = serializers.CharField(allow_null=True)
    see_indirect_counted = serializers.CharField(allow_null=True)
    see_total = serializers.CharField(allow_null=True)
    see_counted = serializers.CharField(allow_null=True)
    default_share = serializers.CharField(allow_null=True)
    lines = serializers.JSONField()
    provenance = serializers.JSONField()
    versions = serializers.JSONField()
    reference_superseded = ReferenceSupersededOutput(
        many=True,
        help_text="Reference-data versions this result was computed with that a newer version "
        "has replaced since; empty when the result is on the data in force (recompute to move it)",
    )
    problems = serializers.JSONField()
    inputs_digest = serializers.CharField(allow_blank=True)


def _aggregation(product: BuyerProduct, result: AggregationResult | None) -> dict[str, Any]:
    if result is None:
        return {
            "product": product.pk,
            "status": "pending",
            "result_id": None,
            "computed_at": None,
            **dict.fromkeys(
                (
                    "see_direct",
                    "see_indirect",
                    "see_indirect_counted",
                    "see_total",
                    "see_counted",
                    "default_share",
                )
            ),
            "lines": [],
            "provenance": {},
            "versions": {},
            "reference_superseded": [],
            "problems": [],
            "inputs_digest": "",
        }
    counted = (
        result.see_direct + result.see_indirect_counted
        if result.see_direct is not None and result.see_indirect_counted is not None
        else None
    )
    return {
        "product": product.pk,
        "status": result.status,
        "result_id": result.id,
        "computed_at": result.computed_at,
        "see_direct": _see(result.see_direct),
        "see_indirect": _see(result.see_indirect),
        "see_indirect_counted": _see(result.see_indirect_counted),
        "see_total": _see(result.see_total),
        "see_counted": _see(counted),
        "default_share": _see(result.default_share),
        "lines": result.lines,
        "provenance": result.provenance,
        "versions": result.versions,
        "reference_superseded": aggregation_reference_superseded(result=result),
        "problems": result.problems,
        "inputs_digest": result.inputs_digest,
    }


class _ProductBase(OrganisationAPIView):
    scope_area = "boms"

    def _product(self, buyer_product_id: str) -> BuyerProduct:
        return self.get_object_or_404(
            buyer_products_visible_to(organisation=self.organisation), pk=buyer_product_id
        )


class AggregationApi(_ProductBase):
    role_map = {"GET": ALL_ROLES}

    @extend_schema(responses=AggregationOutput)
    def get(self, request: Request, org_slug: str, buyer_product_id: str) -> Response:
        product = self._product(buyer_product_id)
        return Response(
            AggregationOutput(_aggregation(product, aggregation_result_of(product=product))).data
        )


class ExposureLineOutput(serializers.Serializer):
    line = serializers.UUIDField()
    position = serializers.IntegerField()
    cn_code = serializers.CharField()
    supplier_name = serializers.CharField(allow_blank=True)
    use = serializers.CharField(help_text="actual, default or own_product")
    reasons = serializers.JSONField()
    cost_eur_per_t = serializers.CharField(allow_null=True)
    saving_eur_per_t = serializers.CharField(
        allow_null=True, help_text="Actual line: what it saves. Default line: the sure part."
    )
    saving_estimate_eur_per_t = serializers.CharField(allow_null=True)
    assumption = serializers.CharField(allow_null=True)
    note = serializers.CharField(allow_blank=True)


class ExposureOutput(serializers.Serializer):
    product = serializers.UUIDField()
    status = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    certificate_price_eur = serializers.CharField(allow_null=True)
    certificate_price = serializers.JSONField(
        allow_null=True,
        help_text="The price used: published last (period, publication date, row) or the "
        "labelled assumption where none is published (basis 'assumption')",
    )
    cost_eur_per_t = serializers.CharField(allow_null=True)
    cost_all_defaults_eur_per_t = serializers.CharField(allow_null=True)
    saving_eur_per_t = serializers.CharField(allow_null=True)
    projection = serializers.JSONField()
    lines = ExposureLineOutput(many=True)
    assumptions = serializers.DictField(child=serializers.CharField())
    problems = serializers.JSONField()


class ExposureApi(_ProductBase):
    role_map = {"GET": ALL_ROLES}

    @extend_schema(responses=ExposureOutput)
    def get(self, request: Request, org_slug: str, buyer_product_id: str) -> Response:
        product = self._product(buyer_product_id)
        exposure = buyer_product_exposure(
            product=product, result=aggregation_result_of(product=product)
        )
        return Response(ExposureOutput({**exposure, "assumptions": ASSUMPTIONS}).data)


class RecomputeOutput(serializers.Serializer):
    job = serializers.IntegerField()


class RecomputeApi(_ProductBase):
    role_map = {"POST": WRITER_ROLES}

    @extend_schema(request=None, responses={202: RecomputeOutput})
    def post(self, request: Request, org_slug: str, buyer_product_id: str) -> Response:
        job = buyer_product_recompute_request(
            actor=self.actor, product=self._product(buyer_product_id)
        )
        return Response({"job": job.pk}, status=status.HTTP_202_ACCEPTED)


class ChaseLineOutput(serializers.Serializer):
    product = serializers.UUIDField(source="product_id")
    product_name = serializers.CharField()
    line = serializers.UUIDField(source="line_id")
    position = serializers.IntegerField()
    cn_code = serializers.CharField()
    supplier_name = serializers.CharField(allow_blank=True)
    use = serializers.CharField()
    default_value_required = serializers.BooleanField()
    reasons = serializers.JSONField()
    saving_eur_per_t = serializers.SerializerMethodField()
    saving_estimate_eur_per_t = serializers.SerializerMethodField()
    assumption = serializers.CharField(allow_null=True)

    def get_saving_eur_per_t(self, obj: Any) -> str:
        return str(round_money(obj.saving_eur_per_t))

    def get_saving_estimate_eur_per_t(self, obj: Any) -> str | None:
        value = obj.saving_estimate_eur_per_t
        return None if value is None else str(round_money(value))


class ChaseSupplierOutput(serializers.Serializer):
    supplier_name = serializers.CharField(allow_blank=True)
    lines = serializers.IntegerField()
    saving_eur_per_t = serializers.CharField(
        help_text="Sum over its lines of the saving per tonne of each product"
    )


class ChaseListOutput(serializers.Serializer):
    lines = ChaseLineOutput(many=True)
    suppliers = ChaseSupplierOutput(many=True)
    assumptions = serializers.DictField(child=serializers.CharField())


class ChaseListApi(OrganisationAPIView):
    role_map = {"GET": ALL_ROLES}
    scope_area = "boms"

    @extend_schema(responses=ChaseListOutput)
    def get(self, request: Request, org_slug: str) -> Response:
        entries = chase_list(organisation=self.organisation)
        suppliers = [
            {
                "supplier_name": s.supplier_name or "(no supplier named)",
                "lines": s.lines,
                "saving_eur_per_t": str(s.saving_eur_per_t),
            }
            for s in chase_suppliers(entries)
        ]
        return Response(
            ChaseListOutput(
                {"lines": entries, "suppliers": suppliers, "assumptions": ASSUMPTIONS}
            ).data
        )
