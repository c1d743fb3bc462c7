"""The purchased precursors of a draft imported from a communication template, found again
from its provenance (pure: no Django).

The template has no cell for the supplier of a purchased precursor: A_InstData 5 lists each
(PP1-PP20) with its category, country of production and a free **name** (column L), which is
where an operator names what it buys and from whom. The import keeps, per precursor of a draft
and in the draft's order, the name and the ``sheet!cell`` of its mass
(``inputs_as_entered["provenance"]["precursors"]``); a purchased one's mass sits in its
E_PurchPrec block, and the block gives back its row of A_InstData 5, so the name's cell.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from suppliers.eu_template.cellmap import CELL_MAPS, CellMap

_PURCHASED_MASS = re.compile(r"^E_PurchPrec!(?P<col>[A-Z]+)(?P<row>\d+)$")


@dataclass(frozen=True)
class PurchasedPrecursorRef:
    """A purchased precursor of a draft: ``position`` in the draft's precursors, ``index`` n of
    PPn, the name as the workbook holds it and its cell. ``named`` is False when the cell was
    empty and the name is the template's own ``PP<n> - <category>``."""

    position: int
    index: int
    name: str
    name_cell: str
    named: bool
    mass_cell: str


def purchased_index(mass_cell: str, cellmap: CellMap) -> int | None:
    """n of PPn whose E_PurchPrec block holds ``mass_cell`` among its masses consumed in a
    production process ((b), rows +14..+23 of the block), or None."""
    found = _PURCHASED_MASS.match(mass_cell)
    if found is None or found["col"] != cellmap.purchased_value_col:
        return None
    row = int(found["row"])
    index, offset = divmod(row - cellmap.purchased_block_first, cellmap.purchased_block_rows)
    first, last = cellmap.purchased_consumed_offsets
    if not (0 <= index < cellmap.purchased_count and first <= offset <= last):
        return None
    return index + 1


def purchased_precursors(provenance: Mapping[str, Any] | None) -> list[PurchasedPrecursorRef]:
    """The purchased precursors a draft's provenance names, in the draft's order; [] for a
    draft that did not come from a template of a supported version."""
    if not isinstance(provenance, Mapping):
        return []
    cellmap = CELL_MAPS.get(str(provenance.get("template_version") or ""))
    rows = provenance.get("precursors")
    if cellmap is None or not isinstance(rows, list):
        return []
    found: list[PurchasedPrecursorRef] = []
    for position, row in enumerate(rows):
        if not isinstance(row, Mapping):
            continue
        mass_cell = str(row.get("mass") or "")
        index = purchased_index(mass_cell, cellmap)
        if index is None:
            continue  # an internal precursor: made by another process of the installation
        name = str(row.get("name") or "")
        found.append(
            PurchasedPrecursorRef(
                position=position,
                index=index,
                name=name,
                name_cell=f"A_InstData!{cellmap.purchased_name_col}"
                f"{cellmap.purchased_rows[0] + index - 1}",
                named=not name.startswith(f"PP{index} - "),
                mass_cell=mass_cell,
            )
        )
    return found
