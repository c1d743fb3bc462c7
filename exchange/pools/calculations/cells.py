"""The cells of an association data pool and the footprints (observations) they hold.

A cell is CN code (at 4, 6 or 8 digits) × production route × country of production ×
reporting year (issue 16). Each dimension has an "all" value one level up: the CN heading
(4 digits) over its 6-digit subheadings over their 8-digit codes; ``ALL_COUNTRIES`` ("*") over
each country; ``ALL_YEARS`` (0) over each year. The route is never aggregated: a route is a
different process (IR 2025/2620 qualifiers C, D, E … for steel, K/L for aluminium), and its
benchmarks differ.

An observation (one contributed footprint) therefore lies in exactly 12 cells:
CN 4/6/8 × (its country, "*") × (its year, all). The finest cell (CN 8, route, country, year)
holds it alone of those; every other cell is a union of finest cells, which is what lets the
disclosure control reason in finest-cell coordinates (``disclosure``).

A *component* is (CN heading, route): cells of different components share no observation, so
the statistics and the disclosure decisions of one component never depend on another's; a new
contribution only recomputes its own component.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

ALL_COUNTRIES = "*"
ALL_YEARS = 0
CN_LEVELS = (4, 6, 8)


@dataclass(frozen=True, slots=True, order=True)
class CellKey:
    """One cell of a pool.

    - ``cn_code``: 4, 6 or 8 digits (a prefix of the goods' 8-digit CN codes);
    - ``route``: ``Product.benchmark_route``, the IR 2025/2620 qualifier ("C", "D", … "L") or "";
    - ``country``: ISO alpha-2 of the installation, or ``ALL_COUNTRIES`` ("*");
    - ``year``: reporting year (the footprint's ``period_end.year``), or ``ALL_YEARS`` (0).

    Keys order by (cn_code, route, country, year): the "key order" that breaks ties.
    """

    cn_code: str
    route: str
    country: str
    year: int

    @property
    def text(self) -> str:
        """``"7208|C|CN|2026"``, ``"720839|C|*|all"``: the key as stored and published."""
        year = "all" if self.year == ALL_YEARS else str(self.year)
        return f"{self.cn_code}|{self.route}|{self.country}|{year}"

    @property
    def component(self) -> tuple[str, str]:
        """(CN heading, route): cells of different components share no observation."""
        return (self.cn_code[:4], self.route)

    @property
    def is_finest(self) -> bool:
        """CN 8 digits, one country, one year: a cell no other cell divides."""
        return len(self.cn_code) == 8 and self.country != ALL_COUNTRIES and self.year != ALL_YEARS

    @classmethod
    def parse(cls, text: str) -> CellKey:
        """The key of ``text`` (as ``CellKey.text`` writes it); ``ValueError`` naming the part
        that is wrong otherwise."""
        parts = text.split("|")
        if len(parts) != 4:
            raise ValueError(
                f"cell {text!r}: expected 4 parts separated by '|' "
                "(CN code|route|country|year), e.g. '7208|C|CN|2026'"
            )
        cn_code, route, country, year_text = parts
        if len(cn_code) not in CN_LEVELS or not (cn_code.isascii() and cn_code.isdigit()):
            raise ValueError(f"cell {text!r}: CN code must be 4, 6 or 8 digits, got {cn_code!r}")
        if route and not (route.isascii() and route.isalpha() and route.isupper()):
            raise ValueError(
                f"cell {text!r}: route must be empty or capital letters, got {route!r}"
            )
        if country != ALL_COUNTRIES and not (
            len(country) == 2 and country.isascii() and country.isalpha() and country.isupper()
        ):
            raise ValueError(
                f"cell {text!r}: country must be '*' or an ISO alpha-2 code, got {country!r}"
            )
        if year_text == "all":
            year = ALL_YEARS
        elif len(year_text) == 4 and year_text.isascii() and year_text.isdigit():
            year = int(year_text)
        else:
            raise ValueError(
                f"cell {text!r}: year must be 'all' or a 4-digit year, got {year_text!r}"
            )
        return cls(cn_code, route, country, year)


@dataclass(frozen=True, slots=True)
class Observation:
    """One contributed footprint as the statistics see it.

    - ``contribution``: opaque id (sha256 hex of the signed footprint document);
    - ``organisation``: opaque id of the contributing organisation;
    - ``cn_code`` (8 digits), ``route``, ``country``, ``year``: where it lies;
    - ``activity_t``: production of the period, tonnes: the weight of the share rules;
    - ``see_direct``, ``see_indirect``: tCO2e per tonne (the engine's 5 decimal places);
      ``indirect_counts``: whether the good's indirect emissions count (Reg. 2023/956 Annex II);
    - ``verified``: a verifier confirmed the footprint.
    """

    contribution: str
    organisation: str
    cn_code: str
    route: str
    country: str
    year: int
    activity_t: Decimal
    see_direct: Decimal
    see_indirect: Decimal
    indirect_counts: bool
    verified: bool

    @property
    def see_counted(self) -> Decimal:
        """tCO2e/t that count for CBAM: direct, plus indirect where the good's indirect count."""
        return self.see_direct + self.see_indirect if self.indirect_counts else self.see_direct

    @property
    def finest(self) -> CellKey:
        """The one finest cell (CN 8, route, country, year) that holds the observation."""
        return CellKey(self.cn_code, self.route, self.country, self.year)


def cells_of(obs: Observation) -> tuple[CellKey, ...]:
    """The 12 cells ``obs`` lies in: CN 4/6/8 × (country, "*") × (year, all), finest last."""
    cn, route = obs.cn_code, obs.route
    return tuple(
        CellKey(cn[:length], route, country, year)
        for length in CN_LEVELS
        for country in (ALL_COUNTRIES, obs.country)
        for year in (ALL_YEARS, obs.year)
    )
