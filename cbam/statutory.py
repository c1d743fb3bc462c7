"""Figures fixed by law rather than by an annex table, each with its source.

These are the seed values of a :class:`~cbam.types.ReferenceSnapshot`. They are
data, not logic: the engine only ever reads them from the snapshot, so a new legal act (e.g. the
2026 proposal that would slow the phase-out of free allocation) is a new snapshot, not a code
change. The database loader can seed its tables from here.
"""

from __future__ import annotations

from decimal import Decimal

from cbam.types import CbamFactorRow, MarkUpRow

# Directive 2003/87/EC Art. 10a(1a), as amended by Directive (EU) 2023/959: the share of the
# benchmark still allocated free of charge (and hence deducted under CBAM), by year; valid from
# the year given until the next row.
CBAM_FACTORS: tuple[CbamFactorRow, ...] = tuple(
    CbamFactorRow(
        valid_from_year=year, factor=Decimal(factor), ref="Directive 2003/87/EC Art. 10a(1a)"
    )
    for year, factor in (
        (2026, "0.975"),
        (2027, "0.95"),
        (2028, "0.90"),
        (2029, "0.775"),
        (2030, "0.515"),
        (2031, "0.39"),
        (2032, "0.265"),
        (2033, "0.14"),
        (2034, "0"),
    )
)

# Mark-up on default values, Implementing Regulation (EU) 2025/2621 (default values workbook
# columns "2026 / 2027 / 2028 onwards"): +10 % / +20 % / +30 % for iron and steel, aluminium,
# cement and hydrogen; +1 % for fertilisers. Electricity has no mark-up row (mark-up 0).
_MARK_UP_SOURCE = "IR (EU) 2025/2621 mark-up"
MARK_UPS: tuple[MarkUpRow, ...] = (
    *(
        MarkUpRow(sector=sector, valid_from_year=year, mark_up=Decimal(value), ref=_MARK_UP_SOURCE)
        for sector in ("Iron & Steel", "Aluminium", "Cement", "Hydrogen")
        for year, value in ((2026, "0.10"), (2027, "0.20"), (2028, "0.30"))
    ),
    MarkUpRow(
        sector="Fertilisers", valid_from_year=2026, mark_up=Decimal("0.01"), ref=_MARK_UP_SOURCE
    ),
)

# Aggregated goods category (as named in the CN code list of Annex I to Reg. (EU) 2023/956 and
# the Commission's communication template) -> sector. The sector names are those of the
# benchmark annex (IR 2025/2620) and select the mark-up.
SECTOR_BY_CATEGORY: dict[str, str] = {
    "Cement": "Cement",
    "Cement clinker": "Cement",
    "Calcined clays": "Cement",
    "Aluminous cement": "Cement",
    "Iron or steel products": "Iron & Steel",
    "Crude steel": "Iron & Steel",
    "Pig iron": "Iron & Steel",
    "Direct reduced iron": "Iron & Steel",
    "Alloys (FeMn, FeCr, FeNi)": "Iron & Steel",
    "Sintered Ore": "Iron & Steel",
    "Aluminium products": "Aluminium",
    "Unwrought aluminium": "Aluminium",
    "Ammonia": "Fertilisers",
    "Nitric acid": "Fertilisers",
    "Urea": "Fertilisers",
    "Mixed fertilisers": "Fertilisers",
    "Hydrogen": "Hydrogen",
    "Electricity (export to EU)": "Electricity",
}

# Whether indirect emissions count in the embedded emissions of a good, by category.
# Annex II of Reg. (EU) 2023/956 (as amended by Reg. (EU) 2025/2083) lists the goods for which
# only direct emissions count: iron and steel, aluminium, hydrogen and electricity. Everything
# else (cement, fertilisers including ammonia, sintered ore 2601 12 00) counts both channels.
# The communication template v2.1.1 flags ammonia "indirect = FALSE" for the definitive
# period; ammonia (2814) is not in Annex II, so the Regulation wins and ammonia counts indirect.
INDIRECT_EMISSIONS_COUNT: dict[str, bool] = {
    "Cement": True,
    "Cement clinker": True,
    "Calcined clays": True,
    "Aluminous cement": True,
    "Sintered Ore": True,
    "Ammonia": True,
    "Nitric acid": True,
    "Urea": True,
    "Mixed fertilisers": True,
    "Iron or steel products": False,
    "Crude steel": False,
    "Pig iron": False,
    "Direct reduced iron": False,
    "Alloys (FeMn, FeCr, FeNi)": False,
    "Aluminium products": False,
    "Unwrought aluminium": False,
    "Hydrogen": False,
    "Electricity (export to EU)": False,
}

# Annex III point 1 of Reg. (EU) 2023/956: CBAM does not apply to goods originating in Iceland,
# Liechtenstein, Norway and Switzerland; goods produced in the 27 member states are inside the
# EU ETS. "EU" is accepted as the origin code the EU itself uses for "European Union".
EU_MEMBER_STATES: frozenset[str] = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)
EXEMPT_COUNTRIES: frozenset[str] = EU_MEMBER_STATES | {"EU", "IS", "LI", "NO", "CH"}

# The "Other countries and territories" column of the default-value and electricity-factor
# annexes (IR 2025/2621 Annex I and II).
OTHER_COUNTRIES = "OTHER"

# The explicit origin of a precursor whose country of production cannot be identified: its
# default value is the Annex IV value of IR 2025/2621 (Art. 1(5); Annex IV as replaced by
# IR 2026/1740), never the "Other countries and territories" value, and it has no fallback.
ORIGIN_UNKNOWN = "UNKNOWN"

# Years of the definitive period the projection covers: the CBAM factor reaches 0 in 2034.
PROJECTION_YEARS: tuple[int, ...] = tuple(range(2026, 2035))
