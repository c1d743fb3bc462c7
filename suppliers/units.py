"""Quantities with explicit units, normalised for storage (pure, Decimal).

Every quantity a producer enters comes with its unit; it is stored normalised (tonnes, MWh,
Nm³, tCO2e) and the value and unit *as entered* are kept for the audit trail. Unit slips of
a factor 1000 (t/kg, MWh/kWh, GJ/TJ, Nm³/1000 Nm³) are the most common costly mistake in CBAM
data (DOMAIN.md, "Mistakes users make"), so units are never implied.

Energy: 1 MWh = 3.6 GJ exactly (SI: 1 Wh = 3600 J).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cbam.messages import Message, gettext_noop
from cbam.numbers import QUANTITY, SPECIFIC, NumberError, parse_number, shown

#: kind -> (normalised unit, {accepted unit: factor to the normalised unit})
UNITS: dict[str, tuple[str, dict[str, Decimal]]] = {
    "mass": ("t", {"t": Decimal(1), "kg": Decimal("0.001")}),
    "emissions": ("tCO2e", {"tCO2e": Decimal(1), "kgCO2e": Decimal("0.001")}),
    "energy": (
        "MWh",
        {
            "MWh": Decimal(1),
            "kWh": Decimal("0.001"),
            "GWh": Decimal(1000),
            "GJ": Decimal(1) / Decimal("3.6"),
            "TJ": Decimal(1000) / Decimal("3.6"),
        },
    ),
    "gas_volume": ("Nm3", {"Nm3": Decimal(1), "1000Nm3": Decimal(1000)}),
    "emission_factor": (
        "tCO2/MWh",
        {"tCO2/MWh": Decimal(1), "kgCO2/kWh": Decimal(1), "gCO2/kWh": Decimal("0.001")},
    ),
    "specific_mass": ("t/t", {"t/t": Decimal(1), "kg/t": Decimal("0.001")}),
}

#: What each kind of quantity is called in messages.
KIND_NAMES: dict[str, Message] = {
    "mass": gettext_noop("mass"),
    "emissions": gettext_noop("emissions"),
    "energy": gettext_noop("energy"),
    "gas_volume": gettext_noop("gas volume"),
    "emission_factor": gettext_noop("emission factor"),
    "specific_mass": gettext_noop("specific mass"),
}

#: Spellings users type, mapped to the canonical unit.
ALIASES: dict[str, str] = {
    "tonne": "t",
    "tonnes": "t",
    "ton": "t",
    "tco2": "tCO2e",
    "tco2e": "tCO2e",
    "kgco2e": "kgCO2e",
    "kgco2": "kgCO2e",
    "mwh": "MWh",
    "kwh": "kWh",
    "gwh": "GWh",
    "gj": "GJ",
    "tj": "TJ",
    "nm3": "Nm3",
    "nm³": "Nm3",
    "1000nm3": "1000Nm3",
    "1000 nm3": "1000Nm3",
    "1000 nm³": "1000Nm3",
    "1000nm³": "1000Nm3",
    "knm3": "1000Nm3",
    "tco2/mwh": "tCO2/MWh",
    "kgco2/kwh": "kgCO2/kWh",
    "gco2/kwh": "gCO2/kWh",
    "t/t": "t/t",
    "kg/t": "kg/t",
}


#: Kinds measured per unit of product or energy (bounded like specific emissions).
_PER_UNIT_KINDS = frozenset({"emission_factor", "specific_mass"})


class UnitError(ValueError):
    """``str(exc)`` names what was wrong and which units are accepted; ``message`` is that
    text as a translatable ``cbam.messages.Message``."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Quantity:
    """A value as entered and its normalised form."""

    value_entered: Decimal
    unit_entered: str
    value: Decimal  # in the kind's normalised unit
    unit: str

    def as_entered(self) -> dict[str, str]:
        return {"value": str(self.value_entered), "unit": self.unit_entered}


def canonical_unit(kind: str, unit: str) -> str:
    _, accepted = UNITS[kind]
    if unit is not None and not isinstance(unit, str):
        raise UnitError(
            gettext_noop(
                "unit %(unit)s is not text; expected one of %(units)s",
                unit=shown(unit),
                units=", ".join(accepted),
            )
        )
    raw = (unit or "").strip()[:40]
    if raw in accepted:
        return raw
    alias = ALIASES.get(raw.lower().replace(" ", "")) or ALIASES.get(raw.lower())
    if alias in accepted:
        return alias
    raise UnitError(
        gettext_noop(
            "unit %(unit)s does not fit a %(kind)s; expected one of %(units)s",
            unit=shown(unit),
            kind=KIND_NAMES[kind],
            units=", ".join(accepted),
        )
    )


def quantity(kind: str, value: object, unit: str, *, allow_zero: bool = True) -> Quantity:
    """Parse ``value`` (a decimal string or number) in ``unit`` into a normalised quantity.

    Refuses floats' binary noise by going through ``str``; refuses negative values, and zero
    when ``allow_zero`` is False.
    """
    canonical = canonical_unit(kind, unit)
    try:
        number = parse_number(value, SPECIFIC if kind in _PER_UNIT_KINDS else QUANTITY)
    except NumberError as error:
        raise UnitError(error.message) from None
    if number < 0:
        raise UnitError(
            gettext_noop(
                "%(value)s %(unit)s is negative; expected zero or more", value=value, unit=canonical
            )
        )
    if number == 0 and not allow_zero:
        raise UnitError(
            gettext_noop(
                "%(value)s %(unit)s is zero; expected more than zero", value=value, unit=canonical
            )
        )
    normalised_unit, accepted = UNITS[kind]
    return Quantity(
        value_entered=number,
        unit_entered=canonical,
        value=number * accepted[canonical],
        unit=normalised_unit,
    )
