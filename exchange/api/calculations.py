"""The public calculator endpoints: anyone may call them; anonymous callers are throttled
tightly (the calculator is the platform's shop window), logged-in people and machine
clients get the usual per-caller limits."""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from accounts.api.base import PublicAPIView
from accounts.api.throttling import ClientRateThrottle
from cbam.parsing import EMBEDDED_EMISSIONS_INPUT, OBLIGATION_INPUT
from core.api.inputs import serializer_for
from exchange.services.calculator import calculator_embedded_emissions, calculator_obligation


class AnonymousCalculatorThrottle(SimpleRateThrottle):
    """Per IP address, for anonymous callers only."""

    scope = "calculator_anon"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if getattr(request.user, "is_authenticated", False):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class CalculatorAPIView(PublicAPIView):
    # Public, but a caller who sends credentials is identified (for their own limits).
    authentication_classes: ClassVar[list[Any]] = list(  # type: ignore[misc]
        api_settings.DEFAULT_AUTHENTICATION_CLASSES
    )
    throttle_classes: ClassVar[list[Any]] = [AnonymousCalculatorThrottle, ClientRateThrottle]  # type: ignore[misc]


class EmbeddedEmissionsApi(CalculatorAPIView):
    @extend_schema(
        request=serializer_for(EMBEDDED_EMISSIONS_INPUT),
        responses=OpenApiTypes.OBJECT,
        description=(
            "Specific embedded emissions (direct, indirect, total; tCO2e/t, 5 dp) of simple and "
            "complex goods, with the provenance of every number. Body: {goods: [...], "
            "reference_date?}. See docs/calculator.md."
        ),
    )
    def post(self, request: Request) -> Response:
        return Response(calculator_embedded_emissions(data=request.data))


class ObligationApi(CalculatorAPIView):
    @extend_schema(
        request=serializer_for(OBLIGATION_INPUT),
        responses=OpenApiTypes.OBJECT,
        description=(
            "CBAM certificates and cost in EUR for an import, the free allocation adjustment, "
            "the Art. 9 deduction, the 2026-2034 projection and the cost on default values. "
            "See docs/calculator.md."
        ),
    )
    def post(self, request: Request) -> Response:
        return Response(calculator_obligation(data=request.data))
