"""JSON in, JSON out: the calculator's request parsing and result rendering.

``calculate_embedded_emissions(data, snapshot)`` and ``calculate_obligation(data, snapshot)``
take the decoded JSON body (dicts, lists, strings, numbers) and return JSON-able dicts; the API
view and the ``cbam_calc`` command call them and nothing else.

Parsing collects **every** problem with its JSON path before raising one
``CalculationError``: first the shape (missing field, not a number, unknown field, wrong
type), then the rules the engine checks (negative or zero numbers, unknown CN code, CN code
outside CBAM, unknown good reference, duplicate ids, missing default values, cycles). A rule
problem at or beneath a path that already has a shape problem is dropped, so one mistake is
reported once.

Numbers: strings such as ``"1500000"`` or ``"0.605"`` (preferred, exact), or JSON numbers
(integers exact; floats via their shortest text form, so ``0.1`` is ``0.1``). Booleans, NaN,
infinities, and decimal commas are refused with a message saying what is expected.

Output numbers are strings, quantised once (``rounding``): SEE and tCO2e to 5 decimals, EUR to
cents. Figures echoed from the input or the annexes (masses, factors, mark-ups, benchmark
values) are given as they are.
"""

from __future__ import annotations

from typing import Any

from cbam.obligation import compute_obligation
from cbam.parsing import parse_goods, parse_obligation
from cbam.reference import ReferenceSnapshot
from cbam.rendering import (
    render_default_match,
    render_obligation,
    render_provenance,
    render_see,
)
from cbam.see import compute_see

__all__ = [
    "calculate_embedded_emissions",
    "calculate_obligation",
    "parse_goods",
    "parse_obligation",
    "render_default_match",
    "render_obligation",
    "render_provenance",
    "render_see",
]


def calculate_embedded_emissions(data: Any, snapshot: ReferenceSnapshot) -> dict[str, Any]:
    """``POST /api/v1/calculations/embedded-emissions`` and ``cbam_calc embedded-emissions``."""
    return render_see(compute_see(parse_goods(data, snapshot), snapshot))


def calculate_obligation(data: Any, snapshot: ReferenceSnapshot) -> dict[str, Any]:
    """The obligation calculator: parse, compute (with projection), render."""
    return render_obligation(compute_obligation(parse_obligation(data, snapshot), snapshot))
