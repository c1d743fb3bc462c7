"""Public documents of the suppliers app: the JSON Schema of the CBAM data model extension
that travels in every published PACT ProductFootprint."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from suppliers.pact.schema import cbam_extension_schema_bytes


@require_GET
def cbam_extension_schema_view(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        cbam_extension_schema_bytes(platform_host=settings.PLATFORM_HOST),
        content_type="application/schema+json",
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response
