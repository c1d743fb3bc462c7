"""A pool's releases as published, for the association and its active members: the signed
document with its signature, the exact signed bytes, the detached JWS and a CSV.

Verify a release offline like a footprint (docs/verifying.md, "A pool release"): save
``document/`` and ``signature/`` as they come, the association's keys from
``/api/v1/organisations/<slug>/jwks.json``, then ``manage.py verify_footprint document.json
--signature document.jws --jwks jwks.json`` or ``tools/verify_footprint_standalone.py``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiTypes, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.base import OrganisationAPIView
from accounts.roles import ALL_ROLES
from exchange.pools.api.association import ReleaseOutput
from exchange.pools.exports import release_csv
from exchange.pools.models import PoolRelease
from exchange.pools.selectors import pool_release, pool_visible_to
from exchange.pools.services.releases import release_content


class ReleaseDetailOutput(ReleaseOutput):
    document = serializers.SerializerMethodField()
    signature = serializers.CharField(source="jws", help_text="Detached JWS (RFC 7515/7797)")
    digest = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_document(self, obj: PoolRelease) -> dict[str, Any]:
        """The signed document, parsed (the exact bytes: ``document/``)."""
        return release_content(obj)

    @extend_schema_field(serializers.CharField(help_text="sha-256 of the signed bytes, hex"))
    def get_digest(self, obj: PoolRelease) -> str:
        return hashlib.sha256(bytes(obj.payload)).hexdigest()


class _ReleaseApi(OrganisationAPIView):
    """A release of a pool the organisation runs or is an active member of; else 404."""

    role_map = {"GET": ALL_ROLES}
    scope_area = "pools"

    def release(self, pool_id: str, release_number: str) -> PoolRelease:
        pool = pool_visible_to(organisation=self.organisation, pool_id=pool_id)
        return pool_release(pool=pool, number=release_number)


def _file_name(release: PoolRelease, extension: str) -> str:
    return f"pool-{release.pool_id}-release-{release.number}.{extension}"


class PoolReleaseDetailApi(_ReleaseApi):
    """One release: its figures, the signed document (parsed) and its signature."""

    @extend_schema(responses=ReleaseDetailOutput)
    def get(self, request: Request, org_slug: str, pool_id: str, release_number: str) -> Response:
        return Response(ReleaseDetailOutput(self.release(pool_id, release_number)).data)


class PoolReleaseDocumentApi(_ReleaseApi):
    """The signed document, byte for byte as signed (RFC 8785 JSON; never re-serialised)."""

    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT})
    def get(
        self, request: Request, org_slug: str, pool_id: str, release_number: str
    ) -> HttpResponse:
        release = self.release(pool_id, release_number)
        payload = bytes(release.payload)
        response = HttpResponse(payload, content_type="application/json")
        response["Digest"] = "sha-256=" + hashlib.sha256(payload).hexdigest()
        response["Content-Disposition"] = f'attachment; filename="{_file_name(release, "json")}"'
        return response


class PoolReleaseSignatureApi(_ReleaseApi):
    """The detached JWS over the document's exact bytes."""

    @extend_schema(responses={(200, "application/jose"): OpenApiTypes.STR})
    def get(
        self, request: Request, org_slug: str, pool_id: str, release_number: str
    ) -> HttpResponse:
        release = self.release(pool_id, release_number)
        response = HttpResponse(release.jws, content_type="application/jose")
        response["Content-Disposition"] = f'attachment; filename="{_file_name(release, "jws")}"'
        return response


class PoolReleaseCsvApi(_ReleaseApi):
    """The release as CSV (UTF-8 with a BOM): one row per cell, from the signed document."""

    @extend_schema(responses={(200, "text/csv"): str})
    def get(
        self, request: Request, org_slug: str, pool_id: str, release_number: str
    ) -> HttpResponse:
        release = self.release(pool_id, release_number)
        response = HttpResponse(
            release_csv(release_content(release)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{_file_name(release, "csv")}"'
        return response
