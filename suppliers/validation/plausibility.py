"""The ranges the validation rules compare against, as data, with how each was derived.

Pure (``Decimal`` and frozen dataclasses). Every number below is also listed, with its
derivation, in ``docs/validation-rules.md``; ``tests/suppliers/validation/
test_rule_physical_plausibility.py`` re-derives the SEE ranges from the shipped reference CSV
files, so a new annex version that moves them makes that test fail until the table is updated.
The module is long because it is data: each table sits beside its derivation, which is the
point of keeping the numbers here rather than in the rules.

1. Direct SEE per aggregated goods category and route (``SEE_DIRECT_RANGES``, tCO2e per tonne;
   rules CBAM-PLAUS-001/002, CBAM-UNIT-001/002, CBAM-DEFAULT-*):

   - **low** = ½ × the lowest column-B benchmark (IR (EU) 2025/2620 Annex, the benchmark used
     with default values, which covers the whole production chain including precursors) of the
     category's CN codes for the route's benchmark qualifiers, rounded down to 3 decimals.
     Benchmarks are the average of the 10 % best EU installations, so real installations can
     sit below them; half of the best benchmark leaves that room and still catches missing
     process emissions or missing precursors.
   - **high** = 2 × the highest direct default value (IR (EU) 2025/2621 Annex I, any country
     including "Other countries", any CN code of the category, the route's rows where the annex
     assigns that route, else all rows of the category), rounded up to 1 decimal. Default values
     are country averages (for "Other countries" the average of the ten worst exporters), so an
     individual installation may be worse than them; twice the worst one is the bound.
   - Categories the shipped annex copy has no default value for (cement, fertilisers, hydrogen,
     sintered ore): **high** = 10 × the highest column-B benchmark, rounded up to 1 decimal.
   - One exception: hydrogen from electrolysis (of water, or chlor-alkali) has no direct
     emissions of its own, so its low is 0.
   - Route keys: template route names (``production_route``) and benchmark route qualifiers
     (``benchmark_route``): C, F, C/F = BF/BOF (basic oxygen), D, E, G, H, J = EAF routes,
     K = primary aluminium, L = secondary aluminium. A route without its own row uses the
     category's row for any route.

2. Electricity and natural gas per tonne of product (``ELECTRICITY_RANGES`` in MWh/t,
   ``NATURAL_GAS_RANGES`` in Nm³/t; rules CBAM-UNIT-002/003/004). The default values of the
   annex copy carry no indirect values for steel and aluminium, so these come from the
   engineering literature as *typical* ranges: the EU BAT reference documents (BREF) for iron
   and steel (2012: EAF 404-748 kWh/t), non-ferrous metals (2017), cement, lime and magnesium
   oxide (2013: 90-150 kWh/t of cement), large-volume inorganic chemicals (ammonia, acids and
   fertilisers, 2007); International Aluminium Institute smelting statistics (primary
   aluminium about 13-16 MWh/t AC); IEA "The Future of Hydrogen" (2019: electrolysis 50-55
   kWh/kg of hydrogen). Natural gas: 1 GJ ≈ 28 Nm³ at a net calorific value of 36 MJ/Nm³.
   They are orders of magnitude, used **only** to recognise a slip by a factor 1000: the
   plausible range is the typical range widened ``WIDENING`` (10) times on each side, and a
   value outside it is reported only when its ×1000 or ÷1000 version falls inside.

3. Precursor mass per tonne of product (``PRECURSOR_MASS_RANGES``, t/t; CBAM-UNIT-005), typical
   ranges widened the same way: steel and aluminium semi-finished inputs 0.9-1.3 t/t (yield
   losses of rolling, drawing, extrusion), stoichiometric needs of fertilisers (NH3 in HNO3
   17/63 = 0.27, NH3 in urea 34/60 = 0.57, H2 in NH3 3/17 = 0.18), clinker factor of cement
   0.35-0.97, sinter per tonne of pig iron 0.5-1.7, ferro-alloys in steel 2-350 kg/t (the top
   for stainless grades); any other pair 0.01-1.5 t/t.

4. Mass balance (``MASS_BALANCES``; CBAM-MASS-001/002): the iron- or aluminium-bearing
   precursors per tonne of product. A tonne of steel or aluminium product needs at least a
   tonne of metal in (0.9 t for zinc- or otherwise coated flat products and wire: the coating
   is not steel); the upper bound allows yield losses of up to 50 % for semi-finished and flat
   or long products (1.5 t/t) and of up to 100 % for articles that are stamped, forged or
   machined (2.0 t/t, CN 73 and 7609-7616). Crude steel may be made from scrap alone (no
   minimum), at most 1.3 t of pig iron, DRI, crude steel and alloys per tonne; pig iron at most
   2.0 t of sinter per tonne (sinter is about 55-58 % iron); secondary unwrought aluminium at
   most 1.2 t of other unwrought aluminium; cement at most 1.0 t of clinker and calcined clay.

5. Default comparison (CBAM-DEFAULT-001): actual SEE below ``FAR_BELOW_DEFAULT_SHARE`` (30 %) of
   the default value asks for evidence.

6. Official national grid factors (``OFFICIAL_NATIONAL_GRID_FACTORS``; CBAM-ELEC-003/004), with
   ``GRID_FACTOR_TOLERANCE`` (0.0005 tCO2/MWh) for rounding.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, Protocol, TypeVar

# --------------------------------------------------------------------------- ranges


def fmt(value: Decimal, places: int = 5) -> str:
    """``value`` rounded half-up to at most ``places`` decimals, without trailing zeros or
    exponent (``Decimal("110.000")`` -> ``"110"``, ``Decimal("0.07200")`` -> ``"0.072"``)."""
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(rounded, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


@dataclass(frozen=True, slots=True)
class Range:
    """A closed interval ``low``-``high`` (same unit)."""

    low: Decimal
    high: Decimal

    def contains(self, value: Decimal) -> bool:
        return self.low <= value <= self.high

    def __str__(self) -> str:
        return f"{fmt(self.low)}-{fmt(self.high)}"


class _RouteKeyed(Protocol):
    @property
    def category(self) -> str: ...

    @property
    def routes(self) -> tuple[str, ...]: ...


R = TypeVar("R", bound=_RouteKeyed)


def row_for_route(
    rows: Iterable[R], category: str, production_route: str = "", benchmark_route: str = ""
) -> R | None:
    """The row of ``category`` for the route: the template route name first, then the benchmark
    route qualifier, then the category's row for any route (``routes == ()``)."""
    candidates = [row for row in rows if row.category == category]
    for key in (production_route.strip(), benchmark_route.strip()):
        if key:
            for row in candidates:
                if key in row.routes:
                    return row
    for row in candidates:
        if not row.routes:
            return row
    return None


#: Route keys (template route names and benchmark qualifiers of IR 2025/2620).
BOF = ("Basic oxygen steelmaking", "C", "F", "C/F")
EAF = ("Electric arc furnace", "D", "E", "G", "H", "J")
PRIMARY_ALUMINIUM = ("Primary (electrolytic) smelting", "K")
SECONDARY_ALUMINIUM = ("Secondary melting (recycling)", "L")
STEAM_REFORMING = ("Steam reforming and partial oxidation",)
ELECTROLYSIS = ("Electrolysis of water", "Chlor-alkali electrolysis")


@dataclass(frozen=True, slots=True)
class SeeRange:
    """Plausible direct SEE (tCO2e/t) of a category on a route (``routes`` () = any route).

    ``qualifiers``: the benchmark / default-value route qualifiers the numbers were derived
    from (() = every row of the category); ``basis``: where ``high`` comes from
    (``defaults`` or ``benchmarks``)."""

    category: str
    routes: tuple[str, ...]
    see_direct: Range
    qualifiers: tuple[str, ...] = ()
    basis: Literal["defaults", "benchmarks"] = "defaults"
    note: str = ""


def _r(low: str, high: str) -> Range:
    return Range(Decimal(low), Decimal(high))


SEE_DIRECT_RANGES: tuple[SeeRange, ...] = (
    # Iron and steel (defaults: IR 2025/2621 Annex I; column B: IR 2025/2620).
    SeeRange("Crude steel", BOF, _r("0.644", "14.7"), ("C", "F", "C/F")),
    SeeRange("Crude steel", EAF, _r("0.013", "14.7"), ("D", "E", "G", "H", "J")),
    SeeRange("Crude steel", (), _r("0.013", "14.7")),
    SeeRange("Iron or steel products", BOF, _r("0.644", "17.2"), ("C", "F", "C/F")),
    SeeRange("Iron or steel products", EAF, _r("0.013", "17.2"), ("D", "E", "G", "H", "J")),
    SeeRange("Iron or steel products", (), _r("0.013", "17.2")),
    SeeRange("Pig iron", (), _r("0.605", "7.0")),
    SeeRange("Direct reduced iron", (), _r("0.198", "8.4")),
    SeeRange("Alloys (FeMn, FeCr, FeNi)", (), _r("0.553", "12.3")),
    SeeRange("Sintered Ore", (), _r("0.043", "0.9"), basis="benchmarks"),
    # Aluminium.
    SeeRange("Unwrought aluminium", PRIMARY_ALUMINIUM, _r("0.711", "6.0"), ("K",)),
    SeeRange("Unwrought aluminium", SECONDARY_ALUMINIUM, _r("0.045", "0.8"), ("L",)),
    SeeRange("Unwrought aluminium", (), _r("0.045", "6.0")),
    SeeRange("Aluminium products", PRIMARY_ALUMINIUM, _r("0.742", "11.2"), ("K",)),
    SeeRange("Aluminium products", SECONDARY_ALUMINIUM, _r("0.070", "5.0"), ("L",)),
    SeeRange("Aluminium products", (), _r("0.070", "11.2")),
    # Cement, fertilisers, hydrogen: no default value in the shipped annex copy.
    SeeRange("Cement", (), _r("0.333", "8.6"), basis="benchmarks"),
    SeeRange("Cement clinker", (), _r("0.333", "8.6"), basis="benchmarks"),
    SeeRange("Calcined clays", (), _r("0.333", "6.7"), basis="benchmarks"),
    SeeRange("Aluminous cement", (), _r("0.343", "7.2"), basis="benchmarks"),
    SeeRange("Ammonia", (), _r("0.228", "15.3"), basis="benchmarks"),
    SeeRange("Nitric acid", (), _r("0.291", "5.9"), basis="benchmarks"),
    SeeRange("Urea", (), _r("0.152", "9.1"), basis="benchmarks"),
    SeeRange("Mixed fertilisers", (), _r("0.086", "8.5"), basis="benchmarks"),
    SeeRange("Hydrogen", STEAM_REFORMING, _r("2.544", "50.9"), basis="benchmarks"),
    SeeRange(
        "Hydrogen",
        ELECTROLYSIS,
        _r("0", "50.9"),
        basis="benchmarks",
        note="electrolysis has no direct emissions of its own: low 0",
    ),
    SeeRange(
        "Hydrogen",
        (),
        _r("0", "50.9"),
        basis="benchmarks",
        note="any route includes electrolysis: low 0",
    ),
)

#: The typical ranges below are widened this many times on each side before a value is
#: compared: they only have to tell a factor-1000 slip from an unusual plant.
WIDENING = Decimal(10)


@dataclass(frozen=True, slots=True)
class TypicalRange:
    """A typical per-tonne figure of a category on a route, with its source."""

    category: str
    routes: tuple[str, ...]
    typical: Range
    source: str

    @property
    def plausible(self) -> Range:
        return Range(self.typical.low / WIDENING, self.typical.high * WIDENING)


_BREF_IS = "EU BREF Iron and Steel Production (2012)"
_BREF_NFM = "EU BREF Non-Ferrous Metals Industries (2017)"
_IAI = "International Aluminium Institute, primary aluminium smelting energy intensity"
_BREF_CLM = "EU BREF Cement, Lime and Magnesium Oxide (2013)"
_BREF_LVIC = "EU BREF Large Volume Inorganic Chemicals - Ammonia, Acids and Fertilisers (2007)"
_IEA_H2 = "IEA, The Future of Hydrogen (2019)"

#: Electricity consumed per tonne of product, MWh/t (typical).
ELECTRICITY_RANGES: tuple[TypicalRange, ...] = (
    TypicalRange("Crude steel", BOF, _r("0.05", "0.25"), f"{_BREF_IS}: BOF shop, oxygen, casting"),
    TypicalRange("Crude steel", EAF, _r("0.3", "0.8"), f"{_BREF_IS}: EAF 404-748 kWh/t"),
    TypicalRange("Crude steel", (), _r("0.05", "0.8"), _BREF_IS),
    TypicalRange(
        "Iron or steel products", (), _r("0.05", "0.6"), f"{_BREF_IS}; hot rolling ~0.1 MWh/t"
    ),
    TypicalRange("Pig iron", (), _r("0.02", "0.15"), f"{_BREF_IS}: blast furnace auxiliaries"),
    TypicalRange("Direct reduced iron", (), _r("0.05", "0.15"), "gas-based shaft furnaces"),
    TypicalRange(
        "Alloys (FeMn, FeCr, FeNi)", (), _r("2.5", "12"), f"{_BREF_NFM}: submerged arc furnaces"
    ),
    TypicalRange("Sintered Ore", (), _r("0.02", "0.05"), f"{_BREF_IS}: sinter plants"),
    TypicalRange("Unwrought aluminium", PRIMARY_ALUMINIUM, _r("13", "16"), _IAI),
    TypicalRange("Unwrought aluminium", SECONDARY_ALUMINIUM, _r("0.1", "0.8"), _BREF_NFM),
    TypicalRange("Unwrought aluminium", (), _r("0.1", "16"), f"{_IAI}; {_BREF_NFM}"),
    TypicalRange(
        "Aluminium products", (), _r("0.3", "3"), f"{_BREF_NFM}: rolling, extrusion, foil"
    ),
    TypicalRange("Cement", (), _r("0.08", "0.15"), f"{_BREF_CLM}: 90-150 kWh/t"),
    TypicalRange("Cement clinker", (), _r("0.05", "0.1"), _BREF_CLM),
    TypicalRange("Calcined clays", (), _r("0.02", "0.1"), _BREF_CLM),
    TypicalRange("Aluminous cement", (), _r("0.05", "0.5"), _BREF_CLM),
    TypicalRange("Ammonia", (), _r("0.05", "0.5"), _BREF_LVIC),
    TypicalRange("Nitric acid", (), _r("0.005", "0.05"), f"{_BREF_LVIC}: net steam exporter"),
    TypicalRange("Urea", (), _r("0.05", "0.2"), _BREF_LVIC),
    TypicalRange("Mixed fertilisers", (), _r("0.02", "0.2"), _BREF_LVIC),
    TypicalRange("Hydrogen", STEAM_REFORMING, _r("0.3", "1.5"), _IEA_H2),
    TypicalRange(
        "Hydrogen", ("Electrolysis of water",), _r("48", "60"), f"{_IEA_H2}: 50-55 kWh/kg"
    ),
    TypicalRange("Hydrogen", (), _r("0.3", "60"), _IEA_H2),
)

#: Natural gas per tonne of product, Nm³/t (typical; 1 GJ ≈ 28 Nm³).
NATURAL_GAS_RANGES: tuple[TypicalRange, ...] = (
    TypicalRange("Crude steel", (), _r("2", "30"), f"{_BREF_IS}: burners, ladle preheating"),
    TypicalRange("Iron or steel products", (), _r("10", "60"), f"{_BREF_IS}: reheating 1-1.5 GJ/t"),
    TypicalRange("Pig iron", (), _r("5", "130"), f"{_BREF_IS}: natural gas injection"),
    TypicalRange("Direct reduced iron", (), _r("250", "350"), "gas-based DRI, about 10 GJ/t"),
    TypicalRange("Alloys (FeMn, FeCr, FeNi)", (), _r("1", "50"), _BREF_NFM),
    TypicalRange("Sintered Ore", (), _r("1", "5"), f"{_BREF_IS}: ignition hood"),
    TypicalRange("Unwrought aluminium", PRIMARY_ALUMINIUM, _r("10", "80"), _BREF_NFM),
    TypicalRange("Unwrought aluminium", SECONDARY_ALUMINIUM, _r("60", "150"), _BREF_NFM),
    TypicalRange("Unwrought aluminium", (), _r("10", "150"), _BREF_NFM),
    TypicalRange("Aluminium products", (), _r("15", "120"), f"{_BREF_NFM}: 0.5-4 GJ/t"),
    TypicalRange("Cement", (), _r("50", "100"), _BREF_CLM),
    TypicalRange("Cement clinker", (), _r("80", "110"), f"{_BREF_CLM}: kiln 3.0-3.8 GJ/t"),
    TypicalRange("Calcined clays", (), _r("30", "80"), _BREF_CLM),
    TypicalRange("Aluminous cement", (), _r("50", "200"), _BREF_CLM),
    TypicalRange("Ammonia", (), _r("750", "1000"), f"{_BREF_LVIC}: 28-36 GJ/t feed and fuel"),
    TypicalRange("Nitric acid", (), _r("0.5", "10"), _BREF_LVIC),
    TypicalRange("Urea", (), _r("50", "150"), _BREF_LVIC),
    TypicalRange("Mixed fertilisers", (), _r("5", "100"), _BREF_LVIC),
    TypicalRange("Hydrogen", STEAM_REFORMING, _r("4000", "5500"), f"{_IEA_H2}: ~165 GJ/t"),
)


@dataclass(frozen=True, slots=True)
class PrecursorMassRange:
    """Typical mass of a precursor category per tonne of a product category, t/t."""

    category: str  # of the product
    precursor_category: str
    typical: Range
    source: str

    @property
    def plausible(self) -> Range:
        return Range(self.typical.low / WIDENING, self.typical.high * WIDENING)


_YIELD = "yield losses of rolling, drawing, extrusion"
_ALLOYS = "Alloys (FeMn, FeCr, FeNi)"
PRECURSOR_MASS_RANGES: tuple[PrecursorMassRange, ...] = (
    PrecursorMassRange("Iron or steel products", "Crude steel", _r("0.9", "1.3"), _YIELD),
    PrecursorMassRange(
        "Iron or steel products", "Iron or steel products", _r("0.9", "1.3"), _YIELD
    ),
    PrecursorMassRange("Iron or steel products", _ALLOYS, _r("0.002", "0.35"), "alloying"),
    PrecursorMassRange("Crude steel", "Pig iron", _r("0.05", "1.0"), f"{_BREF_IS}: hot metal"),
    PrecursorMassRange("Crude steel", "Direct reduced iron", _r("0.05", "1.1"), _BREF_IS),
    PrecursorMassRange("Crude steel", _ALLOYS, _r("0.002", "0.35"), "2-20 kg/t, stainless ~300"),
    PrecursorMassRange("Pig iron", "Sintered Ore", _r("0.5", "1.7"), f"{_BREF_IS}: burden"),
    PrecursorMassRange("Direct reduced iron", "Hydrogen", _r("0.04", "0.07"), "Fe2O3 + 3 H2"),
    PrecursorMassRange("Aluminium products", "Unwrought aluminium", _r("0.9", "1.3"), _YIELD),
    PrecursorMassRange("Aluminium products", "Aluminium products", _r("0.9", "1.3"), _YIELD),
    PrecursorMassRange("Unwrought aluminium", "Unwrought aluminium", _r("0.05", "1.0"), _BREF_NFM),
    PrecursorMassRange("Cement", "Cement clinker", _r("0.35", "0.97"), "clinker factor"),
    PrecursorMassRange("Cement", "Calcined clays", _r("0.05", "0.4"), _BREF_CLM),
    PrecursorMassRange("Ammonia", "Hydrogen", _r("0.17", "0.19"), "stoichiometry 3/17"),
    PrecursorMassRange("Nitric acid", "Ammonia", _r("0.27", "0.30"), "stoichiometry 17/63"),
    PrecursorMassRange("Urea", "Ammonia", _r("0.56", "0.60"), "stoichiometry 34/60"),
    PrecursorMassRange("Mixed fertilisers", "Ammonia", _r("0.02", "0.8"), _BREF_LVIC),
    PrecursorMassRange("Mixed fertilisers", "Nitric acid", _r("0.02", "0.8"), _BREF_LVIC),
    PrecursorMassRange("Mixed fertilisers", "Urea", _r("0.02", "0.8"), _BREF_LVIC),
)
#: Any pair without its own row.
PRECURSOR_MASS_OTHER = PrecursorMassRange("", "", _r("0.01", "1.5"), "any other precursor")


def precursor_mass_range(category: str, precursor_category: str | None) -> PrecursorMassRange:
    for row in PRECURSOR_MASS_RANGES:
        if row.category == category and row.precursor_category == precursor_category:
            return row
    return PRECURSOR_MASS_OTHER


@dataclass(frozen=True, slots=True)
class MassBalance:
    """Metal-bearing precursors per tonne of product (t/t) for a category, optionally for CN
    codes starting with one of ``cn_prefixes`` (the longest matching prefix wins; () = any).
    ``minimum`` None: the metal may come from outside CBAM (scrap, ore)."""

    category: str
    cn_prefixes: tuple[str, ...]
    inputs: tuple[str, ...]
    minimum: Decimal | None
    maximum: Decimal
    note: str


_STEEL_INPUTS = (
    "Crude steel",
    "Iron or steel products",
    "Pig iron",
    "Direct reduced iron",
    _ALLOYS,
)
_ALUMINIUM_INPUTS = ("Unwrought aluminium", "Aluminium products")
_COATED_STEEL = ("7210", "7212", "721720", "721730", "722591", "722592")
_ALUMINIUM_SEMIS = ("7603", "7604", "7605", "7606", "7607", "7608")
_ALUMINIUM_ARTICLES = ("7609", "7610", "7611", "7612", "7613", "7614", "7616")

MASS_BALANCES: tuple[MassBalance, ...] = (
    MassBalance(
        "Iron or steel products",
        ("72",),
        _STEEL_INPUTS,
        Decimal("1.0"),
        Decimal("1.5"),
        "flat and long products: yield losses up to 50 %",
    ),
    MassBalance(
        "Iron or steel products",
        _COATED_STEEL,
        _STEEL_INPUTS,
        Decimal("0.9"),
        Decimal("1.5"),
        "coated flat products and wire: the coating (zinc, tin, paint) is not steel",
    ),
    MassBalance(
        "Iron or steel products",
        ("73",),
        _STEEL_INPUTS,
        Decimal("1.0"),
        Decimal("2.0"),
        "articles (stamped, forged, machined): yield losses up to 100 %",
    ),
    MassBalance(
        "Crude steel",
        (),
        ("Pig iron", "Direct reduced iron", "Crude steel", _ALLOYS),
        None,
        Decimal("1.3"),
        "scrap is not a precursor; iron units in at most 1.3 t/t",
    ),
    MassBalance(
        "Pig iron",
        (),
        ("Sintered Ore",),
        None,
        Decimal("2.0"),
        "sinter is about 55-58 % iron; pellets and lump ore are not CBAM goods",
    ),
    MassBalance(
        "Aluminium products",
        _ALUMINIUM_SEMIS,
        _ALUMINIUM_INPUTS,
        Decimal("1.0"),
        Decimal("1.5"),
        "semi-finished products: yield losses up to 50 %",
    ),
    MassBalance(
        "Aluminium products",
        _ALUMINIUM_ARTICLES,
        _ALUMINIUM_INPUTS,
        Decimal("1.0"),
        Decimal("2.0"),
        "articles: yield losses up to 100 %",
    ),
    MassBalance(
        "Unwrought aluminium",
        (),
        ("Unwrought aluminium",),
        None,
        Decimal("1.2"),
        "other unwrought aluminium added to a melt",
    ),
    MassBalance(
        "Cement",
        (),
        ("Cement clinker", "Calcined clays"),
        None,
        Decimal("1.0"),
        "cement is clinker, calcined clay, gypsum and other additions",
    ),
)


def mass_balance_for(category: str, cn_code: str) -> MassBalance | None:
    """The most specific mass-balance row for a product (longest matching CN prefix)."""
    best: MassBalance | None = None
    best_length = -1
    for row in MASS_BALANCES:
        if row.category != category:
            continue
        prefixes: Sequence[str] = row.cn_prefixes or ("",)
        for prefix in prefixes:
            if cn_code.startswith(prefix) and len(prefix) > best_length:
                best, best_length = row, len(prefix)
    return best


# --------------------------------------------------------------------------- thresholds

#: Actual SEE below this share of the default value asks for evidence (CBAM-DEFAULT-001).
FAR_BELOW_DEFAULT_SHARE = Decimal("0.30")


@dataclass(frozen=True, slots=True)
class OfficialGridFactor:
    country: str
    data_year: int
    tco2_per_mwh: Decimal
    source: str


#: Official national grid factors known to the platform, by the year of the data. Sources: the
#: domain guide (DOMAIN.md): China's national electricity carbon-footprint factor fell from
#: 0.6205 (2023) to 0.5777 kgCO2e/kWh (2024); kgCO2e/kWh = tCO2e/MWh.
OFFICIAL_NATIONAL_GRID_FACTORS: tuple[OfficialGridFactor, ...] = (
    OfficialGridFactor(
        "CN", 2023, Decimal("0.6205"), "China national electricity carbon-footprint factor 2023"
    ),
    OfficialGridFactor(
        "CN", 2024, Decimal("0.5777"), "China national electricity carbon-footprint factor 2024"
    ),
)
GRID_FACTOR_TOLERANCE = Decimal("0.0005")

#: Plausible grid emission factors, tCO2/MWh: from 0 (hydro, nuclear) to lignite plants at
#: about 1.2; a value outside that is only reported when ×1000 or ÷1000 falls inside.
GRID_FACTOR_RANGE = _r("0", "1.5")

# --------------------------------------------------------------------------- unit slips

Slip = Literal["too_large", "too_small"]
SLIP_FACTOR = Decimal(1000)


def slip_of(value: Decimal, plausible: Range) -> Slip | None:
    """``"too_large"`` when ``value`` is above ``plausible`` and ``value / 1000`` inside it,
    ``"too_small"`` when it is below and ``value × 1000`` inside; otherwise None."""
    if value <= 0 or plausible.contains(value):
        return None
    if value > plausible.high and plausible.contains(value / SLIP_FACTOR):
        return "too_large"
    if value < plausible.low and plausible.contains(value * SLIP_FACTOR):
        return "too_small"
    return None


def corrected(value: Decimal, slip: Slip) -> Decimal:
    """``value`` with the slip undone."""
    return value / SLIP_FACTOR if slip == "too_large" else value * SLIP_FACTOR


#: The unit 1000 times smaller / larger than a unit as entered (suppliers.units).
UNIT_1000_SMALLER: dict[str, str] = {
    "t": "kg",
    "tCO2e": "kgCO2e",
    "GWh": "MWh",
    "MWh": "kWh",
    "TJ": "GJ",
    "1000Nm3": "Nm3",
    "tCO2/MWh": "gCO2/kWh",
    "kgCO2/kWh": "gCO2/kWh",
    "t/t": "kg/t",
}
UNIT_1000_LARGER: dict[str, str] = {
    "kg": "t",
    "kgCO2e": "tCO2e",
    "kWh": "MWh",
    "MWh": "GWh",
    "GJ": "TJ",
    "Nm3": "1000Nm3",
    "gCO2/kWh": "kgCO2/kWh",
    "kg/t": "t/t",
}


def likely_unit(unit_entered: str, slip: Slip) -> str | None:
    """The unit a figure was probably in: a value 1000× too large was typed in the unit 1000×
    smaller than the one chosen (kWh typed, MWh chosen), and the other way round."""
    table = UNIT_1000_SMALLER if slip == "too_large" else UNIT_1000_LARGER
    return table.get(unit_entered)
