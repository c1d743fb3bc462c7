"""What a CN code is, written once: every parser of the platform asks here.

A code of the Combined Nomenclature (Council Regulation (EEC) No 2658/87, Annex I) has 8
digits; its headings 4 and subheadings 6 (the prefixes a PACT classification or a search may
give). People write them with spaces or points ("7208 39 00", "7208.39.00"). Only ASCII digits
count: other scripts' digits are not a code.
"""

from __future__ import annotations

import re

CN_CODE_SHAPE = re.compile(r"^[0-9]{8}\Z")
CN_CODE_PREFIX_SHAPE = re.compile(r"^[0-9]{4}(?:[0-9]{2}(?:[0-9]{2})?)?\Z")
_SEPARATORS = re.compile(r"[\s.]")


def normalise_cn_code(raw: str) -> str:
    """``raw`` without the spaces and points people type between its digit groups."""
    return _SEPARATORS.sub("", raw)


def is_cn_code(code: str) -> bool:
    """Eight ASCII digits (whether it is a CBAM good is the reference data's question)."""
    return CN_CODE_SHAPE.match(code) is not None


def is_cn_code_prefix(code: str) -> bool:
    """A heading (4 digits), subheading (6) or full code (8), ASCII digits only."""
    return CN_CODE_PREFIX_SHAPE.match(code) is not None
