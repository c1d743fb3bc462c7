"""An organisation's own footprint as the EU communication template (v2.1.1, xlsx).

The download of a footprint shared with the caller lives beside the other shared-footprint
endpoints (``exchange.sharing.api.shared``): suppliers may not import exchange.
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework.request import Request

from accounts.roles import ALL_ROLES
from suppliers.api.footprints import FootprintObjectAPIView
from suppliers.models import Footprint
from suppliers.services.eu_template_export import (
    CONTENT_TYPE,
    communication_template_export,
    communication_template_filename,
)


def communication_template_response(footprint: Footprint) -> HttpResponse:
    """The workbook of one footprint as a download (the owner's and the buyers' endpoints)."""
    response = HttpResponse(
        communication_template_export(footprints=[footprint]), content_type=CONTENT_TYPE
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{communication_template_filename([footprint])}"'
    )
    return response


class FootprintCommunicationTemplateApi(FootprintObjectAPIView):
    """The footprint written into the Commission's blank communication template (input cells
    only; recalculated on opening); what the template cannot carry is on the sheet
    ``CBAM Exchange``."""

    role_map = {"GET": ALL_ROLES}

    @extend_schema(responses={(200, CONTENT_TYPE): OpenApiTypes.BINARY})
    def get(self, request: Request, org_slug: str, footprint_id: str) -> HttpResponse:
        return communication_template_response(self.footprint(footprint_id))
