from django.urls import path

from exchange.pools.api import association, membership, releases

org = "orgs/<slug:org_slug>/"
# The association's side: its pools (<pool_id> is a pool it runs).
pool = f"{org}pools/<str:pool_id>/"
# Both sides: a release of a pool the organisation runs or is an active member of.
release = f"{pool}releases/<str:release_number>/"
# The member's side: a pool it is invited to or a member of (<member_pool_id> is that pool's id).
mine = f"{org}pool-memberships/<str:member_pool_id>/"

urlpatterns = [
    path(f"{org}pools/", association.PoolListApi.as_view(), name="pools"),
    path(pool, association.PoolDetailApi.as_view(), name="pool"),
    path(f"{pool}members/", association.PoolMemberListApi.as_view(), name="pool-members"),
    path(
        f"{pool}members/<str:pool_membership_id>/end/",
        association.PoolMemberEndApi.as_view(),
        name="pool-member-end",
    ),
    path(f"{pool}cells/", association.PoolCellListApi.as_view(), name="pool-cells"),
    path(f"{pool}releases/", association.PoolReleaseListApi.as_view(), name="pool-releases"),
    path(release, releases.PoolReleaseDetailApi.as_view(), name="pool-release"),
    path(
        f"{release}document/",
        releases.PoolReleaseDocumentApi.as_view(),
        name="pool-release-document",
    ),
    path(
        f"{release}signature/",
        releases.PoolReleaseSignatureApi.as_view(),
        name="pool-release-signature",
    ),
    path(f"{release}csv/", releases.PoolReleaseCsvApi.as_view(), name="pool-release-csv"),
    path(
        f"{org}pool-memberships/",
        membership.MyMembershipListApi.as_view(),
        name="pool-memberships",
    ),
    path(f"{mine}accept/", membership.MembershipAcceptApi.as_view(), name="pool-membership-accept"),
    path(
        f"{mine}decline/", membership.MembershipDeclineApi.as_view(), name="pool-membership-decline"
    ),
    path(f"{mine}leave/", membership.MembershipLeaveApi.as_view(), name="pool-membership-leave"),
    path(
        f"{mine}contributions/",
        membership.ContributionListApi.as_view(),
        name="pool-contributions",
    ),
    path(
        f"{mine}contributions/<str:contribution_id>/withdraw/",
        membership.ContributionWithdrawApi.as_view(),
        name="pool-contribution-withdraw",
    ),
    path(f"{mine}position/", membership.MyPositionApi.as_view(), name="pool-position"),
]
