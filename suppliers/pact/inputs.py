"""What the footprint document builder reads: frozen dataclasses, Decimal numbers, units in names.

A published CBAM product carbon footprint of one good (CN code) of one installation over one
reporting period: who made it (:class:`OrganisationInfo`), what (:class:`ProductInfo`), where
(:class:`InstallationInfo`), from what (activity level, attributed emissions,
:class:`ElectricityInfo`, :class:`PrecursorInfo`), what carbon price was paid
(:class:`CarbonPriceInfo`), who verified it (:class:`VerificationInfo`), how good the data is
(:class:`DataQualityInfo`) and the resulting specific embedded emissions (:class:`SeeFigures`,
computed by ``cbam`` and rounded there, 2025/2547 Annex III point B).

Identifiers (``company_ids``, ``product_ids``, ``verifier_organisation_urn``) are URNs as the
platform stores them (``urn:lei:…``, ``urn:cbam-exchange:cn-uscc:…``, ``urn:gtin:…``,
``urn:pact:<platform-host>:product:<id>``, see ``document.platform_product_urn``).
Dates of the reference period are inclusive, as CBAM reporting periods are written
(1 January – 31 December).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

PfStatus = Literal["Active", "Deprecated"]
# Where the emission factor of consumed electricity comes from (2025/2547; DOMAIN.md):
# the default country grid factor (IR 2025/2621 Annex II), an official national factor, a direct
# technical link to a generator, or a power purchase agreement (the last two need evidence).
ElectricityFactorSource = Literal["country_default", "official_national", "direct_link", "ppa"]
# Where a precursor's SEE comes from: another footprint published on this platform, the EU
# default value (IR 2025/2621 Annex I), or the producer's own verified figure.
PrecursorSeeSource = Literal["platform_footprint", "default_value", "own_verified"]
AssuranceLevel = Literal["reasonable", "limited"]

ELECTRICITY_FACTOR_SOURCES: frozenset[str] = frozenset(
    {"country_default", "official_national", "direct_link", "ppa"}
)
PRECURSOR_SEE_SOURCES: frozenset[str] = frozenset(
    {"platform_footprint", "default_value", "own_verified"}
)
ASSURANCE_LEVELS: frozenset[str] = frozenset({"reasonable", "limited"})
PF_STATUSES: frozenset[str] = frozenset({"Active", "Deprecated"})


@dataclass(frozen=True, slots=True)
class OrganisationInfo:
    """The producer (PACT data owner). ``legal_name`` in Latin script becomes ``companyName``;
    ``legal_name_original`` (e.g. Chinese) travels in the extension."""

    legal_name: str
    company_ids: tuple[str, ...]
    legal_name_original: str | None = None


@dataclass(frozen=True, slots=True)
class ProductInfo:
    """The good. ``cn_code``: 8 digits, no spaces. ``production_route``: as the platform stores
    it (e.g. the benchmark route letter "C" for BF/BOF carbon steel). ``description``: free text
    for ``productDescription``; empty → composed from name, CN code, category and route.
    ``carbon_content_kgc_per_kg``: fossil carbon content of the product (kg C per kg); unknown →
    reported as 0 with a note in ``comment`` (PACT requires a value)."""

    name: str
    cn_code: str
    aggregated_goods_category: str
    product_ids: tuple[str, ...]
    production_route: str | None = None
    description: str = ""
    carbon_content_kgc_per_kg: Decimal | None = None


@dataclass(frozen=True, slots=True)
class InstallationInfo:
    """The installation where the good was produced. ``country_code``: ISO 3166-1 alpha-2 (the
    country of origin); ``address`` may be empty (left out of the document);
    ``latitude``/``longitude`` in decimal degrees (WGS 84)."""

    name: str
    name_latin: str
    country_code: str
    address: str = ""
    un_locode: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    cbam_operator_id: str | None = None
    cbam_installation_id: str | None = None


@dataclass(frozen=True, slots=True)
class ElectricityInfo:
    """Electricity consumed by the production process over the period and its emission factor.
    ``factor_reference``: the annex row, official publication, or contract the factor comes from."""

    consumed_mwh: Decimal
    emission_factor_tco2_per_mwh: Decimal
    factor_source: ElectricityFactorSource
    factor_reference: str = ""


@dataclass(frozen=True, slots=True)
class PrecursorInfo:
    """A relevant precursor. ``mass_t_per_t`` is m_i = M_i / AL, tonnes of precursor (total
    consumed, cut-offs and scrap included) per tonne of good. ``footprint_id`` is required for
    ``platform_footprint`` and absent otherwise. ``cn_code``: 4, 6 or 8 digits."""

    cn_code: str
    mass_t_per_t: Decimal
    country_of_origin: str
    see_source: PrecursorSeeSource
    see_direct_tco2e_per_t: Decimal
    see_indirect_tco2e_per_t: Decimal | None = None
    footprint_id: UUID | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class CarbonPriceInfo:
    """A carbon price effectively paid in the country of origin (Art. 9 of Reg. 2023/956):
    ``amount_per_tco2e`` in ``currency`` (ISO 4217) per tonne CO2e, under ``instrument``."""

    instrument: str
    amount_per_tco2e: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class VerificationInfo:
    """The verification statement. The verifier is identified by its ``accreditation_number``,
    its platform organisation (``verifier_organisation_urn``), or both; at least one is needed."""

    verifier_name: str
    statement_date: date
    assurance_level: AssuranceLevel
    accreditation_number: str | None = None
    verifier_organisation_urn: str | None = None


@dataclass(frozen=True, slots=True)
class DataQualityInfo:
    """``primary_data_share_percent``: 0-100. ``valid_from``/``valid_until``: the validity
    period, inclusive dates; PACT restricts it to the three years after the reference period."""

    primary_data_share_percent: Decimal | None = None
    methodology: str = ""
    comments: str = ""
    valid_from: date | None = None
    valid_until: date | None = None


@dataclass(frozen=True, slots=True)
class SeeFigures:
    """The good's specific embedded emissions, tCO2e per tonne, as published: at most 5 decimal
    places (``cbam.rounding.round_see``); the builder does not round again.
    ``see_total`` may differ from direct + indirect by 0.00001 (each rounded once).
    ``indirect_counts``: the good's category counts indirect emissions (Annex II of Reg.
    2023/956). ``default_values_used``: default values entered the calculation."""

    see_direct_tco2e_per_t: Decimal
    see_indirect_tco2e_per_t: Decimal
    see_total_tco2e_per_t: Decimal
    indirect_counts: bool
    default_values_used: bool


@dataclass(frozen=True, slots=True)
class SecondarySourceInfo:
    """A secondary emission-factor source used (PACT ``EmissionFactorSource``): e.g. the EU
    default values or the default grid factors, with the version of the reference data."""

    name: str
    version: str


@dataclass(frozen=True, slots=True)
class FootprintDocumentInput:
    """Everything one published footprint document holds.

    ``id``: the footprint's UUID (PACT ``id``); a correction is a new footprint with a new id
    whose ``preceding_pf_ids`` name the earlier versions (most recent first). ``version``: the
    platform's version number (1, 2, …), carried in the extension. ``published_at``: when the
    footprint was published, an aware datetime (PACT ``created``: the PCF comes into being, and
    becomes immutable, at publication). ``reference_period_start``/``_end``: inclusive dates.
    ``activity_level_t``: AL, tonnes produced in the period; ``attributed_*_tco2e``: AttrEm of
    the process over the period. ``secondary_sources``: required when default values or the
    default grid factor were used.
    """

    id: UUID
    version: int
    published_at: datetime
    organisation: OrganisationInfo
    product: ProductInfo
    installation: InstallationInfo
    reference_period_start: date
    reference_period_end: date
    activity_level_t: Decimal
    attributed_direct_tco2e: Decimal
    see: SeeFigures
    attributed_indirect_tco2e: Decimal | None = None
    electricity: ElectricityInfo | None = None
    precursors: tuple[PrecursorInfo, ...] = ()
    carbon_prices: tuple[CarbonPriceInfo, ...] = ()
    verification: VerificationInfo | None = None
    data_quality: DataQualityInfo = field(default_factory=DataQualityInfo)
    secondary_sources: tuple[SecondarySourceInfo, ...] = ()
    preceding_pf_ids: tuple[UUID, ...] = ()
    status: PfStatus = "Active"
