"""Draft footprints: enter inputs with units, compute the SEE with the engine, edit, delete.

The SEE (direct, indirect, total) is computed by ``cbam`` (a pure leaf
package) from the inputs and the reference data valid on the last day of the period; nobody
types it in. A draft is only saved when it can be computed: every problem is reported at once,
by field, and nothing is written.

The package by concern: ``cleaning`` (input read with its declaration), ``computing`` (the SEE by
the engine), ``drafts`` (the services that write).
"""

from __future__ import annotations

from suppliers.services.footprints.cleaning import REFUSED_FACTOR_SOURCES
from suppliers.services.footprints.computing import footprint_precursor_rows, footprint_recompute
from suppliers.services.footprints.drafts import (
    FootprintPreview,
    footprint_create,
    footprint_delete,
    footprint_precursor_inputs,
    footprint_preview,
    footprint_summary,
    footprint_update,
)

__all__ = [
    "REFUSED_FACTOR_SOURCES",
    "FootprintPreview",
    "footprint_create",
    "footprint_delete",
    "footprint_precursor_inputs",
    "footprint_precursor_rows",
    "footprint_preview",
    "footprint_recompute",
    "footprint_summary",
    "footprint_update",
]
