"""The OpenAPI face of the input layer: a DRF serializer built from a ``core.inputs.Input``.

The serializer documents the request body (``extend_schema(request=serializer_for(...))``):
every field with its type, unit, bounds and help text, taken from the one declaration the
service parses with. Parsing itself stays in the service, so the API, a CSV import and a page
give the same messages.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from rest_framework import serializers
from rest_framework.request import Request

from core.errors import ValidationFailed
from core.inputs import (
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


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace(".", "_").split("_"))


def _field(spec: Field, owner: str) -> serializers.Field:
    common: dict[str, Any] = {
        "required": spec.required,
        "help_text": spec.help,
        "allow_null": spec.nullable and not spec.required,
    }
    if spec.kind == NUMBER:
        # A decimal travels as a string, so the bound is said in words (JSON Schema's maximum
        # applies to numbers only).
        common["help_text"] = f"{spec.help} (at most {spec.bounds.maximum:,f})"
        return serializers.DecimalField(
            max_digits=None,
            decimal_places=None,
            coerce_to_string=True,
            max_value=spec.bounds.maximum,
            **common,
        )
    if spec.kind == INTEGER:
        return serializers.IntegerField(**common)
    if spec.kind == TEXT:
        return serializers.CharField(max_length=spec.max_length, allow_blank=True, **common)
    if spec.kind == DATE:
        return serializers.DateField(**common)
    if spec.kind == CN_CODE:
        return serializers.RegexField(r"^[0-9]{8}$", max_length=40, **common)
    if spec.kind == COUNTRY:
        return serializers.CharField(min_length=2, max_length=2, **common)
    if spec.kind == UUID:
        return serializers.UUIDField(**common)
    if spec.kind == CHOICE:
        return serializers.ChoiceField(choices=list(spec.choices), **common)
    if spec.kind == BOOLEAN:
        return serializers.BooleanField(**common)
    if spec.kind == QUANTITY_WITH_UNIT:
        return _quantity_serializer(spec.unit_kind, spec.units)(**common)
    if spec.kind == OBJECT:
        return _serializer(f"{owner}{_camel(spec.name)}", spec.fields)(**common)
    if spec.kind == LIST:
        child = (
            _field(spec.item, owner)
            if spec.item is not None
            else _serializer(f"{owner}{_camel(spec.name)}Item", spec.fields)()
        )
        return serializers.ListField(child=child, **common)
    raise TypeError(f"{spec.name}: no schema for kind {spec.kind!r}")


@cache
def _quantity_serializer(kind: str, units: tuple[str, ...]) -> type[serializers.Serializer]:
    name = f"Quantity{_camel(kind)}Input"  # e.g. QuantitySpecificMassInput
    return type(
        name,
        (serializers.Serializer,),
        {
            "value": serializers.DecimalField(
                max_digits=None,
                decimal_places=None,
                coerce_to_string=True,
                help_text='The number as entered, e.g. "1500.25"',
            ),
            "unit": serializers.ChoiceField(choices=list(units), help_text="Its unit"),
            "__doc__": "A quantity with its unit, as entered; stored normalised.",
        },
    )


_BUILT: dict[str, type[serializers.Serializer]] = {}


def _serializer(name: str, fields: tuple[Field, ...]) -> type[serializers.Serializer]:
    if name not in _BUILT:
        attrs: dict[str, Any] = {spec.name: _field(spec, name) for spec in fields}
        _BUILT[name] = type(name, (serializers.Serializer,), attrs)
    return _BUILT[name]


def body_object(request: Request) -> dict[str, Any]:
    """The JSON body as a dict for a service that parses it with its declaration; anything
    but an object is refused here."""
    if not isinstance(request.data, dict):
        raise ValidationFailed(
            "Expected a JSON object.", fields={"non_field_errors": ["Send a JSON object."]}
        )
    return dict(request.data)


def serializer_for(spec: Input) -> type[serializers.Serializer]:
    """The serializer class documenting ``spec`` (one class per input name)."""
    serializer = _serializer(spec.name, spec.fields)
    serializer.__doc__ = spec.help or None
    return serializer
