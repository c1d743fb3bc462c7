"""Which benchmark column a precursor's free allocation term uses (IR (EU) 2025/2620).

The actual-data path of the free allocation adjustment (``cbam.free_allocation``) is::

    FA = CBAM factor(y) × CSCF(y) × (BM_A(CN, route) + Σ_i m_i · SEFA_i)

and SEFA_i, the benchmark of precursor i, is read from one of the Annex's two columns:

- **column A** (BMg*, the process alone) for a precursor with verified actual data, on its
  production route (``PrecursorBenchmarkInput.verified``; a route-split CN code needs the route);
- **column B** (BMg, precursors included) otherwise, for the route the default-value annex
  (IR 2025/2621) assigns to its origin.

Two rules live here, each written once and applied by the default-value decision, the
declarations and the bills of materials:

1. :func:`precursor_benchmark_inputs`: which of a producer's declared precursors may use
   column A. Only verified actual data: the producer's own verified figure (on the producer's
   own route), or a platform footprint that carries a verification statement (route unknown).
   Every other precursor (a default value, an unverified footprint) uses column B.
2. :func:`column_b_fallback`: when a column A value cannot be found (the route is unknown or
   selects no row, ``CalculationError`` from the strict lookup), every precursor of the good
   falls back to column B, the conservative figure, and the calculation says so in a note.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from cbam.errors import CalculationError
from cbam.types import PrecursorBenchmarkInput

#: The note a calculation carries when its precursors fell back to column B.
COLUMN_B_FALLBACK_NOTE = "precursor benchmarks from column B"


@dataclass(frozen=True, slots=True)
class FootprintPrecursorTerm:
    """One precursor as its producer declares it, with what its benchmark column depends on.

    ``see_source``: ``own_verified`` (the producer's own verified figure), ``platform_footprint``
    (a footprint on the platform; ``source_verification_statement_date`` is its verification
    statement's date, None without one) or ``default_value``. ``mass_t_per_t``: tonnes of the
    precursor per tonne of the good (2025/2547 Annex III B, total mass consumed).
    """

    cn_code: str
    mass_t_per_t: Decimal
    country_of_origin: str
    see_source: str
    source_verification_statement_date: date | None = None


def precursor_has_verified_data(precursor: FootprintPrecursorTerm) -> bool:
    """Column A only with verified actual data (IR 2025/2620): the producer's own verified
    figure, or a platform footprint that carries a verification statement."""
    if precursor.see_source == "own_verified":
        return True
    return (
        precursor.see_source == "platform_footprint"
        and precursor.source_verification_statement_date is not None
    )


def precursor_benchmark_inputs(
    precursors: Iterable[FootprintPrecursorTerm],
    *,
    benchmark_route: str | None,
    verified: bool = True,
) -> tuple[PrecursorBenchmarkInput, ...]:
    """The benchmark inputs of a good's declared precursors (IR 2025/2620, rule 1 above).

    ``verified`` on an input selects column A (:func:`precursor_has_verified_data`); the
    producer's own verified precursor carries the producer's route (``benchmark_route``, the
    good's), a platform footprint's none (its route is not declared). ``verified=False`` puts
    every precursor on column B without a route, which is what :func:`column_b_fallback` makes
    of the inputs.
    """
    route = benchmark_route or None
    inputs = tuple(
        PrecursorBenchmarkInput(
            cn_code=p.cn_code,
            mass_t_per_t=p.mass_t_per_t,
            country_of_origin=p.country_of_origin,
            verified=precursor_has_verified_data(p),
            production_route=route if p.see_source == "own_verified" else None,
        )
        for p in precursors
    )
    return inputs if verified else on_column_b(inputs)


def on_column_b(
    precursors: Iterable[PrecursorBenchmarkInput],
) -> tuple[PrecursorBenchmarkInput, ...]:
    """``precursors`` all on column B (not verified, no route: the route of the default-value
    annex for their origin applies, IR 2025/2620 with IR 2025/2621)."""
    return tuple(replace(p, verified=False, production_route=None) for p in precursors)


@dataclass(frozen=True, slots=True)
class ColumnBFallback:
    """What a calculation whose column A value could not be found uses instead: every precursor
    on column B, and the note that says so."""

    precursors: tuple[PrecursorBenchmarkInput, ...]
    note: str


def column_b_fallback(
    precursors: Sequence[PrecursorBenchmarkInput], error: CalculationError
) -> ColumnBFallback | None:
    """Rule 2 (IR 2025/2620): a calculation on column A raised ``error`` (a column A value
    cannot be found: a verified precursor's route is unknown or selects no row). Then every
    precursor goes to column B (:func:`on_column_b`), the conservative figure, with the note
    ``"precursor benchmarks from column B: <the first problem>"``.

    None when no precursor was on column A: the error is not a column A one, and column B
    would compute the same inputs again; the caller handles ``error`` itself.
    """
    if not any(p.verified for p in precursors):
        return None
    return ColumnBFallback(
        on_column_b(precursors), f"{COLUMN_B_FALLBACK_NOTE}: {error.problems[0].message}"
    )
