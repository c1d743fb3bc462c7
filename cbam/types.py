"""Frozen dataclasses the engine reads and returns. Units are in the names; all numbers Decimal.

Inputs: :class:`GoodInput` with its :class:`PrecursorInput` s (SEE), :class:`ObligationInput`
with optional :class:`PrecursorBenchmarkInput` s (cost). Reference rows (one line of an annex
table each, with ``ref`` saying where it came from: ``file.csv:line`` or a database id):
:class:`DefaultValueRow`, :class:`BenchmarkRow`, :class:`ElectricityFactorRow`,
:class:`MarkUpRow`, :class:`CbamFactorRow`. Results: :class:`SeeResult`,
:class:`ProvenanceNode`, :class:`DefaultValueMatch`, :class:`BenchmarkLookup`,
:class:`FreeAllocation`, :class:`ObligationYear`, :class:`ObligationResult`.

Results keep full precision; ``rounding`` quantises them when they are rendered.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

ZERO = Decimal(0)
ONE = Decimal(1)

# --------------------------------------------------------------------------- inputs: SEE


@dataclass(frozen=True, slots=True)
class PrecursorInput:
    """A precursor consumed by a good's production process (2025/2547 Annex III point B).

    ``mass_t`` is M_i, the **total** mass consumed in the period (spills, cut-offs and scrap
    included), in tonnes. Exactly one of three sources gives its SEE:

    - ``good``: the id of another :class:`GoodInput` of the same calculation (internal
      precursor, any depth);
    - ``see_direct`` (+ ``see_indirect``): actual data from the supplier, optionally the id of
      the supplier's footprint (``footprint_id``) for provenance;
    - neither: the default value for (``cn_code``, ``country_of_origin``), IR 2025/2621.

    A precursor whose country of origin is an EU member state or exempt (Annex III of
    Reg. 2023/956) counts zero whatever else is given.
    """

    mass_t: Decimal
    good: str | None = None
    cn_code: str | None = None
    country_of_origin: str | None = None
    see_direct: Decimal | None = None
    see_indirect: Decimal | None = None
    footprint_id: str | None = None


@dataclass(frozen=True, slots=True)
class GoodInput:
    """One good (production process) of an installation, over one reporting period.

    ``attributed_direct_tco2e`` is AttrEm (direct) of the process and ``activity_level_t`` its
    production AL_g (> 0). The indirect channel is either ``attributed_indirect_tco2e`` or
    ``electricity_mwh`` × ``electricity_factor_tco2_per_mwh``; without a factor the default
    grid factor of ``country_of_origin`` applies (IR 2025/2621 Annex II, "OTHER" if the country
    has none). No electricity data at all means zero indirect emissions.
    """

    id: str
    cn_code: str
    activity_level_t: Decimal
    attributed_direct_tco2e: Decimal
    country_of_origin: str | None = None
    attributed_indirect_tco2e: Decimal | None = None
    electricity_mwh: Decimal | None = None
    electricity_factor_tco2_per_mwh: Decimal | None = None
    precursors: tuple[PrecursorInput, ...] = ()


# --------------------------------------------------------------------------- reference rows


@dataclass(frozen=True, slots=True)
class DefaultValueRow:
    """IR 2025/2621 Annex I: default SEE for a CN code (4, 6 or 8 digits) and origin, no mark-up.

    ``country`` is an ISO code or "OTHER" (other countries and territories).
    ``production_route`` is the benchmark route indicator the annex assigns (C, F, C/F, K, L or
    "" for none) and selects the column B benchmark of the default-value path.
    """

    cn_code: str
    country: str
    see_direct: Decimal
    see_indirect: Decimal | None
    production_route: str
    ref: str


BenchmarkColumn = Literal["A", "B"]


@dataclass(frozen=True, slots=True)
class BenchmarkRow:
    """IR 2025/2620 Annex: one benchmark value (tCO2e/t) of a CN code.

    ``column`` "A" (BMg*, used with actual data, excludes precursors) or "B" (BMg, used with
    default values). ``qualifier`` the route letter or "" (C/D/E carbon steel BF-BOF/DRI-EAF/
    scrap-EAF, F/G/H low-alloy steel likewise, J high-alloy EAF, K/L primary/secondary
    aluminium, A/B grey/white clinker). ``period`` None for all years, 1 for 2026-2027, 2 for
    2028-2030.
    """

    cn_code: str
    column: BenchmarkColumn
    qualifier: str
    period: int | None
    value_tco2e_per_t: Decimal
    ref: str


@dataclass(frozen=True, slots=True)
class ElectricityFactorRow:
    """IR 2025/2621 Annex II: grid emission factor of a country (tCO2/MWh); "OTHER" = the rest."""

    country: str
    tco2_per_mwh: Decimal
    ref: str


@dataclass(frozen=True, slots=True)
class MarkUpRow:
    """Mark-up on default values for a sector, valid from a year until the next row."""

    sector: str
    valid_from_year: int
    mark_up: Decimal
    ref: str


@dataclass(frozen=True, slots=True)
class CbamFactorRow:
    """CBAM factor (share of free allocation still deducted), valid from a year."""

    valid_from_year: int
    factor: Decimal
    ref: str


# --------------------------------------------------------------------------- lookups


@dataclass(frozen=True, slots=True)
class DefaultValueMatch:
    """The default-value row found for (``cn_code``, ``country``) and how it was found.

    ``matched_digits`` 8, 6 or 4: the length of the row's CN code; ``used_other``: the country
    had no row at any level and "Other countries and territories" was used. ``country``
    ``UNKNOWN`` (``statutory.ORIGIN_UNKNOWN``): the row is the Annex IV value for a precursor
    whose country of production cannot be identified.
    """

    cn_code: str
    country: str
    row: DefaultValueRow
    matched_digits: int
    used_other: bool
    #: A code a later CN created (e.g. CN 2026 73082010): the CN 2025 code the row was found for.
    cn2025_predecessor: str | None = None

    @property
    def origin_unknown(self) -> bool:
        """The precursor's country of production cannot be identified: ``row`` is an Annex IV
        value of IR 2025/2621 (Art. 1(5)), not a country's or "Other countries"."""
        from cbam.statutory import ORIGIN_UNKNOWN  # statutory imports this module

        return self.country == ORIGIN_UNKNOWN


@dataclass(frozen=True, slots=True)
class DefaultValueUse:
    """A default value used for a precursor: where (JSON path) and which row."""

    path: str
    match: DefaultValueMatch


@dataclass(frozen=True, slots=True)
class BenchmarkLookup:
    """The benchmark row used for a CN code, column, route and year, and why that row."""

    cn_code: str
    column: BenchmarkColumn
    year: int
    route: str | None
    row: BenchmarkRow
    note: str = ""


# --------------------------------------------------------------------------- results: SEE


@dataclass(frozen=True, slots=True)
class SeeResult:
    """Specific embedded emissions of one good, tCO2e per tonne, full precision.

    ``see_indirect`` is always computed and shown; ``indirect_counts`` says whether the good's
    category counts it (Annex II of Reg. 2023/956). ``see_indirect_counted`` is the part of the
    indirect channel that counts for this good: all of it when ``indirect_counts``; otherwise
    the indirect emissions of precursors outside Annex II (e.g. sintered ore in pig iron), the
    cross-over rule of 2025/2547 Annex I 3.1.
    """

    good_id: str
    cn_code: str
    category: str
    indirect_counts: bool
    see_direct: Decimal
    see_indirect: Decimal
    see_indirect_counted: Decimal
    default_values_used: tuple[DefaultValueUse, ...] = ()

    @property
    def see_total(self) -> Decimal:
        """Direct + indirect, both channels, as in the template's "SEE (total)"."""
        return self.see_direct + self.see_indirect

    @property
    def see_counted(self) -> Decimal:
        """What counts for the obligation: direct + the indirect that counts."""
        return self.see_direct + self.see_indirect_counted


ProvenanceSource = Literal[
    "good",
    "attributed_emissions",
    "electricity",
    "supplier_footprint",
    "actual_data",
    "default_value",
    "exempt_origin",
]


@dataclass(frozen=True, slots=True)
class ProvenanceNode:
    """Where a number came from.

    ``source``: ``good`` (a good of this calculation, its process and precursors as
    children), ``attributed_emissions`` (own data: AttrEm / AL), ``electricity`` (own data:
    MWh × factor / AL, ``reference`` names the factor), ``supplier_footprint`` (actual data with
    the supplier footprint id in ``reference``), ``actual_data`` (actual data given inline
    without a footprint id), ``default_value`` (``reference`` is the annex row),
    ``exempt_origin`` (counted zero). ``see_*`` are the node's specific figures in tCO2e/t;
    for a precursor, ``mass_t`` is M_i.
    """

    source: ProvenanceSource
    label: str
    see_direct: Decimal | None = None
    see_indirect: Decimal | None = None
    mass_t: Decimal | None = None
    reference: str | None = None
    note: str = ""
    children: tuple[ProvenanceNode, ...] = ()


# --------------------------------------------------------------------------- inputs: cost


@dataclass(frozen=True, slots=True)
class PrecursorBenchmarkInput:
    """A precursor's share in the actual-data free allocation adjustment (IR 2025/2620).

    ``mass_t_per_t`` is m_i = M_i / AL (t of precursor per t of good). Its benchmark value
    SEFA_i is ``sefa_tco2e_per_t`` when given (e.g. from the supplier's communication),
    otherwise column A of its CN code when ``verified`` (it has verified actual emissions),
    otherwise column B for the route the default-value annex assigns to its origin.
    """

    cn_code: str
    mass_t_per_t: Decimal
    country_of_origin: str | None = None
    verified: bool = False
    production_route: str | None = None
    sefa_tco2e_per_t: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ObligationInput:
    """What an import of ``quantity_t`` tonnes of one CN code costs in a year (Art. 21-22).

    Without ``see_direct`` the default value applies (with mark-up). With it, the actual
    figures are used; ``see_indirect`` counts only where the category counts indirect, unless
    ``see_indirect_counted`` gives the counted part explicitly (cross-over rule, see
    :class:`SeeResult`). ``verified``: the actual data is covered by a verification report;
    only then is ``carbon_price_paid_eur_per_tco2e`` deducted (Art. 9). ``cscf`` overrides the
    snapshot's cross-sectoral correction factor for every year.
    """

    year: int
    cn_code: str
    country_of_origin: str
    quantity_t: Decimal
    certificate_price_eur: Decimal
    see_direct: Decimal | None = None
    see_indirect: Decimal | None = None
    see_indirect_counted: Decimal | None = None
    production_route: str | None = None
    verified: bool = False
    carbon_price_paid_eur_per_tco2e: Decimal | None = None
    cscf: Decimal | None = None
    precursors: tuple[PrecursorBenchmarkInput, ...] = ()


# --------------------------------------------------------------------------- results: cost


@dataclass(frozen=True, slots=True)
class PrecursorBenchmarkTerm:
    """m_i × SEFA_i of one precursor in the actual-data free allocation adjustment."""

    path: str
    cn_code: str
    mass_t_per_t: Decimal
    sefa_tco2e_per_t: Decimal
    source: Literal["given", "column_a", "column_b", "exempt_origin", "none"]
    benchmark: BenchmarkLookup | None
    note: str = ""


@dataclass(frozen=True, slots=True)
class FreeAllocation:
    """Free allocation adjustment per tonne of good (IR 2025/2620), tCO2e/t.

    ``per_t = cbam_factor × cscf × (benchmark + Σ m_i × SEFA_i)``; ``path`` "default" uses
    column B and no precursor terms, "actual" column A plus the precursor terms.
    """

    path: Literal["default", "actual"]
    year: int
    cbam_factor: CbamFactorRow
    cscf: Decimal
    cscf_source: str
    benchmark: BenchmarkLookup | None
    precursor_terms: tuple[PrecursorBenchmarkTerm, ...]
    per_t: Decimal
    note: str = ""


@dataclass(frozen=True, slots=True)
class ObligationYear:
    """The obligation for one year. Amounts in tCO2e (= certificates) and EUR, full precision.

    ``embedded_emissions_tco2e = quantity × see_counted × (1 + mark_up)`` (mark-up 0 with
    actual data); ``certificates = max(0, embedded − free_allocation − carbon_price_deduction)``;
    ``cost_eur = certificates × certificate price``.
    """

    year: int
    default_used: bool
    see_direct_tco2e_per_t: Decimal
    see_indirect_counted_tco2e_per_t: Decimal
    mark_up: Decimal
    mark_up_row: MarkUpRow | None
    default_value: DefaultValueMatch | None
    embedded_emissions_tco2e: Decimal
    free_allocation: FreeAllocation
    free_allocation_adjustment_tco2e: Decimal
    carbon_price_deduction_tco2e: Decimal
    certificates: Decimal
    cost_eur: Decimal


@dataclass(frozen=True, slots=True)
class ProjectionEntry:
    """One year of the 2026-2034 projection; ``*_on_defaults`` only when actual data is used."""

    year: int
    certificates: Decimal
    cost_eur: Decimal
    cbam_factor: Decimal
    mark_up: Decimal
    certificates_on_defaults: Decimal | None = None
    cost_eur_on_defaults: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ObligationResult:
    """The obligation in the requested year, the same on default values when actual data was
    given (what the actual data saves), and the projection over 2026-2034."""

    input: ObligationInput
    category: str
    sector: str
    indirect_counts: bool
    current: ObligationYear
    on_defaults: ObligationYear | None
    projection: tuple[ProjectionEntry, ...]
    notes: tuple[str, ...] = ()

    @property
    def saving_eur(self) -> Decimal | None:
        """Cost on default values minus cost on actual data (None when not comparable)."""
        if self.on_defaults is None or self.current.default_used:
            return None
        return self.on_defaults.cost_eur - self.current.cost_eur
