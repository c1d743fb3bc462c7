"""Pagination cursors of ``/3/footprints``: the id of the last footprint served (pages are in
id order, a stable total order that needs no second key), signed so a caller can neither forge
nor alter it.

PACT v3 requires a pagination link to stay valid for at least 180 seconds; ours are accepted
for :data:`CURSOR_MAX_AGE` (one hour) and may be called any number of times.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing

CURSOR_MAX_AGE = timedelta(hours=1)
_SALT = "exchange.pact.cursor"


class CursorInvalid(ValueError):
    """The cursor is malformed, tampered with or older than :data:`CURSOR_MAX_AGE`."""


@dataclass(frozen=True)
class Position:
    """Keyset position: serve footprints whose id is strictly greater."""

    footprint_id: str


def cursor_encode(position: Position) -> str:
    return signing.dumps(position.footprint_id, salt=_SALT)


def cursor_decode(cursor: str) -> Position:
    try:
        footprint_id = signing.loads(cursor, salt=_SALT, max_age=CURSOR_MAX_AGE)
        return Position(str(uuid.UUID(footprint_id)))
    except signing.SignatureExpired:
        raise CursorInvalid(
            "The pagination link has expired; list again from /3/footprints."
        ) from None
    except (signing.BadSignature, ValueError, TypeError, AttributeError):
        raise CursorInvalid("The pagination cursor is not valid.") from None
