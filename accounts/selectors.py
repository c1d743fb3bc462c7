"""Reads of the accounts app. Organisation-scoped selectors take ``organisation=`` and
return only that organisation's rows; the API's base class supplies it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import (
    ApiClient,
    AuditEvent,
    Invitation,
    Membership,
    Organisation,
    OrganisationKindAssignment,
    SigningKey,
    User,
)
from accounts.roles import OrganisationKind
from accounts.signing import (
    PublishedKey,
    b64url_decode,
    isoformat_utc,
    public_jwk,
    public_key_from_raw,
)

#: Facts about an organisation that navigation needs beyond its kinds, registered by the apps
#: that own them (name -> a function returning an ``Exists`` over ``OuterRef("organisation")``).
#: ``membership_of(..., navigation=True)`` answers them in its one query, so a page shows, say,
#: a member's data pools without a query more (apps above ``accounts`` register in ``ready()``;
#: accounts never imports them).
NAVIGATION_FLAGS: dict[str, Callable[[], Exists]] = {}


def navigation_flag_register(name: str, condition: Callable[[], Exists]) -> None:
    """Register a navigation fact ``name`` (a name registered twice is a mistake)."""
    if name in NAVIGATION_FLAGS or name in OrganisationKind.values:
        raise ValueError(f"navigation flag {name!r} registered twice")
    NAVIGATION_FLAGS[name] = condition


def membership_of(
    *, user: User, organisation_slug: str, navigation: bool = False
) -> Membership | None:
    """The user's membership of the organisation, or None. It carries the organisation's kinds
    (``organisation_kinds``, a frozenset) in the same query: pages arrange navigation by them.
    With ``navigation``, also the registered ``NAVIGATION_FLAGS`` that hold
    (``organisation_flags``, a frozenset), in the same query."""
    flags = (
        {f"flag_{name}": make() for name, make in NAVIGATION_FLAGS.items()} if navigation else {}
    )
    membership = (
        Membership.objects.select_related("organisation")
        .filter(user=user, organisation__slug=organisation_slug)
        .annotate(
            **{
                f"is_{kind}": Exists(
                    OrganisationKindAssignment.objects.filter(
                        organisation=OuterRef("organisation"), kind=kind
                    )
                )
                for kind in OrganisationKind.values
            },
            **flags,
        )
        .first()
    )
    if membership is not None:
        membership.organisation_kinds = frozenset(  # type: ignore[attr-defined]
            kind for kind in OrganisationKind.values if getattr(membership, f"is_{kind}")
        )
        membership.organisation_flags = frozenset(  # type: ignore[attr-defined]
            name for name in NAVIGATION_FLAGS if navigation and getattr(membership, f"flag_{name}")
        )
    return membership


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


# --- signing keys -----------------------------------------------------------------------------


def signing_keys_visible_to(*, organisation: Organisation) -> QuerySet[SigningKey]:
    # defer(): the encrypted private key has no business in a list.
    return (
        SigningKey.objects.filter(organisation=organisation)
        .select_related("organisation")
        .defer("private_key_encrypted")
        .order_by("created_at", "id")
    )


def _published(queryset: QuerySet[SigningKey]) -> QuerySet[SigningKey]:
    return (
        queryset.select_related("organisation")
        .defer("private_key_encrypted")
        .order_by("organisation__slug", "created_at", "id")
    )


def published_key_of(key: SigningKey) -> PublishedKey:
    return PublishedKey(
        kid=key.kid,
        public_key=public_key_from_raw(b64url_decode(key.public_key, what="public key")),
        organisation=key.organisation.slug,
        organisation_name=str(key.organisation),
        created_at=key.created_at,
        retired_at=key.retired_at,
        revoked_at=key.revoked_at,
        revocation_reason=key.revocation_reason,
    )


def published_keys_by_kid(*, kids: Iterable[str]) -> dict[str, PublishedKey]:
    """The published keys (any organisation, any status) with these key ids."""
    keys = _published(SigningKey.objects.filter(kid__in=list(kids)))
    return {key.kid: published_key_of(key) for key in keys}


def signing_key_jwk(key: SigningKey) -> dict[str, Any]:
    """The public JWK of a key with the platform's members: organisation (slug and name),
    created_at and, when they apply, retired_at, revoked_at and revocation_reason."""
    members: dict[str, Any] = {
        "organisation": key.organisation.slug,
        "organisation_name": str(key.organisation),
        "created_at": isoformat_utc(key.created_at),
    }
    if key.retired_at is not None:
        members["retired_at"] = isoformat_utc(key.retired_at)
    if key.revoked_at is not None:
        members["revoked_at"] = isoformat_utc(key.revoked_at)
        members["revocation_reason"] = key.revocation_reason
    return public_jwk(published_key_of(key).public_key, key.kid, **members)


def jwks_published(*, organisation: Organisation | None = None) -> dict[str, Any]:
    """The JWKS (RFC 7517) of every key ever created (active, retired, revoked), of one
    organisation or of all, ordered by organisation slug and creation."""
    queryset = SigningKey.objects.all()
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    return {"keys": [signing_key_jwk(key) for key in _published(queryset)]}


def organisation_by_slug(*, slug: str) -> Organisation | None:
    return Organisation.objects.filter(slug=slug).first()
