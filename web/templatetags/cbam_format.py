"""How numbers and codes look on a page, per language. Decimals stay Decimals: the value shown
is the stored value, grouped and with the decimal sign of the page's language."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def number(value: Any, places: Any = None) -> str:
    """``{{ x|number }}`` all significant decimals; ``{{ x|number:3 }}`` rounded half-even to 3."""
    if value is None or value == "":
        return ""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if places not in (None, ""):
        amount = amount.quantize(Decimal(1).scaleb(-int(places)))
        decimals = int(places)
    else:
        amount = amount.normalize()
        exponent = amount.as_tuple().exponent
        decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        if not decimals:
            amount = amount.quantize(Decimal(1))
    return number_format(amount, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@register.filter
def cn(value: Any) -> str:
    """A CN code as printed in the nomenclature: ``72083900`` -> ``7208 39 00``."""
    code = str(value or "")
    if len(code) <= 4:
        return code
    return " ".join([code[:4]] + [code[i : i + 2] for i in range(4, len(code), 2)])
