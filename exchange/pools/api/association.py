"""The association's side of its data pools: pools and their disclosure settings, members
(invite, end), the live cells as a release preview (with why a cell is suppressed) and
publishing releases.

Every lookup goes through ``exchange.pools.selectors.pool_run_by``: a pool of another
organisation is a 404. Nothing here shows an individual footprint, a contribution's
organisation or the number of contributors of a suppressed cell.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.base import OrganisationAPIView
from accounts.roles import ADMIN_ROLES, ALL_ROLES
from core.api.inputs import body_object, serializer_for
from core.errors import ValidationFailed
from core.inputs import Parsed
from exchange.pools.inputs import (
    POOL_INPUT,
    POOL_INVITE_INPUT,
    POOL_RELEASE_INPUT,
    POOL_SETTINGS_INPUT,
)
from exchange.pools.models import Pool, PoolCell
from exchange.pools.selectors import (
    organisation_to_invite,
    pool_cells,
    pool_coverage,
    pool_membership_run_by,
    pool_memberships,
    pool_releases,
    pool_run_by,
    pool_visible_to,
    pools_run_by,
)
from exchange.pools.services.memberships import pool_invite, pool_membership_end
from exchange.pools.services.pools import pool_create, pool_settings_update
from exchange.pools.services.releases import pool_release_publish
from exchange.sharing.api.requests import OrganisationRefOutput


class PoolSettingsOutput(serializers.Serializer):
    min_contributors = serializers.IntegerField()
    max_share_pct = serializers.DecimalField(max_digits=5, decimal_places=2)
    dominance_n = serializers.IntegerField()
    dominance_pct = serializers.DecimalField(max_digits=5, decimal_places=2)


class PoolOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    description = serializers.CharField()
    association = OrganisationRefOutput()
    settings = serializers.SerializerMethodField()
    members = serializers.IntegerField(help_text="Active member organisations")
    invited = serializers.IntegerField(help_text="Invitations not answered yet")
    contributions = serializers.IntegerField(
        source="open_contributions", help_text="Footprint lineages in the pool now"
    )
    created_at = serializers.DateTimeField()
    refreshed_at = serializers.DateTimeField(
        allow_null=True, help_text="When the live cells were last recomputed"
    )

    @extend_schema_field(PoolSettingsOutput)
    def get_settings(self, obj: Pool) -> dict[str, Any]:
        return dict(PoolSettingsOutput(obj).data)


class CoverageOutput(serializers.Serializer):
    heading = serializers.CharField(help_text="CN heading (4 digits) and route, e.g. 7208|C")
    published = serializers.IntegerField(help_text="Cells that can be published")
    suppressed = serializers.IntegerField(help_text="Cells suppressed")
    by_reason = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Suppressed cells per reason: contributors, share, dominance, differencing",
    )


class PoolDetailOutput(PoolOutput):
    coverage = serializers.SerializerMethodField()

    @extend_schema_field(CoverageOutput(many=True))
    def get_coverage(self, obj: Pool) -> list[dict[str, Any]]:
        return list(CoverageOutput(pool_coverage(pool=obj), many=True).data)


class MembershipOutput(serializers.Serializer):
    id = serializers.UUIDField()
    organisation = OrganisationRefOutput()
    status = serializers.CharField(help_text="invited, active, declined or ended")
    invited_at = serializers.DateTimeField()
    invited_by = serializers.CharField(source="invited_by.full_name", allow_null=True)
    answered_at = serializers.DateTimeField(
        allow_null=True, help_text="When the company accepted or declined"
    )
    answered_by = serializers.CharField(
        source="answered_by.full_name", allow_null=True, help_text="Who accepted or declined"
    )
    ended_at = serializers.DateTimeField(allow_null=True)
    ended_by = serializers.CharField(source="ended_by.full_name", allow_null=True)
    ended_side = serializers.CharField(help_text="association or member; empty while open")


class CellOutput(serializers.Serializer):
    key = serializers.CharField(help_text="CN|route|country|year; * all countries, all years")
    cn_code = serializers.CharField()
    route = serializers.CharField()
    country = serializers.CharField()
    year = serializers.IntegerField(help_text="0: all years")
    published = serializers.BooleanField()
    suppression = serializers.SerializerMethodField()
    statistics = serializers.SerializerMethodField()

    @extend_schema_field(
        serializers.CharField(
            allow_null=True,
            help_text="Why the cell would be suppressed (the association's preview only; a "
            "release never says): contributors, share, dominance or differencing",
        )
    )
    def get_suppression(self, obj: PoolCell) -> str | None:
        return None if obj.published else (obj.suppression or None)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_statistics(self, obj: PoolCell) -> dict[str, Any] | None:
        """The statistics of a published cell; none for a suppressed one (not even how many
        contributors it has)."""
        return obj.statistics if obj.published else None


class ReleaseOutput(serializers.Serializer):
    number = serializers.IntegerField()
    released_at = serializers.DateTimeField()
    certificate_price_eur = serializers.DecimalField(max_digits=12, decimal_places=2)
    cells_published = serializers.IntegerField()
    cells_suppressed = serializers.IntegerField()
    contributions_used = serializers.IntegerField()
    kid = serializers.CharField(help_text="The association's signing key")


class ReleaseByOutput(ReleaseOutput):
    """A release as the association lists it: with the person who published it."""

    released_by = serializers.CharField(source="released_by.full_name", allow_null=True)


class _PoolApi(OrganisationAPIView):
    scope_area = "pools"

    def pool(self, pool_id: str) -> Pool:
        return pool_run_by(organisation=self.organisation, pool_id=pool_id)


class PoolListApi(_PoolApi):
    """The association's pools; POST creates one (the organisation must be an industry
    association)."""

    role_map = {"GET": ALL_ROLES, "POST": ADMIN_ROLES}

    @extend_schema(responses=PoolOutput(many=True))
    def get(self, request: Request, org_slug: str) -> Response:
        return self.paginated(pools_run_by(organisation=self.organisation), PoolOutput)

    @extend_schema(request=serializer_for(POOL_INPUT), responses={201: PoolDetailOutput})
    def post(self, request: Request, org_slug: str) -> Response:
        data = body_object(request)
        pool = pool_create(
            actor=self.actor,
            association=self.organisation,
            name=data.get("name"),
            description=data.get("description", ""),
            settings=data.get("settings"),
        )
        return Response(PoolDetailOutput(self.pool(str(pool.pk))).data, status=201)


class PoolDetailApi(_PoolApi):
    """One pool with its coverage (cells published and suppressed per CN heading); PATCH
    changes its disclosure settings, and every cell is decided again under them."""

    role_map = {"GET": ALL_ROLES, "PATCH": ADMIN_ROLES}

    @extend_schema(responses=PoolDetailOutput)
    def get(self, request: Request, org_slug: str, pool_id: str) -> Response:
        return Response(PoolDetailOutput(self.pool(pool_id)).data)

    @extend_schema(request=serializer_for(POOL_SETTINGS_INPUT), responses=PoolDetailOutput)
    def patch(self, request: Request, org_slug: str, pool_id: str) -> Response:
        pool = self.pool(pool_id)  # 404 before judging the input
        data = body_object(request)
        unknown = sorted(set(data) - {"settings"})
        if unknown:
            raise ValidationFailed(
                "Only the disclosure settings of a pool change.",
                fields={name[:40]: ['Expected only "settings".'] for name in unknown[:10]},
            )
        pool_settings_update(actor=self.actor, pool=pool, settings=data.get("settings"))
        return Response(PoolDetailOutput(self.pool(pool_id)).data)


class PoolMemberListApi(_PoolApi):
    """Every membership of the pool (invited, active, declined, ended) with who answered and
    when; POST invites a company (its administrators are notified)."""

    role_map = {"GET": ALL_ROLES, "POST": ADMIN_ROLES}

    @extend_schema(responses=MembershipOutput(many=True))
    def get(self, request: Request, org_slug: str, pool_id: str) -> Response:
        return self.paginated(pool_memberships(pool=self.pool(pool_id)), MembershipOutput)

    @extend_schema(request=serializer_for(POOL_INVITE_INPUT), responses={201: MembershipOutput})
    def post(self, request: Request, org_slug: str, pool_id: str) -> Response:
        pool = self.pool(pool_id)
        parsed = Parsed()
        reference = parsed.take(
            POOL_INVITE_INPUT.field("organisation"), body_object(request).get("organisation")
        )
        if parsed.errors or not reference:
            raise ValidationFailed(
                "Name the company to invite.",
                fields=parsed.errors
                or {"organisation": ["This field is required; expected a company's slug."]},
            )
        invited = organisation_to_invite(reference=reference)
        membership = pool_invite(actor=self.actor, pool=pool, organisation=invited)
        fresh = pool_memberships(pool=pool).get(pk=membership.pk)
        return Response(MembershipOutput(fresh).data, status=status.HTTP_201_CREATED)


class PoolMemberEndApi(_PoolApi):
    """End a membership (or withdraw an invitation): the member's contributions leave every
    later statistic; releases already published stay as released."""

    role_map = {"POST": ADMIN_ROLES}

    @extend_schema(request=None, responses=MembershipOutput)
    def post(
        self, request: Request, org_slug: str, pool_id: str, pool_membership_id: str
    ) -> Response:
        membership = pool_membership_run_by(
            organisation=self.organisation, pool_id=pool_id, membership_id=pool_membership_id
        )
        ended = pool_membership_end(actor=self.actor, membership=membership, side="association")
        fresh = pool_memberships(pool=ended.pool).get(pk=ended.pk)
        return Response(MembershipOutput(fresh).data)


_CELL_FILTERS = [
    OpenApiParameter("cn_code", str, description="CN code prefix: 4, 6 or 8 digits"),
    OpenApiParameter("route", str, description="Benchmark route letter, or empty"),
    OpenApiParameter("country", str, description="ISO alpha-2, or * for all countries"),
    OpenApiParameter("year", int, description="Reporting year, or 0 for all years"),
    OpenApiParameter("published", bool, description="true: published only; false: suppressed"),
]


def _cell_filters(request: Request) -> dict[str, Any]:
    params = request.query_params
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    cn_code = params.get("cn_code", "")
    if cn_code:
        if not (cn_code.isascii() and cn_code.isdigit() and len(cn_code) in (4, 6, 8)):
            errors["cn_code"] = [f"{cn_code[:20]!r}; expected 4, 6 or 8 digits, e.g. 7208."]
        values["cn_code"] = cn_code
    if "route" in params:
        route = params["route"].upper()
        if len(route) > 1 or (route and not route.isalpha()):
            errors["route"] = [f"{route[:20]!r}; expected a route letter, e.g. C, or empty."]
        values["route"] = route
    country = params.get("country", "")
    if country:
        if not (country == "*" or (len(country) == 2 and country.isascii() and country.isalpha())):
            errors["country"] = [f"{country[:20]!r}; expected ISO alpha-2, e.g. CN, or *."]
        values["country"] = country.upper()
    year = params.get("year", "")
    if year:
        if not (year.isascii() and year.isdigit() and len(year) <= 4):
            errors["year"] = [f"{year[:20]!r}; expected a year, e.g. 2026, or 0 for all years."]
        else:
            values["year"] = int(year)
    published = (params.get("published") or "").lower()
    if published not in ("", "true", "false"):
        errors["published"] = [f"{published[:20]!r}; expected true or false."]
    if errors:
        raise ValidationFailed("Invalid filter.", fields=errors)
    values["published"] = None if published == "" else published == "true"
    return values


class PoolCellListApi(_PoolApi):
    """The live cells as the next release would publish them: a published cell with its
    statistics, a suppressed one with the reason (never how many contributors it has)."""

    role_map = {"GET": ALL_ROLES}

    @extend_schema(parameters=_CELL_FILTERS, responses=CellOutput(many=True))
    def get(self, request: Request, org_slug: str, pool_id: str) -> Response:
        pool = self.pool(pool_id)
        filters = _cell_filters(request)
        published = filters.pop("published")
        cells = pool_cells(pool=pool, **filters)
        if published is not None:
            cells = cells.filter(published=published)
        return self.paginated(cells, CellOutput)


class PoolReleaseListApi(_PoolApi):
    """The pool's releases, newest first (the association's and its active members'); POST
    publishes the statistics as they are now as the next signed, numbered release (the
    association only)."""

    role_map = {"GET": ALL_ROLES, "POST": ADMIN_ROLES}

    @extend_schema(responses=ReleaseByOutput(many=True))
    def get(self, request: Request, org_slug: str, pool_id: str) -> Response:
        pool = pool_visible_to(organisation=self.organisation, pool_id=pool_id)
        output = ReleaseByOutput if pool.association_id == self.organisation.pk else ReleaseOutput
        return self.paginated(pool_releases(pool=pool), output)

    @extend_schema(request=serializer_for(POOL_RELEASE_INPUT), responses={201: ReleaseByOutput})
    def post(self, request: Request, org_slug: str, pool_id: str) -> Response:
        pool = self.pool(pool_id)
        release = pool_release_publish(
            actor=self.actor,
            pool=pool,
            certificate_price_eur=body_object(request).get("certificate_price_eur"),
        )
        fresh = pool_releases(pool=pool).get(pk=release.pk)
        return Response(ReleaseByOutput(fresh).data, status=status.HTTP_201_CREATED)
