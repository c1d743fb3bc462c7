"""The reference tables: names, CSV columns, key, and the files shipped in reference/data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

GOODS_CATEGORIES = "goods_categories"
CN_CODES = "cn_codes"
DEFAULT_VALUES = "default_values"
UNKNOWN_ORIGIN_VALUES = "unknown_origin_values"
BENCHMARKS = "benchmarks"
ELECTRICITY_FACTORS = "electricity_factors"
MARK_UPS = "mark_ups"
CBAM_FACTORS = "cbam_factors"
CSCF = "cscf"
CERTIFICATE_PRICES = "certificate_prices"

# Load order: a table is checked against the ones before it.
DATASETS: tuple[str, ...] = (
    GOODS_CATEGORIES,
    CN_CODES,
    DEFAULT_VALUES,
    UNKNOWN_ORIGIN_VALUES,
    BENCHMARKS,
    ELECTRICITY_FACTORS,
    MARK_UPS,
    CBAM_FACTORS,
    CSCF,
    CERTIFICATE_PRICES,
)

# The tables of the engine's ``ReferenceSnapshot`` (``reference.selectors``): every one must have
# a version valid on the date of a calculation. Certificate prices are read on their own
# (a period without a published price is priced on the labelled assumption).
SNAPSHOT_DATASETS: tuple[str, ...] = tuple(d for d in DATASETS if d != CERTIFICATE_PRICES)

# Decimal columns are stored with 10 decimal places and at most 20 digits.
DECIMAL_PLACES = 10
MAX_DIGITS = 20


@dataclass(frozen=True)
class DatasetSpec:
    """One table: its CSV columns (``required`` are read, ``optional`` are accepted and, where
    the model has a field for them, kept) and the key that may not repeat."""

    name: str
    title: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    # A repeated key is refused, except where ``repeats_allowed`` and the values agree.
    key: tuple[str, ...] = ()
    repeats_allowed: bool = False


SPECS: dict[str, DatasetSpec] = {
    spec.name: spec
    for spec in (
        DatasetSpec(
            name=GOODS_CATEGORIES,
            title="goods categories: indirect rule (Annex II of Reg. 2023/956), sector, "
            "production routes, relevant precursors",
            required=(
                "aggregated_goods_category",
                "unit",
                "route_relevant",
                "production_routes",
                "relevant_precursors(template)",
                "indirect_counts_definitive",
                "sector",
            ),
            optional=("indirect_definitive_template", "indirect_transitional_template"),
            key=("aggregated_goods_category",),
        ),
        DatasetSpec(
            name=CN_CODES,
            title="CN codes and their aggregated goods category (Annex I of Reg. 2023/956)",
            required=("cn_code", "aggregated_goods_category"),
            # A code the CN of the year created: the previous CN code its defaults and
            # benchmarks are looked up for (they are written in that nomenclature).
            optional=("cn_code_spaced", "description", "cn2025_predecessor"),
            key=("cn_code",),
        ),
        DatasetSpec(
            name=DEFAULT_VALUES,
            title="default values by CN code and country (IR 2025/2621 Annex I)",
            required=(
                "cn_code",
                "country",
                "direct_tco2e_per_t",
                "indirect_tco2e_per_t",
                "production_route",
            ),
            optional=("total_tco2e_per_t", "source", "confidence", "cross_check"),
            key=("cn_code", "country"),
        ),
        DatasetSpec(
            name=UNKNOWN_ORIGIN_VALUES,
            title="values for a precursor whose country of production cannot be identified "
            "(IR 2025/2621 Art. 1(5), Annex IV)",
            required=("cn_code", "direct_tco2e_per_t", "indirect_tco2e_per_t", "source"),
            optional=("total_tco2e_per_t", "production_route"),
            key=("cn_code",),
        ),
        DatasetSpec(
            name=BENCHMARKS,
            title="benchmarks, columns A and B (IR 2025/2620 Annex)",
            required=("cn_code", "column", "qualifier", "period", "benchmark_tco2e_per_t"),
            optional=("cn_description", "category", "raw_cell"),
            key=("cn_code", "column", "qualifier", "period"),
        ),
        DatasetSpec(
            name=ELECTRICITY_FACTORS,
            title="electricity emission factors by country (IR 2025/2621 Annex II and III)",
            required=("country", "annex", "tco2_per_mwh"),
            optional=("country_name", "factor_use", "source", "confidence", "notes"),
            key=("country", "annex"),
            # The shipped transcription repeats four countries from two sources, in agreement.
            repeats_allowed=True,
        ),
        DatasetSpec(
            name=MARK_UPS,
            title="mark-ups on default values by sector and year (IR 2025/2621)",
            required=("sector", "valid_from_year", "mark_up"),
            key=("sector", "valid_from_year"),
        ),
        DatasetSpec(
            name=CBAM_FACTORS,
            title="CBAM factor by year (Directive 2003/87/EC Art. 10a(1a))",
            required=("valid_from_year", "cbam_factor"),
            key=("valid_from_year",),
        ),
        DatasetSpec(
            name=CSCF,
            title="cross-sectoral correction factor by year (1 until published)",
            required=("year", "cscf", "published"),
            key=("year",),
        ),
        DatasetSpec(
            name=CERTIFICATE_PRICES,
            title="CBAM certificate prices: quarterly averages for 2026, weekly from 2027 "
            "(Reg. 2023/956 Art. 21 as amended by Reg. 2025/2083; IR 2025/2548)",
            required=(
                "period_start",
                "period_end",
                "kind",
                "price_eur_per_certificate",
                "publication_date",
                "source",
            ),
            key=("kind", "period_start"),
        ),
    )
}


@dataclass(frozen=True)
class ShippedFile:
    """A file of ``reference/data/`` and the version it becomes: ``load_reference_data`` loads
    them all, in this order, skipping those already loaded. An update shipped with the product
    is a new entry (with the date it applies from), never an edit of an entry."""

    dataset: str
    file_name: str
    label: str
    valid_from: date


# The definitive period starts on 1 January 2026 (Reg. (EU) 2023/956 Art. 36(3)).
DEFINITIVE_PERIOD_START = date(2026, 1, 1)

SHIPPED: tuple[ShippedFile, ...] = (
    ShippedFile(
        GOODS_CATEGORIES,
        "goods-categories-routes-precursors.csv",
        "Reg. 2023/956 Annex II, template v2.1.1",
        DEFINITIVE_PERIOD_START,
    ),
    ShippedFile(
        CN_CODES,
        "cn-codes-aggregated-goods-categories.csv",
        "Reg. 2023/956 Annex I",
        DEFINITIVE_PERIOD_START,
    ),
    ShippedFile(
        DEFAULT_VALUES,
        "default-values-ir2025-2621.csv",
        "IR 2025/2621 Annex I, workbook of 2026-02-04",
        DEFINITIVE_PERIOD_START,
    ),
    # Supersedes the one above from the same date: Annex I as replaced by IR 2026/1740 (OJ L of
    # 31.7.2026, applying from 1 January 2026), at the 3 decimals the Official Journal prints.
    ShippedFile(
        DEFAULT_VALUES,
        "default-values-ir2026-1740.csv",
        "IR 2025/2621 Annex I as replaced by IR 2026/1740",
        DEFINITIVE_PERIOD_START,
    ),
    ShippedFile(
        BENCHMARKS, "benchmarks-ir2025-2620.csv", "IR 2025/2620 Annex", DEFINITIVE_PERIOD_START
    ),
    ShippedFile(
        ELECTRICITY_FACTORS,
        "electricity-emission-factors-ir2025-2621.csv",
        "IR 2025/2621 Annex II and III",
        DEFINITIVE_PERIOD_START,
    ),
    ShippedFile(
        MARK_UPS, "mark-ups-ir2025-2621.csv", "IR 2025/2621 mark-ups", DEFINITIVE_PERIOD_START
    ),
    ShippedFile(
        CBAM_FACTORS,
        "cbam-factors-directive-2003-87.csv",
        "Directive 2003/87/EC Art. 10a(1a)",
        DEFINITIVE_PERIOD_START,
    ),
    ShippedFile(
        CSCF,
        "cscf-cross-sectoral-correction-factors.csv",
        "CSCF not yet published: 1",
        DEFINITIVE_PERIOD_START,
    ),
    # Annex IV as replaced by IR 2026/1740: only the 7601 row issue 12 states (no citable
    # transcription of the rest was found); other CN codes with an unknown origin are refused.
    ShippedFile(
        UNKNOWN_ORIGIN_VALUES,
        "unknown-origin-values-ir2026-1740.csv",
        "IR 2025/2621 Annex IV as replaced by IR 2026/1740 (7601 only)",
        DEFINITIVE_PERIOD_START,
    ),
    # CN 2026 (from 1 January 2026): version 1 plus the one new code for CBAM goods that can be
    # cited (7308 20 10, DOMAIN.md), looked up as its CN 2025 predecessor 7308 20 00.
    ShippedFile(
        CN_CODES,
        "cn-codes-cn2026.csv",
        "CN 2026: Reg. 2023/956 Annex I with 7308 20 10",
        DEFINITIVE_PERIOD_START,
    ),
    # Q1 and Q2 2026 as reported by third parties (not checked against the Commission's
    # publication); a later quarter is a new version of the whole table from the same date.
    ShippedFile(
        CERTIFICATE_PRICES,
        "certificate-prices-ir2025-2548.csv",
        "Certificate prices Q1-Q2 2026 (third-party reports)",
        DEFINITIVE_PERIOD_START,
    ),
)
