"""Reads of the PACT v3 host: which footprints a machine client's organisation may fetch,
as the exact stored signed bytes (``Footprint.signed_document``), never re-serialised.

Visibility is ``exchange.sharing.selectors.footprints_visible_to`` restricted to what PACT
can serve: published and deprecated footprints (drafts and reviews are no ProductFootprint).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import QuerySet

from accounts.models import Organisation
from core.compiled_queries import CompiledQuery, Param
from exchange.pact.cursor import Position
from exchange.sharing.selectors import (
    SHAREABLE_STATUSES,
    pact_footprints_visible_to,
    served_document,
)
from suppliers.models import Footprint
from suppliers.pact.filters import FootprintFilter, documents_matching

#: Rows read per round trip while filtering documents in Python.
_CHUNK = 500


class PactFootprintNotFound(LookupError):
    """No published or deprecated footprint has this id."""


class PactFootprintAccessDenied(PermissionError):
    """The footprint exists but the caller's organisation neither owns it nor holds a grant."""


@dataclass(frozen=True)
class FootprintPage:
    documents: list[bytes]
    #: Where the next page starts, or None on the last page.
    next_position: Position | None


#: Sentinels of the compiled page queries (no organisation or footprint has them).
_ORGANISATION = Param(-730_173_017)
_AFTER = Param(
    uuid.UUID(int=730_173_017),
    lambda value, connection: Footprint._meta.pk.get_db_prep_value(value, connection),
)


@lru_cache(maxsize=64)
def _page_query(*, paged: bool, limit: int) -> CompiledQuery:
    """The unfiltered page of ``limit + 1`` rows (after a position when ``paged``): the SQL
    of :func:`pact_footprints_visible_to` compiled once per shape (core.compiled_queries)."""

    def build(organisation_id: int, after: uuid.UUID | None = None) -> QuerySet[Footprint]:
        rows = pact_footprints_visible_to(organisation=Organisation(pk=organisation_id))
        if after is not None:
            rows = rows.filter(id__gt=after)
        return rows.values_list("id", served_document())[: limit + 1]

    if paged:
        return CompiledQuery(build, organisation_id=_ORGANISATION, after=_AFTER)
    return CompiledQuery(build, organisation_id=_ORGANISATION)


def pact_footprint_page(
    *,
    organisation: Organisation,
    criteria: FootprintFilter,
    after: Position | None,
    limit: int,
) -> FootprintPage:
    """At most ``limit`` stored documents matching ``criteria``, after ``after``.

    Without criteria the page is one indexed query of ``limit + 1`` rows, compiled once per
    ``limit`` (the hot path: bench/pact.py); with criteria the documents are read in chunks and
    matched by the pure rules of ``suppliers.pact.filters``.
    """
    found: list[tuple[uuid.UUID, bytes]] = []
    if criteria.is_empty:
        query = _page_query(paged=after is not None, limit=limit)
        parameters: dict[str, object] = {"organisation_id": organisation.pk}
        if after is not None:
            parameters["after"] = uuid.UUID(after.footprint_id)
        found = [(pk, bytes(document or b"")) for pk, document in query.rows(**parameters)]
    else:
        rows = pact_footprints_visible_to(organisation=organisation)
        if after is not None:
            rows = rows.filter(id__gt=after.footprint_id)
        values = rows.values_list("id", served_document())
        found = documents_matching(
            ((pk, bytes(document or b"")) for pk, document in values.iterator(chunk_size=_CHUNK)),
            criteria,
            limit=limit + 1,
        )
    page = found[:limit]
    more = len(found) > limit
    return FootprintPage(
        documents=[document for _, document in page],
        next_position=Position(str(page[-1][0])) if more and page else None,
    )


def pact_footprint_get(*, organisation: Organisation, footprint_id: str) -> bytes:
    """The stored document of one footprint ``organisation`` may read.

    Raises :class:`PactFootprintNotFound` when no published or deprecated footprint has this
    id, :class:`PactFootprintAccessDenied` when one exists but is not visible (PACT v3,
    GetFootprint: "MUST return a 403 Forbidden response").
    """
    try:
        pk = uuid.UUID(footprint_id)
    except ValueError:
        raise PactFootprintNotFound(footprint_id) from None
    document = (
        pact_footprints_visible_to(organisation=organisation)
        .filter(pk=pk)
        .values_list(served_document(), flat=True)
        .first()
    )
    if document is not None:
        return bytes(document)
    if Footprint.objects.filter(pk=pk, status__in=SHAREABLE_STATUSES).exists():
        raise PactFootprintAccessDenied(footprint_id)
    raise PactFootprintNotFound(footprint_id)
