"""Validation runs and their findings, batch submission with its progress, and the dry run
that validates a footprint input without saving it."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.base import OrganisationAPIView
from accounts.roles import ALL_ROLES, WRITER_ROLES
from core.api.inputs import serializer_for
from core.errors import ValidationFailed
from suppliers.inputs import FOOTPRINT_INPUT
from suppliers.models import ValidationBatch
from suppliers.selectors import footprints_owned_by
from suppliers.validation.batches import footprints_submit_batch
from suppliers.validation.dry_run import validation_dry_run
from suppliers.validation.selectors import (
    validation_batch_progress,
    validation_batches_visible_to,
    validation_runs_visible_to,
)


class FindingOutput(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.CharField()
    path = serializers.CharField()
    message_en = serializers.CharField()
    message_zh = serializers.CharField()
    evidence = serializers.DictField(child=serializers.CharField())
    default_value_required = serializers.BooleanField()


class ValidationRunOutput(serializers.Serializer):
    id = serializers.UUIDField()
    footprint = serializers.UUIDField(source="footprint_id")
    batch = serializers.UUIDField(source="batch_id", allow_null=True)
    status = serializers.CharField()
    attempts = serializers.IntegerField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    rules_version = serializers.CharField()
    error_count = serializers.IntegerField()
    warning_count = serializers.IntegerField()
    info_count = serializers.IntegerField()
    crashed_rule_code = serializers.CharField()
    last_error = serializers.CharField()
    created_at = serializers.DateTimeField()


class ValidationRunDetailOutput(ValidationRunOutput):
    findings = FindingOutput(many=True, source="findings.all")


class ValidationBatchOutput(serializers.Serializer):
    id = serializers.UUIDField()
    created_at = serializers.DateTimeField()
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    passed = serializers.IntegerField()
    failed = serializers.IntegerField(help_text="Runs that found errors")
    crashed = serializers.IntegerField(help_text="Runs whose rules kept failing")
    runs = ValidationRunOutput(many=True)


def _batch_output(batch: ValidationBatch) -> dict[str, Any]:
    progress = validation_batch_progress(batch)
    return ValidationBatchOutput(
        {
            "id": batch.pk,
            "created_at": batch.created_at,
            **asdict(progress),
            "runs": list(batch.runs.all()),
        }
    ).data


class DecisionFiguresOutput(serializers.Serializer):
    """A decision: a stored record, or a ``DefaultValueDecision`` of a dry run."""

    actual_data_allowed = serializers.BooleanField()
    default_value_must_be_used = serializers.SerializerMethodField()
    reasons = serializers.SerializerMethodField()
    year = serializers.IntegerField()
    certificate_price_eur = serializers.DecimalField(max_digits=12, decimal_places=2)
    default_see_direct = serializers.DecimalField(max_digits=20, decimal_places=5, allow_null=True)
    default_see_indirect = serializers.DecimalField(
        max_digits=20, decimal_places=5, allow_null=True
    )
    default_value_row = serializers.CharField(allow_null=True)
    mark_up = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    cost_actual_eur_per_t = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True
    )
    cost_default_eur_per_t = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True
    )
    cost_difference_eur_per_t = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True
    )
    note = serializers.CharField()

    def get_default_value_must_be_used(self, obj: Any) -> bool:
        return not obj.actual_data_allowed

    def get_reasons(self, obj: Any) -> list[dict[str, str]]:
        keys = ("code", "path", "message_en", "message_zh")
        return [
            {k: r[k] for k in keys} if isinstance(r, dict) else {k: getattr(r, k) for k in keys}
            for r in obj.reasons
        ]


class DecisionOutput(DecisionFiguresOutput):
    footprint = serializers.UUIDField(source="footprint_id")
    warnings = serializers.JSONField()
    computed_at = serializers.DateTimeField()


class DryRunOutput(serializers.Serializer):
    status = serializers.CharField()
    rules_version = serializers.CharField()
    error_count = serializers.IntegerField()
    warning_count = serializers.IntegerField()
    info_count = serializers.IntegerField()
    see = serializers.DictField(child=serializers.CharField())
    findings = FindingOutput(many=True)
    decision = DecisionFiguresOutput(allow_null=True)


class FootprintValidationRunListApi(OrganisationAPIView):
    """A footprint's validation runs with their counts, newest first."""

    role_map = {"GET": ALL_ROLES}
    scope_area = "footprints"

    @extend_schema(responses=ValidationRunOutput(many=True))
    def get(self, request: Request, org_slug: str, footprint_id: str) -> Response:
        footprint = self.get_object_or_404(
            footprints_owned_by(organisation=self.organisation).prefetch_related(None),
            pk=footprint_id,
        )
        runs = validation_runs_visible_to(
            organisation=self.organisation, footprint_id=str(footprint.pk)
        )
        return self.paginated(runs, ValidationRunOutput)


class ValidationRunDetailApi(OrganisationAPIView):
    """One run with its findings, in the rules' order (code, path, message)."""

    role_map = {"GET": ALL_ROLES}
    scope_area = "footprints"

    @extend_schema(responses=ValidationRunDetailOutput)
    def get(self, request: Request, org_slug: str, run_id: str) -> Response:
        run = self.get_object_or_404(
            validation_runs_visible_to(organisation=self.organisation).prefetch_related("findings"),
            pk=run_id,
        )
        return Response(ValidationRunDetailOutput(run).data)


class BatchInput(serializers.Serializer):
    footprints = serializers.ListField(child=serializers.CharField(), help_text="Footprint ids")


class FootprintSubmitBatchApi(OrganisationAPIView):
    """Submit many drafts at once: all or nothing, one validation run each."""

    role_map = {"POST": WRITER_ROLES}
    scope_area = "footprints"

    @extend_schema(request=BatchInput, responses={201: ValidationBatchOutput})
    def post(self, request: Request, org_slug: str) -> Response:
        serializer = BatchInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        batch = footprints_submit_batch(
            actor=self.actor,
            organisation=self.organisation,
            footprint_ids=serializer.validated_data["footprints"],
        )
        fresh = validation_batches_visible_to(organisation=self.organisation).get(pk=batch.pk)
        return Response(_batch_output(fresh), status=status.HTTP_201_CREATED)


class ValidationBatchDetailApi(OrganisationAPIView):
    """A batch's progress (done of total) and its runs."""

    role_map = {"GET": ALL_ROLES}
    scope_area = "footprints"

    @extend_schema(responses=ValidationBatchOutput)
    def get(self, request: Request, org_slug: str, batch_id: str) -> Response:
        batch = self.get_object_or_404(
            validation_batches_visible_to(organisation=self.organisation), pk=batch_id
        )
        return Response(_batch_output(batch))


class FootprintDryRunApi(OrganisationAPIView):
    """Validate a footprint input (the body of ``POST …/footprints/``) with every rule, as a
    submission would be, saving nothing. Input that cannot be read is a finding
    (``CBAM-INPUT-000``), not an error response."""

    role_map = {"POST": WRITER_ROLES}
    scope_area = "footprints"

    @extend_schema(request=serializer_for(FOOTPRINT_INPUT), responses=DryRunOutput)
    def post(self, request: Request, org_slug: str) -> Response:
        document: Any = None
        parse_error = None
        try:
            document = request.data
        except ParseError as exc:
            parse_error = str(exc.detail)
        except ValidationFailed as exc:  # a string the parser refuses (NUL, surrogate, flood)
            parse_error = exc.message
        result = validation_dry_run(
            organisation=self.organisation, document=document, parse_error=parse_error
        )
        counts = result.counts
        return Response(
            DryRunOutput(
                {
                    "status": result.status,
                    "rules_version": result.rules_version,
                    "error_count": counts["error"],
                    "warning_count": counts["warning"],
                    "info_count": counts["info"],
                    "see": result.see,
                    "findings": result.findings,
                    "decision": result.decision,
                }
            ).data
        )
