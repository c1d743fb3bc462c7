"""What a CN code is, written once: every parser of the platform asks here.

A code of the Combined Nomenclature (Council Regulation (EEC) No 2658/87, Annex I) has 8
digits; its headings 4 and subheadings 6 (the prefixes a PACT classification or a search may
give). People write them with spaces or points ("7208 39 00", "7208.39.00"). Only ASCII digits
count: other scripts' digits are not a code.

Customs declarations carry 10-digit TARIC codes: the CN code followed by two TARIC digits
(Council Regulation (EEC) No 2658/87, Art. 3). An importer's systems send those, so a 10-digit
code is accepted wherever a CN code is entered and stands for its 8-digit CN code; the default
values, benchmarks and categories are then found for that code or the 6- or 4-digit row above
it. (The annex's own 10-digit rows are cement's 2507 00 80 80, 2523 10 00 10/90 and
2523 90 00 10/90, whose defaults the platform does not ship.)

A later nomenclature creates codes (CN 2026: 7308 20 10 for CBAM goods). The reference
CN-code list names such a code's CN 2025 predecessor; since the default values and benchmarks
are written in CN 2025, the engine looks them up for the predecessor and says so
(``predecessor_note``).
"""

from __future__ import annotations

import re

CN_CODE_SHAPE = re.compile(r"^[0-9]{8}\Z")
CN_CODE_PREFIX_SHAPE = re.compile(r"^[0-9]{4}(?:[0-9]{2}(?:[0-9]{2})?)?\Z")
TARIC_CODE_SHAPE = re.compile(r"^[0-9]{10}\Z")
_SEPARATORS = re.compile(r"[\s.]")


def normalise_cn_code(raw: str) -> str:
    """``raw`` without the spaces and points people type between its digit groups; a 10-digit
    TARIC code becomes its 8-digit CN code ("7208 39 00 90" → "72083900")."""
    code = _SEPARATORS.sub("", raw)
    if TARIC_CODE_SHAPE.match(code):
        return code[:8]
    return code


def predecessor_note(cn_code: str, predecessor: str, what: str) -> str:
    """What a result says when a code created after CN 2025 (CN 2026 7308 20 10) takes the
    ``what`` (default value, benchmark) of its CN 2025 predecessor: the annexes of IR 2025/2621
    and IR 2025/2620 are written in CN 2025."""
    return (
        f"CN {cn_code} was created after CN 2025 and has no {what} of its own: the {what} of "
        f"its CN 2025 predecessor {predecessor} is used"
    )


def is_cn_code(code: str) -> bool:
    """Eight ASCII digits (whether it is a CBAM good is the reference data's question)."""
    return CN_CODE_SHAPE.match(code) is not None


def is_cn_code_prefix(code: str) -> bool:
    """A heading (4 digits), subheading (6) or full code (8), ASCII digits only."""
    return CN_CODE_PREFIX_SHAPE.match(code) is not None
