"""Reading a filled communication template into plain data (no Django, no database).

``read_template(content)`` checks the file, finds the template version in the workbook itself
(``0_Versions``, the last version listed in column E), picks its :class:`CellMap` and reads the
installation, its period, source streams, balances, production processes, purchased precursors
and the goods of each process. Every problem is collected; if any is an error the whole file is
refused with all of them (``TemplateRefused``). With ``leave_out`` (the "import what is valid"
choice) only problems of the whole file refuse it; the others, each about one process,
purchased precursor or good (``Problem.subject``), come back in ``TemplateData.problems`` for
``suppliers.eu_template.leaving_out`` to decide what is left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from suppliers.eu_template.cellmap import CELL_MAPS, SUPPORTED_VERSIONS, CellMap
from suppliers.eu_template.problems import Problem, Subject, TemplateRefused, shown
from suppliers.eu_template.workbook import (
    MAX_FILE_BYTES,
    CellReader,
    Num,
    Sheets,
    check_file,
    open_workbook,
)

D = "D_Processes"
E = "E_PurchPrec"
A = "A_InstData"
VERSIONS_SHEET = "0_Versions"
CODE_LISTS = "c_CodeLists"


@dataclass(frozen=True)
class ProcessData:
    """One production process of D_Processes (``index`` 1-10, as P1-P10)."""

    index: int
    name: str
    category: str
    name_cell: str
    production: tuple[Num, ...]
    direct_emissions: Num | None
    heat_imported: Num | None
    heat_imported_factor: Num | None
    heat_exported: Num | None
    heat_exported_factor: Num | None
    waste_gas_imported: Num | None
    waste_gas_exported: Num | None
    electricity: Num | None
    electricity_factor: Num | None
    electricity_factor_source: str | None
    electricity_exported: Num | None
    electricity_exported_factor: Num | None
    #: Mass of this process's product consumed in another process, by that process's index.
    consumed_in: dict[int, Num] = field(default_factory=dict)

    @property
    def activity_level(self) -> Decimal:
        return sum((n.value for n in self.production), Decimal(0))

    @property
    def activity_level_cells(self) -> str:
        return "+".join(n.cell for n in self.production)


@dataclass(frozen=True)
class PurchasedData:
    """One purchased precursor of E_PurchPrec (``index`` 1-20, as PP1-PP20)."""

    index: int
    name: str
    category: str
    country: str | None
    amounts: tuple[Num, ...]
    consumed_in: dict[int, Num]
    see_direct: Num | None
    see_direct_source: str | None
    specific_electricity: Num | None
    electricity_factor: Num | None
    category_cell: str = ""


@dataclass(frozen=True)
class GoodRow:
    """A good of Summary_Products: its process, CN code and the workbook's cached SEE."""

    row: int
    process: str
    cn_code: str
    product_name: str | None
    cached_see: tuple[Decimal | None, Decimal | None, Decimal | None]
    see_cells: tuple[str, str, str]


@dataclass(frozen=True)
class ListedGood:
    """A row of Summary_Products that cannot be used (an unknown process, an unusable CN code):
    what it holds, as typed, for the report of what was left out."""

    row: int
    process: str | None
    cn_code: str | None
    product_name: str | None


@dataclass(frozen=True)
class TemplateData:
    version: str
    period_start: date
    period_end: date
    installation: dict[str, tuple[str, str]]  # field -> (value, cell)
    country_code: str | None
    verifier: dict[str, tuple[str, str]]
    source_streams: list[dict[str, object]]
    balances: dict[str, Num]
    quality: dict[str, tuple[str, str]]
    processes: list[ProcessData]
    purchased: list[PurchasedData]
    goods: list[GoodRow]
    #: Summary_Processes cached SEE (direct, indirect) by process name, with its cells.
    process_summary: dict[str, tuple[Decimal | None, Decimal | None, str, str]]
    #: Rows of Summary_Products that could not be read as goods (each has a problem).
    unusable_goods: tuple[ListedGood, ...] = ()
    #: With ``leave_out``: the problems of single processes, precursors and goods.
    problems: tuple[Problem, ...] = ()


def template_version(sheets: Sheets) -> str | None:
    """The last version listed in ``0_Versions`` column E (rows 9-52), e.g. ``2.1.1``."""
    found: str | None = None
    for row in range(9, 53):
        value = sheets.get(VERSIONS_SHEET, f"E{row}")
        if isinstance(value, str) and value.strip() and not value.startswith("="):
            found = value.strip()
        elif isinstance(value, int | float) and not isinstance(value, bool):
            found = str(value)
    return found


_READ_SHEETS = (*CellMap(version="").sheets, CODE_LISTS)


def read_template(
    content: bytes, *, max_bytes: int = MAX_FILE_BYTES, leave_out: bool = False
) -> TemplateData:
    """The inputs of a filled workbook; raises ``TemplateRefused`` with every problem, or, with
    ``leave_out``, only when a problem concerns the whole file (the others are returned in
    ``problems``)."""
    check_file(content, max_bytes=max_bytes)
    sheets = open_workbook(content, _READ_SHEETS)
    if VERSIONS_SHEET not in sheets.names:
        raise TemplateRefused([_missing_sheet(VERSIONS_SHEET, sheets.names)])
    version = template_version(sheets)
    if version not in CELL_MAPS:
        raise TemplateRefused(
            [
                Problem(
                    cell=f"{VERSIONS_SHEET}!E",
                    code="unknown_version",
                    message_en=f"The workbook is template version {shown(version or '')}; "
                    f"expected one of the supported versions {', '.join(SUPPORTED_VERSIONS)}.",
                    message_zh=f"工作簿的模板版本为 {shown(version or '')}；"
                    f"支持的版本为 {', '.join(SUPPORTED_VERSIONS)}。",
                )
            ],
            template_version=version,
        )
    cellmap = CELL_MAPS[version]
    missing = [
        _missing_sheet(name, sheets.names) for name in cellmap.sheets if name not in sheets.names
    ]
    if missing:
        raise TemplateRefused(missing, template_version=version)
    reader = CellReader(sheets)
    data = _read(reader, cellmap)
    if data is None or (reader.problems and not leave_out):
        raise TemplateRefused(reader.problems, template_version=version)
    if any(p.subject is None for p in reader.problems):
        raise TemplateRefused(reader.problems, template_version=version)
    return replace(data, problems=tuple(reader.problems))


def _missing_sheet(name: str, found: tuple[str, ...]) -> Problem:
    return Problem(
        cell=name,
        code="missing_sheet",
        message_en=f"The sheet {shown(name)} is missing (renamed or deleted); expected the "
        f"template's sheets. Found: {', '.join(found)}.",
        message_zh=f"缺少工作表 {shown(name)}（已被重命名或删除）；应包含模板的全部工作表。"
        f"现有：{', '.join(found)}。",
    )


def _read(reader: CellReader, m: CellMap) -> TemplateData | None:
    start = reader.date(
        A,
        m.period_start,
        required=True,
        what_en="start of the reporting period",
        what_zh="报告期开始日期",
    )
    end = reader.date(
        A,
        m.period_end,
        required=True,
        what_en="end of the reporting period",
        what_zh="报告期结束日期",
    )
    installation = _texts(reader, A, m.installation)
    if "name_english" not in installation:
        cell = f"{A}!{dict(m.installation)['name_english']}"
        reader.problem(
            cell,
            "missing",
            f"{cell} is empty; expected the installation's name in English.",
            f"{cell} 为空；应填写设施的英文名称。",
        )
    country_code = _country_code(reader, installation)
    verifier = _texts(reader, A, m.verifier)
    balances = {
        key: n
        for key, ref in m.balances
        if (n := reader.number("C_Emissions&Energy", ref, informative=True))
    }
    quality = _texts(reader, "C_Emissions&Energy", m.quality)
    streams = _source_streams(reader, m)
    process_names = _process_names(reader, m)
    processes = []
    for index, (name, category, cell) in process_names.items():
        with reader.about(Subject("process", index)):
            processes.append(_process(reader, m, index, name, category, cell))
    purchased = _purchased(reader, m, process_names)
    goods, unusable_goods = _goods(reader, m, {p.name for p in processes})
    summary = _process_summary(reader, m, process_names)
    if not processes:
        cell = f"{A}!{m.process_category_col}{m.process_rows[0]}"
        reader.problem(
            cell,
            "no_process",
            f"{cell}: no production process is listed; expected at least one (A_InstData 4(b)).",
            f"{cell}：未列出任何生产工艺；应至少填写一个（A_InstData 第 4(b) 节）。",
        )
    if start is None or end is None:
        return None
    if end < start:
        reader.problem(
            f"{A}!{m.period_end}",
            "period",
            f"{A}!{m.period_end}: the period ends {end} before it starts {start}; expected an "
            "end after the start.",
            f"{A}!{m.period_end}：报告期结束日期 {end} 早于开始日期 {start}；"
            "结束日期应晚于开始日期。",
        )
    return TemplateData(
        version=m.version,
        period_start=start,
        period_end=end,
        installation=installation,
        country_code=country_code,
        verifier=verifier,
        source_streams=streams,
        balances=balances,
        quality=quality,
        processes=processes,
        purchased=purchased,
        goods=goods,
        process_summary=summary,
        unusable_goods=tuple(unusable_goods),
    )


def _texts(
    reader: CellReader, sheet: str, cells: tuple[tuple[str, str], ...]
) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for key, ref in cells:
        value = reader.text(sheet, ref)
        if value is not None:
            out[key] = (value, f"{sheet}!{ref}")
    return out


def _country_code(reader: CellReader, installation: dict[str, tuple[str, str]]) -> str | None:
    """The ISO code of A_InstData's country: a code as typed, or the name looked up in the
    workbook's own country list (c_CodeLists F/G), else the UN/LOCODE's first two letters."""
    value = installation.get("country", ("", ""))[0].strip()
    if len(value) == 2 and value.isalpha():
        return value.upper()
    if value:
        for row in range(11, 278):
            if reader.sheets.result(CODE_LISTS, f"G{row}") == value:
                code = reader.sheets.get(CODE_LISTS, f"F{row}")
                if isinstance(code, str):
                    return code
    locode = installation.get("un_locode", ("", ""))[0].replace(" ", "")
    if len(locode) >= 2 and locode[:2].isalpha():
        return locode[:2].upper()
    cell = installation.get("country", ("", f"{A}!I26"))[1]
    reader.problem(
        cell,
        "country",
        f"{cell} holds {shown(value)}; expected the installation's country (a name of the "
        "template's list or an ISO code such as CN).",
        f"{cell} 的内容为 {shown(value)}；"
        "应填写设施所在国家（模板列表中的名称或 ISO 代码，如 CN）。",
    )
    return None


def _source_streams(reader: CellReader, m: CellMap) -> list[dict[str, object]]:
    numbers = {
        "activity_data",
        "ncv",
        "emission_factor",
        "carbon_content",
        "oxidation_factor",
        "conversion_factor",
        "biomass_content",
    }
    streams: list[dict[str, object]] = []
    for row in range(m.source_stream_rows[0], m.source_stream_rows[1] + 1):
        if (
            reader.text("B_EmInst", f"D{row}") is None
            and reader.text("B_EmInst", f"E{row}") is None
        ):
            continue
        stream: dict[str, object] = {"row": row}
        for key, col in m.source_stream_cols:
            if key in numbers:
                n = reader.number("B_EmInst", f"{col}{row}", informative=True)
                if n is not None:
                    stream[key] = n
            else:
                text = reader.text("B_EmInst", f"{col}{row}")
                if text is not None:
                    stream[key] = text
        streams.append(stream)
    return streams


def _process_names(reader: CellReader, m: CellMap) -> dict[int, tuple[str, str, str]]:
    """Process index (1-10) → (name, category, cell) for the processes listed in A_InstData."""
    out: dict[int, tuple[str, str, str]] = {}
    first, last = m.process_rows
    for index, row in enumerate(range(first, last + 1), start=1):
        category = reader.text(A, f"{m.process_category_col}{row}")
        if category is None:
            continue
        with reader.about(Subject("process", index)):
            name = reader.text(A, f"{m.process_name_col}{row}") or f"P{index} - {category}"
        out[index] = (name, category.strip(), f"{A}!{m.process_name_col}{row}")
    return out


def _process(
    reader: CellReader, m: CellMap, index: int, name: str, category: str, name_cell: str
) -> ProcessData:
    top = m.process_row(index - 1)
    col, exp = m.process_value_col, m.process_export_col

    def num(offset: int, column: str = col) -> Num | None:
        return reader.number(D, f"{column}{top + offset}")

    production = tuple(
        n
        for offset in range(m.production_offsets[0], m.production_offsets[1] + 1)
        if (n := num(offset))
    )
    first_cell = f"{D}!{col}{top + m.production_offsets[0]}"
    if not production or sum((n.value for n in production), Decimal(0)) <= 0:
        reader.problem(
            first_cell,
            "no_activity_level",
            f"{first_cell}: process {shown(name)} has no activity level; expected the tonnes "
            "it produced in the period (more than zero).",
            f"{first_cell}：生产工艺 {shown(name)} 没有活动水平；"
            "应填写报告期内的产量（吨，大于零）。",
        )
    consumed: dict[int, Num] = {}
    targets = [i for i in range(1, m.process_count + 1) if i != index]
    for position, offset in enumerate(
        range(m.consumed_in_offsets[0], m.consumed_in_offsets[1] + 1)
    ):
        n = num(offset)
        if n is not None and n.value != 0:
            consumed[targets[position]] = n
    direct = num(m.direct_emissions_offset)
    if direct is None:
        cell = f"{D}!{col}{top + m.direct_emissions_offset}"
        reader.problem(
            cell,
            "missing",
            f"{cell}: process {shown(name)} has no directly attributable emissions; expected "
            "tCO2e (0 if none).",
            f"{cell}：生产工艺 {shown(name)} 未填写直接可归属排放；应填写 tCO2e（如无则填 0）。",
        )
    return ProcessData(
        index=index,
        name=name,
        category=category,
        name_cell=name_cell,
        production=production,
        direct_emissions=direct,
        heat_imported=num(m.heat_amount_offset),
        heat_imported_factor=num(m.heat_factor_offset),
        heat_exported=num(m.heat_amount_offset, exp),
        heat_exported_factor=num(m.heat_factor_offset, exp),
        waste_gas_imported=num(m.waste_gas_offset),
        waste_gas_exported=num(m.waste_gas_offset, exp),
        electricity=num(m.electricity_offset),
        electricity_factor=num(m.electricity_factor_offset),
        electricity_factor_source=reader.text(D, f"{col}{top + m.electricity_source_offset}"),
        electricity_exported=num(m.electricity_exported_offset),
        electricity_exported_factor=num(m.electricity_exported_factor_offset),
        consumed_in=consumed,
    )


def _purchased(
    reader: CellReader, m: CellMap, processes: dict[int, tuple[str, str, str]]
) -> list[PurchasedData]:
    out: list[PurchasedData] = []
    first, last = m.purchased_rows
    for index, row in enumerate(range(first, last + 1), start=1):
        category = reader.text(A, f"{m.purchased_category_col}{row}")
        if category is None:
            continue
        with reader.about(Subject("purchased", index)):
            out.append(_purchased_one(reader, m, index, row, category, processes))
    return out


def _purchased_one(
    reader: CellReader,
    m: CellMap,
    index: int,
    row: int,
    category: str,
    processes: dict[int, tuple[str, str, str]],
) -> PurchasedData:
    """Purchased precursor PP<index>; a problem with its mass consumed in a listed process
    concerns that process."""
    name = reader.text(A, f"{m.purchased_name_col}{row}") or f"PP{index} - {category}"
    country = reader.text(A, f"{m.purchased_country_col}{row}")
    top = m.purchased_row(index - 1)

    def num(offset: int) -> Num | None:
        return reader.number(E, f"L{top + offset}")

    amounts = tuple(
        n
        for offset in range(m.purchased_amount_offsets[0], m.purchased_amount_offsets[1] + 1)
        if (n := num(offset))
    )
    consumed: dict[int, Num] = {}
    for k, offset in enumerate(
        range(m.purchased_consumed_offsets[0], m.purchased_consumed_offsets[1] + 1), start=1
    ):
        if k in processes:
            with reader.about(Subject("process", k)):
                n = num(offset)
        else:
            n = num(offset)
        if n is not None and n.value != 0:
            consumed[k] = n
    for k in consumed:
        if k not in processes:
            cell = consumed[k].cell
            reader.problem(
                cell,
                "unknown_process",
                f"{cell}: {shown(name)} is consumed in production process {k}, which is not "
                "listed in A_InstData 4(b); expected a listed process.",
                f"{cell}：{shown(name)} 被用于第 {k} 个生产工艺，"
                "但该工艺未在 A_InstData 第 4(b) 节列出。",
            )
    amount_cell = f"{E}!L{top + m.purchased_amount_offsets[0]}"
    if not consumed:
        reader.problem(
            amount_cell,
            "precursor_without_mass",
            f"{amount_cell}: purchased precursor {shown(name)} has no mass consumed in a "
            f"production process (E_PurchPrec rows {top + m.purchased_consumed_offsets[0]}-"
            f"{top + m.purchased_consumed_offsets[1]}); expected the tonnes consumed.",
            f"{amount_cell}：外购前体 {shown(name)} 没有填写在生产工艺中消耗的质量"
            f"（E_PurchPrec 第 {top + m.purchased_consumed_offsets[0]}-"
            f"{top + m.purchased_consumed_offsets[1]} 行）；应填写消耗的吨数。",
        )
    if country is None:
        cell = f"{A}!{m.purchased_country_col}{row}"
        reader.problem(
            cell,
            "missing",
            f"{cell}: purchased precursor {shown(name)} has no country of production; "
            "expected an ISO country code.",
            f"{cell}：外购前体 {shown(name)} 未填写生产国；应填写 ISO 国家代码。",
        )
    return PurchasedData(
        index=index,
        name=name,
        category=category.strip(),
        country=country.upper() if country else None,
        amounts=amounts,
        consumed_in=consumed,
        see_direct=num(m.purchased_see_direct_offset),
        see_direct_source=reader.text(E, f"M{top + m.purchased_see_direct_offset}"),
        specific_electricity=num(m.purchased_electricity_offset),
        electricity_factor=num(m.purchased_factor_offset),
        category_cell=f"{A}!{m.purchased_category_col}{row}",
    )


def _goods(
    reader: CellReader, m: CellMap, process_names: set[str]
) -> tuple[list[GoodRow], list[ListedGood]]:
    """The goods of Summary_Products, and the rows that cannot be used (with their problems,
    each about its row)."""
    goods: list[GoodRow] = []
    unusable: list[ListedGood] = []
    for row in range(m.goods_rows[0], m.goods_rows[1] + 1):
        with reader.about(Subject("good", row)):
            before = len(reader.problems)
            good = _good(reader, m, row, process_names)
            if isinstance(good, GoodRow):
                goods.append(good)
            elif len(reader.problems) > before:
                unusable.append(good or ListedGood(row, None, None, None))
    return goods, unusable


def _good(
    reader: CellReader, m: CellMap, row: int, process_names: set[str]
) -> GoodRow | ListedGood | None:
    """Row ``row`` of Summary_Products: a good, a row that cannot be used, or None (empty)."""
    sheet = "Summary_Products"
    process = reader.text(sheet, f"{m.goods_process_col}{row}")
    cn_raw = reader.text(sheet, f"{m.goods_cn_col}{row}")
    if process is None and cn_raw is None:
        return None
    name = reader.text(sheet, f"{m.goods_name_col}{row}")
    cell = f"{sheet}!{m.goods_process_col}{row}"
    if process is None or process not in process_names:
        reader.problem(
            cell,
            "unknown_process",
            f"{cell} holds {shown(process or '')}; expected the name of a production process "
            f"of A_InstData 4(b) ({', '.join(sorted(process_names))}).",
            f"{cell} 的内容为 {shown(process or '')}；"
            "应为 A_InstData 第 4(b) 节中的生产工艺名称"
            f"（{', '.join(sorted(process_names))}）。",
        )
        return ListedGood(row, process, cn_raw, name)
    cn = (cn_raw or "").replace(" ", "")
    cn_cell = f"{sheet}!{m.goods_cn_col}{row}"
    if not (len(cn) == 8 and cn.isdigit()):
        reader.problem(
            cn_cell,
            "cn_code",
            f"{cn_cell} holds {shown(cn_raw or '')}; expected an 8-digit CN code.",
            f"{cn_cell} 的内容为 {shown(cn_raw or '')}；应为 8 位 CN 编码。",
        )
        return ListedGood(row, process, cn_raw, name)
    return GoodRow(
        row=row,
        process=process,
        cn_code=cn,
        product_name=name,
        cached_see=tuple(_cached(reader.sheets, sheet, f"{col}{row}") for col in m.goods_see_cols),  # type: ignore[arg-type]
        see_cells=tuple(f"{sheet}!{col}{row}" for col in m.goods_see_cols),  # type: ignore[arg-type]
    )


def _cached(sheets: Sheets, sheet: str, ref: str) -> Decimal | None:
    value = sheets.result(sheet, ref)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return None


def _process_summary(
    reader: CellReader, m: CellMap, processes: dict[int, tuple[str, str, str]]
) -> dict[str, tuple[Decimal | None, Decimal | None, str, str]]:
    sheet = "Summary_Processes"
    out: dict[str, tuple[Decimal | None, Decimal | None, str, str]] = {}
    for index, (name, _category, _cell) in processes.items():
        row = m.summary_process_first + index - 1
        d_col, i_col = m.summary_process_see_cols
        out[name] = (
            _cached(reader.sheets, sheet, f"{d_col}{row}"),
            _cached(reader.sheets, sheet, f"{i_col}{row}"),
            f"{sheet}!{d_col}{row}",
            f"{sheet}!{i_col}{row}",
        )
    return out
