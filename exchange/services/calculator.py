"""The public CBAM calculator: JSON in, JSON out, over the reference data in force.

Used by ``POST /api/v1/calculations/...`` and ``manage.py cbam_calc``. Loads the reference
snapshot valid on the relevant date (``reference.selectors``) and calls the pure engine; the
engine's ``CalculationError`` becomes a ``ValidationFailed`` listing every problem by JSON path.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from cbam import (
    CalculationError,
    calculate_embedded_emissions,
    calculate_obligation,
)
from core.errors import ValidationFailed
from reference.selectors import reference_snapshot_for

#: Upper bound of goods in one calculator request: the response carries a provenance tree per
#: good, and 5,000 goods already make a response of about 12 MB.
MAX_GOODS = 5000


class CalculationInputInvalid(ValidationFailed):
    code = "calculation_invalid"


def _as_validation_failed(exc: CalculationError) -> CalculationInputInvalid:
    fields: dict[str, list[str]] = {}
    for problem in exc.problems:
        fields.setdefault(problem.path or "non_field_errors", []).append(problem.message)
    return CalculationInputInvalid(exc.message, fields=fields, extra=exc.extra)


def _reference_date(data: dict[str, Any]) -> date:
    raw = data.pop("reference_date", None)
    if raw is None:
        return timezone.now().date()
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise CalculationInputInvalid(
            f"reference_date {raw!r} is not a date.",
            fields={"reference_date": ["Expected a date as YYYY-MM-DD, e.g. 2026-06-30."]},
        ) from None


def calculator_embedded_emissions(*, data: Any) -> dict[str, Any]:
    """SEE of every good in ``data`` (2025/2547 Annex III B), with provenance.

    ``data`` may carry ``reference_date`` (default: today) to choose the reference-data
    version (default values, grid factors) in force on that date.
    """
    if isinstance(data, dict):
        data = dict(data)
        on = _reference_date(data)
        goods = data.get("goods")
        if isinstance(goods, list) and len(goods) > MAX_GOODS:
            raise CalculationInputInvalid(
                f"{len(goods)} goods in one request; the calculator takes at most {MAX_GOODS}.",
                fields={"goods": [f"Send at most {MAX_GOODS} goods per request."]},
            )
    else:
        on = timezone.now().date()
    try:
        return calculate_embedded_emissions(data, reference_snapshot_for(on=on))
    except CalculationError as exc:
        raise _as_validation_failed(exc) from None


def calculator_obligation(*, data: Any) -> dict[str, Any]:
    """Certificates and cost of an import (Reg. 2023/956 Art. 21-22, IR 2025/2620), with the
    2026-2034 projection. Reference data: the version in force at the end of ``year``."""
    year = data.get("year") if isinstance(data, dict) else None
    on = (
        date(year, 12, 31)
        if isinstance(year, int) and 2000 <= year <= 2100
        else timezone.now().date()
    )
    try:
        return calculate_obligation(data, reference_snapshot_for(on=on))
    except CalculationError as exc:
        raise _as_validation_failed(exc) from None
