"""Who may read which footprint: the one statement of footprint visibility.

A footprint is visible to its owner and to organisations holding a live grant on its
lineage (the version shared or any later version of it). Every endpoint and export that shows
another organisation's footprint goes through ``footprints_visible_to``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import Organisation
from exchange.sharing.models import GrantedFootprint
from suppliers.models import Footprint, FootprintStatus

#: What a grant shows: a buyer never sees another organisation's drafts or reviews.
SHAREABLE_STATUSES = (FootprintStatus.PUBLISHED, FootprintStatus.DEPRECATED)


def granted_lineages(*, buyer: Organisation) -> QuerySet[GrantedFootprint, dict[str, Any]]:
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
