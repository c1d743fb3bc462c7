"""What a validation rule reads (frozen facts, no ORM) and what it returns (findings).

Rules are pure functions ``(ctx: RuleContext) -> Iterable[Finding]``: the pipeline loads the
facts once from the database (``suppliers.validation.facts``), so rules are fast, testable with
plain dataclasses, and deterministic (the same facts give the same findings).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from cbam.reference import ReferenceSnapshot

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Finding:
    """One result of one rule.

    ``path``: the field or JSON path it is about (``electricity``, ``precursors[1].mass_per_t``);
    ``message_en`` / ``message_zh``: what is wrong and what to do, in English and Simplified
    Chinese; ``evidence``: the numbers compared, as strings (``{"see_direct": "2.24500",
    "range": "1.2-3.0"}``); ``default_value_required``: this finding alone means the default
    value must be used instead of the actual data.
    """

    code: str
    severity: Severity
    path: str
    message_en: str
    message_zh: str
    evidence: dict[str, str] = field(default_factory=dict)
    default_value_required: bool = False


@dataclass(frozen=True, slots=True)
class Quantity:
    """A value as stored (normalised unit) and as the producer entered it."""

    value: Decimal
    unit: str  # normalised: t, tCO2e, MWh, tCO2/MWh, Nm3, t/t
    value_entered: Decimal | None = None
    unit_entered: str | None = None


@dataclass(frozen=True, slots=True)
class ReferencedFootprintFacts:
    """A footprint of the platform used as a precursor's source, with its signature check."""

    id: str
    organisation_slug: str
    cn_code: str
    status: str  # published / deprecated / …
    period_start: date
    period_end: date
    signature_valid: bool
    signature_reason: str
    key_revoked_at: datetime | None
    revoked_later: bool
    verification_statement_date: date | None


@dataclass(frozen=True, slots=True)
class PrecursorFacts:
    position: int
    cn_code: str
    category: str | None  # aggregated goods category of the CN code, None if not a CBAM good
    mass_t_per_t: Quantity
    country_of_origin: str
    see_source: str  # platform_footprint / default_value / own_verified
    see_direct: Decimal | None
    see_indirect: Decimal | None
    source: ReferencedFootprintFacts | None = None


@dataclass(frozen=True, slots=True)
class CategoryFacts:
    """The aggregated goods category of the product (reference data valid for the period)."""

    name: str
    sector: str
    indirect_counts: bool
    production_routes: tuple[str, ...]
    relevant_precursors: tuple[str, ...]  # category names


@dataclass(frozen=True, slots=True)
class FootprintFacts:
    """Everything the rules may look at, loaded once per run."""

    id: str
    organisation_slug: str
    cn_code: str
    category: CategoryFacts | None  # None: the CN code is not a CBAM good
    production_route: str
    benchmark_route: str
    country: str  # of the installation (country of origin)
    period_start: date
    period_end: date
    activity_level: Quantity
    attributed_direct: Quantity
    electricity: Quantity | None
    electricity_factor: Quantity | None
    electricity_factor_source: str  # country_default / official_national / direct_link / ppa
    electricity_factor_reference: str
    attributed_indirect: Quantity | None
    natural_gas: Quantity | None
    precursors: tuple[PrecursorFacts, ...]
    precursors_declared_absent: tuple[str, ...]  # relevant precursor categories declared absent
    see_direct: Decimal | None
    see_indirect: Decimal | None
    see_total: Decimal | None
    see_as_given: dict[str, str]  # SEE strings as submitted (documents), for the precision rule
    carbon_price_instrument: str
    carbon_price_amount: Decimal | None
    carbon_price_currency: str
    verifier_name: str
    verifier_organisation_slug: str | None
    verifier_confirmed: bool
    verification_statement_date: date | None
    assurance_level: str
    evidence_kinds: frozenset[str]  # kinds of evidence files attached
    valid_until: date | None
    # The platform verifier declined this submission (``suppliers.services.verification``).
    verifier_declined: bool = False


@dataclass(frozen=True, slots=True)
class RuleContext:
    facts: FootprintFacts
    snapshot: ReferenceSnapshot
    today: date
