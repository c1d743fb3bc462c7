"""Organisation endpoints: read your own, update it as admin."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.base import OrganisationAPIView
from accounts.identifiers import SCHEMES
from accounts.models import Organisation
from accounts.roles import ADMIN_ROLES, ALL_ROLES, OrganisationKind
from accounts.selectors import organisation_detail
from accounts.services.organisations import organisation_update


class IdentifierSerializer(serializers.Serializer):
    scheme = serializers.ChoiceField(choices=SCHEMES)
    value = serializers.CharField(max_length=64)
    urn = serializers.CharField(read_only=True)


class OrganisationOutput(serializers.Serializer):
    slug = serializers.SlugField()
    legal_name = serializers.CharField()
    legal_name_latin = serializers.CharField()
    country = serializers.CharField()
    kinds = serializers.ListField(child=serializers.CharField(), source="kind_list")
    identifiers = IdentifierSerializer(many=True, source="identifiers.all")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class OrganisationDetailApi(OrganisationAPIView):
    role_map = {"GET": ALL_ROLES, "PATCH": ADMIN_ROLES}
    scope_area = "organisation"

    class InputSerializer(serializers.Serializer):
        legal_name = serializers.CharField(max_length=300, required=False)
        legal_name_latin = serializers.CharField(max_length=300, required=False)
        country = serializers.CharField(max_length=2, min_length=2, required=False)
        kinds = serializers.ListField(
            child=serializers.ChoiceField(choices=OrganisationKind.choices),
            required=False,
            allow_empty=False,
        )
        identifiers = IdentifierSerializer(many=True, required=False)

    def _render(self, organisation: Organisation) -> Response:
        return Response(OrganisationOutput(organisation_detail(organisation=organisation)).data)

    @extend_schema(responses=OrganisationOutput)
    def get(self, request: Request, org_slug: str) -> Response:
        return self._render(self.organisation)

    @extend_schema(request=InputSerializer, responses=OrganisationOutput)
    def patch(self, request: Request, org_slug: str) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        if "identifiers" in data:
            data["identifiers"] = [dict(i) for i in data["identifiers"]]
        organisation = organisation_update(actor=self.actor, organisation=self.organisation, **data)
        return self._render(organisation)
