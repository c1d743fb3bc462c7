"""Who may read which footprint: the one statement of footprint visibility.

A footprint is visible to its owner and to organisations holding a live grant on its
lineage (the version shared or any later version of it). Every endpoint and export that shows
another organisation's footprint goes through ``footprints_visible_to``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import Case, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from accounts.models import Membership, Organisation
from exchange.sharing.models import (
    FootprintRequest,
    Grant,
    GrantedFootprint,
    RequestStatus,
    SharingPolicy,
)
from suppliers.models import Footprint, FootprintStatus

#: What a grant shows: a buyer never sees another organisation's drafts or reviews.
SHAREABLE_STATUSES = (FootprintStatus.PUBLISHED, FootprintStatus.DEPRECATED)


def granted_lineages(*, buyer: Organisation) -> QuerySet[GrantedFootprint, Any]:
    """The lineages ``buyer`` holds a live grant on (a values queryset of ``lineage``)."""
    return GrantedFootprint.objects.filter(
        grant__buyer=buyer, grant__revoked_at__isnull=True
    ).values("lineage")


def footprints_shared_with(*, buyer: Organisation) -> QuerySet[Footprint]:
    """Other organisations' published or deprecated footprints ``buyer`` may read."""
    return Footprint.objects.filter(
        lineage__in=granted_lineages(buyer=buyer), status__in=SHAREABLE_STATUSES
    ).exclude(organisation=buyer)


def footprints_visible_to(*, organisation: Organisation) -> QuerySet[Footprint]:
    """Its own footprints (any status) and those shared with it."""
    return Footprint.objects.filter(
        Q(organisation=organisation)
        | Q(lineage__in=granted_lineages(buyer=organisation), status__in=SHAREABLE_STATUSES)
    )


def served_document() -> Coalesce:
    """The stored bytes a reader gets, in the same query: the signed deprecated state of a
    deprecated footprint (``FootprintDeprecation``, status "Deprecated" with a statusComment
    naming its successor), else the original signed document (``footprint_signed_current``
    says the same for one footprint)."""
    return Coalesce("deprecation__signed_document", "signed_document")


def pact_footprints_visible_to(*, organisation: Organisation) -> QuerySet[Footprint]:
    """Published and deprecated footprints of ``organisation`` and those granted to it, in
    the stable order of pagination (id)."""
    return (
        footprints_visible_to(organisation=organisation)
        .filter(status__in=SHAREABLE_STATUSES)
        .order_by("id")
    )


def lineage_is_granted(*, buyer: Organisation, lineage: uuid.UUID) -> bool:
    return GrantedFootprint.objects.filter(
        grant__buyer=buyer, grant__revoked_at__isnull=True, lineage=lineage
    ).exists()


def lineage_current_footprint(*, lineage: uuid.UUID) -> Footprint | None:
    """The version of a lineage a reader should use: the published one, else the newest
    deprecated one (a deprecated footprint stays readable, flagged)."""
    versions = Footprint.objects.filter(lineage=lineage, status__in=SHAREABLE_STATUSES)
    published = versions.filter(status=FootprintStatus.PUBLISHED).first()
    return published or versions.order_by("-published_at", "-created_at").first()


# --------------------------------------------------------------------------- reads for the API


def shared_footprints_for(*, buyer: Organisation) -> QuerySet[Footprint]:
    """``footprints_shared_with`` for rendering: supplier, product and installation joined,
    the visible corrections of each version prefetched (``visible_successors``), newest
    publication first."""
    successors = Prefetch(
        "corrections",
        queryset=Footprint.objects.filter(status__in=SHAREABLE_STATUSES).order_by(
            "published_at", "created_at", "id"
        ),
        to_attr="visible_successors",
    )
    return (
        footprints_shared_with(buyer=buyer)
        .select_related("organisation", "product", "installation", "verifier_organisation")
        .prefetch_related(successors)
        .order_by("-published_at", "-created_at", "id")
    )


def requests_sent_by(
    *, buyer: Organisation, status: str | None = None
) -> QuerySet[FootprintRequest]:
    """Requests ``buyer`` sent, newest first, with what the outputs show."""
    queryset = _requests().filter(buyer=buyer)
    return queryset.filter(status=status) if status else queryset


def requests_received_by(
    *, supplier: Organisation, status: str | None = None
) -> QuerySet[FootprintRequest]:
    """The supplier's inbox: requests addressed to it (or claimed by it), newest first."""
    queryset = _requests().filter(supplier=supplier)
    return queryset.filter(status=status) if status else queryset


def requests_claimable_by(*, organisation: Organisation) -> QuerySet[FootprintRequest]:
    """Open requests sent by e-mail to one of ``organisation``'s members while they were not
    on the platform, not yet claimed (by anyone), and not sent by ``organisation`` itself."""
    emails = Membership.objects.filter(organisation=organisation).values("user__email")
    return (
        _requests()
        .filter(
            supplier__isnull=True,
            status=RequestStatus.OPEN,
            supplier_email__in=emails,
        )
        .exclude(buyer=organisation)
    )


def _requests() -> QuerySet[FootprintRequest]:
    live_grants = Prefetch(
        "grants",
        queryset=Grant.objects.filter(revoked_at__isnull=True)
        .prefetch_related(_granted_footprints())
        .order_by("created_at", "id"),
        to_attr="live_grants",
    )
    return (
        FootprintRequest.objects.select_related(
            "buyer", "supplier", "supplier_product", "installation"
        )
        .prefetch_related(live_grants)
        .order_by("-created_at", "id")
    )


def grants_given_by(*, supplier: Organisation, live: bool | None = None) -> QuerySet[Grant]:
    """Grants ``supplier`` gave, newest first, each with its footprints."""
    queryset = _grants().filter(supplier=supplier)
    return _live_filter(queryset, live)


def grants_received_by(*, buyer: Organisation, live: bool | None = None) -> QuerySet[Grant]:
    """Grants ``buyer`` holds (or held: revoked ones show without footprints), newest first."""
    queryset = _grants().filter(buyer=buyer)
    return _live_filter(queryset, live)


def _granted_footprints() -> Prefetch[Any]:
    """A grant's footprints with their products (what a page names them by): no more
    queries than the footprints alone."""
    return Prefetch(
        "footprints",
        queryset=GrantedFootprint.objects.select_related("footprint__product").order_by("id"),
    )


def _grants() -> QuerySet[Grant]:
    return (
        Grant.objects.select_related("supplier", "buyer")
        .prefetch_related(_granted_footprints())
        .order_by("-created_at", "id")
    )


def footprints_shareable_by(*, supplier: Organisation, cn_code: str = "") -> QuerySet[Footprint]:
    """The supplier's footprints it may share (published: what ``footprints_shareable``
    accepts), with product and installation; those of CN code ``cn_code`` first, then the
    newest period first."""
    first = (
        Case(When(product__cn_code=cn_code, then=Value(0)), default=Value(1))
        if cn_code
        else Value(1)
    )
    return (
        Footprint.objects.filter(organisation=supplier, status=FootprintStatus.PUBLISHED)
        .select_related("product", "installation")
        .annotate(matches_last=first)
        .order_by("matches_last", "-period_start", "product__name", "id")
    )


def _live_filter(queryset: QuerySet[Grant], live: bool | None) -> QuerySet[Grant]:
    if live is True:
        return queryset.filter(revoked_at__isnull=True)
    if live is False:
        return queryset.filter(revoked_at__isnull=False)
    return queryset


def buyers_with_live_grants(*, lineages: Iterable[uuid.UUID]) -> dict[int, set[uuid.UUID]]:
    """Organisation id → the lineages among ``lineages`` it holds a live grant on."""
    holders: dict[int, set[uuid.UUID]] = {}
    rows = GrantedFootprint.objects.filter(
        lineage__in=list(lineages), grant__revoked_at__isnull=True
    ).values_list("grant__buyer_id", "lineage")
    for buyer_id, lineage in rows:
        holders.setdefault(buyer_id, set()).add(lineage)
    return holders


# --------------------------------------------------------------------------- sharing policies


def policy_buyers(*, supplier: Organisation) -> QuerySet[Organisation]:
    """The buyer organisations ``supplier`` has a relationship with (a grant it gave, a
    request it received, a policy it set), by name: whom a sharing policy can be set for."""
    return Organisation.objects.filter(
        Q(pk__in=Grant.objects.filter(supplier=supplier).values("buyer"))
        | Q(pk__in=FootprintRequest.objects.filter(supplier=supplier).values("buyer"))
        | Q(pk__in=SharingPolicy.objects.filter(supplier=supplier).values("buyer"))
    ).order_by("legal_name_latin", "slug")


def policies_by_buyer(*, supplier: Organisation) -> dict[int, SharingPolicy]:
    """``supplier``'s sharing policies, by buyer id (a buyer missing: a person answers)."""
    return {p.buyer_id: p for p in SharingPolicy.objects.filter(supplier=supplier)}
