"""The PACT v3 ProductFootprint of a published CBAM footprint: exact values of a full example
(hot-rolled coil from Hebei, see ``examples.py``), units, corrections, determinism."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

import rfc8785

from suppliers.pact.document import (
    ProductInfo,
    SeeFigures,
    build_product_footprint,
    deprecate_product_footprint,
    platform_product_urn,
)
from suppliers.pact.validation import validate_product_footprint
from tests.suppliers.pact.examples import (
    CORRECTION_ID,
    FOOTPRINT_ID,
    LEI_URN,
    PIG_IRON_FOOTPRINT_ID,
    PLATFORM_HOST,
    PRODUCT_URN,
    SUPPLIER_PRODUCT_URN,
    USCC_URN,
    hot_rolled_coil_input,
)


def _build(**changes):
    return build_product_footprint(hot_rolled_coil_input(**changes), platform_host=PLATFORM_HOST)


def test_the_footprint_carries_its_identity_lifecycle_and_owner():
    doc = _build()

    assert doc["id"] == "5f0c6a8e-3b1d-4c2a-9e7f-1a2b3c4d5e6f"
    assert doc["specVersion"] == "3.0.3"
    # Published 09:30 China Standard Time = 01:30 UTC.
    assert doc["created"] == "2026-02-16T01:30:00Z"
    assert doc["status"] == "Active"
    assert "precedingPfIds" not in doc  # a first publication has no predecessors
    # Our validity period 2026-01-01..2026-12-31 (inclusive) → PACT end exclusive.
    assert doc["validityPeriodStart"] == "2026-01-01T00:00:00Z"
    assert doc["validityPeriodEnd"] == "2027-01-01T00:00:00Z"
    assert doc["companyName"] == "Hebei Jinghua Iron & Steel Co., Ltd."
    assert doc["companyIds"] == [LEI_URN, USCC_URN]


def test_the_product_is_identified_and_classified_by_urns():
    doc = _build()

    assert doc["productNameCompany"] == "Hot-rolled coil Q235B 2.0 mm"
    assert doc["productIds"] == [
        "urn:pact:cbam.example.com:product:prd_7Hq2Lm",
        "urn:pact:jinghua-steel.example.cn:supplier-id:HRC-Q235B-2.0",
    ]
    assert doc["productIds"] == [PRODUCT_URN, SUPPLIER_PRODUCT_URN]
    assert doc["productClassifications"] == [
        "urn:pact:ec.europa.eu:cn-code:72083900",
        "urn:pact:wcoomd.org:hs-code:720839",
    ]
    assert doc["productDescription"] == (
        "Hot-rolled coil Q235B 2.0 mm; CN 7208 39 00; CBAM aggregated goods category: "
        "Iron or steel products; production route: C"
    )


def test_a_given_product_description_is_used_as_it_is():
    product = dataclasses.replace(
        hot_rolled_coil_input().product, description="HRC, S235JR, 2.0 x 1250 mm, unpackaged"
    )

    doc = _build(product=product)

    assert doc["productDescription"] == "HRC, S235JR, 2.0 x 1250 mm, unpackaged"


def test_the_platform_product_urn_uses_the_host_without_its_port():
    assert platform_product_urn("localhost:8000", "p1") == "urn:pact:localhost:product:p1"


def test_the_carbon_footprint_is_the_see_total_per_kilogram_of_product():
    pcf = _build()["pcf"]

    assert pcf["declaredUnitOfMeasurement"] == "kilogram"
    assert pcf["declaredUnitAmount"] == "1"
    assert pcf["productMassPerDeclaredUnit"] == "1"
    # SEE total 2.40803 tCO2e/t = 2.40803 kgCO2e/kg; both channels, as PACT's PCF is the
    # whole footprint within the boundary. No biogenic uptake: excluding = including = fossil.
    assert pcf["pcfExcludingBiogenicUptake"] == "2.40803"
    assert pcf["pcfIncludingBiogenicUptake"] == "2.40803"
    assert pcf["fossilGhgEmissions"] == "2.40803"
    assert pcf["fossilCarbonContent"] == "0"
    assert pcf["referencePeriodStart"] == "2025-01-01T00:00:00Z"
    assert pcf["referencePeriodEnd"] == "2026-01-01T00:00:00Z"  # 31 Dec inclusive → exclusive
    assert pcf["geographyCountry"] == "CN"
    assert "geographyCountrySubdivision" not in pcf
    assert "geographyRegionOrSubregion" not in pcf
    assert pcf["packagingEmissionsIncluded"] is False
    assert pcf["ipccCharacterizationFactors"] == ["AR5"]
    assert pcf["crossSectoralStandards"] == ["EU-CBAM"]
    assert pcf["productOrSectorSpecificRules"] == [
        {
            "operator": "Other",
            "otherOperatorName": "European Commission",
            "ruleNames": [
                "Regulation (EU) 2023/956 (CBAM)",
                "Implementing Regulation (EU) 2025/2547 (CBAM methodology)",
            ],
        }
    ]
    assert pcf["exemptedEmissionsPercent"] == "0"
    assert pcf["primaryDataShare"] == "97.1"
    assert pcf["secondaryEmissionFactorSources"] == [
        {
            "name": "EU CBAM default values, IR (EU) 2025/2621 Annex I",
            "version": "2025/2621 as corrected by 2026/1740",
        },
        {
            "name": "EU CBAM default electricity emission factors, IR (EU) 2025/2621 Annex II",
            "version": "2025/2621",
        },
    ]
    assert pcf["verification"] == {
        "coverage": "product level",
        "providerName": "Example Verification Services Ltd.",
        "completedAt": "2026-02-10T00:00:00Z",
        "standardName": "Regulation (EU) 2023/956 Annex VI (CBAM verification)",
        "comments": (
            "CBAM verification statement, reasonable assurance. "
            "Verifier accreditation number: D-VS-12345-01-00."
        ),
    }
    assert "dqi" not in pcf  # no data quality ratings are collected


def test_the_pcf_converts_back_to_the_see_in_tonnes_exactly():
    pcf = _build()["pcf"]

    kg_co2e_per_declared_unit = D(pcf["pcfExcludingBiogenicUptake"])
    kg_product_per_declared_unit = D(pcf["productMassPerDeclaredUnit"])
    kg_co2e_per_t = kg_co2e_per_declared_unit / kg_product_per_declared_unit * D(1000)

    assert kg_co2e_per_t == D("2408.03")
    assert kg_co2e_per_t / D(1000) == D("2.40803")  # tCO2e per t, the published SEE total


def test_the_see_figures_follow_from_the_inputs_of_the_document():
    # SEE = AttrEm/AL + Σ m_i · SEE_i (2025/2547 Annex III point B), from the extension's data.
    data = _build()["extensions"][0]["data"]
    al = D(data["activityLevelT"])
    pig, femn = data["precursors"]
    el = data["electricity"]

    direct = (
        D(data["attributedDirectEmissionsTco2e"]) / al
        + D(pig["massTPerT"]) * D(pig["seeDirectTco2ePerT"])
        + D(femn["massTPerT"]) * D(femn["seeDirectTco2ePerT"])
    )
    indirect = D(el["consumedMwh"]) * D(el["emissionFactorTco2PerMwh"]) / al + D(
        pig["massTPerT"]
    ) * D(pig["seeIndirectTco2ePerT"])

    assert direct == D("2.09778")
    assert indirect == D("0.31025")
    assert data["see"] == {
        "directTco2ePerT": "2.09778",
        "indirectTco2ePerT": "0.31025",
        "totalTco2ePerT": "2.40803",
        "indirectCounts": False,
        "defaultValuesUsed": True,
    }


def test_a_known_carbon_content_is_reported_per_declared_unit():
    product = dataclasses.replace(
        hot_rolled_coil_input().product, carbon_content_kgc_per_kg=D("0.0018")
    )

    doc = _build(product=product)

    assert doc["pcf"]["fossilCarbonContent"] == "0.0018"
    assert doc["extensions"][0]["data"]["product"]["carbonContentKgcPerKg"] == "0.0018"
    assert "carbon content of the product not reported" not in doc["comment"]


def test_see_figures_are_written_with_five_decimal_places():
    see = SeeFigures(
        see_direct_tco2e_per_t=D("0.32"),
        see_indirect_tco2e_per_t=D("0"),
        see_total_tco2e_per_t=D("0.32"),
        indirect_counts=False,
        default_values_used=False,
    )

    doc = _build(see=see, precursors=(), electricity=None, secondary_sources=())

    assert doc["extensions"][0]["data"]["see"]["directTco2ePerT"] == "0.32000"
    assert doc["extensions"][0]["data"]["see"]["indirectTco2ePerT"] == "0.00000"
    assert doc["pcf"]["pcfExcludingBiogenicUptake"] == "0.32"


def test_the_cbam_fields_travel_in_one_data_model_extension():
    doc = _build()

    (extension,) = doc["extensions"]
    assert extension["specVersion"] == "2.0.0"
    assert extension["dataSchema"] == (
        "https://cbam.example.com/schemas/cbam-exchange/cbam-footprint-v1.json"
    )
    assert "documentation" not in extension
    data = extension["data"]
    assert data["footprintVersion"] == 1
    assert data["reportingPeriod"] == {"start": "2025-01-01", "end": "2025-12-31"}
    assert data["organisation"] == {
        "legalName": "Hebei Jinghua Iron & Steel Co., Ltd.",
        "legalNameOriginal": "河北京华钢铁有限公司",
    }
    assert data["product"] == {
        "cnCode": "72083900",
        "aggregatedGoodsCategory": "Iron or steel products",
        "productionRoute": "C",
    }
    assert data["installation"] == {
        "name": "河北京华钢铁有限公司热轧厂",
        "nameLatin": "Hebei Jinghua Iron & Steel Co., Ltd. hot strip mill",
        "address": "河北省唐山市丰南区沿海工业区钢铁大街1号",
        "countryCode": "CN",
        "unLocode": "CNTGS",
        "latitude": "39.5756",
        "longitude": "118.0853",
        "cbamOperatorId": "CN-OP-000123",
        "cbamInstallationId": "CN-INST-000456",
    }
    assert data["activityLevelT"] == "100000"
    assert data["attributedDirectEmissionsTco2e"] == "32000"
    assert "attributedIndirectEmissionsTco2e" not in data
    assert data["electricity"] == {
        "consumedMwh": "45000",
        "emissionFactorTco2PerMwh": "0.605",
        "factorSource": "country_default",
        "factorReference": "IR (EU) 2025/2621 Annex II, CN",
    }
    assert data["precursors"] == [
        {
            "cnCode": "72011011",
            "massTPerT": "0.95",
            "countryOfOrigin": "CN",
            "seeSource": "platform_footprint",
            "footprintId": str(PIG_IRON_FOOTPRINT_ID),
            "seeDirectTco2ePerT": "1.85",
            "seeIndirectTco2ePerT": "0.04",
            "description": "Pig iron",
        },
        {
            "cnCode": "72021180",
            "massTPerT": "0.012",
            "countryOfOrigin": "CN",
            "seeSource": "default_value",
            "seeDirectTco2ePerT": "1.69",
            "description": "Ferro-manganese",
        },
    ]
    assert data["carbonPricesPaid"] == [
        {
            "instrument": "China national ETS allowances (CEA)",
            "amountPerTco2e": "55",
            "currency": "CNY",
        }
    ]
    assert data["verification"] == {
        "verifierName": "Example Verification Services Ltd.",
        "statementDate": "2026-02-10",
        "assuranceLevel": "reasonable",
        "accreditationNumber": "D-VS-12345-01-00",
    }
    assert data["dataQuality"] == {
        "primaryDataSharePercent": "97.1",
        "methodology": "Calculation-based approach, IR (EU) 2025/2547",
    }


def test_a_documentation_url_is_named_in_the_extension():
    doc = build_product_footprint(
        hot_rolled_coil_input(),
        platform_host=PLATFORM_HOST,
        documentation_url="https://cbam.example.com/docs/pact",
    )

    assert doc["extensions"][0]["documentation"] == "https://cbam.example.com/docs/pact"


def test_the_comment_explains_the_cbam_figures_and_what_is_missing():
    comment = _build()["comment"]

    assert comment.splitlines() == [
        "CBAM specific embedded emissions (Regulation (EU) 2023/956, Implementing Regulation "
        "(EU) 2025/2547 Annex III): direct 2.09778, indirect 0.31025, total 2.40803 tCO2e per "
        "tonne; the pcf values are the total in kgCO2e per kg.",
        "Indirect emissions count for this good's category under CBAM: no (reported for "
        "information).",
        "EU default values used for precursors: CN 72021180 from CN.",
        "Fossil carbon content of the product not reported; given as 0.",
        "Methodology: Calculation-based approach, IR (EU) 2025/2547",
    ]


def test_the_full_example_is_a_valid_pact_v3_footprint():
    assert validate_product_footprint(_build()) == []


def test_a_correction_is_a_new_footprint_naming_the_old_one():
    old = _build()

    new = _build(id=CORRECTION_ID, version=2, preceding_pf_ids=(FOOTPRINT_ID,))

    assert new["id"] == str(CORRECTION_ID)
    assert new["precedingPfIds"] == [old["id"]]
    assert new["status"] == "Active"
    assert new["extensions"][0]["data"]["footprintVersion"] == 2
    assert validate_product_footprint(new) == []


def test_deprecating_changes_only_the_status_of_a_copy():
    old = _build()

    deprecated = deprecate_product_footprint(old)

    assert deprecated["status"] == "Deprecated"
    assert old["status"] == "Active"
    assert {k: v for k, v in deprecated.items() if k != "status"} == {
        k: v for k, v in old.items() if k != "status"
    }
    assert validate_product_footprint(deprecated) == []


def test_a_deprecated_footprint_can_be_rebuilt_with_its_status():
    assert _build(status="Deprecated") == deprecate_product_footprint(_build())


def test_the_same_input_gives_the_same_canonical_bytes():
    first = rfc8785.dumps(
        build_product_footprint(hot_rolled_coil_input(), platform_host=PLATFORM_HOST)
    )
    second = rfc8785.dumps(
        build_product_footprint(hot_rolled_coil_input(), platform_host=PLATFORM_HOST)
    )

    assert first == second
    assert b'"pcfExcludingBiogenicUptake":"2.40803"' in first


def test_the_document_holds_no_floats():
    def walk(value):
        if isinstance(value, dict):
            for v in value.values():
                yield from walk(v)
        elif isinstance(value, list):
            for v in value:
                yield from walk(v)
        else:
            yield value

    leaves = list(walk(_build()))

    assert {type(v) for v in leaves} <= {str, bool, int}
    assert not any(isinstance(v, float) for v in leaves)


def test_a_product_without_a_route_leaves_it_out():
    product = ProductInfo(
        name="Hot-rolled coil",
        cn_code="72083900",
        aggregated_goods_category="Iron or steel products",
        product_ids=(PRODUCT_URN,),
    )

    doc = _build(product=product)

    assert "productionRoute" not in doc["extensions"][0]["data"]["product"]
    assert doc["productDescription"] == (
        "Hot-rolled coil; CN 7208 39 00; CBAM aggregated goods category: Iron or steel products"
    )


def test_numbers_are_written_by_value_not_by_stored_scale():
    # A DecimalField with 10 places returns 100000.0000000000 for 100000: same number, same
    # string, so the canonical bytes depend on the values only.
    inp = hot_rolled_coil_input()
    padded = dataclasses.replace(
        inp,
        activity_level_t=D("100000.0000000000"),
        attributed_direct_tco2e=D("32000.0000000000"),
        precursors=tuple(
            dataclasses.replace(p, mass_t_per_t=p.mass_t_per_t.quantize(D("1E-10")))
            for p in inp.precursors
        ),
    )

    data = build_product_footprint(padded, platform_host=PLATFORM_HOST)["extensions"][0]["data"]

    assert data["activityLevelT"] == "100000"
    assert data["attributedDirectEmissionsTco2e"] == "32000"
    assert [p["massTPerT"] for p in data["precursors"]] == ["0.95", "0.012"]
    assert rfc8785.dumps(build_product_footprint(padded, platform_host=PLATFORM_HOST)) == (
        rfc8785.dumps(build_product_footprint(inp, platform_host=PLATFORM_HOST))
    )


def test_an_installation_without_address_leaves_it_out():
    installation = dataclasses.replace(hot_rolled_coil_input().installation, address="")

    doc = _build(installation=installation)

    assert "address" not in doc["extensions"][0]["data"]["installation"]
    assert validate_product_footprint(doc) == []
