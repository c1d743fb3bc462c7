"""The PACT v3 ProductFootprint document of a published CBAM product carbon footprint.

``build_product_footprint`` turns a :class:`FootprintDocumentInput` into the JSON object of a
WBCSD PACT Technical Specifications v3.0.3 ``ProductFootprint`` (``spec/v3/openapi.yaml`` in
github.com/wbcsd/data-exchange-protocol), with every CBAM figure in one data model extension
(Data Model Extensions spec 2.0.0) whose JSON schema the platform publishes
(``schemas/cbam-footprint-v1.json``). The mapping, units included, is in ``docs/pact.md``.

The declared unit is 1 kilogram of product: PACT v3 has no "tonne" unit, and it asks for
``declaredUnitAmount`` 1 when a product is supplied in bulk by mass. Since tCO2e per tonne and
kgCO2e per kilogram are the same ratio, the ``pcf`` emission values equal the SEE figures
(tCO2e/t) digit for digit; the per-tonne figures also travel unchanged in the extension.

Numbers are Decimal end to end and become exact decimal strings without trailing zeros (SEE
figures with exactly their 5 decimal places); nothing is rounded here. The result contains only
strings, integers, booleans, lists and dicts, so ``rfc8785.dumps`` gives the same bytes for the
same input.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from suppliers.pact.errors import FootprintDocumentError, Problem
from suppliers.pact.formats import (
    decimal_string,
    fixed_decimal_string,
    is_host,
    start_of_day_utc,
    utc_date_time_string,
)
from suppliers.pact.input_checks import SEE_DECIMAL_PLACES, input_problems
from suppliers.pact.inputs import (
    CarbonPriceInfo,
    DataQualityInfo,
    ElectricityInfo,
    FootprintDocumentInput,
    InstallationInfo,
    OrganisationInfo,
    PrecursorInfo,
    ProductInfo,
    SecondarySourceInfo,
    SeeFigures,
    VerificationInfo,
)

__all__ = [
    "EXTENSION_SCHEMA_PATH",
    "PACT_SPEC_VERSION",
    "CarbonPriceInfo",
    "DataQualityInfo",
    "ElectricityInfo",
    "FootprintDocumentInput",
    "InstallationInfo",
    "OrganisationInfo",
    "PrecursorInfo",
    "ProductInfo",
    "SecondarySourceInfo",
    "SeeFigures",
    "VerificationInfo",
    "build_product_footprint",
    "deprecate_product_footprint",
    "extension_schema_url",
    "platform_product_urn",
]

JsonObject = dict[str, Any]

PACT_SPEC_VERSION = "3.0.3"
EXTENSION_SPEC_VERSION = "2.0.0"  # WBCSD Data Model Extensions specification
EXTENSION_SCHEMA_PATH = "/schemas/cbam-exchange/cbam-footprint-v1.json"

# Declared unit: 1 kg of product (see the module docstring).
DECLARED_UNIT_OF_MEASUREMENT = "kilogram"
DECLARED_UNIT_AMOUNT = Decimal(1)
PRODUCT_MASS_PER_DECLARED_UNIT_KG = Decimal(1)

# CBAM's global warming potentials are those of the IPCC Fifth Assessment Report: N2O 265,
# CF4 6630, C2F6 11100 (the Commission's communication template v2.1.1, Parameters_Constants).
IPCC_CHARACTERIZATION_FACTORS = ("AR5",)
# PACT lists cross-sectoral standards (ISO 14067, GHG Protocol Product, PACT methodology…) and
# requires hosts to accept other values. A CBAM footprint follows none of the listed ones, so
# it says so; the acts themselves are named in productOrSectorSpecificRules.
CROSS_SECTORAL_STANDARDS = ("EU-CBAM",)
CBAM_RULES = {
    "operator": "Other",
    "otherOperatorName": "European Commission",
    "ruleNames": [
        "Regulation (EU) 2023/956 (CBAM)",
        "Implementing Regulation (EU) 2025/2547 (CBAM methodology)",
    ],
}
BOUNDARY_DESCRIPTION = (
    "CBAM system boundary (Implementing Regulation (EU) 2025/2547): direct emissions of the "
    "installation's production processes attributed to the good, indirect emissions of the "
    "electricity those processes consume, and the embedded emissions of the relevant "
    "precursors. Outside the boundary: upstream emissions of fuels and of materials that are "
    "not relevant precursors, transport and packaging."
)
EXEMPTED_DESCRIPTION = (
    "No emissions exempted within the CBAM system boundary described in "
    "boundaryProcessesDescription."
)
ALLOCATION_DESCRIPTION = (
    "Emissions attributed to the good's production process by the CBAM rules "
    "(Implementing Regulation (EU) 2025/2547); specific embedded emissions = (attributed "
    "emissions + sum of precursor mass x precursor SEE) / activity level, direct and indirect "
    "separately."
)
VERIFICATION_COVERAGE = "product level"
VERIFICATION_STANDARD = "Regulation (EU) 2023/956 Annex VI (CBAM verification)"

# Product classifications: no registered URN namespace exists for the EU Combined
# Nomenclature or the Harmonized System, so they use PACT's urn:pact:<issuer>:<type>:<value>.
CN_CLASSIFICATION_PREFIX = "urn:pact:ec.europa.eu:cn-code:"
HS_CLASSIFICATION_PREFIX = "urn:pact:wcoomd.org:hs-code:"


def extension_schema_url(platform_host: str) -> str:
    """Where the platform serves the extension's JSON schema (the ``dataSchema`` value)."""
    return f"https://{platform_host}{EXTENSION_SCHEMA_PATH}"


def platform_product_urn(platform_host: str, product_id: str | UUID) -> str:
    """The product id the platform issues: ``urn:pact:<platform-host>:product:<id>`` (PACT v3
    product identifier URN syntax, issuer domain without port)."""
    if not is_host(platform_host):
        raise ValueError(f"{platform_host!r} is not a host name")
    return f"urn:pact:{platform_host.split(':')[0]}:product:{product_id}"


def build_product_footprint(
    inp: FootprintDocumentInput,
    *,
    platform_host: str,
    documentation_url: str | None = None,
) -> JsonObject:
    """The PACT v3.0.3 ProductFootprint of ``inp`` as a JSON-able dict.

    ``platform_host`` (e.g. "cbam.example.com") locates the extension schema,
    ``https://<platform_host>/schemas/cbam-exchange/cbam-footprint-v1.json``.
    ``documentation_url`` (https), when given, becomes the extension's ``documentation``.
    Raises :class:`FootprintDocumentError` listing every problem of the input.
    """
    problems = input_problems(inp, platform_host=platform_host)
    if documentation_url is not None and not documentation_url.startswith("https://"):
        problems.append(
            Problem("documentation_url", "must be an https URL (Data Model Extensions 2.0.0)")
        )
    if problems:
        raise FootprintDocumentError(problems)

    doc: JsonObject = {
        "id": str(inp.id),
        "specVersion": PACT_SPEC_VERSION,
    }
    if inp.preceding_pf_ids:
        doc["precedingPfIds"] = [str(pf_id) for pf_id in inp.preceding_pf_ids]
    doc["created"] = utc_date_time_string(inp.published_at)
    doc["status"] = inp.status
    dq = inp.data_quality
    if dq.valid_from is not None:
        doc["validityPeriodStart"] = start_of_day_utc(dq.valid_from)
    if dq.valid_until is not None:
        # Our end date is inclusive; PACT's validityPeriodEnd excludes its instant.
        doc["validityPeriodEnd"] = _day_after(dq.valid_until)
    doc["companyName"] = inp.organisation.legal_name
    doc["companyIds"] = list(inp.organisation.company_ids)
    doc["productDescription"] = _product_description(inp.product)
    doc["productIds"] = list(inp.product.product_ids)
    doc["productClassifications"] = [
        CN_CLASSIFICATION_PREFIX + inp.product.cn_code,
        HS_CLASSIFICATION_PREFIX + inp.product.cn_code[:6],
    ]
    doc["productNameCompany"] = inp.product.name
    doc["comment"] = _comment(inp)
    doc["pcf"] = _carbon_footprint(inp)
    extension: JsonObject = {
        "specVersion": EXTENSION_SPEC_VERSION,
        "dataSchema": extension_schema_url(platform_host),
    }
    if documentation_url is not None:
        extension["documentation"] = documentation_url
    extension["data"] = _extension_data(inp)
    doc["extensions"] = [extension]
    return doc


def deprecate_product_footprint(doc: Mapping[str, Any]) -> JsonObject:
    """A copy of ``doc`` with ``status`` "Deprecated": the only change PACT v3 allows to a
    footprint after its creation (lifecycle: a corrected footprint gets a new id instead)."""
    result = copy.deepcopy(dict(doc))
    result["status"] = "Deprecated"
    return result


# --------------------------------------------------------------------------- PACT properties


def _day_after(day: date) -> str:
    return start_of_day_utc(day + timedelta(days=1))


def _product_description(product: ProductInfo) -> str:
    if product.description.strip():
        return product.description
    cn = product.cn_code
    parts = [
        product.name,
        f"CN {cn[:4]} {cn[4:6]} {cn[6:]}",
        f"CBAM aggregated goods category: {product.aggregated_goods_category}",
    ]
    if product.production_route:
        parts.append(f"production route: {product.production_route}")
    return "; ".join(parts)


def _comment(inp: FootprintDocumentInput) -> str:
    see = inp.see
    lines = [
        "CBAM specific embedded emissions (Regulation (EU) 2023/956, Implementing Regulation "
        f"(EU) 2025/2547 Annex III): direct {_see(see.see_direct_tco2e_per_t)}, indirect "
        f"{_see(see.see_indirect_tco2e_per_t)}, total {_see(see.see_total_tco2e_per_t)} tCO2e "
        "per tonne; the pcf values are the total in kgCO2e per kg.",
        "Indirect emissions count for this good's category under CBAM: "
        + ("yes." if see.indirect_counts else "no (reported for information)."),
    ]
    defaults = [p for p in inp.precursors if p.see_source == "default_value"]
    if defaults:
        used = ", ".join(f"CN {p.cn_code} from {p.country_of_origin}" for p in defaults)
        lines.append(f"EU default values used for precursors: {used}.")
    elif see.default_values_used:
        lines.append("EU default values were used in the calculation.")
    if inp.product.carbon_content_kgc_per_kg is None:
        lines.append("Fossil carbon content of the product not reported; given as 0.")
    if inp.data_quality.methodology.strip():
        lines.append(f"Methodology: {inp.data_quality.methodology}")
    if inp.data_quality.comments.strip():
        lines.append(inp.data_quality.comments)
    return "\n".join(lines)


def _carbon_footprint(inp: FootprintDocumentInput) -> JsonObject:
    # kgCO2e per declared unit = (tCO2e per t) x (kg of product per declared unit), because
    # tCO2e/t and kgCO2e/kg are the same ratio. CBAM counts no biogenic uptake, land-use or
    # removals (sustainable biomass is zero-rated), so PCF excluding and including biogenic
    # uptake and the fossil emissions are all the SEE total.
    total = _per_declared_unit(inp.see.see_total_tco2e_per_t)
    carbon = inp.product.carbon_content_kgc_per_kg
    pcf: JsonObject = {
        "declaredUnitOfMeasurement": DECLARED_UNIT_OF_MEASUREMENT,
        "declaredUnitAmount": decimal_string(DECLARED_UNIT_AMOUNT),
        "productMassPerDeclaredUnit": decimal_string(PRODUCT_MASS_PER_DECLARED_UNIT_KG),
        "referencePeriodStart": start_of_day_utc(inp.reference_period_start),
        # Our end date is inclusive; PACT's referencePeriodEnd is exclusive.
        "referencePeriodEnd": _day_after(inp.reference_period_end),
        "geographyCountry": inp.installation.country_code,
        "boundaryProcessesDescription": BOUNDARY_DESCRIPTION,
        "pcfExcludingBiogenicUptake": total,
        "pcfIncludingBiogenicUptake": total,
        "fossilGhgEmissions": total,
        "fossilCarbonContent": _per_declared_unit(carbon if carbon is not None else Decimal(0)),
        "packagingEmissionsIncluded": False,
        "ipccCharacterizationFactors": list(IPCC_CHARACTERIZATION_FACTORS),
        "crossSectoralStandards": list(CROSS_SECTORAL_STANDARDS),
        "productOrSectorSpecificRules": [copy.deepcopy(CBAM_RULES)],
        "exemptedEmissionsPercent": "0",
        "exemptedEmissionsDescription": EXEMPTED_DESCRIPTION,
        "allocationRulesDescription": ALLOCATION_DESCRIPTION,
    }
    if inp.secondary_sources:
        pcf["secondaryEmissionFactorSources"] = [
            {"name": s.name, "version": s.version} for s in inp.secondary_sources
        ]
    share = inp.data_quality.primary_data_share_percent
    if share is not None:
        pcf["primaryDataShare"] = decimal_string(share)
    if inp.verification is not None:
        pcf["verification"] = _verification(inp.verification)
    return pcf


def _verification(v: VerificationInfo) -> JsonObject:
    notes = [f"CBAM verification statement, {v.assurance_level} assurance."]
    if v.accreditation_number:
        notes.append(f"Verifier accreditation number: {v.accreditation_number}.")
    if v.verifier_organisation_urn:
        notes.append(f"Verifier organisation: {v.verifier_organisation_urn}.")
    return {
        "coverage": VERIFICATION_COVERAGE,
        "providerName": v.verifier_name,
        "completedAt": start_of_day_utc(v.statement_date),
        "standardName": VERIFICATION_STANDARD,
        "comments": " ".join(notes),
    }


def _per_declared_unit(per_kg: Decimal) -> str:
    """A per-kg (= per-tonne ratio) figure times the kg of product in the declared unit."""
    return decimal_string(per_kg * PRODUCT_MASS_PER_DECLARED_UNIT_KG)


def _see(value: Decimal) -> str:
    return fixed_decimal_string(value, SEE_DECIMAL_PLACES)


# --------------------------------------------------------------------------- extension data


def _extension_data(inp: FootprintDocumentInput) -> JsonObject:
    """The ``data`` of the CBAM extension; shape: ``schemas/cbam-footprint-v1.json``."""
    data: JsonObject = {
        "footprintVersion": inp.version,
        "reportingPeriod": {
            "start": inp.reference_period_start.isoformat(),
            "end": inp.reference_period_end.isoformat(),
        },
        "organisation": _organisation(inp.organisation),
        "product": _product(inp.product),
        "installation": _installation(inp.installation),
        "activityLevelT": decimal_string(inp.activity_level_t),
        "attributedDirectEmissionsTco2e": decimal_string(inp.attributed_direct_tco2e),
    }
    if inp.attributed_indirect_tco2e is not None:
        data["attributedIndirectEmissionsTco2e"] = decimal_string(inp.attributed_indirect_tco2e)
    if inp.electricity is not None:
        data["electricity"] = _electricity(inp.electricity)
    data["precursors"] = [_precursor(p) for p in inp.precursors]
    data["carbonPricesPaid"] = [_carbon_price(p) for p in inp.carbon_prices]
    if inp.verification is not None:
        data["verification"] = _extension_verification(inp.verification)
    quality = _data_quality(inp.data_quality)
    if quality:
        data["dataQuality"] = quality
    see = inp.see
    data["see"] = {
        "directTco2ePerT": _see(see.see_direct_tco2e_per_t),
        "indirectTco2ePerT": _see(see.see_indirect_tco2e_per_t),
        "totalTco2ePerT": _see(see.see_total_tco2e_per_t),
        "indirectCounts": see.indirect_counts,
        "defaultValuesUsed": see.default_values_used,
    }
    return data


def _organisation(org: OrganisationInfo) -> JsonObject:
    out: JsonObject = {"legalName": org.legal_name}
    if org.legal_name_original:
        out["legalNameOriginal"] = org.legal_name_original
    return out


def _product(product: ProductInfo) -> JsonObject:
    out: JsonObject = {
        "cnCode": product.cn_code,
        "aggregatedGoodsCategory": product.aggregated_goods_category,
    }
    if product.production_route:
        out["productionRoute"] = product.production_route
    if product.carbon_content_kgc_per_kg is not None:
        out["carbonContentKgcPerKg"] = decimal_string(product.carbon_content_kgc_per_kg)
    return out


def _installation(inst: InstallationInfo) -> JsonObject:
    out: JsonObject = {
        "name": inst.name,
        "nameLatin": inst.name_latin,
        "countryCode": inst.country_code,
    }
    if inst.address.strip():
        out["address"] = inst.address
    if inst.un_locode:
        out["unLocode"] = inst.un_locode
    if inst.latitude is not None and inst.longitude is not None:
        out["latitude"] = decimal_string(inst.latitude)
        out["longitude"] = decimal_string(inst.longitude)
    if inst.cbam_operator_id:
        out["cbamOperatorId"] = inst.cbam_operator_id
    if inst.cbam_installation_id:
        out["cbamInstallationId"] = inst.cbam_installation_id
    return out


def _electricity(el: ElectricityInfo) -> JsonObject:
    out: JsonObject = {
        "consumedMwh": decimal_string(el.consumed_mwh),
        "emissionFactorTco2PerMwh": decimal_string(el.emission_factor_tco2_per_mwh),
        "factorSource": el.factor_source,
    }
    if el.factor_reference.strip():
        out["factorReference"] = el.factor_reference
    return out


def _precursor(p: PrecursorInfo) -> JsonObject:
    out: JsonObject = {
        "cnCode": p.cn_code,
        "massTPerT": decimal_string(p.mass_t_per_t),
        "countryOfOrigin": p.country_of_origin,
        "seeSource": p.see_source,
    }
    if p.footprint_id is not None:
        out["footprintId"] = str(p.footprint_id)
    out["seeDirectTco2ePerT"] = decimal_string(p.see_direct_tco2e_per_t)
    if p.see_indirect_tco2e_per_t is not None:
        out["seeIndirectTco2ePerT"] = decimal_string(p.see_indirect_tco2e_per_t)
    if p.description.strip():
        out["description"] = p.description
    return out


def _carbon_price(price: CarbonPriceInfo) -> JsonObject:
    return {
        "instrument": price.instrument,
        "amountPerTco2e": decimal_string(price.amount_per_tco2e),
        "currency": price.currency,
    }


def _extension_verification(v: VerificationInfo) -> JsonObject:
    out: JsonObject = {
        "verifierName": v.verifier_name,
        "statementDate": v.statement_date.isoformat(),
        "assuranceLevel": v.assurance_level,
    }
    if v.accreditation_number:
        out["accreditationNumber"] = v.accreditation_number
    if v.verifier_organisation_urn:
        out["verifierOrganisationUrn"] = v.verifier_organisation_urn
    return out


def _data_quality(dq: DataQualityInfo) -> JsonObject:
    out: JsonObject = {}
    if dq.primary_data_share_percent is not None:
        out["primaryDataSharePercent"] = decimal_string(dq.primary_data_share_percent)
    if dq.methodology.strip():
        out["methodology"] = dq.methodology
    if dq.comments.strip():
        out["comments"] = dq.comments
    return out
