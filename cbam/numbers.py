"""Numbers as people and machines send them: one bound for every parser (pure, ``Decimal``).

Every number that enters the platform — a JSON field, a CSV cell, a form field, a query
parameter — goes through :func:`parse_number`. It accepts what a person means by a number and
nothing that can hurt:

- the text of a number in ASCII digits: an optional sign, digits with an optional point, an
  optional exponent (``"1500.25"``, ``"-3"``, ``".5"``, ``"1.2e3"``); a JSON number (int or
  float) as its shortest text. Other scripts' digits (``"١٢٣"``), underscores (``"1_000"``),
  spaces inside, a decimal comma, ``NaN``/``Infinity`` and anything over
  :data:`MAX_NUMBER_TEXT` characters are refused;
- a magnitude of at most ``bounds.maximum``, at most :data:`MAX_SIGNIFICANT_DIGITS`
  significant digits (trailing zeros do not count) and, unless it is zero, at least
  :data:`SMALLEST` (a number that small is a unit slip or an attack, never a quantity).

Why: ``Decimal`` holds any exponent, so ``"1e-999999999"`` is 12 characters that become a
billion digits when written out positionally (``f"{value:f}"``), and ``"1e309"`` is a float
overflow; a bound checked once at the door keeps every later step (engine, rendering, storage
in ``numeric(p, s)`` columns) small. Lower bounds (negative, zero) stay with the rules of each
input, which word them in the domain's terms.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from cbam.messages import Message, gettext_noop

#: Longest text of a number accepted.
MAX_NUMBER_TEXT = 40
#: The precision of ``Decimal``'s default context: more digits would be rounded by arithmetic.
MAX_SIGNIFICANT_DIGITS = 28
#: The smallest magnitude other than zero.
SMALLEST = Decimal("1e-20")

_SYNTAX = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DECIMAL_COMMA = re.compile(r"-?[0-9]+,[0-9]+")

# Problem codes (stable, machine-readable).
NOT_A_NUMBER = "not_a_number"
OUT_OF_RANGE = "out_of_range"
TOO_PRECISE = "too_precise"


@dataclass(frozen=True, slots=True)
class Bounds:
    """The largest magnitude a field takes."""

    maximum: Decimal
    unit: str = ""

    def describe(self) -> Message:
        if self.unit:
            return gettext_noop(
                "a number of at most %(maximum)s %(unit)s",
                maximum=f"{self.maximum:,f}",
                unit=self.unit,
            )
        return gettext_noop("a number of at most %(maximum)s", maximum=f"{self.maximum:,f}")


# The bounds of the platform's kinds of numbers. Each fits the database column it is stored
# in (``numeric(28, 10)`` for quantities, ``numeric(20, 5)`` for specific emissions, ...) and
# is far above any physical value: the largest steel works emit about 3e7 tCO2e a year.
QUANTITY = Bounds(Decimal("1e12"))  # t, MWh, tCO2e, Nm3: an installation's year
SPECIFIC = Bounds(Decimal("1e4"))  # tCO2e/t, t/t, tCO2/MWh: per unit of product
PRICE = Bounds(Decimal("1e6"))  # EUR (or another currency) per tCO2e or per certificate
SHARE = Bounds(Decimal(1))  # a fraction such as the CSCF
PERCENT = Bounds(Decimal(100))  # a percentage


class NumberError(ValueError):
    """Why a value is not an acceptable number; ``str(exc)`` says what is expected."""

    def __init__(self, code: str, message: Message, reason: Message | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        #: What was wrong without the generic expectation, for callers that say their own.
        self.reason = reason or message


def shown(raw: object) -> str:
    """The value as echoed in a message: never longer than about 40 characters, so that a
    hostile 10 MB value is not copied into the answer."""
    text = repr(raw)
    return text if len(text) <= 42 else f"{text[:30]}… ({len(text)} characters)"


def number_text(raw: object) -> str:
    """The text of ``raw`` as a number, or ``NumberError``: strings, ints, finite floats
    and ``Decimal`` (from a JSON parser that keeps decimals) are accepted."""
    if isinstance(raw, bool):
        raise NumberError(
            NOT_A_NUMBER,
            gettext_noop('expected a number, e.g. "1500.5"; got %(value)s', value=repr(raw)),
        )
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise NumberError(
                NOT_A_NUMBER, gettext_noop("%(value)s is not a finite number", value=shown(raw))
            )
        text = repr(raw)
    elif isinstance(raw, int | Decimal):
        text = str(raw) if isinstance(raw, Decimal) or abs(raw) < 10**60 else "9" * 61
    elif isinstance(raw, str):
        text = raw.strip()
    else:
        raise NumberError(
            NOT_A_NUMBER,
            gettext_noop('expected a number, e.g. "1500.5"; got %(value)s', value=shown(raw)),
        )
    if len(text) > MAX_NUMBER_TEXT:
        raise NumberError(
            NOT_A_NUMBER,
            gettext_noop(
                "%(value)s is too long for a number; expected at most %(limit)s characters, "
                'e.g. "1500.5"',
                value=shown(raw),
                limit=MAX_NUMBER_TEXT,
            ),
        )
    if _SYNTAX.fullmatch(text):
        return text
    if _DECIMAL_COMMA.fullmatch(text):
        raise NumberError(
            NOT_A_NUMBER,
            gettext_noop(
                "%(value)s is not a number: use a point as decimal separator", value=shown(raw)
            ),
        )
    if any(ch.isdigit() and not "0" <= ch <= "9" for ch in text):
        raise NumberError(
            NOT_A_NUMBER,
            gettext_noop("%(value)s is not a number: use the digits 0-9", value=shown(raw)),
        )
    if text.lstrip("+-").lower() in {"inf", "infinity", "nan", "snan"}:
        raise NumberError(
            NOT_A_NUMBER, gettext_noop("%(value)s is not a finite number", value=shown(raw))
        )
    if "_" in text or " " in text:
        raise NumberError(
            NOT_A_NUMBER,
            gettext_noop(
                "%(value)s is not a number: write it without underscores or spaces",
                value=shown(raw),
            ),
        )
    raise NumberError(
        NOT_A_NUMBER,
        gettext_noop('%(value)s is not a number; expected e.g. "1500.5"', value=shown(raw)),
        gettext_noop("%(value)s is not a number", value=shown(raw)),
    )


def _out_of_range(raw: object, bounds: Bounds) -> Message:
    return gettext_noop(
        "%(value)s is out of range; expected %(bounds)s", value=shown(raw), bounds=bounds.describe()
    )


def significant_digits(value: Decimal) -> int:
    """Digits from the first to the last non-zero one (``1.2300`` → 2, ``1E+3`` → 1)."""
    return len("".join(map(str, value.as_tuple().digits)).strip("0"))


def parse_number(raw: object, bounds: Bounds = QUANTITY) -> Decimal:
    """``raw`` as a ``Decimal`` within ``bounds``, or ``NumberError`` saying what is expected.

    Zero comes back as ``Decimal(0)`` whatever exponent it was written with.
    """
    text = number_text(raw)
    try:
        value = Decimal(text)
    except InvalidOperation:  # an exponent beyond what Decimal holds
        raise NumberError(OUT_OF_RANGE, _out_of_range(raw, bounds)) from None
    if value.is_zero():
        return Decimal(0)
    # Decimal holds exponents beyond its context's range; ``abs`` and comparisons would raise
    # (Overflow) on them, so the magnitude is judged on the exponent first.
    magnitude = value.copy_abs()
    if value.adjusted() > bounds.maximum.adjusted() or magnitude > bounds.maximum:
        raise NumberError(OUT_OF_RANGE, _out_of_range(raw, bounds))
    if value.adjusted() < SMALLEST.adjusted():
        raise NumberError(
            OUT_OF_RANGE,
            gettext_noop(
                "%(value)s is too small; expected 0 or a number of at least %(smallest)s",
                value=shown(raw),
                smallest=f"{SMALLEST:f}",
            ),
        )
    if significant_digits(value) > MAX_SIGNIFICANT_DIGITS:
        raise NumberError(
            TOO_PRECISE,
            gettext_noop(
                "%(value)s has more than %(digits)s significant digits; round it",
                value=shown(raw),
                digits=MAX_SIGNIFICANT_DIGITS,
            ),
        )
    return value
