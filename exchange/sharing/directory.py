"""Which organisations a buyer can send a request to: those it already deals with, and a
search of the organisations on the platform by name or slug (the request's recipient is then
named by its slug, as in the API)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import Organisation

#: At most this many organisations are offered for one search.
SEARCH_LIMIT = 20
#: A search needs at least this many characters (one Chinese character is a word, but two
#: letters of a Latin name are not much of a search either way).
SEARCH_MIN_CHARS = 2


def suppliers_known_to(*, buyer: Organisation) -> QuerySet[Organisation]:
    """Organisations ``buyer`` sent a request to or received a grant from, by name."""
    return (
        Organisation.objects.filter(
            Q(footprint_requests_received__buyer=buyer) | Q(grants_given__buyer=buyer)
        )
        .exclude(pk=buyer.pk)
        .distinct()
        .order_by("legal_name_latin", "slug")[:SEARCH_LIMIT]
    )


def suppliers_search(*, buyer: Organisation, query: str) -> QuerySet[Organisation]:
    """Other organisations whose legal name (original script or Latin) or slug contains
    ``query`` (case-insensitive), by name; none for a query shorter than
    ``SEARCH_MIN_CHARS``."""
    query = query.strip()
    if len(query) < SEARCH_MIN_CHARS:
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(
            Q(legal_name__icontains=query)
            | Q(legal_name_latin__icontains=query)
            | Q(slug__icontains=query)
        )
        .exclude(pk=buyer.pk)
        .order_by("legal_name_latin", "slug")[:SEARCH_LIMIT]
    )


def supplier_by_slug(*, buyer: Organisation, slug: str) -> Organisation | None:
    """The organisation chosen on the form (to show it chosen again), not the buyer."""
    return Organisation.objects.exclude(pk=buyer.pk).filter(slug=slug).first() if slug else None
