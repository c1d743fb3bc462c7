"""Reads of the accounts app. Organisation-scoped selectors take ``organisation=`` and
return only that organisation's rows; the API's base class supplies it."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import ApiClient, AuditEvent, Invitation, Membership, Organisation, User


def membership_of(*, user: User, organisation_slug: str) -> Membership | None:
    return (
        Membership.objects.select_related("organisation")
        .filter(user=user, organisation__slug=organisation_slug)
        .first()
    )


def memberships_of_user(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__slug", "id")
    )


def organisation_detail(*, organisation: Organisation) -> Organisation:
    return Organisation.objects.prefetch_related("kinds", "identifiers").get(pk=organisation.pk)


def memberships_visible_to(*, organisation: Organisation) -> QuerySet[Membership]:
    # only(): a member list needs five columns, not the user's password hash and 2FA state.
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .only("id", "role", "created_at", "organisation_id", "user__email", "user__full_name")
        .order_by("created_at", "id")
    )


def invitations_visible_to(*, organisation: Organisation) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(organisation=organisation)
        .select_related("invited_by")
        .order_by("-created_at", "id")
    )


def api_clients_visible_to(*, organisation: Organisation) -> QuerySet[ApiClient]:
    return ApiClient.objects.filter(organisation=organisation).order_by("created_at", "id")


def audit_events_visible_to(*, organisation: Organisation) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(organisation=organisation).order_by("-id")
