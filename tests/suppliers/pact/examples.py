"""A realistic published footprint: hot-rolled coil (CN 7208 39 00) of a BF/BOF mill in Hebei.

Figures for one calendar year (2025), 100 000 t of coil:

- attributed direct emissions 32 000 tCO2e (steelmaking and rolling of the installation);
- electricity 45 000 MWh at China's default grid factor 0.605 tCO2/MWh (IR 2025/2621 Annex II);
- pig iron (CN 7201 10 11) bought from another producer on the platform, 95 000 t
  (m = 0.95 t/t), its published SEE 1.85000 direct and 0.04000 indirect;
- ferro-manganese (CN 7202 11 80) from China on the default value 1.69 tCO2e/t direct
  (IR 2025/2621 Annex I, row 7202 11, CN), 1 200 t (m = 0.012 t/t).

SEE (2025/2547 Annex III point B), exact:
    direct   = 32000/100000 + 0.95 × 1.85 + 0.012 × 1.69 = 0.32 + 1.7575 + 0.02028 = 2.09778
    indirect = 45000 × 0.605/100000 + 0.95 × 0.04       = 0.27225 + 0.038         = 0.31025
    total    = 2.40803
Iron and steel count direct emissions only (Annex II of Reg. 2023/956).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal as D
from typing import Any
from uuid import UUID

from suppliers.pact.document import (
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
    platform_product_urn,
)

PLATFORM_HOST = "cbam.example.com"
FOOTPRINT_ID = UUID("5f0c6a8e-3b1d-4c2a-9e7f-1a2b3c4d5e6f")
PIG_IRON_FOOTPRINT_ID = UUID("0b6e2f4a-8c1d-4e3f-a5b7-c9d1e3f5a7b9")
CORRECTION_ID = UUID("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d")
CHINA_STANDARD_TIME = timezone(timedelta(hours=8))

LEI_URN = "urn:lei:3003004XJ7TVRXN6QS70"
USCC_URN = "urn:cbam-exchange:cn-uscc:91130200735600117H"
PRODUCT_URN = platform_product_urn(PLATFORM_HOST, "prd_7Hq2Lm")
SUPPLIER_PRODUCT_URN = "urn:pact:jinghua-steel.example.cn:supplier-id:HRC-Q235B-2.0"


def hot_rolled_coil_input(**changes: Any) -> FootprintDocumentInput:
    inp = FootprintDocumentInput(
        id=FOOTPRINT_ID,
        version=1,
        published_at=datetime(2026, 2, 16, 9, 30, tzinfo=CHINA_STANDARD_TIME),
        organisation=OrganisationInfo(
            legal_name="Hebei Jinghua Iron & Steel Co., Ltd.",
            legal_name_original="河北京华钢铁有限公司",
            company_ids=(LEI_URN, USCC_URN),
        ),
        product=ProductInfo(
            name="Hot-rolled coil Q235B 2.0 mm",
            cn_code="72083900",
            aggregated_goods_category="Iron or steel products",
            production_route="C",
            product_ids=(PRODUCT_URN, SUPPLIER_PRODUCT_URN),
        ),
        installation=InstallationInfo(
            name="河北京华钢铁有限公司热轧厂",
            name_latin="Hebei Jinghua Iron & Steel Co., Ltd. hot strip mill",
            address="河北省唐山市丰南区沿海工业区钢铁大街1号",
            country_code="CN",
            un_locode="CNTGS",
            latitude=D("39.5756"),
            longitude=D("118.0853"),
            cbam_operator_id="CN-OP-000123",
            cbam_installation_id="CN-INST-000456",
        ),
        reference_period_start=date(2025, 1, 1),
        reference_period_end=date(2025, 12, 31),
        activity_level_t=D("100000"),
        attributed_direct_tco2e=D("32000"),
        electricity=ElectricityInfo(
            consumed_mwh=D("45000"),
            emission_factor_tco2_per_mwh=D("0.605"),
            factor_source="country_default",
            factor_reference="IR (EU) 2025/2621 Annex II, CN",
        ),
        precursors=(
            PrecursorInfo(
                cn_code="72011011",
                mass_t_per_t=D("0.95"),
                country_of_origin="CN",
                see_source="platform_footprint",
                footprint_id=PIG_IRON_FOOTPRINT_ID,
                see_direct_tco2e_per_t=D("1.85000"),
                see_indirect_tco2e_per_t=D("0.04000"),
                description="Pig iron",
            ),
            PrecursorInfo(
                cn_code="72021180",
                mass_t_per_t=D("0.012"),
                country_of_origin="CN",
                see_source="default_value",
                see_direct_tco2e_per_t=D("1.69"),
                description="Ferro-manganese",
            ),
        ),
        carbon_prices=(
            CarbonPriceInfo(
                instrument="China national ETS allowances (CEA)",
                amount_per_tco2e=D("55.00"),
                currency="CNY",
            ),
        ),
        verification=VerificationInfo(
            verifier_name="Example Verification Services Ltd.",
            statement_date=date(2026, 2, 10),
            assurance_level="reasonable",
            accreditation_number="D-VS-12345-01-00",
        ),
        data_quality=DataQualityInfo(
            primary_data_share_percent=D("97.1"),
            methodology="Calculation-based approach, IR (EU) 2025/2547",
            valid_from=date(2026, 1, 1),
            valid_until=date(2026, 12, 31),
        ),
        secondary_sources=(
            SecondarySourceInfo(
                name="EU CBAM default values, IR (EU) 2025/2621 Annex I",
                version="2025/2621 as corrected by 2026/1740",
            ),
            SecondarySourceInfo(
                name="EU CBAM default electricity emission factors, IR (EU) 2025/2621 Annex II",
                version="2025/2621",
            ),
        ),
        see=SeeFigures(
            see_direct_tco2e_per_t=D("2.09778"),
            see_indirect_tco2e_per_t=D("0.31025"),
            see_total_tco2e_per_t=D("2.40803"),
            indirect_counts=False,
            default_values_used=True,
        ),
    )
    return dataclasses.replace(inp, **changes) if changes else inp


def at_utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)
