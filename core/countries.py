"""Countries: the ISO 3166 list (kept in ``cbam.countries``) and EU membership.

Source: ISO 3166 Maintenance Agency list of officially assigned codes; EU-27 per the Treaty
on European Union as of 2020-02-01.
"""

from __future__ import annotations

from cbam.countries import ISO_COUNTRIES

__all__ = ["EU_MEMBER_STATES", "ISO_COUNTRIES", "normalise_country"]

EU_MEMBER_STATES: frozenset[str] = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)


def normalise_country(value: str) -> str | None:
    """Upper-cased code if it is a known ISO 3166-1 alpha-2 code, else None."""
    code = (value or "").strip().upper()
    return code if code in ISO_COUNTRIES else None
