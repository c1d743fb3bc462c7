"""How far the work row of a shipments upload has got, for the page that polls it.

The work row checks and writes every row in one transaction (all imported rows commit with
the report, or none do), so a count written to the database inside it would be seen by nobody
until it is over. The count goes to the cache instead: it is only a display, the import row
and its work row stay the record. Without a shared cache (development on SQLite, where the
worker is another process), the page says the rows are being checked, without a count.
"""

from __future__ import annotations

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)

#: Seconds a count stays readable after its last update (an upload takes seconds).
PROGRESS_TTL_SECONDS = 3600


def _key(import_id: object) -> str:
    return f"declarations:shipment-import:{import_id}:rows-checked"


def import_progress_set(*, import_id: object, done: int) -> None:
    """Record that ``done`` rows of the upload are checked; a cache outage is only logged."""
    try:
        cache.set(_key(import_id), done, PROGRESS_TTL_SECONDS)
    except Exception:  # the cache's client raises many connection error types
        logger.warning("could not record the progress of import %s", import_id, exc_info=True)


def import_progress_get(*, import_id: object) -> int | None:
    """Rows checked so far, or None when no count is known (not started, or no shared cache)."""
    try:
        value = cache.get(_key(import_id))
    except Exception:
        logger.warning("could not read the progress of import %s", import_id, exc_info=True)
        return None
    return value if isinstance(value, int) else None
