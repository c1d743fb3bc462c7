"""The CBAM calculation engine: pure functions over frozen dataclasses, Decimal only.

No Django, no ORM, no settings: services load a :class:`ReferenceSnapshot` (from the database,
or ``csv_snapshot`` from CSV files) and call these functions.

- ``see``: specific embedded emissions of simple and complex goods (2025/2547 Annex III B);
  ``validation`` its input rules, ``precursors`` where a precursor's SEE comes from,
  ``provenance`` the tree of sources
- ``defaults``: default values with fallbacks and mark-ups, grid factors (IR 2025/2621)
- ``free_allocation``: free allocation adjustment (IR 2025/2620); ``benchmarks`` which column
  a precursor's benchmark comes from (A or B) and the column B fallback
- ``obligation``: certificates, cost, Art. 9 deduction, 2026-2034 projection
- ``io``: JSON in / JSON out (``parsing``, ``rendering``) with every problem and its JSON path
- ``rounding``: the calculation context and the one output quantisation
- ``types``: the dataclasses; ``reference``: the snapshot; ``statutory``: figures fixed by law
"""

from cbam.benchmarks import (
    ColumnBFallback,
    FootprintPrecursorTerm,
    column_b_fallback,
    precursor_benchmark_inputs,
)
from cbam.defaults import (
    DefaultValueLookup,
    electricity_factor_for,
    lookup_default_value,
    match_default_value,
)
from cbam.errors import CalculationError, Problem
from cbam.free_allocation import (
    free_allocation_actual,
    free_allocation_default,
    lookup_benchmark,
)
from cbam.io import (
    calculate_embedded_emissions,
    calculate_obligation,
    parse_goods,
    parse_obligation,
    render_obligation,
    render_see,
)
from cbam.obligation import check_obligation, compute_obligation
from cbam.reference import ReferenceSnapshot
from cbam.see import SeeCalculation, check_goods, compute_see
from cbam.types import (
    BenchmarkRow,
    CbamFactorRow,
    DefaultValueRow,
    ElectricityFactorRow,
    GoodInput,
    MarkUpRow,
    ObligationInput,
    ObligationResult,
    PrecursorBenchmarkInput,
    PrecursorInput,
    ProvenanceNode,
    SeeResult,
)

__all__ = [
    "BenchmarkRow",
    "CalculationError",
    "CbamFactorRow",
    "ColumnBFallback",
    "DefaultValueLookup",
    "DefaultValueRow",
    "ElectricityFactorRow",
    "FootprintPrecursorTerm",
    "GoodInput",
    "MarkUpRow",
    "ObligationInput",
    "ObligationResult",
    "PrecursorBenchmarkInput",
    "PrecursorInput",
    "Problem",
    "ProvenanceNode",
    "ReferenceSnapshot",
    "SeeCalculation",
    "SeeResult",
    "calculate_embedded_emissions",
    "calculate_obligation",
    "check_goods",
    "check_obligation",
    "column_b_fallback",
    "compute_obligation",
    "compute_see",
    "electricity_factor_for",
    "free_allocation_actual",
    "free_allocation_default",
    "lookup_benchmark",
    "lookup_default_value",
    "match_default_value",
    "parse_goods",
    "parse_obligation",
    "precursor_benchmark_inputs",
    "render_obligation",
    "render_see",
]
