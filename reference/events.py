"""The audit actions of the reference app that other apps react to, by name (see
``accounts.events``)."""

from __future__ import annotations

#: A version of a reference dataset was loaded (exchange.boms recomputes every result).
REFERENCE_VERSION_LOADED = "reference.version_loaded"
