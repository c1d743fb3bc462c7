"""Declared inputs: what each field of a request is — its kind, unit, bounds and what is
expected — written once and read by the parsers and by the API's schema (pure, stdlib only).

The engine declares the calculator's fields here (``cbam.parsing``); the apps declare theirs
with the same types (``suppliers.inputs``, ...) and parse them with ``core.inputs``.
"""

from __future__ import annotations

from dataclasses import dataclass

from cbam.numbers import QUANTITY, Bounds

#: The longest text anywhere (``core.text`` enforces it; fields in a column have less).
MAX_TEXT_CHARS = 20_000

# Kinds of field (each parsed by core.inputs, or by its owner for quantities and nesting).
NUMBER = "number"
INTEGER = "integer"
TEXT = "text"
DATE = "date"
CN_CODE = "cn_code"
COUNTRY = "country"
QUANTITY_WITH_UNIT = "quantity"
UUID = "uuid"
CHOICE = "choice"
BOOLEAN = "boolean"
OBJECT = "object"
LIST = "list"


@dataclass(frozen=True)
class Field:
    """One field of an input: what it is, in which unit, within which bounds."""

    name: str
    kind: str
    help: str
    required: bool = False
    bounds: Bounds = QUANTITY
    max_length: int = MAX_TEXT_CHARS
    #: For quantities: the kind of unit (``suppliers.units.UNITS``: mass, energy, ...) and the
    #: units accepted, for the documentation.
    unit_kind: str = ""
    units: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    #: For objects: their fields; for lists: the fields of each item (an object) or, when
    #: ``item`` is set, the one field each item is.
    fields: tuple[Field, ...] = ()
    item: Field | None = None
    nullable: bool = True


@dataclass(frozen=True)
class Input:
    """A body a write accepts: its name (the schema component) and its fields."""

    name: str
    fields: tuple[Field, ...]
    help: str = ""

    def field(self, name: str) -> Field:
        for item in self.fields:
            if item.name == name:
                return item
        raise KeyError(name)
