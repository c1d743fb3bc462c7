"""A member's side of the data pools: its invitations and memberships (accept, decline,
leave), its own contributions (opt lineages in, withdraw) and its own position in the latest
release. A pool the organisation is not invited to or a member of is a 404; nothing here
shows another member's footprint or name."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.base import OrganisationAPIView
from accounts.roles import ADMIN_ROLES, ALL_ROLES
from core.api.inputs import body_object, serializer_for
from exchange.pools.inputs import POOL_CONTRIBUTE_INPUT
from exchange.pools.models import MembershipStatus, PoolMembership
from exchange.pools.selectors import (
    contribution_of,
    contributions_of,
    my_position,
    pool_membership_of,
    pool_memberships_of,
)
from exchange.pools.services.contributions import pool_contribute, pool_contribution_withdraw
from exchange.pools.services.memberships import pool_invitation_answer, pool_membership_end
from exchange.sharing.api.requests import OrganisationRefOutput


class MemberPoolOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    description = serializers.CharField()


class MyMembershipOutput(serializers.Serializer):
    id = serializers.UUIDField()
    pool = MemberPoolOutput()
    association = OrganisationRefOutput(source="pool.association")
    status = serializers.CharField(help_text="invited or active (ended: no longer listed)")
    invited_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)
    answered_by = serializers.CharField(
        source="answered_by.full_name", allow_null=True, help_text="Who accepted"
    )


class EndedMembershipOutput(MyMembershipOutput):
    status = serializers.CharField(help_text="active, declined or ended")
    ended_at = serializers.DateTimeField(allow_null=True)


def _figure(**kwargs: Any) -> serializers.DecimalField:
    """A Decimal as computed (a string, never re-rounded by the serializer)."""
    return serializers.DecimalField(max_digits=None, decimal_places=None, **kwargs)


class ContributedFootprintOutput(serializers.Serializer):
    id = serializers.UUIDField()
    product = serializers.CharField(source="product.name")
    cn_code = serializers.CharField(source="product.cn_code")
    route = serializers.CharField(source="product.benchmark_route")
    country = serializers.CharField(source="installation.country")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    see_direct = _figure()
    see_indirect = _figure()
    indirect_counts = serializers.BooleanField()
    verified = serializers.SerializerMethodField()

    def get_verified(self, obj: Any) -> bool:
        return obj.verifier_confirmed_at is not None


class ContributionOutput(serializers.Serializer):
    id = serializers.UUIDField()
    lineage = serializers.UUIDField()
    added_at = serializers.DateTimeField()
    added_by = serializers.CharField(source="added_by.full_name", allow_null=True)
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    footprint = serializers.SerializerMethodField()

    @extend_schema_field(ContributedFootprintOutput(allow_null=True))
    def get_footprint(self, obj: Any) -> dict[str, Any] | None:
        """The lineage's published version that counts now (None: it has none left, e.g.
        deprecated without a successor, or the contribution was withdrawn)."""
        footprint = getattr(obj, "footprint", None)
        return None if footprint is None else dict(ContributedFootprintOutput(footprint).data)


class PositionReleaseOutput(serializers.Serializer):
    number = serializers.IntegerField()
    released_at = serializers.DateTimeField()
    certificate_price_eur = serializers.DecimalField(max_digits=12, decimal_places=2)


class PositionOutput(serializers.Serializer):
    footprint = serializers.UUIDField(source="footprint.id")
    product = serializers.CharField(source="footprint.product.name")
    cell = serializers.CharField(help_text="CN|route|country|year; * all countries, all years")
    value = _figure(help_text="Your counted SEE, tCO2e/t")
    band = serializers.CharField(
        help_text="below_p10, p10_p25, p25_median, median_p75, p75_p90 or above_p90"
    )
    median = _figure(help_text="The cell's median counted SEE, tCO2e/t")
    to_median_t = _figure(help_text="Your value minus the median, tCO2e/t")
    default_with_mark_up = _figure(allow_null=True, help_text="tCO2e/t (null: no default)")
    to_default_t = _figure(
        allow_null=True, help_text="Your value minus the default with mark-up, tCO2e/t"
    )
    to_default_eur = _figure(
        allow_null=True,
        help_text="That difference in EUR per tonne at the release's certificate price",
    )


class MyPositionOutput(serializers.Serializer):
    release = PositionReleaseOutput(allow_null=True)
    positions = PositionOutput(many=True)


class _MemberApi(OrganisationAPIView):
    scope_area = "pools"

    def membership(self, pool_id: str) -> PoolMembership:
        return pool_membership_of(organisation=self.organisation, pool_id=pool_id)


class MyMembershipListApi(_MemberApi):
    """The pools this organisation is invited to or a member of."""

    role_map = {"GET": ALL_ROLES}

    @extend_schema(responses=MyMembershipOutput(many=True))
    def get(self, request: Request, org_slug: str) -> Response:
        return self.paginated(
            pool_memberships_of(organisation=self.organisation), MyMembershipOutput
        )


class MembershipAcceptApi(_MemberApi):
    """Accept the pool's invitation (the date and the person are recorded; the association
    is notified)."""

    role_map = {"POST": ADMIN_ROLES}

    @extend_schema(request=None, responses=EndedMembershipOutput)
    def post(self, request: Request, org_slug: str, member_pool_id: str) -> Response:
        answered = pool_invitation_answer(
            actor=self.actor, membership=self.membership(member_pool_id), accept=True
        )
        return Response(EndedMembershipOutput(answered).data)


class MembershipDeclineApi(_MemberApi):
    """Decline the pool's invitation."""

    role_map = {"POST": ADMIN_ROLES}

    @extend_schema(request=None, responses=EndedMembershipOutput)
    def post(self, request: Request, org_slug: str, member_pool_id: str) -> Response:
        answered = pool_invitation_answer(
            actor=self.actor, membership=self.membership(member_pool_id), accept=False
        )
        return Response(EndedMembershipOutput(answered).data)


class MembershipLeaveApi(_MemberApi):
    """Leave the pool: every contribution leaves later statistics (releases already published
    stay as released); the association is notified."""

    role_map = {"POST": ADMIN_ROLES}

    @extend_schema(request=None, responses=EndedMembershipOutput)
    def post(self, request: Request, org_slug: str, member_pool_id: str) -> Response:
        ended = pool_membership_end(
            actor=self.actor, membership=self.membership(member_pool_id), side="member"
        )
        return Response(EndedMembershipOutput(ended).data)


class ContributionListApi(_MemberApi):
    """This organisation's contributions to the pool (its own only), each with the version
    that counts now; POST opts the lineages of published, signed footprints in."""

    role_map = {"GET": ALL_ROLES, "POST": ADMIN_ROLES}

    @extend_schema(responses=ContributionOutput(many=True))
    def get(self, request: Request, org_slug: str, member_pool_id: str) -> Response:
        membership = self.membership(member_pool_id)
        contributions = contributions_of(pool=membership.pool, organisation=self.organisation)
        return self.paginated(contributions, ContributionOutput)

    @extend_schema(
        request=serializer_for(POOL_CONTRIBUTE_INPUT),
        responses={201: ContributionOutput(many=True)},
    )
    def post(self, request: Request, org_slug: str, member_pool_id: str) -> Response:
        membership = self.membership(member_pool_id)
        created = pool_contribute(
            actor=self.actor,
            pool=membership.pool,
            organisation=self.organisation,
            footprints=body_object(request).get("footprints"),
        )
        mine = contributions_of(pool=membership.pool, organisation=self.organisation)
        wanted = {c.pk for c in created}
        return Response(
            ContributionOutput([c for c in mine if c.pk in wanted], many=True).data,
            status=status.HTTP_201_CREATED,
        )


class ContributionWithdrawApi(_MemberApi):
    """Withdraw one lineage: it leaves every later statistic; releases already published stay
    as released."""

    role_map = {"POST": ADMIN_ROLES}

    @extend_schema(request=None, responses=ContributionOutput)
    def post(
        self, request: Request, org_slug: str, member_pool_id: str, contribution_id: str
    ) -> Response:
        membership = self.membership(member_pool_id)
        contribution = contribution_of(
            pool=membership.pool, organisation=self.organisation, contribution_id=contribution_id
        )
        withdrawn = pool_contribution_withdraw(actor=self.actor, contribution=contribution)
        return Response(ContributionOutput(withdrawn).data)


class MyPositionApi(_MemberApi):
    """Where each of this organisation's contributed footprints stands in the latest release:
    per published cell it falls in, its percentile band and its differences to the median and
    to the default value (EUR/t at the release's certificate price). Its own only."""

    role_map = {"GET": ALL_ROLES}
    pagination_class = None

    @extend_schema(responses=MyPositionOutput)
    def get(self, request: Request, org_slug: str, member_pool_id: str) -> Response:
        membership = self.membership(member_pool_id)
        if membership.status != MembershipStatus.ACTIVE:  # invited: nothing contributed yet
            return Response(MyPositionOutput({"release": None, "positions": []}).data)
        release, positions = my_position(pool=membership.pool, organisation=self.organisation)
        return Response(MyPositionOutput({"release": release, "positions": positions}).data)
