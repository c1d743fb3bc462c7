"""Opening a communication template safely and reading its cells (no Django).

``open_workbook`` checks the file before openpyxl sees it (size, a zip at all, an encrypted or
legacy ``.xls`` file, a zip bomb), then reads the sheets the import needs twice in openpyxl's
streaming mode: as written (``data_only=False``: a number, a text, or a formula) and as last
calculated (``data_only=True``: the cached result a spreadsheet stored). Sheets the import does
not need (translations, parameters) are never parsed.

``CellReader`` turns a cell into a ``Decimal``, a text or a date, and records a
:class:`~suppliers.eu_template.problems.Problem` naming ``sheet!cell``, what was found and what
was expected when it cannot; inside ``about(subject)`` a problem concerns that process,
purchased precursor or good rather than the whole file. A number typed as a formula
(``=1255000/0.95``, as in the Commission's example) is the operator's input: its cached result
is used, and a workbook saved without results (by a tool that does not calculate) has it
evaluated here when it is plain arithmetic over numbers and cells of the same sheet.
"""

from __future__ import annotations

import io
import operator
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal, DivisionByZero, InvalidOperation, localcontext
from typing import Any

from openpyxl import load_workbook  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from suppliers.eu_template.problems import Problem, Subject, TemplateRefused, shown

#: The largest file accepted (the blank template is 1.3 MB).
MAX_FILE_BYTES = 20 * 1024 * 1024
#: The most the zip may expand to (the template expands to about 30 MB).
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
#: What Excel writes for a formula that failed.
ERROR_VALUES = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")


def _refuse(cell: str, code: str, en: str, zh: str) -> TemplateRefused:
    return TemplateRefused([Problem(cell=cell, code=code, message_en=en, message_zh=zh)])


def check_file(content: bytes, *, max_bytes: int = MAX_FILE_BYTES) -> None:
    """Refuse what is not an xlsx workbook openpyxl may open; raises ``TemplateRefused``."""
    size = len(content)
    if size > max_bytes:
        raise _refuse(
            "file",
            "file_too_large",
            f"The file is {size} bytes; expected at most {max_bytes} bytes.",
            f"文件大小为 {size} 字节；最多允许 {max_bytes} 字节。",
        )
    if content.startswith(_OLE_MAGIC):
        if _ENCRYPTION_STREAM in content:
            raise _refuse(
                "file",
                "encrypted",
                "The workbook is encrypted (password-protected); expected the template saved "
                "without a password to open.",
                "工作簿已加密（设置了打开密码）；请保存为无打开密码的模板后再上传。",
            )
        raise _refuse(
            "file",
            "not_xlsx",
            "The file is a legacy Excel 97-2003 (.xls) file; expected the template as .xlsx.",
            "文件是旧版 Excel 97-2003（.xls）格式；请上传 .xlsx 格式的模板。",
        )
    if not content.startswith(b"PK"):
        raise _refuse(
            "file",
            "not_xlsx",
            "The file is not an Excel workbook (.xlsx); expected the EU communication template.",
            "文件不是 Excel 工作簿（.xlsx）；请上传欧盟通报模板。",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _refuse(
            "file",
            "not_xlsx",
            "The file is not a readable .xlsx workbook (a damaged zip); expected the EU "
            "communication template.",
            "文件不是可读取的 .xlsx 工作簿（压缩包已损坏）；请上传欧盟通报模板。",
        ) from None
    if "xl/workbook.xml" not in names:
        raise _refuse(
            "file",
            "not_xlsx",
            "The file is a zip archive but not an .xlsx workbook; expected the EU communication "
            "template.",
            "文件是压缩包而不是 .xlsx 工作簿；请上传欧盟通报模板。",
        )
    if expanded > MAX_UNCOMPRESSED_BYTES:
        raise _refuse(
            "file",
            "file_too_large",
            f"The workbook expands to {expanded} bytes; expected at most "
            f"{MAX_UNCOMPRESSED_BYTES} bytes.",
            f"工作簿解压后为 {expanded} 字节；最多允许 {MAX_UNCOMPRESSED_BYTES} 字节。",
        )


@dataclass
class Sheets:
    """The cells of the sheets read: as written and as last calculated, by ``A1`` address."""

    names: tuple[str, ...]
    written: dict[str, dict[str, Any]]
    cached: dict[str, dict[str, Any]]

    def get(self, sheet: str, ref: str) -> Any:
        return self.written.get(sheet, {}).get(ref)

    def result(self, sheet: str, ref: str) -> Any:
        return self.cached.get(sheet, {}).get(ref)


def _load(content: bytes, *, data_only: bool) -> Any:
    """The workbook in openpyxl's streaming mode; refuses a file openpyxl cannot open."""
    try:
        with warnings.catch_warnings():
            # openpyxl warns of the extensions it drops (conditional formats): nothing we read.
            warnings.simplefilter("ignore", UserWarning)
            return load_workbook(io.BytesIO(content), read_only=True, data_only=data_only)
    except Exception:  # openpyxl raises many types for a file it cannot read
        raise _refuse(
            "file",
            "not_xlsx",
            "The file could not be opened as an .xlsx workbook; expected the EU communication "
            "template.",
            "无法作为 .xlsx 工作簿打开该文件；请上传欧盟通报模板。",
        ) from None


def _cells(book: Any, sheets: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """The non-empty cells of the named sheets, by ``A1`` address."""
    out: dict[str, dict[str, Any]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for name in sheets:
            if name not in book.sheetnames:
                continue
            sheet = book[name]
            # The Commission's sheets declare 1,024 columns: with that size, iter_rows pads
            # every row to it (about 4 million empty cells per reading). Without it a row
            # ends at its last cell.
            sheet.reset_dimensions()
            cells: dict[str, Any] = {}
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                for column, value in enumerate(row, start=1):
                    if value is not None and value != "":
                        cells[f"{get_column_letter(column)}{number}"] = value
            out[name] = cells
    return out


def open_workbook(content: bytes, sheets: tuple[str, ...]) -> Sheets:
    """The named sheets' cells, as written and as cached (see module docstring)."""
    written_book = _load(content, data_only=False)
    try:
        names = tuple(written_book.sheetnames)
        written = _cells(written_book, sheets)
    finally:
        written_book.close()
    cached_book = _load(content, data_only=True)
    try:
        cached = _cells(cached_book, sheets)
    finally:
        cached_book.close()
    return Sheets(names=names, written=written, cached=cached)


# --------------------------------------------------------------------------- cells


@dataclass(frozen=True, slots=True)
class Num:
    """A number read from a cell: its value, where (``sheet!cell``) and how it was entered."""

    value: Decimal
    cell: str
    entered: str


def _decimal(value: int | float) -> Decimal:
    # A float's shortest repr is the number the spreadsheet shows at full precision.
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)"
    r"|(?P<ref>\$?[A-Z]{1,3}\$?[0-9]{1,7})|(?P<op>[-+*/()^]))"
)


class _NotArithmetic(Exception):
    pass


class CellReader:
    """Reads typed values from ``sheets`` and collects every problem (``problems``)."""

    def __init__(self, sheets: Sheets) -> None:
        self.sheets = sheets
        self.problems: list[Problem] = []
        self.subject: Subject | None = None

    @contextmanager
    def about(self, subject: Subject) -> Iterator[None]:
        """Problems recorded meanwhile concern ``subject`` (not the whole file)."""
        outer, self.subject = self.subject, subject
        try:
            yield
        finally:
            self.subject = outer

    def add(self, problem: Problem) -> None:
        self.problems.append(
            replace(problem, subject=self.subject) if problem.subject is None else problem
        )

    def problem(self, cell: str, code: str, en: str, zh: str) -> None:
        self.add(Problem(cell=cell, code=code, message_en=en, message_zh=zh))

    # ---- text

    def text(self, sheet: str, ref: str) -> str | None:
        """A text cell (a number is taken as its digits); None when empty."""
        raw = self.sheets.get(sheet, ref)
        cell = f"{sheet}!{ref}"
        if isinstance(raw, str) and raw.startswith("="):
            raw = self.sheets.result(sheet, ref)
        if raw is None:
            return None
        if isinstance(raw, str) and raw in ERROR_VALUES:
            self._error_value(cell, raw, "a text")
            return None
        if isinstance(raw, bool):
            return "TRUE" if raw else "FALSE"
        if isinstance(raw, int):
            return str(raw)
        if isinstance(raw, float):
            return repr(raw).removesuffix(".0")
        if isinstance(raw, datetime | date):
            return raw.isoformat()
        text = str(raw).strip()
        return text or None

    # ---- dates

    def date(
        self, sheet: str, ref: str, *, required: bool, what_en: str, what_zh: str
    ) -> date | None:
        raw = self.sheets.get(sheet, ref)
        cell = f"{sheet}!{ref}"
        if isinstance(raw, str) and raw.startswith("="):
            raw = self.sheets.result(sheet, ref)
        if raw is None:
            if required:
                self.problem(
                    cell,
                    "missing",
                    f"{cell} is empty; expected the {what_en} (a date).",
                    f"{cell} 为空；应填写{what_zh}（日期）。",
                )
            return None
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        if isinstance(raw, str):
            if raw in ERROR_VALUES:
                self._error_value(cell, raw, "a date")
                return None
            try:
                return date.fromisoformat(raw.strip())
            except ValueError:
                pass
        self.problem(
            cell,
            "not_a_date",
            f"{cell} holds {shown(raw)}; expected the {what_en} as a date.",
            f"{cell} 的内容为 {shown(raw)}；应填写{what_zh}（日期）。",
        )
        return None

    # ---- numbers

    def number(self, sheet: str, ref: str, *, informative: bool = False) -> Num | None:
        """A number, or None when the cell is empty (problems recorded for anything else).

        ``informative``: a figure the calculation does not use (a balance): a formula over the
        template's own results that cannot be evaluated without them is left out, not refused.
        """
        try:
            return self._number(sheet, ref, depth=0)
        except _CellProblem as problem:
            if not (informative and problem.problem.code == "formula_without_result"):
                self.add(problem.problem)
            return None

    def _number(self, sheet: str, ref: str, *, depth: int) -> Num | None:
        raw = self.sheets.get(sheet, ref)
        cell = f"{sheet}!{ref}"
        if raw is None:
            return None
        if isinstance(raw, bool):
            raise _CellProblem(self._not_a_number(cell, raw))
        if isinstance(raw, int | float):
            return Num(_decimal(raw), cell, repr(raw))
        if isinstance(raw, str) and raw.startswith("="):
            cached = self.sheets.result(sheet, ref)
            if isinstance(cached, int | float) and not isinstance(cached, bool):
                return Num(_decimal(cached), cell, raw)
            if isinstance(cached, str) and cached in ERROR_VALUES:
                raise _CellProblem(self._error_problem(cell, cached, "a number"))
            if cached is not None:
                raise _CellProblem(self._not_a_number(cell, cached))
            # No cached result: the workbook was saved by a tool that did not calculate.
            try:
                value = self._evaluate(sheet, raw[1:], depth=depth)
            except _NotArithmetic:
                raise _CellProblem(
                    Problem(
                        cell=cell,
                        code="formula_without_result",
                        message_en=f"{cell} holds the formula {shown(raw)} without a stored "
                        "result, and it is not plain arithmetic; expected a number (open and "
                        "save the file in Excel or LibreOffice to store the results).",
                        message_zh=f"{cell} 含有公式 {shown(raw)}，但没有保存计算结果，且不是简单"
                        "算术；应为数字（请在 Excel 或 LibreOffice 中打开并保存以存储结果）。",
                    )
                ) from None
            return Num(value, cell, raw)
        if isinstance(raw, str) and raw in ERROR_VALUES:
            raise _CellProblem(self._error_problem(cell, raw, "a number"))
        raise _CellProblem(self._not_a_number(cell, raw))

    def _evaluate(self, sheet: str, formula: str, *, depth: int) -> Decimal:
        if depth > 20 or len(formula) > 500:
            raise _NotArithmetic
        tokens: list[tuple[str, str]] = []
        pos = 0
        text = formula.strip()
        while pos < len(text):
            match = _TOKEN.match(text, pos)
            if match is None or match.end() == pos:
                raise _NotArithmetic
            kind = match.lastgroup or ""
            tokens.append((kind, match.group(kind)))
            pos = match.end()
        parser = _Arithmetic(tokens, lambda ref: self._ref_value(sheet, ref, depth=depth))
        with localcontext() as ctx:
            ctx.prec = 28
            ctx.traps[DivisionByZero] = True
            ctx.traps[InvalidOperation] = True
            try:
                value = parser.parse()
            except (DivisionByZero, InvalidOperation, ArithmeticError):
                raise _NotArithmetic from None
        return value

    def _ref_value(self, sheet: str, ref: str, *, depth: int) -> Decimal:
        num = self._number(sheet, ref.replace("$", ""), depth=depth + 1)
        return num.value if num is not None else Decimal(0)

    def _not_a_number(self, cell: str, raw: object) -> Problem:
        return Problem(
            cell=cell,
            code="not_a_number",
            message_en=f"{cell} holds {shown(raw)}; expected a number.",
            message_zh=f"{cell} 的内容为 {shown(raw)}；应为数字。",
        )

    def _error_problem(self, cell: str, raw: str, expected: str) -> Problem:
        zh = {"a number": "数字", "a text": "文本", "a date": "日期"}.get(expected, expected)
        return Problem(
            cell=cell,
            code="error_value",
            message_en=f"{cell} holds the Excel error {raw}; expected {expected}.",
            message_zh=f"{cell} 含有 Excel 错误值 {raw}；应为{zh}。",
        )

    def _error_value(self, cell: str, raw: str, expected: str) -> None:
        self.add(self._error_problem(cell, raw, expected))


class _CellProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message_en)
        self.problem = problem


_OPERATIONS: dict[str, Callable[[Decimal, Decimal], Decimal]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
}


class _Arithmetic:
    """Recursive descent over + - * / ^ and parentheses; cells through ``lookup``."""

    def __init__(self, tokens: list[tuple[str, str]], lookup: Any) -> None:
        self.tokens = tokens
        self.pos = 0
        self.lookup = lookup

    def parse(self) -> Decimal:
        value = self._sum()
        if self.pos != len(self.tokens):
            raise _NotArithmetic
        return value

    def _peek(self) -> str | None:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def _sum(self) -> Decimal:
        return self._chain(("+", "-"), self._product)

    def _product(self) -> Decimal:
        return self._chain(("*", "/"), self._power)

    def _chain(self, ops: tuple[str, str], operand: Callable[[], Decimal]) -> Decimal:
        """``operand (op operand)*``, left to right."""
        value = operand()
        while self._peek() in ops:
            op = self.tokens[self.pos][1]
            self.pos += 1
            right = operand()
            value = _OPERATIONS[op](value, right)
        return value

    def _power(self) -> Decimal:
        value = self._unary()
        if self._peek() == "^":
            self.pos += 1
            exponent = self._unary()
            if exponent != exponent.to_integral_value() or abs(exponent) > 10:
                raise _NotArithmetic
            value = value ** int(exponent)
        return value

    def _unary(self) -> Decimal:
        if self._peek() in ("+", "-"):
            op = self.tokens[self.pos][1]
            self.pos += 1
            value = self._unary()
            return -value if op == "-" else value
        return self._atom()

    def _atom(self) -> Decimal:
        if self.pos >= len(self.tokens):
            raise _NotArithmetic
        kind, text = self.tokens[self.pos]
        self.pos += 1
        if kind == "num":
            return Decimal(text)
        if kind == "ref":
            value: Decimal = self.lookup(text)
            return value
        if text == "(":
            value = self._sum()
            if self._peek() != ")":
                raise _NotArithmetic
            self.pos += 1
            return value
        raise _NotArithmetic
