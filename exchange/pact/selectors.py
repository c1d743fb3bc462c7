"""Reads of the PACT v3 host: which footprints a machine client's organisation may fetch,
as the exact stored signed bytes (``Footprint.signed_document``), never re-serialised.

Visibility is ``exchange.sharing.selectors.footprints_visible_to`` restricted to what PACT
can serve: published and deprecated footprints (drafts and reviews are no ProductFootprint).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from accounts.models import Organisation
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


def pact_footprint_page(
    *,
    organisation: Organisation,
    criteria: FootprintFilter,
    after: Position | None,
    limit: int,
) -> FootprintPage:
    """At most ``limit`` stored documents matching ``criteria``, after ``after``.

    Without criteria the page is one indexed query of ``limit + 1`` rows; with criteria the
    documents are read in chunks and matched by the pure rules of ``suppliers.pact.filters``.
    """
    rows = pact_footprints_visible_to(organisation=organisation)
    if after is not None:
        rows = rows.filter(id__gt=after.footprint_id)
    values = rows.values_list("id", served_document())
    found: list[tuple[uuid.UUID, bytes]] = []
    if criteria.is_empty:
        found = [(pk, bytes(document or b"")) for pk, document in values[: limit + 1]]
    else:
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
