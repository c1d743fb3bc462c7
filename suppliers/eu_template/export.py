"""Writing footprints into the Commission's blank communication template (v2.1.1), no Django.

``write_template(data)`` loads the blank workbook shipped in ``data/`` and writes **input
cells only**, where :class:`~suppliers.eu_template.cellmap.CellMap` (the import's map, one
source of truth) says they are: the installation and its reporting period (A_InstData), one
production process per good (A_InstData 4(b), D_Processes: activity level, directly
attributable emissions, electricity with its factor and source, the mass of this process's
product consumed in the other processes), the purchased precursors (A_InstData 5, E_PurchPrec:
mass consumed in each process, SEE direct, indirect as specific electricity × factor) and the
goods with their CN codes (Summary_Products). Formulas, data validation, protection and styles
of the EU's sheets stay as the Commission made them; ``check_preserved`` verifies it on the
saved bytes. A sheet of the platform's own, ``CBAM Exchange``, added after the EU's sheets,
says what the template cannot carry (signature, verification statement, provenance, ids).

The workbook asks to be fully recalculated when opened (``fullCalcOnLoad``): openpyxl keeps no
cached results, so Excel or LibreOffice computes Summary_Products from the inputs written here.
"""

from __future__ import annotations

import functools
import html
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]

from suppliers.eu_template.cellmap import CELL_MAPS, CellMap

#: The blank template shipped with the product (see ``data/README.md``).
BLANK_TEMPLATE = (
    Path(__file__).resolve().parent / "data" / "communication-template-v2.1.1-20241213.xlsx"
)
TEMPLATE_VERSION = "2.1.1"
PLATFORM_SHEET = "CBAM Exchange"
#: E_PurchPrec (e) source of the SEE (the template's list ``CONST_MeasDefaultUnknown``).
MEASURED, DEFAULT = "Measured", "Default"
#: The acknowledgement the reuse of the Commission's workbook asks for (data/README.md).
SOURCE_NOTE = (
    "The EU sheets: European Commission, DG TAXUD, CBAM communication template for "
    "installations, v2.1.1 of 13 December 2024, reused under Commission Decision 2011/833/EU; "
    "only its input cells were filled in by CBAM Exchange."
)
#: The sheets whose formulas ``check_preserved`` counts.
FORMULA_SHEET = "Summary_Products"

A, D, E, S = "A_InstData", "D_Processes", "E_PurchPrec", "Summary_Products"


class ExportRefused(ValueError):
    """What cannot be written into the template (more processes or precursors than it has)."""


@dataclass(frozen=True)
class ExportPrecursor:
    """A precursor of one process: another exported process (``internal_process``, 1-based)
    or a purchased one with the SEE the platform used (supplier's figures or default value)."""

    name: str
    category: str
    country: str
    mass_t: Decimal  # total in the period
    see_direct: Decimal | None = None
    see_indirect: Decimal | None = None
    source: str = MEASURED  # MEASURED or DEFAULT
    internal_process: int | None = None


@dataclass(frozen=True)
class ExportProcess:
    name: str
    category: str  # the template's aggregated goods category, e.g. "Crude steel"
    cn_code: str
    product_name: str
    activity_level_t: Decimal
    direct_emissions_tco2e: Decimal
    electricity_mwh: Decimal | None = None
    electricity_factor: Decimal | None = None
    electricity_source: str | None = None  # one of the template's D.4(a)… codes
    precursors: tuple[ExportPrecursor, ...] = ()


@dataclass(frozen=True)
class ExportInstallation:
    name: str
    name_english: str
    country: str  # ISO code
    street: str = ""
    un_locode: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None


@dataclass(frozen=True)
class ExportData:
    installation: ExportInstallation
    period_start: date
    period_end: date
    processes: tuple[ExportProcess, ...]
    #: The platform sheet: (label, value) rows per footprint, and notes on the whole file.
    platform_rows: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Preservation:
    """What must survive writing: formulas of Summary_Products, data validations, protection."""

    formulas: int
    validations: int
    protected: tuple[str, ...]


def _num(value: Decimal) -> int | float:
    """A number for a cell: an int when whole, else a float (Excel keeps 15 digits)."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _open(content: bytes) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # data validation extension, etc.
        return load_workbook(io.BytesIO(content), keep_vba=False, keep_links=True)


_SHEET = re.compile(rb'<sheet [^>]*name="([^"]*)"[^>]*r:id="([^"]*)"')
_TARGET = re.compile(rb'<Relationship [^>]*Id="([^"]*)"[^>]*Target="([^"]*)"')
_TARGET_FIRST = re.compile(rb'<Relationship [^>]*Target="([^"]*)"[^>]*Id="([^"]*)"')
_FORMULA = re.compile(rb"<f[ >/]")
_PROTECTED = re.compile(rb'<sheetProtection [^>]*sheet="(1|true)"')


def _sheet_xml(content: bytes) -> dict[str, bytes]:
    """Each worksheet's XML by sheet name, straight from the saved zip (no openpyxl)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        rels = archive.read("xl/_rels/workbook.xml.rels")
        targets = {rid: target for rid, target in _TARGET.findall(rels)}
        targets.update({rid: target for target, rid in _TARGET_FIRST.findall(rels)})
        out: dict[str, bytes] = {}
        for name, rid in _SHEET.findall(archive.read("xl/workbook.xml")):
            target = targets[rid].decode().lstrip("/")
            path = target if target.startswith("xl/") else f"xl/{target}"
            out[html.unescape(name.decode())] = archive.read(path)
    return out


def preservation_of(content: bytes) -> Preservation:
    """Formulas of Summary_Products, data validations and protected sheets of the EU's sheets,
    counted in the file's XML (cheap: no second load of the workbook)."""
    sheets = {name: xml for name, xml in _sheet_xml(content).items() if name != PLATFORM_SHEET}
    return Preservation(
        formulas=len(_FORMULA.findall(sheets.get(FORMULA_SHEET, b""))),
        validations=sum(xml.count(b"<dataValidation ") for xml in sheets.values()),
        protected=tuple(name for name, xml in sheets.items() if _PROTECTED.search(xml)),
    )


@functools.lru_cache(maxsize=4)
def _blank_preservation(content: bytes) -> Preservation:
    return preservation_of(content)


def check_preserved(blank: Preservation, content: bytes) -> None:
    """Raise ``AssertionError`` when the saved workbook lost formulas, validations or
    protection of the EU's sheets."""
    after = preservation_of(content)
    if after != blank:
        raise AssertionError(f"the EU template was altered on saving: {blank} -> {after}")


def _country_name(book: Any, code: str) -> str:
    """The template's name of an ISO country code (c_CodeLists F → G → Translations C)."""
    lists, translations = book["c_CodeLists"], book["Translations"]
    for row in range(11, 278):
        if lists[f"F{row}"].value == code:
            ref = lists[f"G{row}"].value
            match = re.fullmatch(r"=Translations!\$B\$(\d+)", str(ref or ""))
            if match:
                name = translations[f"C{match.group(1)}"].value
                if isinstance(name, str) and name:
                    return name
            elif isinstance(ref, str) and ref:
                return ref
    return code


def _purchased(data: ExportData) -> list[tuple[ExportPrecursor, list[tuple[int, Decimal]]]]:
    """Purchased precursors, one E_PurchPrec block per (name, category, country, SEE): the
    processes (1-based) each is consumed in, with the mass."""
    blocks: dict[tuple[Any, ...], tuple[ExportPrecursor, list[tuple[int, Decimal]]]] = {}
    for index, process in enumerate(data.processes, start=1):
        for precursor in process.precursors:
            if precursor.internal_process is not None:
                continue
            key = (
                precursor.name,
                precursor.category,
                precursor.country,
                precursor.see_direct,
                precursor.see_indirect,
                precursor.source,
            )
            blocks.setdefault(key, (precursor, []))[1].append((index, precursor.mass_t))
    # The template finds a purchased precursor by its name (InputOutput's list of processes
    # and precursors, compared as Excel compares text: ignoring case): two blocks of the same
    # name (the same CN code and origin, once with the supplier's SEE and once on the default
    # value) would each count the consumption of both. Later ones get " (2)", " (3)"...
    taken = {process.name.casefold() for process in data.processes}
    unique: list[tuple[ExportPrecursor, list[tuple[int, Decimal]]]] = []
    for precursor, uses in blocks.values():
        name, number = precursor.name, 1
        while name.casefold() in taken:
            number += 1
            name = f"{precursor.name} ({number})"
        taken.add(name.casefold())
        unique.append((replace(precursor, name=name), uses))
    return unique


def write_template(
    data: ExportData, *, blank: bytes | None = None, version: str = TEMPLATE_VERSION
) -> bytes:
    """The blank template with ``data`` written into its input cells (see the module)."""
    m = CELL_MAPS[version]
    if not data.processes:
        raise ExportRefused("nothing to export: no footprint")
    if len(data.processes) > m.process_count:
        raise ExportRefused(
            f"{len(data.processes)} processes; the template holds at most {m.process_count}"
        )
    purchased = _purchased(data)
    if len(purchased) > m.purchased_count:
        raise ExportRefused(
            f"{len(purchased)} purchased precursors; the template holds at most {m.purchased_count}"
        )
    content = blank if blank is not None else BLANK_TEMPLATE.read_bytes()
    before = _blank_preservation(content)
    book = _open(content)
    _write_installation(book, m, data)
    for index, process in enumerate(data.processes, start=1):
        _write_process(book, m, data, index, process)
    for position, (precursor, uses) in enumerate(purchased, start=1):
        _write_purchased(book, m, position, precursor, uses)
    goods = book[S]
    for offset, process in enumerate(data.processes):
        row = m.goods_rows[0] + offset
        goods[f"{m.goods_process_col}{row}"] = process.name
        goods[f"{m.goods_cn_col}{row}"] = process.cn_code
        goods[f"{m.goods_name_col}{row}"] = process.product_name
    _platform_sheet(book, data)
    book.calculation.fullCalcOnLoad = True
    out = io.BytesIO()
    book.save(out)
    saved = out.getvalue()
    check_preserved(before, saved)
    return saved


def _write_installation(book: Any, m: CellMap, data: ExportData) -> None:
    sheet = book[A]
    sheet[m.period_start] = datetime(
        data.period_start.year, data.period_start.month, data.period_start.day
    )
    sheet[m.period_end] = datetime(data.period_end.year, data.period_end.month, data.period_end.day)
    inst = data.installation
    cells = dict(m.installation)
    values: dict[str, Any] = {
        "name": inst.name,
        "name_english": inst.name_english,
        "street": inst.street,
        "country": _country_name(book, inst.country),
        "un_locode": inst.un_locode,
        "latitude": None if inst.latitude is None else f"{inst.latitude}",
        "longitude": None if inst.longitude is None else f"{inst.longitude}",
    }
    for key, value in values.items():
        if value not in (None, ""):
            sheet[cells[key]] = value


def _write_process(
    book: Any, m: CellMap, data: ExportData, index: int, process: ExportProcess
) -> None:
    inst = book[A]
    row = m.process_rows[0] + index - 1
    inst[f"{m.process_category_col}{row}"] = process.category
    inst[f"{m.process_name_col}{row}"] = process.name
    # A_InstData 4(b) F:K: the precursor categories this process consumes (up to six).
    categories: list[str] = []
    for precursor in process.precursors:
        category = (
            data.processes[precursor.internal_process - 1].category
            if precursor.internal_process is not None
            else precursor.category
        )
        if category and category not in categories and category != process.category:
            categories.append(category)
    for column, category in zip("FGHIJK", categories, strict=False):
        inst[f"{column}{row}"] = category

    sheet = book[D]
    top = m.process_row(index - 1)
    col = m.process_value_col

    def put(offset: int, value: Any) -> None:
        sheet[f"{col}{top + offset}"] = value

    put(m.production_offsets[0], _num(process.activity_level_t))
    consumed: dict[int, Decimal] = {}
    for target, other in enumerate(data.processes, start=1):
        for precursor in other.precursors:
            if precursor.internal_process == index:
                consumed[target] = consumed.get(target, Decimal(0)) + precursor.mass_t
    targets = [i for i in range(1, m.process_count + 1) if i != index]
    for target, mass in consumed.items():
        put(m.consumed_in_offsets[0] + targets.index(target), _num(mass))
    to_market = process.activity_level_t - sum(consumed.values(), Decimal(0))
    if to_market >= 0:
        put(m.to_market_offset, _num(to_market))
    put(m.direct_emissions_offset, _num(process.direct_emissions_tco2e))
    if process.electricity_mwh is not None:
        put(m.electricity_offset, _num(process.electricity_mwh))
        put(m.electricity_factor_offset, _num(process.electricity_factor or Decimal(0)))
        if process.electricity_source:
            put(m.electricity_source_offset, process.electricity_source)


def _write_purchased(
    book: Any,
    m: CellMap,
    position: int,
    precursor: ExportPrecursor,
    uses: list[tuple[int, Decimal]],
) -> None:
    inst = book[A]
    row = m.purchased_rows[0] + position - 1
    inst[f"{m.purchased_category_col}{row}"] = precursor.category
    inst[f"{m.purchased_country_col}{row}"] = precursor.country
    inst[f"{m.purchased_name_col}{row}"] = precursor.name
    sheet = book[E]
    top = m.purchased_row(position - 1)
    total = sum((mass for _i, mass in uses), Decimal(0))
    value, source = m.purchased_value_col, m.purchased_source_col
    sheet[f"{value}{top + m.purchased_amount_offsets[0]}"] = _num(total)
    by_process: dict[int, Decimal] = {}
    for process, mass in uses:
        by_process[process] = by_process.get(process, Decimal(0)) + mass
    for process, mass in by_process.items():
        sheet[f"{value}{top + m.purchased_consumed_offsets[0] + process - 1}"] = _num(mass)
    if precursor.see_direct is not None:
        sheet[f"{value}{top + m.purchased_see_direct_offset}"] = _num(precursor.see_direct)
        sheet[f"{source}{top + m.purchased_see_direct_offset}"] = precursor.source
        # The template has no cell for an indirect SEE: it is specific electricity
        # consumption (MWh/t) × its factor (tCO2/MWh); the platform writes the SEE with 1.
        sheet[f"{value}{top + m.purchased_electricity_offset}"] = _num(
            precursor.see_indirect or Decimal(0)
        )
        sheet[f"{source}{top + m.purchased_electricity_offset}"] = precursor.source
        sheet[f"{value}{top + m.purchased_factor_offset}"] = 1


def _platform_sheet(book: Any, data: ExportData) -> None:
    sheet = book.create_sheet(PLATFORM_SHEET)  # after the EU's sheets
    sheet.column_dimensions["A"].width = 42
    sheet.column_dimensions["B"].width = 110
    sheet["A1"] = "CBAM Exchange: what the EU template cannot carry"
    sheet["A1"].font = Font(bold=True, size=13)
    row = 3
    for note in (SOURCE_NOTE, *data.notes):
        sheet[f"A{row}"] = note
        row += 1
    row += 1
    for label, value in data.platform_rows:
        sheet[f"A{row}"] = label
        sheet[f"B{row}"] = value
        if not value:
            sheet[f"A{row}"].font = Font(bold=True)
        sheet[f"B{row}"].alignment = Alignment(wrap_text=False, vertical="top")
        row += 1
