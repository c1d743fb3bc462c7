"""The audit actions of the sharing app that other apps react to, by name (see
``accounts.events``)."""

from __future__ import annotations

#: A supplier shared footprints with a buyer (exchange.boms recomputes what uses them).
GRANT_CREATED = "grant.created"
#: A grant was revoked (exchange.boms, as above).
GRANT_REVOKED = "grant.revoked"
#: A supplier fulfilled a footprint request (exchange.partners answers a PACT request).
REQUEST_FULFILLED = "footprint_request.fulfilled"
#: A supplier rejected a footprint request (exchange.partners, as above).
REQUEST_REJECTED = "footprint_request.rejected"
