"""The audit actions of the partners app that other apps react to, by name (see
``accounts.events``)."""

from __future__ import annotations

#: A footprint fetched from a partner superseded the older rows of the same PACT id
#: (exchange.boms recomputes the products whose lines use them).
FETCHED_SUPERSEDED = "pact_fetched.superseded"
