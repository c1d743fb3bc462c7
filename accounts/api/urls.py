from django.urls import path

from accounts.api import audit, clients, keys, me, members, organisations

org = "orgs/<slug:org_slug>/"

urlpatterns = [
    path("auth/token/", clients.TokenApi.as_view(), name="token"),
    path("me/", me.MeApi.as_view(), name="me"),
    path("me/active-organisation/", me.ActiveOrganisationApi.as_view(), name="me-active-org"),
    path("me/totp/enrolment/", me.TotpEnrolmentApi.as_view(), name="me-totp-enrolment"),
    path("me/totp/confirmation/", me.TotpConfirmApi.as_view(), name="me-totp-confirm"),
    path("me/totp/disable/", me.TotpDisableApi.as_view(), name="me-totp-disable"),
    path("invitations/accept/", members.InvitationAcceptApi.as_view(), name="invitation-accept"),
    path(org, organisations.OrganisationDetailApi.as_view(), name="organisation"),
    path(f"{org}memberships/", members.MembershipListApi.as_view(), name="memberships"),
    path(
        f"{org}memberships/<str:membership_id>/",
        members.MembershipDetailApi.as_view(),
        name="membership",
    ),
    path(f"{org}invitations/", members.InvitationListApi.as_view(), name="invitations"),
    path(
        f"{org}invitations/<str:invitation_id>/",
        members.InvitationDetailApi.as_view(),
        name="invitation",
    ),
    path(f"{org}api-clients/", clients.ApiClientListApi.as_view(), name="api-clients"),
    path(
        f"{org}api-clients/<str:api_client_id>/",
        clients.ApiClientDetailApi.as_view(),
        name="api-client",
    ),
    path(
        f"{org}api-clients/<str:api_client_id>/rotate/",
        clients.ApiClientRotateApi.as_view(),
        name="api-client-rotate",
    ),
    path(f"{org}audit-events/", audit.AuditEventListApi.as_view(), name="audit-events"),
    path(f"{org}keys/", keys.SigningKeyListApi.as_view(), name="signing-keys"),
    path(f"{org}keys/rotate/", keys.SigningKeyRotateApi.as_view(), name="signing-key-rotate"),
    path(
        f"{org}keys/<str:key_id>/revoke/",
        keys.SigningKeyRevokeApi.as_view(),
        name="signing-key-revoke",
    ),
    path(
        "organisations/<slug:org_slug>/jwks.json",
        keys.OrganisationJwksApi.as_view(),
        name="organisation-jwks",
    ),
    path("footprints/verify", keys.FootprintVerifyApi.as_view(), name="footprint-verify"),
]
