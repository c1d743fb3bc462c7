"""Each shipment's CBAM obligation and the annual declaration summary (pure).

Per shipment (Reg. (EU) 2023/956 Art. 21-22, IR 2025/2620, Art. 9), through the engine's
``compute_obligation`` with the shipment's quantity and the declaration year:

- ``actual``: a linked footprint whose decision allows actual data: its SEE, no mark-up; the
  free allocation adjustment on column A plus its precursors; the carbon price paid deducted
  when the footprint declares it in EUR with evidence (Art. 9).
- ``complex_good``: a linked buyer product with a computed SEE: its SEE, with the mark-up of
  the year applied to the share of it that comes from default values (the engine keeps
  precursor defaults without mark-up inside an SEE, docs/decisions.md 9; the mark-up applies
  where the obligation uses default values, IR 2025/2621):
  ``SEE_used = SEE × (1 + mark-up × default_share)``; free allocation on column A.
- ``default``: the default value of (CN code, country of origin) with the mark-up of the year,
  free allocation on column B: no data linked, a linked footprint no longer visible to the
  importer (grant revoked) or whose data may not be used, a product without a computed SEE;
  ``ShipmentFacts.default_reasons`` says which.

Certificate price (Reg. 2023/956 Art. 21 as amended by Reg. 2025/2083, IR 2025/2548): each
shipment is priced at the price of its period of importation, its quarter in 2026 and its
calendar week from 2027 (``cbam.certificate_prices``); a period without a published price is
priced on the explicit assumption and the summary says which periods are (``prices``, notes).
The price also converts an Art. 9 deduction into certificates, so it is the shipment's own.

The summary groups shipments by (CN code, country, installation, basis) and sums the full
precision figures; every figure is rounded once at output (``rounding``): tCO2e to 5
decimals, EUR to cents. Certificates to surrender are the total rounded **up** to a whole
certificate (a fraction cannot be surrendered and the obligation must be covered). Deadline:
30 September of the following year (Art. 6(2) and 22(1) as amended by Reg. 2025/2083).
Quarterly holding from 2027 (Art. 22(2) as amended): at the end of each quarter, at least
50 % of the certificates due on the goods imported since 1 January.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_CEILING, Decimal, localcontext
from typing import Literal

from cbam import CalculationError, ObligationInput, compute_obligation
from cbam.benchmarks import column_b_fallback
from cbam.certificate_prices import AppliedCertificatePrice
from cbam.defaults import mark_up_for
from cbam.messages import gettext_noop
from cbam.reference import ReferenceSnapshot
from cbam.rounding import CALCULATION_CONTEXT
from cbam.types import ONE, ZERO, PrecursorBenchmarkInput

Basis = Literal["actual", "complex_good", "default"]

#: Art. 22(2) as amended by Reg. 2025/2083: share held at each quarter's end, from 2027.
QUARTERLY_HOLDING_SHARE = Decimal("0.5")
QUARTERLY_HOLDING_FROM_YEAR = 2027


@dataclass(frozen=True, slots=True)
class DefaultReason:
    """Why a shipment is declared on the default value: a stable ``code`` and a sentence."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class ShipmentFacts:
    """What the obligation of one shipment is computed from (loaded by the service).

    ``basis`` says which figures apply (see the module docstring). For ``actual``:
    ``see_direct``, ``see_indirect`` (+ ``see_indirect_counted`` when the footprint's
    calculation gives it), ``verified``, ``carbon_price_paid_eur_per_tco2e`` (None: nothing
    to deduct), ``precursors`` for the free allocation. For ``complex_good``: ``see_direct``
    and ``see_indirect`` (the counted indirect) and ``default_share``. ``installation`` is the
    label the summary groups by; ``source`` names the footprint or aggregation result used;
    ``notes`` are remarks of the service (why a linked footprint could not be used…);
    ``default_reasons`` say why a ``default`` basis was taken (docs/declarations.md).
    """

    shipment_id: str
    reference: str
    cn_code: str
    country_of_origin: str
    installation: str
    import_date: date
    quantity: Decimal
    unit: str
    basis: Basis
    see_direct: Decimal | None = None
    see_indirect: Decimal | None = None
    see_indirect_counted: Decimal | None = None
    default_share: Decimal | None = None
    production_route: str | None = None
    verified: bool = False
    carbon_price_paid_eur_per_tco2e: Decimal | None = None
    precursors: tuple[PrecursorBenchmarkInput, ...] = ()
    source: str = ""
    notes: tuple[str, ...] = ()
    default_reasons: tuple[DefaultReason, ...] = ()


@dataclass(frozen=True, slots=True)
class ShipmentObligation:
    """The obligation of one shipment in the declaration year, full precision.

    ``problem`` is set (and the figures are zero) when it cannot be computed, e.g. no default
    value for the CN code and country: the summary lists it as unresolved.
    """

    facts: ShipmentFacts
    embedded_emissions_tco2e: Decimal
    free_allocation_adjustment_tco2e: Decimal
    carbon_price_deduction_tco2e: Decimal
    certificates: Decimal
    mark_up: Decimal
    default_value_ref: str | None
    certificate_price: AppliedCertificatePrice
    problem: str | None = None

    @property
    def cost_eur(self) -> Decimal:
        """Certificates × the price of the shipment's period of importation (full precision)."""
        with localcontext(CALCULATION_CONTEXT):
            return self.certificates * self.certificate_price.price_eur


def shipment_obligation(
    facts: ShipmentFacts,
    *,
    year: int,
    snapshot: ReferenceSnapshot,
    certificate_price: AppliedCertificatePrice,
) -> ShipmentObligation:
    """The obligation of ``facts`` in ``year`` by the engine at ``certificate_price``, the price
    of the shipment's period of importation (see the module docstring)."""
    certificate_price_eur = certificate_price.price_eur
    see_direct = facts.see_direct
    see_indirect = facts.see_indirect
    see_counted = facts.see_indirect_counted
    mark_up = ZERO
    if facts.basis == "complex_good":
        assert see_direct is not None
        assert see_indirect is not None
        category = snapshot.category(facts.cn_code)
        if category is not None:
            mark_up, _ = mark_up_for(snapshot, snapshot.sector(category), year)
        with localcontext(CALCULATION_CONTEXT):
            factor = ONE + mark_up * (facts.default_share or ZERO)
            see_direct = see_direct * factor
            see_indirect = see_counted = see_indirect * factor
    inp = ObligationInput(
        year=year,
        cn_code=facts.cn_code,
        country_of_origin=facts.country_of_origin,
        quantity_t=facts.quantity,
        certificate_price_eur=certificate_price_eur,
        see_direct=see_direct if facts.basis != "default" else None,
        see_indirect=see_indirect if facts.basis != "default" else None,
        see_indirect_counted=see_counted if facts.basis != "default" else None,
        production_route=facts.production_route,
        verified=facts.verified,
        carbon_price_paid_eur_per_tco2e=facts.carbon_price_paid_eur_per_tco2e,
        precursors=facts.precursors,
    )
    try:
        current = compute_obligation(inp, snapshot).current
    except CalculationError as exc:
        fallback = column_b_fallback(facts.precursors, exc)
        if fallback is not None:
            # A column A value could not be found: every precursor on column B, with a note
            # (the engine's rule, ``cbam.benchmarks``).
            return shipment_obligation(
                replace(
                    facts,
                    precursors=fallback.precursors,
                    notes=(*facts.notes, fallback.note),
                ),
                year=year,
                snapshot=snapshot,
                certificate_price=certificate_price,
            )
        if facts.precursors:
            # A precursor's benchmark could not be found: the adjustment without precursor
            # terms understates the deduction, never overstates it.
            return shipment_obligation(
                replace(
                    facts,
                    precursors=(),
                    notes=(
                        *facts.notes,
                        f"free allocation without precursor terms: {exc.problems[0].message}",
                    ),
                ),
                year=year,
                snapshot=snapshot,
                certificate_price=certificate_price,
            )
        return ShipmentObligation(
            facts=facts,
            embedded_emissions_tco2e=ZERO,
            free_allocation_adjustment_tco2e=ZERO,
            carbon_price_deduction_tco2e=ZERO,
            certificates=ZERO,
            mark_up=ZERO,
            default_value_ref=None,
            certificate_price=certificate_price,
            problem="; ".join(f"{p.path}: {p.message}" for p in exc.problems),
        )
    if facts.basis == "default":
        mark_up = current.mark_up
    return ShipmentObligation(
        facts=facts,
        embedded_emissions_tco2e=current.embedded_emissions_tco2e,
        free_allocation_adjustment_tco2e=current.free_allocation_adjustment_tco2e,
        carbon_price_deduction_tco2e=current.carbon_price_deduction_tco2e,
        certificates=current.certificates,
        mark_up=mark_up,
        default_value_ref=current.default_value.row.ref if current.default_value else None,
        certificate_price=certificate_price,
    )


# --------------------------------------------------------------------------- the summary


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """One line of the declaration: a CN code, country, installation and basis. Full precision."""

    cn_code: str
    country_of_origin: str
    installation: str
    basis: Basis
    unit: str
    shipments: int
    quantity: Decimal
    embedded_emissions_tco2e: Decimal
    free_allocation_adjustment_tco2e: Decimal
    carbon_price_deduction_tco2e: Decimal
    certificates: Decimal
    cost_eur: Decimal
    mark_up: Decimal | None


@dataclass(frozen=True, slots=True)
class QuarterHolding:
    """Certificates to hold at the end of a quarter (Art. 22(2)): 50 % of those due so far."""

    quarter: int
    quarter_end: date
    certificates_due_to_date: Decimal
    holding_required: Decimal
    holding_required_whole: int


@dataclass(frozen=True, slots=True)
class PeriodPrice:
    """One certificate price the declaration used: the price (published, with its date and
    row, or the labelled assumption, or the caller's), and what it priced (exact sums)."""

    price: AppliedCertificatePrice
    shipments: int
    certificates: Decimal
    cost_eur: Decimal


@dataclass(frozen=True, slots=True)
class DeclarationSummary:
    """The annual declaration of ``year``: rows, totals, deadline, the certificate prices per
    period of importation and the quarterly holdings."""

    year: int
    prices: tuple[PeriodPrice, ...]
    deadline: date
    rows: tuple[SummaryRow, ...]
    embedded_emissions_tco2e: Decimal
    free_allocation_adjustment_tco2e: Decimal
    carbon_price_deduction_tco2e: Decimal
    certificates: Decimal
    certificates_to_surrender: int
    cost_eur: Decimal
    quarterly_holdings: tuple[QuarterHolding, ...]
    unresolved: tuple[ShipmentObligation, ...]
    notes: tuple[str, ...]


def declaration_deadline(year: int) -> date:
    """30 September of the following year (Reg. 2023/956 Art. 6(2), 22(1), as amended)."""
    return date(year + 1, 9, 30)


def _ceil(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_CEILING))


_QUARTER_ENDS = ((1, 3, 31), (2, 6, 30), (3, 9, 30), (4, 12, 31))


def _period_prices(resolved: Sequence[ShipmentObligation]) -> tuple[PeriodPrice, ...]:
    """The prices used, one per period of importation (in period order), with what each priced."""
    by_price: dict[AppliedCertificatePrice, list[ShipmentObligation]] = {}
    for ob in resolved:
        by_price.setdefault(ob.certificate_price, []).append(ob)
    return tuple(
        PeriodPrice(
            price=price,
            shipments=len(members),
            certificates=_sum(m.certificates for m in members),
            cost_eur=_sum(m.cost_eur for m in members),
        )
        for price, members in sorted(
            by_price.items(),
            key=lambda item: item[0].period.start if item[0].period else date.min,
        )
    )


def declaration_summary(
    *,
    year: int,
    obligations: Sequence[ShipmentObligation],
) -> DeclarationSummary:
    """Group ``obligations`` into the rows of the declaration and total them (exact sums); each
    shipment's cost is at the price of its period of importation."""
    groups: dict[tuple[str, str, str, str], list[ShipmentObligation]] = {}
    unresolved: list[ShipmentObligation] = []
    for ob in obligations:
        if ob.problem is not None:
            unresolved.append(ob)
            continue
        f = ob.facts
        groups.setdefault((f.cn_code, f.country_of_origin, f.installation, f.basis), []).append(ob)
    rows: list[SummaryRow] = []
    with localcontext(CALCULATION_CONTEXT):
        for (cn, country, installation, basis), members in sorted(groups.items()):
            certificates = _sum(m.certificates for m in members)
            mark_ups = {m.mark_up for m in members}
            rows.append(
                SummaryRow(
                    cn_code=cn,
                    country_of_origin=country,
                    installation=installation,
                    basis=basis,  # type: ignore[arg-type]
                    unit=members[0].facts.unit,
                    shipments=len(members),
                    quantity=_sum(m.facts.quantity for m in members),
                    embedded_emissions_tco2e=_sum(m.embedded_emissions_tco2e for m in members),
                    free_allocation_adjustment_tco2e=_sum(
                        m.free_allocation_adjustment_tco2e for m in members
                    ),
                    carbon_price_deduction_tco2e=_sum(
                        m.carbon_price_deduction_tco2e for m in members
                    ),
                    certificates=certificates,
                    cost_eur=_sum(m.cost_eur for m in members),
                    mark_up=mark_ups.pop() if len(mark_ups) == 1 else None,
                )
            )
        resolved = [ob for ob in obligations if ob.problem is None]
        total_certificates = _sum(r.certificates for r in rows)
        holdings: list[QuarterHolding] = []
        if year >= QUARTERLY_HOLDING_FROM_YEAR:
            for quarter, month, day in _QUARTER_ENDS:
                end = date(year, month, day)
                due = _sum(ob.certificates for ob in resolved if ob.facts.import_date <= end)
                required = due * QUARTERLY_HOLDING_SHARE
                holdings.append(
                    QuarterHolding(
                        quarter=quarter,
                        quarter_end=end,
                        certificates_due_to_date=due,
                        holding_required=required,
                        holding_required_whole=_ceil(required),
                    )
                )
        prices = _period_prices(resolved)
        summary = DeclarationSummary(
            year=year,
            prices=prices,
            deadline=declaration_deadline(year),
            rows=tuple(rows),
            embedded_emissions_tco2e=_sum(r.embedded_emissions_tco2e for r in rows),
            free_allocation_adjustment_tco2e=_sum(r.free_allocation_adjustment_tco2e for r in rows),
            carbon_price_deduction_tco2e=_sum(r.carbon_price_deduction_tco2e for r in rows),
            certificates=total_certificates,
            certificates_to_surrender=_ceil(total_certificates),
            cost_eur=_sum(r.cost_eur for r in rows),
            quarterly_holdings=tuple(holdings),
            unresolved=tuple(unresolved),
            notes=(),
        )
    notes: list[str] = []
    for period_price in prices:
        price = period_price.price
        if price.basis == "assumption":
            notes.append(
                gettext_noop(
                    "%(count)s shipment(s) of %(period)s priced on an assumption: %(label)s. "
                    "Replace it with the published price when the Commission publishes it (a new "
                    "certificate_prices version).",
                    count=period_price.shipments,
                    period=price.period.label
                    if price.period
                    else gettext_noop("an unknown period"),
                    label=price.label,
                )
            )
    if year < QUARTERLY_HOLDING_FROM_YEAR:
        notes.append(
            gettext_noop(
                "No quarterly holding for %(year)s: the requirement to hold 50 %% of the "
                "certificates due at the end of each quarter applies from 2027 (Art. 22(2) of "
                "Reg. 2023/956 as amended by Reg. 2025/2083); certificate sales start on 1 "
                "February 2027.",
                year=year,
            )
        )
    if unresolved:
        notes.append(
            gettext_noop(
                "%(count)s shipment(s) could not be computed and are not in the totals: the "
                "declaration is incomplete until they are resolved (see unresolved).",
                count=len(unresolved),
            )
        )
    return replace(summary, notes=tuple(notes))


def _sum(values: Iterable[Decimal]) -> Decimal:
    return sum(values, ZERO)
