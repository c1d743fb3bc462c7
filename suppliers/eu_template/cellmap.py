"""Where each figure sits in the EU "Communication template for installations" (v2.x).

One :class:`CellMap` per supported template version. Versions 2.1 (5 June 2024, the layout of
the Commission's cement example) and 2.1.1 (13 December 2024, the current blank template) share
the layout below; an earlier 2.x file is refused until its layout has been checked against a
workbook of that version (``SUPPORTED_VERSIONS``).

The map names input cells only: what an operator types. Results (``Summary_Processes``,
``Summary_Products``) are read as the workbook's cached values, for comparison, never used.
The export (``suppliers.eu_template.export``) writes into the same cells. docs/eu-template.md
lists every cell read and written.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CellMap:
    version: str

    # Sheets a workbook must hold (names exactly as in the template).
    sheets: tuple[str, ...] = (
        "0_Versions",
        "A_InstData",
        "B_EmInst",
        "C_Emissions&Energy",
        "D_Processes",
        "E_PurchPrec",
        "Summary_Processes",
        "Summary_Products",
    )

    # A_InstData: reporting period and installation (inputs in column I, L for the end date).
    period_start: str = "I9"
    period_end: str = "L9"
    installation: tuple[tuple[str, str], ...] = (
        ("name", "I19"),
        ("name_english", "I20"),
        ("street", "I21"),
        ("economic_activity", "I22"),
        ("post_code", "I23"),
        ("po_box", "I24"),
        ("city", "I25"),
        ("country", "I26"),
        ("un_locode", "I27"),
        ("latitude", "I28"),
        ("longitude", "I29"),
        ("representative", "I30"),
        ("email", "I31"),
        ("telephone", "I32"),
    )
    verifier: tuple[tuple[str, str], ...] = (
        ("company", "I37"),
        ("street", "I38"),
        ("city", "I39"),
        ("post_code", "I40"),
        ("country", "I41"),
        ("representative", "I45"),
        ("email", "I46"),
        ("telephone", "I47"),
        ("accreditation_member_state", "I51"),
        ("accreditation_body", "I52"),
        ("accreditation_number", "I53"),
    )
    # A_InstData 4(b): production processes P1..P10, category in E, name in L (rows 83-92).
    process_rows: tuple[int, int] = (83, 92)
    process_category_col: str = "E"
    process_name_col: str = "L"
    # A_InstData 5: purchased precursors PP1..PP20 (rows 102-121): category E, country F.
    purchased_rows: tuple[int, int] = (102, 121)
    purchased_category_col: str = "E"
    purchased_country_col: str = "F"
    purchased_name_col: str = "L"

    # B_EmInst (a): source streams, rows 17-91 (rows 14-16 are the template's examples).
    source_stream_rows: tuple[int, int] = (17, 91)
    source_stream_cols: tuple[tuple[str, str], ...] = (
        ("method", "D"),
        ("name", "E"),
        ("activity_data", "F"),
        ("activity_data_unit", "G"),
        ("ncv", "H"),
        ("ncv_unit", "I"),
        ("emission_factor", "J"),
        ("emission_factor_unit", "K"),
        ("carbon_content", "L"),
        ("carbon_content_unit", "M"),
        ("oxidation_factor", "N"),
        ("oxidation_factor_unit", "O"),
        ("conversion_factor", "P"),
        ("conversion_factor_unit", "Q"),
        ("biomass_content", "R"),
        ("biomass_content_unit", "S"),
    )
    # C_Emissions&Energy: manual entries of the fuel and GHG balances, data quality.
    balances: tuple[tuple[str, str], ...] = (
        ("fuel_total_input_tj", "H16"),
        ("fuel_cbam_goods_tj", "I16"),
        ("fuel_electricity_tj", "J16"),
        ("fuel_non_cbam_tj", "K16"),
        ("co2_tco2e", "H26"),
        ("biomass_tco2e", "I26"),
        ("n2o_tco2e", "J26"),
        ("pfc_tco2e", "K26"),
        ("indirect_tco2e", "M26"),
    )
    quality: tuple[tuple[str, str], ...] = (
        ("data_quality", "H40"),
        ("default_values_justification", "H41"),
        ("quality_assurance", "H42"),
    )

    # D_Processes: ten blocks of 65 rows, the first at row 11; offsets from the block's row.
    process_block_first: int = 11
    process_block_rows: int = 65
    process_count: int = 10
    process_value_col: str = "L"
    process_export_col: str = "M"
    production_offsets: tuple[int, int] = (5, 12)  # (a) production per route, L16:L23
    to_market_offset: int = 16  # (b)i. L27
    consumed_in_offsets: tuple[int, int] = (21, 29)  # (c) L32:L40, other processes in order
    direct_emissions_offset: int = 43  # (g) L54 directly attributable emissions, tCO2e
    heat_amount_offset: int = 46  # (h)i. L57 imported / M57 exported heat, TJ
    heat_factor_offset: int = 47  # (h)ii. L58 / M58, tCO2/TJ
    waste_gas_offset: int = 50  # (i)i. L61 imported / M61 exported waste gas, TJ
    electricity_offset: int = 54  # (j)i. L65 electricity consumed, MWh
    electricity_factor_offset: int = 55  # (j)ii. L66, tCO2/MWh
    electricity_source_offset: int = 56  # (j)iii. L67, source of the factor
    electricity_exported_offset: int = 60  # (k)i. L71, MWh
    electricity_exported_factor_offset: int = 61  # (k)ii. L72, tCO2/MWh

    # E_PurchPrec: twenty blocks of 44 rows, the first at row 14.
    purchased_block_first: int = 14
    purchased_block_rows: int = 44
    purchased_count: int = 20
    purchased_amount_offsets: tuple[int, int] = (3, 10)  # (a) L17:L24
    purchased_consumed_offsets: tuple[int, int] = (14, 23)  # (b) L28:L37 per process 1..10
    purchased_other_offset: int = 24  # (c) L38
    purchased_see_direct_offset: int = 35  # (e)i. L49, source in M49
    purchased_electricity_offset: int = 36  # (e)ii. L50 MWh/t, source in M50
    purchased_factor_offset: int = 37  # (e)iii. L51 tCO2/MWh, source in M51
    purchased_value_col: str = "L"
    purchased_source_col: str = "M"  # (e)i./ii. Measured, Default or Unknown

    # Summary_Products: goods rows 10-109, process D, CN code F, name H; cached SEE I, J, K.
    goods_rows: tuple[int, int] = (10, 109)
    goods_process_col: str = "D"
    goods_cn_col: str = "F"
    goods_name_col: str = "H"
    goods_see_cols: tuple[str, str, str] = ("I", "J", "K")
    # Summary_Processes: processes P1..P10 in rows 102-111; cached SEE direct H, indirect J.
    summary_process_first: int = 102
    summary_process_see_cols: tuple[str, str] = ("H", "J")

    def process_row(self, index: int) -> int:
        """The first row (``Production process n:``) of D_Processes block ``index`` (0-based)."""
        return self.process_block_first + index * self.process_block_rows

    def purchased_row(self, index: int) -> int:
        return self.purchased_block_first + index * self.purchased_block_rows


#: The natural gas emission factor the template applies to waste gases (D_Processes (i),
#: ``Parameters_Constants!B13``), tCO2/TJ, and the share of it credited for exported waste gas.
NATURAL_GAS_FACTOR_TCO2_PER_TJ = Decimal("56.1")
WASTE_GAS_EXPORT_SHARE = Decimal("0.667")

#: For a process whose goods are not listed on Summary_Products (an intermediate product such
#: as clinker): the first CN code of its aggregated goods category in the template's own CN list
#: (``Parameters_CNCodes``), so that the engine knows its category.
CATEGORY_CN_CODES: dict[str, str] = {
    "Calcined clays": "25070080",
    "Cement clinker": "25231000",
    "Cement": "25232100",
    "Aluminous cement": "25233000",
    "Sintered Ore": "26011200",
    "Hydrogen": "28041000",
    "Nitric acid": "28080000",
    "Ammonia": "28141000",
    "Mixed fertilisers": "28342100",
    "Urea": "31021010",
    "Pig iron": "72011011",
    "Alloys (FeMn, FeCr, FeNi)": "72021120",
    "Direct reduced iron": "72031000",
    "Iron or steel products": "72051000",
    "Crude steel": "72061000",
    "Unwrought aluminium": "76011010",
    "Aluminium products": "76031000",
    "Electricity (export to EU)": "27160000",
}

#: The template version as written in ``0_Versions`` column E → its cell map.
CELL_MAPS: dict[str, CellMap] = {"2.1": CellMap(version="2.1"), "2.1.1": CellMap(version="2.1.1")}
SUPPORTED_VERSIONS: tuple[str, ...] = tuple(CELL_MAPS)
