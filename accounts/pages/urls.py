"""URLs of the accounts pages: person pages at the root, organisation pages under /o/<org>/."""

from django.urls import URLPattern, path

from accounts.pages.keys import KeyRevokePage, KeyRotatePage, KeysPage
from accounts.pages.members import (
    InvitationRevokePage,
    MemberRemovePage,
    MemberRolePage,
    MembersPage,
)
from accounts.pages.sign_up import SignUpPage

ORG = "o/<slug:org_slug>/"

urlpatterns: list[URLPattern] = [
    path("sign-up/<str:sign_up_token>/", SignUpPage.as_view(), name="sign-up"),
    path(f"{ORG}members/", MembersPage.as_view(), name="members"),
    path(f"{ORG}members/<uuid:membership_id>/role/", MemberRolePage.as_view(), name="member-role"),
    path(
        f"{ORG}members/<uuid:membership_id>/remove/",
        MemberRemovePage.as_view(),
        name="member-remove",
    ),
    path(
        f"{ORG}invitations/<uuid:invitation_id>/revoke/",
        InvitationRevokePage.as_view(),
        name="invitation-revoke",
    ),
    path(f"{ORG}keys/", KeysPage.as_view(), name="keys"),
    path(f"{ORG}keys/rotate/", KeyRotatePage.as_view(), name="key-rotate"),
    path(f"{ORG}keys/<uuid:key_id>/revoke/", KeyRevokePage.as_view(), name="key-revoke"),
]
