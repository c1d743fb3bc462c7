"""Serializer fields for numbers, bounded like every other number that enters the platform.

DRF's own ``DecimalField`` and ``IntegerField`` pass their input through Python's ``Decimal``
and ``int``, which accept other scripts' digits (``"١٢٣"`` → 123) and underscores
(``"1_000"`` → 1000), and ``IntegerField`` has no upper bound unless one is given (a value past
the database column's range fails on save). This field reads numbers with
``cbam.numbers`` first, then applies DRF's own checks; whole numbers are declared in the input
layer (``core.inputs``, kind ``integer``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from cbam.numbers import QUANTITY, Bounds, NumberError, parse_number

#: The largest value of a PostgreSQL ``integer`` column.
MAX_INT32 = 2**31 - 1
LATITUDE = Bounds(Decimal(90), "degrees")
LONGITUDE = Bounds(Decimal(180), "degrees")


class NumberField(serializers.DecimalField):
    """A decimal in ``bounds`` (``cbam.numbers``), then DRF's digit checks."""

    def __init__(self, *args: Any, bounds: Bounds = QUANTITY, **kwargs: Any) -> None:
        self.bounds = bounds
        super().__init__(*args, **kwargs)

    def to_internal_value(self, data: Any) -> Decimal:
        try:
            value = parse_number(data, self.bounds)
        except NumberError as error:
            raise serializers.ValidationError(error.message, code=error.code) from None
        return super().to_internal_value(str(value))
