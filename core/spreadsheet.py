"""Spreadsheet cells the platform writes: one rule against formula injection, one CSV writer.

An export carries text other people typed (a supplier's installation name reaches its buyers'
declarations; an importer's own references and names come back to it). A spreadsheet opening
the file runs a cell starting with ``=``, ``+``, ``-`` or ``@`` as a formula (a tab or carriage
return before it is skipped), so ``=HYPERLINK("http://evil.example/", "Hengyue Works")`` would
become a live link in the importer's spreadsheet. Following the OWASP guidance on CSV
injection, such text gets a leading apostrophe: the spreadsheet shows it as text.

Only **text** is neutralised. Figures the code formats itself (``Decimal``, ``int``) are
written as they are, so ``-1.5`` stays a number; a float is refused (figures are Decimal).

Every CSV export writes through ``csv_writer``; every XLSX export through ``xlsx_bytes``, which
writes each text cell as ``neutralise_cell(text)`` with the cell's type set to text, never a
formula.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TextIO

#: What makes a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: What a cell of an export may hold: text, a figure the code formats, a date, nothing.
Cell = str | Decimal | int | date | None


def neutralise_cell(text: str) -> str:
    """``text`` as a spreadsheet shows it without running it: a leading apostrophe when it
    starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return; otherwise unchanged."""
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_cell(value: Cell) -> str:
    """One cell's text: text neutralised (``neutralise_cell``), a Decimal in plain notation
    (``-1.5``, never ``-1.5E+1``), an integer as digits, a date as YYYY-MM-DD, None empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise_cell(value)
    if isinstance(value, bool):
        raise TypeError("a spreadsheet cell takes text, Decimal, int or date, not bool")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(
        f"a spreadsheet cell takes text, Decimal, int or date, not {type(value).__name__}"
    )


class CsvWriter:
    """A ``csv.writer`` (``\\n`` line ends) whose every cell goes through ``csv_cell``."""

    def __init__(self, out: TextIO) -> None:
        self._writer = csv.writer(out, lineterminator="\n")

    def writerow(self, cells: Iterable[Cell]) -> None:
        self._writer.writerow([csv_cell(cell) for cell in cells])

    def comment(self, text: str) -> None:
        """A ``# text`` line: one cell, quoted when it holds a comma, quote or line break, so
        a name inside it can neither split it into cells nor start a new line."""
        self._writer.writerow(["# " + text])


def csv_writer(out: TextIO) -> CsvWriter:
    """The writer every CSV export uses (see the module docstring)."""
    return CsvWriter(out)


#: One sheet of an XLSX export: its title, its header and its rows.
Sheet = tuple[str, list[str], list[list[Cell]]]


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    """A workbook of ``sheets`` (openpyxl, write-only): every text cell neutralised
    (``neutralise_cell``) and typed as text, never a formula; figures as numbers (a Decimal
    keeps its digits), dates as dates, None empty; the header row bold and frozen."""
    from io import BytesIO

    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.freeze_panes = "A2"
        heading = []
        for text in header:
            cell = WriteOnlyCell(sheet, value=neutralise_cell(text))
            cell.font = bold
            heading.append(cell)
        sheet.append(heading)
        for row in rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_cell(sheet: object, value: Cell) -> object:
    from openpyxl.cell import WriteOnlyCell

    if value is None or isinstance(value, (Decimal, date)) or type(value) is int:
        return value
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=neutralise_cell(value))
        cell.data_type = "s"
        return cell
    raise TypeError(
        f"a spreadsheet cell takes text, Decimal, int or date, not {type(value).__name__}"
    )
