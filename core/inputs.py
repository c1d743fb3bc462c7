"""The one input layer: a declaration per field, and the value parsers every write shares.

An input (the body of a footprint, a shipment, a bill-of-materials line, ...) is declared once
as an :class:`Input` of :class:`Field` s: name, kind, unit, bounds, whether it is required,
and a help text saying what is expected. From that one declaration:

- services parse what arrives (a JSON body, a CSV row, a form) with :func:`parse_field`, which
  returns the typed value or raises :class:`InputError` with a message that says what was
  wrong and what is expected — the same message in the API, a CSV report and a page;
- the API documents the body (``core.api.inputs.serializer_for`` turns the declaration into
  the OpenAPI schema), so the schema lists every field with its unit and cannot drift from
  what is parsed;
- pages build their form fields from the same declaration.

Pure: no Django, no DRF. Numbers are bounded by ``cbam.numbers``, text by ``core.text``.
Cross-field and database checks (a product of this organisation, a visible footprint) stay
in the services.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from cbam.cn_codes import is_cn_code, normalise_cn_code
from cbam.countries import ISO_COUNTRIES
from cbam.inputs import (
    BOOLEAN,
    CHOICE,
    CN_CODE,
    COUNTRY,
    DATE,
    INTEGER,
    LIST,
    NUMBER,
    OBJECT,
    QUANTITY_WITH_UNIT,
    TEXT,
    UUID,
    Field,
    Input,
)
from cbam.messages import Message, gettext_noop
from cbam.numbers import NumberError, number_text, parse_number, shown
from core.text import TextError, clean_text

__all__ = [
    "BOOLEAN",
    "CHOICE",
    "CN_CODE",
    "COUNTRY",
    "DATE",
    "INTEGER",
    "LIST",
    "NUMBER",
    "OBJECT",
    "QUANTITY_WITH_UNIT",
    "REQUIRED",
    "TEXT",
    "UUID",
    "Field",
    "Input",
    "InputError",
    "Parsed",
    "parse_field",
]


#: What a required field says when it is missing (every service of the platform).
REQUIRED = gettext_noop("This field is required.")


class InputError(ValueError):
    """Why a value is refused; ``str(exc)`` names what was wrong and what is expected, and
    ``message`` is that text as a translatable ``cbam.messages.Message``."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message


def _expected(problem: Message, expected: str) -> Message:
    return gettext_noop("%(problem)s; expected %(expected)s", problem=problem, expected=expected)


def parse_number_field(spec: Field, raw: Any, expected: str | None = None) -> Decimal:
    try:
        return parse_number(raw, spec.bounds)
    except NumberError as exc:
        raise InputError(_expected(exc.reason, expected or spec.help)) from None


def parse_text(spec: Field, raw: Any) -> str:
    try:
        return clean_text(raw, max_length=spec.max_length)
    except TextError as exc:
        raise InputError(exc.message) from None


def parse_date(spec: Field, raw: Any) -> date:
    if isinstance(raw, date):
        return raw
    text = str(raw)[:40]
    try:
        if not text.isascii():
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(
            gettext_noop("%(value)s is not a date; expected YYYY-MM-DD", value=repr(text))
        ) from None


def parse_cn_code(spec: Field, raw: Any) -> str:
    """Eight digits of the Combined Nomenclature; spaces and points people type are removed
    ("7208 39 00", "7208.39.00")."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        raise InputError(gettext_noop('give the CN code as text, e.g. "72083900"'))
    code = normalise_cn_code(parse_text(spec, raw))[:40]
    if not is_cn_code(code):
        raise InputError(
            gettext_noop(
                "%(value)s is not a CN code; expected 8 digits, e.g. 72083900", value=repr(code)
            )
        )
    return code


def parse_country(spec: Field, raw: Any) -> str:
    """An ISO 3166-1 alpha-2 code (``cbam.countries``); ``ZZ`` and other unassigned codes
    are refused."""
    code = parse_text(spec, raw)[:40].upper()
    if code not in ISO_COUNTRIES:
        raise InputError(
            gettext_noop(
                "%(value)s is not an ISO 3166-1 alpha-2 country code; expected e.g. CN",
                value=repr(code),
            )
        )
    return code


def parse_integer(spec: Field, raw: Any) -> int:
    """A whole number in ASCII digits from 0 to the field's maximum."""
    try:
        text = number_text(raw)
    except NumberError as exc:
        raise InputError(_expected(exc.reason, spec.help)) from None
    if not text.lstrip("+").isdigit() or int(text) > spec.bounds.maximum:
        raise InputError(
            _expected(
                gettext_noop(
                    "%(value)s is not a whole number from 0 to %(maximum)s",
                    value=shown(raw),
                    maximum=f"{spec.bounds.maximum:f}",
                ),
                spec.help,
            )
        )
    return int(text)


def parse_uuid(spec: Field, raw: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw)[:60])
    except ValueError:
        raise InputError(
            _expected(gettext_noop("%(value)s is not an id", value=shown(raw)), spec.help)
        ) from None


def parse_choice(spec: Field, raw: Any) -> str:
    value = parse_text(spec, raw)
    if value not in spec.choices:
        raise InputError(
            gettext_noop(
                "%(value)s: expected one of %(choices)s",
                value=repr(value[:40]),
                choices=", ".join(spec.choices),
            )
        )
    return value


def parse_boolean(spec: Field, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    raise InputError(gettext_noop("expected true or false, got %(value)s", value=shown(raw)))


_PARSERS: dict[str, Callable[[Field, Any], Any]] = {
    NUMBER: parse_number_field,
    INTEGER: parse_integer,
    TEXT: parse_text,
    DATE: parse_date,
    CN_CODE: parse_cn_code,
    COUNTRY: parse_country,
    UUID: parse_uuid,
    CHOICE: parse_choice,
    BOOLEAN: parse_boolean,
}


def parse_field(spec: Field, raw: Any) -> Any:
    """The typed value of one scalar field, or ``InputError``. Quantities with units, objects
    and lists are parsed by their owners (their units and nesting are theirs)."""
    try:
        parser = _PARSERS[spec.kind]
    except KeyError:
        raise TypeError(f"{spec.name}: {spec.kind} fields are parsed by their service") from None
    return parser(spec, raw)


@dataclass
class Parsed:
    """Values parsed so far and every problem by field path."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def error(self, path: str, message: str) -> None:
        """Record ``message`` (best a ``cbam.messages.Message``, which pages translate)."""
        self.errors.setdefault(path, []).append(message)

    def take(self, spec: Field, raw: Any, path: str | None = None) -> Any:
        """Parse ``raw`` as ``spec``; on a problem record it at ``path`` (as a sentence, with its
        full stop) and return None."""
        try:
            return parse_field(spec, raw)
        except InputError as exc:
            self.error(path or spec.name, sentence_of(exc.message))
            return None


def sentence_of(problem: Message) -> Message:
    """A problem as a sentence of a message: with its full stop (in Chinese, its own)."""
    return gettext_noop("%(problem)s.", problem=problem)
