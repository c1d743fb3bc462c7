"""Reading the cells of a row: each reader records a problem (line, column, value, what is
expected) and returns a placeholder, so that one pass reports every problem of a file."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from cbam.cn_codes import CN_CODE_SHAPE
from cbam.numbers import NumberError, number_text
from cbam.statutory import OTHER_COUNTRIES
from core.countries import ISO_COUNTRIES
from reference.datasets.specs import DECIMAL_PLACES, DEFINITIVE_PERIOD_START, MAX_DIGITS
from reference.errors import RowProblem

_LIMIT = Decimal(10) ** (MAX_DIGITS - DECIMAL_PLACES)

FIRST_YEAR = DEFINITIVE_PERIOD_START.year
LAST_YEAR = 2100

# "EU" is the origin code the EU itself uses (Annex III electricity factor, exempt origins).
COUNTRY_CODES: frozenset[str] = ISO_COUNTRIES | {OTHER_COUNTRIES, "EU"}

# Route qualifiers of the benchmark annex (IR 2025/2620): C/D/E carbon steel BF-BOF/DRI-EAF/
# scrap-EAF, F/G/H low-alloy steel likewise, J high-alloy EAF, K/L primary/secondary
# aluminium, A/B grey/white clinker.
ROUTE_QUALIFIERS: tuple[str, ...] = ("A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L")
ROUTE = re.compile(r"^[A-L](/[A-L]){0,2}$")
CN_CODE = CN_CODE_SHAPE
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
CN_HEADING = re.compile(r"^([0-9]{4}|[0-9]{6}|[0-9]{8})$")
NO_PRECURSORS = "(none)"
EXTRA_COLUMN = "(extra)"


@dataclass(frozen=True)
class CheckContext:
    """What rows are checked against: the CN-code list and goods categories valid when the new
    version starts (None: no such version; tables that need it then refuse to load)."""

    cn_codes: frozenset[str] | None = None
    cn_code_categories: frozenset[str] = frozenset()
    cn_codes_version: str = ""
    categories: frozenset[str] | None = None
    sectors: frozenset[str] | None = None
    categories_version: str = ""
    valid_from: str = ""
    cn_headings: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        headings = {code[:n] for code in self.cn_codes or () for n in (4, 6, 8)}
        object.__setattr__(self, "cn_headings", frozenset(headings))


class CellReader:
    """Reads the cells of one row; each reader records a problem and returns a placeholder."""

    def __init__(self, line: int, values: dict[str, str], problems: list[RowProblem]) -> None:
        self.line = line
        self.values = values
        self.problems = problems
        self.ok = True

    def fail(self, column: str, problem: str, expected: str) -> None:
        value = self.values.get(column, "")
        if value == "":
            problem = "is missing"
        self.problems.append(RowProblem(self.line, column, value, problem, expected))
        self.ok = False

    def text(
        self, column: str, *, expected: str, required: bool = True, max_length: int = 100
    ) -> str:
        value = self.values.get(column, "")
        if required and not value:
            self.fail(column, "is missing", expected)
        elif len(value) > max_length:
            self.fail(column, f"is longer than {max_length} characters", expected)
        return value

    def decimal(
        self,
        column: str,
        *,
        expected: str,
        maximum: Decimal | None = None,
        blank_ok: bool = False,
    ) -> Decimal | None:
        value = self.values.get(column, "")
        if value == "" and blank_ok:
            return None
        try:
            number = Decimal(number_text(value))  # ASCII digits only, at most 40 characters
        except (InvalidOperation, NumberError):
            self.fail(column, "is not a number", expected)
            return Decimal(0)
        if not number.is_finite():
            self.fail(column, "is not a number", expected)
        elif number < 0:
            self.fail(column, "is negative", expected)
        elif maximum is not None and number > maximum:
            self.fail(column, f"is above {maximum}", expected)
        elif number >= _LIMIT:
            self.fail(column, f"is too large (at most {_LIMIT - 1})", expected)
        elif -int(number.as_tuple().exponent) > DECIMAL_PLACES:
            self.fail(column, f"has more than {DECIMAL_PLACES} decimal places", expected)
        else:
            return number
        return Decimal(0)

    def year(self, column: str) -> int:
        value = self.values.get(column, "")
        if value.isascii() and value.isdigit() and FIRST_YEAR <= int(value) <= LAST_YEAR:
            return int(value)
        self.fail(
            column,
            "is not a year of the definitive period" if value.isdigit() else "is not a year",
            f"a year from {FIRST_YEAR} to {LAST_YEAR}, e.g. 2027",
        )
        return 0

    def date(self, column: str) -> date | None:
        """An ISO date (YYYY-MM-DD) in the years the tables cover; None when it is not one."""
        value = self.values.get(column, "")
        try:
            day = date.fromisoformat(value) if ISO_DATE.match(value) else None
        except ValueError:
            day = None
        if day is not None and FIRST_YEAR <= day.year <= LAST_YEAR:
            return day
        self.fail(
            column,
            "is not a date of the definitive period" if day is not None else "is not a date",
            f"a date YYYY-MM-DD from {FIRST_YEAR} to {LAST_YEAR}, e.g. 2026-04-07",
        )
        return None

    def flag(self, column: str) -> bool:
        value = self.values.get(column, "").upper()
        if value in {"TRUE", "FALSE"}:
            return value == "TRUE"
        self.fail(column, "is not TRUE or FALSE", "TRUE or FALSE")
        return False

    def choice(self, column: str, choices: Iterable[str], *, what: str, expected: str) -> str:
        value = self.values.get(column, "")
        if value in set(choices):
            return value
        self.fail(column, f"is not {what}", expected)
        return ""

    def country(self, column: str) -> str:
        value = self.values.get(column, "").upper()
        if value in COUNTRY_CODES:
            return value
        self.fail(
            column,
            "is not a country code",
            "an ISO 3166-1 alpha-2 code such as CN or TR, EU, "
            "or OTHER for other countries and territories",
        )
        return ""

    def cn_code(self, column: str, context: CheckContext) -> str:
        """A CN code of the current list, or a 4- or 6-digit heading covering one."""
        value = self.values.get(column, "")
        if not CN_HEADING.match(value):
            self.fail(
                column,
                "is not a CN code",
                "4, 6 or 8 digits of the Combined Nomenclature without spaces, e.g. 72085120",
            )
        elif value not in context.cn_headings:
            self.fail(
                column,
                f"is not in {context.cn_codes_version}, "
                f"the CN-code list valid on {context.valid_from}",
                "an 8-digit CN code of that list, or a 4- or 6-digit heading of one of its codes",
            )
        else:
            return value
        return ""


def decimal_expected(what: str, example: str, *, fraction: bool = False) -> str:
    """The 'expected' text of a decimal column."""
    if fraction:
        return f"a decimal number from 0 to 1 ({what}), e.g. {example}"
    return f"a decimal number of at least 0 ({what}), e.g. {example}"
