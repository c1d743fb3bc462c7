"""The annual declaration summary of an organisation: load the shipments, decide each one's
basis (actual footprint data, a buyer product's SEE, or the default value), call the pure
calculation, and render JSON and CSV.

A linked footprint counts as actual data only while the importer may read it
(``exchange.sharing.selectors.footprints_visible_to``): once the supplier revokes the grant,
the shipment is declared on the default value with the mark-up, and its line says so
(``DECLARATIONS-GRANT-REVOKED``, docs/declarations.md "A footprint no longer visible").

Reference data: the version valid on 31 December of the year (docs/decisions.md 13).
Certificate price: per shipment, the published price of its period of importation (its quarter
in 2026, its calendar week from 2027: ``reference.selectors.certificate_price_rows``), else the
labelled assumption of the setting ``CBAM_CERTIFICATE_PRICE_EUR``; ``certificate_price_eur``
when the caller gives one prices every shipment (labelled "given by the caller").
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from accounts.models import Organisation
from cbam.certificate_prices import (
    AppliedCertificatePrice,
    certificate_price_json,
    given_price,
    price_for_importation,
)
from cbam.rounding import round_emissions, round_money, round_see
from cbam.statutory import ORIGIN_UNKNOWN
from cbam.types import PrecursorBenchmarkInput
from core.spreadsheet import csv_writer
from exchange.boms.selectors import buyer_product_see
from exchange.declarations.calculations.summary import (
    DeclarationSummary,
    DefaultReason,
    ShipmentFacts,
    ShipmentObligation,
    declaration_summary,
    shipment_obligation,
)
from exchange.declarations.calculations.threshold import ThresholdStatus, threshold_status
from exchange.declarations.models import Shipment
from exchange.declarations.selectors import (
    FootprintVisibility,
    footprint_visibility,
    shipments_for_declaration,
)
from exchange.declarations.services.threshold import threshold_shipments
from reference.selectors import (
    certificate_price_assumption,
    certificate_price_rows,
    reference_snapshot_for,
)
from suppliers.calculations.default_value_decision import (
    FootprintPrecursorTerm,
    precursor_benchmark_inputs,
)
from suppliers.models import EvidenceKind, Footprint

NOT_STATED = "(installation not stated)"


@dataclass(frozen=True)
class DeclarationReport:
    summary: DeclarationSummary
    obligations: tuple[ShipmentObligation, ...]
    threshold: ThresholdStatus


def _installation_label(shipment: Shipment, *, footprint_usable: bool) -> str:
    """The linked footprint's CBAM installation id (or name) while the importer may read it;
    else what the importer typed. A footprint no longer visible is not read at all."""
    footprint = shipment.footprint
    if footprint is not None and footprint_usable:
        installation = footprint.installation
        return installation.cbam_installation_id or installation.name_latin or installation.name
    return shipment.installation_name or NOT_STATED


def footprint_precursor_inputs(footprint: Footprint) -> tuple[PrecursorBenchmarkInput, ...]:
    """The benchmark inputs of ``footprint``'s precursors, by the decision's rule."""
    return precursor_benchmark_inputs(
        (
            FootprintPrecursorTerm(
                cn_code=p.cn_code,
                mass_t_per_t=p.mass_t_per_t,
                country_of_origin=p.country_of_origin,
                see_source=p.see_source,
                source_verification_statement_date=(
                    p.source_footprint.verification_statement_date
                    if p.source_footprint is not None
                    else None
                ),
            )
            for p in footprint.precursors.all()
        ),
        benchmark_route=footprint.product.benchmark_route,
    )


def _hidden_footprint_facts(
    base: dict[str, Any], footprint: Footprint, revoked_at: datetime | None
) -> ShipmentFacts:
    """A linked footprint the importer may no longer read: the default value, saying why."""
    if revoked_at is not None:
        day = timezone.localdate(revoked_at).isoformat()
        reason = DefaultReason(
            "DECLARATIONS-GRANT-REVOKED",
            f"grant revoked on {day}: footprint {footprint.pk} is no longer visible to your "
            "organisation, so its actual data may not be used; the default value with the "
            "year's mark-up is declared",
        )
        why = f"grant revoked on {day}"
    else:
        reason = DefaultReason(
            "DECLARATIONS-NOT-VISIBLE",
            f"footprint {footprint.pk} is not visible to your organisation (not shared with it, "
            "or no longer published), so its actual data may not be used; the default value "
            "with the year's mark-up is declared",
        )
        why = "footprint not visible"
    return ShipmentFacts(
        **base,
        basis="default",
        source=str(footprint.pk),
        notes=(f"footprint {footprint.pk}: default value used ({why})",),
        default_reasons=(reason,),
    )


def _footprint_facts(base: dict[str, Any], footprint: Footprint) -> ShipmentFacts:
    try:
        decision = footprint.decision
    except ObjectDoesNotExist:
        decision = None
    if decision is None or not decision.actual_data_allowed:
        why = (
            "no decision on its data yet"
            if decision is None
            else "actual data not allowed: "
            + "; ".join(str(r.get("code", "")) for r in decision.reasons)
        )
        reasons = (
            (
                DefaultReason(
                    "DECLARATIONS-NO-DECISION",
                    f"footprint {footprint.pk} has no default-value decision yet",
                ),
            )
            if decision is None
            else tuple(
                DefaultReason(str(r.get("code", "")), str(r.get("message_en", "")))
                for r in decision.reasons
            )
        )
        return ShipmentFacts(
            **base,
            basis="default",
            source=str(footprint.pk),
            notes=(f"footprint {footprint.pk}: default value used ({why})",),
            default_reasons=reasons,
        )
    notes: list[str] = []
    price: Decimal | None = None
    if footprint.carbon_price_amount is not None:
        evidenced = any(e.kind == EvidenceKind.CARBON_PRICE for e in footprint.evidence.all())
        if not evidenced:
            notes.append(
                "carbon price paid not deducted: no evidence of payment (Art. 9 of Reg. 2023/956)"
            )
        elif footprint.carbon_price_currency != "EUR":
            notes.append(
                f"carbon price of {footprint.carbon_price_amount} "
                f"{footprint.carbon_price_currency}/tCO2e not deducted: the platform holds no "
                "exchange rate; the deduction needs the price in EUR (Art. 9)"
            )
        else:
            price = footprint.carbon_price_amount
    calculation = footprint.calculation or {}
    counted = calculation.get("see_indirect_counted")
    route = footprint.product.benchmark_route or None
    return ShipmentFacts(
        **base,
        basis="actual",
        see_direct=footprint.see_direct,
        see_indirect=footprint.see_indirect,
        see_indirect_counted=Decimal(str(counted)) if counted is not None else None,
        production_route=route,
        verified=footprint.verification_statement_date is not None,
        carbon_price_paid_eur_per_tco2e=price,
        precursors=footprint_precursor_inputs(footprint),
        source=str(footprint.pk),
        notes=tuple(notes),
    )


def shipment_facts(
    shipment: Shipment, *, visibility: FootprintVisibility | None = None
) -> ShipmentFacts:
    """What ``shipment``'s obligation is computed from (see ``calculations.summary``).

    A linked footprint is used only while it is visible to the importer (``visibility``, by
    ``exchange.declarations.selectors.footprint_visibility``; read here when not given): after
    its grant is revoked the shipment is declared on the default value (docs/declarations.md).
    """
    footprint = shipment.footprint
    if footprint is not None and visibility is None:
        visibility = footprint_visibility(
            organisation=shipment.organisation, footprints=[footprint]
        )
    usable = footprint is not None and visibility is not None and footprint.pk in visibility.visible
    base: dict[str, Any] = {
        "shipment_id": str(shipment.pk),
        "reference": shipment.reference,
        "cn_code": shipment.cn_code,
        "country_of_origin": shipment.country_of_origin,
        "installation": _installation_label(shipment, footprint_usable=usable),
        "import_date": shipment.import_date,
        "quantity": shipment.quantity,
        "unit": shipment.unit,
    }
    if footprint is not None:
        if not usable:
            assert visibility is not None
            return _hidden_footprint_facts(
                base, footprint, visibility.revoked_at.get(footprint.lineage)
            )
        return _footprint_facts(base, footprint)
    product = shipment.buyer_product
    if product is not None:
        see = buyer_product_see(product=product)
        if see is None:
            return ShipmentFacts(
                **base,
                basis="default",
                notes=(f"product {product.pk}: no computed SEE yet, default value used",),
                default_reasons=(
                    DefaultReason(
                        "DECLARATIONS-NO-SEE",
                        f"product {product.pk} has no computed SEE yet",
                    ),
                ),
            )
        return ShipmentFacts(
            **base,
            basis="complex_good",
            see_direct=see.see_direct,
            see_indirect=see.see_indirect,
            default_share=see.default_share,
            precursors=tuple(
                PrecursorBenchmarkInput(
                    cn_code=line.cn_code,
                    mass_t_per_t=line.mass_t_per_t,
                    # An unknown origin: its column B route is that of the Annex IV row.
                    country_of_origin=ORIGIN_UNKNOWN
                    if line.origin_unknown
                    else line.country_of_origin,
                )
                for line in product.lines.all()
            ),
            source=see.result_id,
        )
    return ShipmentFacts(
        **base,
        basis="default",
        default_reasons=(
            DefaultReason(
                "DECLARATIONS-NO-DATA",
                "no footprint or product linked: the default value with the year's mark-up is "
                "declared",
            ),
        ),
    )


def declaration_report(
    *, organisation: Organisation, year: int, certificate_price_eur: Decimal | None = None
) -> DeclarationReport:
    """The declaration of ``year`` for ``organisation`` (see the module docstring)."""
    shipments = list(shipments_for_declaration(organisation=organisation, year=year))
    obligations: list[ShipmentObligation] = []
    if shipments:
        on = date(year, 12, 31)
        snapshot = reference_snapshot_for(on=on)
        if certificate_price_eur is not None:
            given = given_price(certificate_price_eur)

            def price_of(shipment: Shipment) -> AppliedCertificatePrice:
                return given

        else:
            rows = certificate_price_rows(on=on)
            assumption = certificate_price_assumption()

            def price_of(shipment: Shipment) -> AppliedCertificatePrice:
                return price_for_importation(rows, on=shipment.import_date, assumption=assumption)

        visibility = footprint_visibility(
            organisation=organisation,
            footprints=[s.footprint for s in shipments if s.footprint is not None],
        )
        obligations = [
            shipment_obligation(
                shipment_facts(s, visibility=visibility),
                year=year,
                snapshot=snapshot,
                certificate_price=price_of(s),
            )
            for s in shipments
        ]
    return DeclarationReport(
        summary=declaration_summary(year=year, obligations=obligations),
        obligations=tuple(obligations),
        threshold=threshold_status(year=year, shipments=threshold_shipments(shipments)),
    )


# --------------------------------------------------------------------------- rendering

SUMMARY_COLUMNS = (
    "cn_code",
    "country_of_origin",
    "installation",
    "basis",
    "shipments",
    "quantity",
    "unit",
    "mark_up",
    "embedded_emissions_tco2e",
    "free_allocation_adjustment_tco2e",
    "carbon_price_deduction_tco2e",
    "certificates",
    "cost_eur",
)


def _s(value: Decimal) -> str:
    return format(value, "f")


def _quantity(value: Decimal) -> str:
    """A quantity without trailing zeros (stored with 10 decimals): 49.9, 50, 0.125."""
    return format(value.normalize(), "f")


def declaration_document(report: DeclarationReport) -> dict[str, Any]:
    """The JSON document of a declaration report: figures as strings, rounded once (tCO2e to
    5 decimals, EUR to cents). ``certificate_prices``: one entry per price used (per period of
    importation), saying which are published (and when) and which are an assumption."""
    s = report.summary
    t = report.threshold
    return {
        "year": s.year,
        "deadline": s.deadline.isoformat(),
        "certificate_prices": [
            {
                **certificate_price_json(p.price),
                "shipments": p.shipments,
                "certificates": _s(round_emissions(p.certificates)),
                "cost_eur": _s(round_money(p.cost_eur)),
            }
            for p in s.prices
        ],
        "de_minimis": {
            "counted_mass_t": _quantity(t.counted_mass_t),
            "threshold_t": _quantity(t.threshold_t),
            "exceeded": t.exceeded,
            "obligations_apply": t.exceeded,
            "message": t.messages[0],
        },
        "rows": [
            {
                "cn_code": r.cn_code,
                "country_of_origin": r.country_of_origin,
                "installation": r.installation,
                "basis": r.basis,
                "shipments": r.shipments,
                "quantity": _quantity(r.quantity),
                "unit": r.unit,
                "mark_up": _s(r.mark_up) if r.mark_up is not None else None,
                "embedded_emissions_tco2e": _s(round_emissions(r.embedded_emissions_tco2e)),
                "free_allocation_adjustment_tco2e": _s(
                    round_emissions(r.free_allocation_adjustment_tco2e)
                ),
                "carbon_price_deduction_tco2e": _s(round_emissions(r.carbon_price_deduction_tco2e)),
                "certificates": _s(round_emissions(r.certificates)),
                "cost_eur": _s(round_money(r.cost_eur)),
            }
            for r in s.rows
        ],
        "totals": {
            "embedded_emissions_tco2e": _s(round_emissions(s.embedded_emissions_tco2e)),
            "free_allocation_adjustment_tco2e": _s(
                round_emissions(s.free_allocation_adjustment_tco2e)
            ),
            "carbon_price_deduction_tco2e": _s(round_emissions(s.carbon_price_deduction_tco2e)),
            "certificates": _s(round_emissions(s.certificates)),
            "certificates_to_surrender": s.certificates_to_surrender,
            "cost_eur": _s(round_money(s.cost_eur)),
        },
        "quarterly_holdings": [
            {
                "quarter": q.quarter,
                "quarter_end": q.quarter_end.isoformat(),
                "certificates_due_to_date": _s(round_emissions(q.certificates_due_to_date)),
                "holding_required": _s(round_emissions(q.holding_required)),
                "holding_required_whole": q.holding_required_whole,
            }
            for q in s.quarterly_holdings
        ],
        "shipments": [
            {
                "shipment_id": ob.facts.shipment_id,
                "reference": ob.facts.reference,
                "basis": ob.facts.basis,
                "source": ob.facts.source,
                "see_direct": _s(round_see(ob.facts.see_direct))
                if ob.facts.see_direct is not None
                else None,
                "default_value_row": ob.default_value_ref,
                "embedded_emissions_tco2e": _s(round_emissions(ob.embedded_emissions_tco2e)),
                "certificates": _s(round_emissions(ob.certificates)),
                "certificate_price": certificate_price_json(ob.certificate_price),
                "cost_eur": _s(round_money(ob.cost_eur)),
                "problem": ob.problem,
                "notes": list(ob.facts.notes),
                "default_reasons": [
                    {"code": r.code, "message": r.message} for r in ob.facts.default_reasons
                ],
            }
            for ob in report.obligations
        ],
        "unresolved": [
            {
                "shipment_id": ob.facts.shipment_id,
                "reference": ob.facts.reference,
                "problem": ob.problem,
            }
            for ob in s.unresolved
        ],
        "notes": list(s.notes),
    }


def declaration_csv(report: DeclarationReport) -> str:
    """The summary as CSV: ``#`` lines with the year, deadline, price, de minimis status and
    quarterly holdings; then one row per summary row and a TOTAL row. Written through
    ``core.spreadsheet.csv_writer``: text cells (installation names come from suppliers and
    from the importer) are neutralised against formula injection, figures are numbers rounded
    once as in the JSON document."""
    s = report.summary
    out = io.StringIO()
    writer = csv_writer(out)
    writer.comment(f"CBAM declaration summary {s.year}")
    writer.comment(f"deadline for declaration and surrender: {s.deadline.isoformat()}")
    for p in s.prices:
        writer.comment(f"certificate price: {p.price.label}")
    writer.comment(f"de minimis: {report.threshold.messages[0]}")
    for q in s.quarterly_holdings:
        writer.comment(
            f"quarterly holding Q{q.quarter} ({q.quarter_end.isoformat()}): at least "
            f"{q.holding_required_whole} certificates ({_s(round_emissions(q.holding_required))})"
        )
    for note in s.notes:
        writer.comment(note)
    writer.writerow(SUMMARY_COLUMNS)
    for r in s.rows:
        writer.writerow(
            (
                r.cn_code,
                r.country_of_origin,
                r.installation,
                r.basis,
                r.shipments,
                r.quantity.normalize(),
                r.unit,
                r.mark_up,
                round_emissions(r.embedded_emissions_tco2e),
                round_emissions(r.free_allocation_adjustment_tco2e),
                round_emissions(r.carbon_price_deduction_tco2e),
                round_emissions(r.certificates),
                round_money(r.cost_eur),
            )
        )
    writer.writerow(
        (
            "TOTAL",
            *([None] * 7),
            round_emissions(s.embedded_emissions_tco2e),
            round_emissions(s.free_allocation_adjustment_tco2e),
            round_emissions(s.carbon_price_deduction_tco2e),
            round_emissions(s.certificates),
            round_money(s.cost_eur),
        )
    )
    return out.getvalue()
