"""The reference tables as CSV files: their columns and the rules every row must keep.

ORM-free: ``read_csv`` turns the bytes of a file into numbered rows and its source notes (the
``#`` lines), ``clean_rows`` checks every row of one table and returns the values to store
plus every problem found (line, column, value, what is expected). The service writes nothing
unless the problem list is empty.

Tables, their legal source and the file shipped in ``reference/data/``:

============================  =====================================================  ==========
dataset                       source                                                 key
============================  =====================================================  ==========
``goods_categories``          Annex II of Reg. (EU) 2023/956 (indirect rule), the     category
                              communication template v2.1.1 (routes, precursors)
``cn_codes``                  Annex I of Reg. (EU) 2023/956: CN code -> category      cn_code
``default_values``            IR (EU) 2025/2621 Annex I: default SEE by CN code and    cn_code,
                              country of origin, and the route it assigns              country
``unknown_origin_values``     IR (EU) 2025/2621 Art. 1(5), Annex IV: a precursor      cn_code
                              whose country of production cannot be identified
``benchmarks``                IR (EU) 2025/2620 Annex: columns A and B                cn_code,
                                                                                     column,
                                                                                     qualifier,
                                                                                     period
``electricity_factors``       IR (EU) 2025/2621 Annex II (and III) grid factors        country,
                                                                                     annex
``mark_ups``                  IR (EU) 2025/2621: mark-up on defaults by sector, year  sector,
                                                                                     year
``cbam_factors``              Directive 2003/87/EC Art. 10a(1a)                      year
``cscf``                      Directive 2003/87/EC Art. 10a(5), 1 until published     year
``certificate_prices``        Reg. (EU) 2023/956 Art. 21 as amended, IR 2025/2548:    kind,
                              quarterly (2026) or weekly (2027 on) certificate price  period
                                                                                     start
============================  =====================================================  ==========

CN codes of the other tables must belong to the CN-code list valid when the new version
starts (a 4- or 6-digit heading must cover at least one listed code); categories and sectors
must be those of the goods-category table valid then.
"""

from reference.datasets.cells import CheckContext
from reference.datasets.reading import CsvFile, column_problem, read_csv
from reference.datasets.rows import clean_rows
from reference.datasets.specs import (
    BENCHMARKS,
    CBAM_FACTORS,
    CERTIFICATE_PRICES,
    CN_CODES,
    CSCF,
    DATASETS,
    DECIMAL_PLACES,
    DEFAULT_VALUES,
    DEFINITIVE_PERIOD_START,
    ELECTRICITY_FACTORS,
    GOODS_CATEGORIES,
    MARK_UPS,
    MAX_DIGITS,
    SHIPPED,
    SNAPSHOT_DATASETS,
    SPECS,
    UNKNOWN_ORIGIN_VALUES,
    DatasetSpec,
    ShippedFile,
)

__all__ = [
    "BENCHMARKS",
    "CBAM_FACTORS",
    "CERTIFICATE_PRICES",
    "CN_CODES",
    "CSCF",
    "DATASETS",
    "DECIMAL_PLACES",
    "DEFAULT_VALUES",
    "DEFINITIVE_PERIOD_START",
    "ELECTRICITY_FACTORS",
    "GOODS_CATEGORIES",
    "MARK_UPS",
    "MAX_DIGITS",
    "SHIPPED",
    "SNAPSHOT_DATASETS",
    "SPECS",
    "UNKNOWN_ORIGIN_VALUES",
    "CheckContext",
    "CsvFile",
    "DatasetSpec",
    "ShippedFile",
    "clean_rows",
    "column_problem",
    "read_csv",
]
