"""The rules of each table's rows, and ``clean_rows``: every row checked, every problem kept."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from cbam.certificate_prices import QUARTERLY, WEEKLY, WEEKLY_FROM_YEAR, is_pricing_period
from reference.datasets.cells import (
    CN_CODE,
    EXTRA_COLUMN,
    NO_PRECURSORS,
    ROUTE,
    ROUTE_QUALIFIERS,
    CellReader,
    CheckContext,
    decimal_expected,
)
from reference.datasets.reading import CsvFile
from reference.datasets.specs import (
    BENCHMARKS,
    CBAM_FACTORS,
    CERTIFICATE_PRICES,
    CN_CODES,
    CSCF,
    DEFAULT_VALUES,
    ELECTRICITY_FACTORS,
    GOODS_CATEGORIES,
    MARK_UPS,
    UNKNOWN_ORIGIN_VALUES,
    DatasetSpec,
)
from reference.errors import RowProblem


def _split_outside_parentheses(text: str, separator: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    current = ""
    for char in text:
        depth += (char == "(") - (char == ")")
        if char == separator and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return [p for p in parts if p]


def _precursor_category(item: str, categories: set[str]) -> str | None:
    """The category a precursor entry names; a trailing parenthesis may be a note."""
    if item in categories:
        return item
    base = re.sub(r"\s*\([^()]*\)\s*$", "", item)
    return base if base in categories else None


def _goods_categories(
    rows: list[tuple[int, dict[str, str]]], context: CheckContext, problems: list[RowProblem]
) -> list[tuple[CellReader, dict[str, Any]]]:
    names = {values.get("aggregated_goods_category", "") for _, values in rows} - {""}
    out: list[tuple[CellReader, dict[str, Any]]] = []
    for line, values in rows:
        row = CellReader(line, values, problems)
        precursors: list[str] = []
        raw = row.text(
            "relevant_precursors(template)",
            expected=f"categories of this file separated by ';', or {NO_PRECURSORS}",
            max_length=1000,
        )
        if raw and raw != NO_PRECURSORS:
            for item in _split_outside_parentheses(raw, ";"):
                category = _precursor_category(item, names)
                if category is None:
                    row.problems.append(
                        RowProblem(
                            line,
                            "relevant_precursors(template)",
                            item,
                            "is not a goods category of this file",
                            f"categories named in aggregated_goods_category separated by ';', "
                            f"or {NO_PRECURSORS}",
                        )
                    )
                    row.ok = False
                elif category not in precursors:
                    precursors.append(category)
        routes = row.text(
            "production_routes", expected="routes separated by ' | '", max_length=1000
        )
        out.append(
            (
                row,
                {
                    "category": row.text(
                        "aggregated_goods_category", expected="the name of the category"
                    ),
                    "unit": row.text(
                        "unit", expected="the unit of the good, e.g. t or MWh", max_length=20
                    ),
                    "sector": row.text(
                        "sector",
                        expected="the sector of the benchmark annex, e.g. Iron & Steel",
                        max_length=50,
                    ),
                    "indirect_counts": row.flag("indirect_counts_definitive"),
                    "route_relevant": row.flag("route_relevant"),
                    "production_routes": [r.strip() for r in routes.split("|") if r.strip()],
                    "relevant_precursors": precursors,
                    "relevant_precursors_text": raw,
                    "indirect_definitive_template": row.text(
                        "indirect_definitive_template",
                        expected="the template's flag",
                        required=False,
                    ),
                    "indirect_transitional_template": row.text(
                        "indirect_transitional_template",
                        expected="the template's flag",
                        required=False,
                    ),
                },
            )
        )
    # A CN code of the current list must keep its category.
    for category in sorted(context.cn_code_categories - names):
        problems.append(
            RowProblem(
                None,
                "aggregated_goods_category",
                category,
                f"is a category of the CN-code list valid on {context.valid_from} "
                f"({context.cn_codes_version}) but has no row here",
                "a row for every category the CN-code list uses",
            )
        )
    return out


def _cn_codes(
    rows: list[tuple[int, dict[str, str]]], context: CheckContext, problems: list[RowProblem]
) -> list[tuple[CellReader, dict[str, Any]]]:
    out = []
    categories = sorted(context.categories or ())
    for line, values in rows:
        row = CellReader(line, values, problems)
        cn_code = values.get("cn_code", "")
        if not CN_CODE.match(cn_code):
            row.fail(
                "cn_code",
                "is not an 8-digit CN code",
                "the 8 digits of the Combined Nomenclature without spaces, e.g. 72085120",
            )
        category = row.choice(
            "aggregated_goods_category",
            categories,
            what=f"a goods category of {context.categories_version}",
            expected=f"one of {', '.join(categories)}",
        )
        out.append(
            (
                row,
                {
                    "cn_code": cn_code,
                    "category": category,
                    "description": values.get("description", ""),
                    "predecessor": values.get("cn2025_predecessor", ""),
                },
            )
        )
    _predecessors_check(out)
    return out


def _predecessors_check(rows: list[tuple[CellReader, dict[str, Any]]]) -> None:
    """A CN code's ``cn2025_predecessor`` is another code of the same file, of the same category,
    without a predecessor of its own: the code whose defaults and benchmarks it takes."""
    by_code = {values["cn_code"]: values for _, values in rows}
    for row, values in rows:
        predecessor = values["predecessor"]
        if not predecessor:
            continue
        found = by_code.get(predecessor)
        expected = (
            "blank, or the 8-digit CN 2025 code of this file the code replaces, of the same "
            "category and without a predecessor of its own, e.g. 73082000"
        )
        if not CN_CODE.match(predecessor) or predecessor == values["cn_code"]:
            row.fail("cn2025_predecessor", "is not another 8-digit CN code", expected)
        elif found is None:
            row.fail("cn2025_predecessor", "is not a CN code of this file", expected)
        elif found["category"] != values["category"]:
            row.fail(
                "cn2025_predecessor",
                f"is of another category ({found['category']})",
                expected,
            )
        elif found["predecessor"]:
            row.fail("cn2025_predecessor", "has a predecessor of its own", expected)


def _default_value_cells(row: CellReader, context: CheckContext) -> dict[str, Any]:
    """The cells a default-value row and an Annex IV row share: CN code, direct and indirect
    values (tCO2e per tonne, without mark-up), the benchmark route."""
    per_t = "tCO2e per tonne of good"
    route = row.values.get("production_route", "")
    if route and not ROUTE.match(route):
        row.fail(
            "production_route",
            "is not a production route",
            "blank or route letters of the benchmark annex joined by '/', e.g. C, F, C/F, K",
        )
    return {
        "cn_code": row.cn_code("cn_code", context),
        "direct_tco2e_per_t": row.decimal(
            "direct_tco2e_per_t", expected=decimal_expected(per_t, "1.66")
        ),
        "indirect_tco2e_per_t": row.decimal(
            "indirect_tco2e_per_t",
            expected=decimal_expected(per_t, "0.12") + ", or blank when none is published",
            blank_ok=True,
        ),
        "production_route": route,
    }


def _default_values(
    rows: list[tuple[int, dict[str, str]]], context: CheckContext, problems: list[RowProblem]
) -> list[tuple[CellReader, dict[str, Any]]]:
    def build(row: CellReader) -> dict[str, Any]:
        return {**_default_value_cells(row, context), "country": row.country("country")}

    return _each_row(rows, problems, build)


def _unknown_origin_values(
    rows: list[tuple[int, dict[str, str]]], context: CheckContext, problems: list[RowProblem]
) -> list[tuple[CellReader, dict[str, Any]]]:
    """IR 2025/2621 Annex IV: a row per CN code (4, 6 or 8 digits), no country."""

    def build(row: CellReader) -> dict[str, Any]:
        return {
            **_default_value_cells(row, context),
            "source": row.text(
                "source", expected="where the value was read (act, annex, line)", max_length=1000
            ),
        }

    return _each_row(rows, problems, build)


def _benchmarks(
    rows: list[tuple[int, dict[str, str]]], context: CheckContext, problems: list[RowProblem]
) -> list[tuple[CellReader, dict[str, Any]]]:
    out = []
    for line, values in rows:
        row = CellReader(line, values, problems)
        period = row.choice(
            "period",
            ("", "1", "2"),
            what="a benchmark period",
            expected="blank (all years), 1 (production years 2026-2027) or 2 (2028-2030)",
        )
        out.append(
            (
                row,
                {
                    "cn_code": row.cn_code("cn_code", context),
                    "column": row.choice(
                        "column", ("A", "B"), what="a benchmark column", expected="A or B"
                    ),
                    "qualifier": row.choice(
                        "qualifier",
                        ("", *ROUTE_QUALIFIERS),
                        what="a route qualifier",
                        expected="blank or one of " + ", ".join(ROUTE_QUALIFIERS),
                    ),
                    "period": int(period) if period else None,
                    "benchmark_tco2e_per_t": row.decimal(
                        "benchmark_tco2e_per_t",
                        expected=decimal_expected("tCO2e per tonne of good", "1.370"),
                    ),
                    "description": values.get("cn_description", ""),
                },
            )
        )
    return out


def _each_row(
    rows: list[tuple[int, dict[str, str]]],
    problems: list[RowProblem],
    build: Callable[[CellReader], dict[str, Any]],
) -> list[tuple[CellReader, dict[str, Any]]]:
    """Read every row with ``build``; each reader collects its own cell problems."""
    readers = [CellReader(line, values, problems) for line, values in rows]
    return [(row, build(row)) for row in readers]


def _electricity_factors(
    rows: list[tuple[int, dict[str, str]]], context: CheckContext, problems: list[RowProblem]
) -> list[tuple[CellReader, dict[str, Any]]]:

    def build(row: CellReader) -> dict[str, Any]:
        return {
            "country": row.country("country"),
            "annex": row.choice(
                "annex",
                ("II", "III"),
                what="an annex of IR 2025/2621",
                expected="II (electricity consumed in production) or III (imported electricity)",
            ),
            "tco2_per_mwh": row.decimal(
                "tco2_per_mwh", expected=decimal_expected("tCO2 per MWh", "0.605")
            ),
        }

    return _each_row(rows, problems, build)


def _mark_ups(
    rows: list[tuple[int, dict[str, str]]], context: CheckContext, problems: list[RowProblem]
) -> list[tuple[CellReader, dict[str, Any]]]:
    sectors = sorted(context.sectors or ())

    def build(row: CellReader) -> dict[str, Any]:
        return {
            "sector": row.choice(
                "sector",
                sectors,
                what=f"a sector of {context.categories_version}",
                expected=f"one of {', '.join(sectors)}",
            ),
            "valid_from_year": row.year("valid_from_year"),
            "mark_up": row.decimal(
                "mark_up",
                expected=decimal_expected("the fraction added: 0.10 = +10 %", "0.10"),
            ),
        }

    return _each_row(rows, problems, build)


def _cbam_factors(
    rows: list[tuple[int, dict[str, str]]], context: CheckContext, problems: list[RowProblem]
) -> list[tuple[CellReader, dict[str, Any]]]:

    def build(row: CellReader) -> dict[str, Any]:
        return {
            "valid_from_year": row.year("valid_from_year"),
            "cbam_factor": row.decimal(
                "cbam_factor",
                expected=decimal_expected("0.975 = 97.5 %", "0.975", fraction=True),
                maximum=Decimal(1),
            ),
        }

    return _each_row(rows, problems, build)


def _cscf(
    rows: list[tuple[int, dict[str, str]]], context: CheckContext, problems: list[RowProblem]
) -> list[tuple[CellReader, dict[str, Any]]]:
    out = []
    for line, values in rows:
        row = CellReader(line, values, problems)
        cscf = row.decimal(
            "cscf",
            expected=decimal_expected("1 = no correction", "1", fraction=True),
            maximum=Decimal(1),
        )
        published = row.flag("published")
        if row.ok and not published and cscf != 1:
            row.fail("cscf", "is not 1 although published is FALSE", "1 until it is published")
        out.append((row, {"year": row.year("year"), "cscf": cscf, "published": published}))
    return out


def _certificate_prices(
    rows: list[tuple[int, dict[str, str]]], context: CheckContext, problems: list[RowProblem]
) -> list[tuple[CellReader, dict[str, Any]]]:
    """A published price per row: a whole calendar quarter of 2026 or a Monday-to-Sunday week
    from 2027 (``cbam.certificate_prices``), a price above zero, published after the period."""

    def build(row: CellReader) -> dict[str, Any]:
        start, end = row.date("period_start"), row.date("period_end")
        kind = row.choice(
            "kind",
            (QUARTERLY, WEEKLY),
            what="a kind of certificate price",
            expected=f"{QUARTERLY} (goods imported in 2026) or {WEEKLY} (from {WEEKLY_FROM_YEAR})",
        )
        found = len(row.problems)
        price = row.decimal(
            "price_eur_per_certificate",
            expected=decimal_expected("EUR per certificate, above 0", "75.36"),
        )
        if len(row.problems) == found and price == 0:
            row.fail("price_eur_per_certificate", "is not above 0", "a price above 0, e.g. 75.36")
        published = row.date("publication_date")
        if (
            start is not None
            and end is not None
            and kind
            and not is_pricing_period(start, end, kind)
        ):
            row.fail(
                "period_end",
                f"does not close a whole {kind} period starting {start.isoformat()}",
                "a calendar quarter of 2026 (e.g. 2026-04-01 to 2026-06-30) for quarterly, a "
                f"Monday-to-Sunday week ending in {WEEKLY_FROM_YEAR} or later (e.g. 2027-01-04 "
                "to 2027-01-10) for weekly",
            )
        if end is not None and published is not None and published <= end:
            row.fail(
                "publication_date",
                f"is not after the period (it ends {end.isoformat()})",
                "the day the average was published, after the period it averages",
            )
        return {
            "period_start": start,
            "period_end": end,
            "kind": kind,
            "price_eur": price,
            "publication_date": published,
            "source": row.text(
                "source", expected="where the figure was read or published", max_length=1000
            ),
        }

    return _each_row(rows, problems, build)


_CLEANERS: dict[
    str,
    Callable[
        [list[tuple[int, dict[str, str]]], CheckContext, list[RowProblem]],
        list[tuple[CellReader, dict[str, Any]]],
    ],
] = {
    GOODS_CATEGORIES: _goods_categories,
    CN_CODES: _cn_codes,
    DEFAULT_VALUES: _default_values,
    UNKNOWN_ORIGIN_VALUES: _unknown_origin_values,
    BENCHMARKS: _benchmarks,
    ELECTRICITY_FACTORS: _electricity_factors,
    MARK_UPS: _mark_ups,
    CBAM_FACTORS: _cbam_factors,
    CSCF: _cscf,
    CERTIFICATE_PRICES: _certificate_prices,
}


def clean_rows(
    spec: DatasetSpec, csv_file: CsvFile, context: CheckContext
) -> tuple[list[dict[str, Any]], list[RowProblem]]:
    """Check every row of ``csv_file`` as a ``spec`` table: (values to store, problems).

    Each value dict holds the model's fields and ``line``. Problems come in file order; a
    repeated key names the line it repeats.
    """
    problems: list[RowProblem] = []
    if not csv_file.rows:
        problems.append(
            RowProblem(
                None, None, "", "the file has no data rows", "at least one row under the header"
            )
        )
        return [], problems
    checked = _CLEANERS[spec.name](list(csv_file.rows), context, problems)
    cleaned: list[dict[str, Any]] = []
    seen: dict[tuple[str, ...], tuple[int, dict[str, Any]]] = {}
    for row, values in checked:
        if row.values.get(""):
            row.problems.append(
                RowProblem(
                    row.line,
                    EXTRA_COLUMN,
                    row.values[""],
                    "is beyond the last column",
                    "one value per column of the header",
                )
            )
            row.ok = False
        if not row.ok:
            continue
        key = tuple(row.values.get(column, "") for column in spec.key)
        earlier = seen.get(key)
        if earlier is not None:
            first_line, first_values = earlier
            if spec.repeats_allowed and first_values == values:
                cleaned.append({**values, "line": row.line})
                continue
            row.fail(
                spec.key[0],
                f"repeats line {first_line} ({', '.join(spec.key)} = {'/'.join(key)})"
                + (" with a different value" if spec.repeats_allowed else ""),
                f"one row per {' and '.join(spec.key)}",
            )
            continue
        seen[key] = (row.line, values)
        cleaned.append({**values, "line": row.line})
    position = {column: i for i, column in enumerate(csv_file.columns)}
    problems.sort(
        key=lambda p: (p.line is None, p.line or 0, position.get(p.column or "", len(position)))
    )
    return cleaned, problems
