"""The SEE of every good of a read template, by the engine, compared with the workbook's own.

Each production process becomes one engine good (IR 2025/2547 Annex III point B)::

    AttrEm_dir = DirEm (D_Processes (g))
               + heat imported × its factor − heat exported × its factor          (h)
               + waste gas imported × 56.1 − waste gas exported × 56.1 × 0.667      (i)
               − electricity exported × its factor                                  (k)
    AttrEm_ind = electricity consumed (MWh) × its factor (tCO2/MWh)                 (j)
    AL         = Σ production over the routes                                       (a)

which is what the template sums under ``EmbedEmDir_<process>`` / ``EmbedEmInDir_<process>``
(D_Processes column T). Precursors: another process's product consumed in this process
(D_Processes (c) of that process, a reference to that process's good) and purchased precursors
(E_PurchPrec (b)), with the supplier's SEE where given (direct (e)i., indirect (e)ii. × (e)iii.)
and the default value of IR 2025/2621 otherwise.

Each good of Summary_Products takes its process's SEE. The workbook's own results
(Summary_Products I/J/K, Summary_Processes H/J) are compared, never used: a difference of more
than half a unit of the fifth decimal is a warning naming both values and the cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cbam import GoodInput, compute_see
from cbam.errors import CalculationError
from cbam.reference import ReferenceSnapshot
from cbam.rounding import round_see
from cbam.types import PrecursorInput, SeeResult
from cbam.validation import cn_code_problem
from suppliers.eu_template.cellmap import (
    CATEGORY_CN_CODES,
    NATURAL_GAS_FACTOR_TCO2_PER_TJ,
    WASTE_GAS_EXPORT_SHARE,
)
from suppliers.eu_template.leaving_out import Kept, LeftOut, keep_valid
from suppliers.eu_template.problems import Problem, Subject, TemplateRefused, shown
from suppliers.eu_template.reading import GoodRow, ProcessData, TemplateData
from suppliers.eu_template.workbook import Num

ZERO = Decimal(0)
#: Half a unit of the fifth decimal: what rounding to 5 dp may hide.
TOLERANCE = Decimal("0.000005")


def _v(num: Num | None) -> Decimal:
    return num.value if num is not None else ZERO


def process_direct_emissions(process: ProcessData) -> Decimal:
    """AttrEm (direct) of a process, tCO2e (module docstring)."""
    gas = NATURAL_GAS_FACTOR_TCO2_PER_TJ
    return (
        _v(process.direct_emissions)
        + _v(process.heat_imported) * _v(process.heat_imported_factor)
        - _v(process.heat_exported) * _v(process.heat_exported_factor)
        + _v(process.waste_gas_imported) * gas
        - _v(process.waste_gas_exported) * gas * WASTE_GAS_EXPORT_SHARE
        - _v(process.electricity_exported) * _v(process.electricity_exported_factor)
    )


@dataclass(frozen=True)
class PrecursorUse:
    """A precursor of a process as the template gives it (for the footprint and the report)."""

    name: str
    mass_t: Decimal
    mass_cell: str
    cn_code: str
    country: str | None
    internal_process: int | None  # index of the producing process, for an internal one
    see_direct: Decimal | None  # purchased with the supplier's figures
    see_indirect: Decimal | None
    see_cells: str


@dataclass(frozen=True)
class GoodOutcome:
    good: GoodRow
    process: ProcessData
    result: SeeResult


@dataclass(frozen=True)
class Computation:
    goods: list[GoodOutcome]
    processes: dict[int, SeeResult]
    precursors: dict[int, list[PrecursorUse]]
    #: Warnings: the workbook's own results that differ from the engine's.
    findings: list[Problem]
    #: With the "import what is valid" choice: what is left out, and every error why.
    left_out: tuple[LeftOut, ...] = ()
    errors: tuple[Problem, ...] = ()


def _process_cn_code(process: ProcessData, goods: list[GoodRow]) -> str | None:
    for good in goods:
        if good.process == process.name:
            return good.cn_code
    return CATEGORY_CN_CODES.get(process.category.strip())


def precursors_of(
    data: TemplateData, *, goods: list[GoodRow] | None = None
) -> tuple[dict[int, list[PrecursorUse]], list[Problem]]:
    """Every precursor consumed by each process (by process index); an internal one's CN code
    is that of the first of ``goods`` (default: all) its process makes."""
    goods = data.goods if goods is None else goods
    uses: dict[int, list[PrecursorUse]] = {p.index: [] for p in data.processes}
    problems: list[Problem] = []
    by_index = {p.index: p for p in data.processes}
    for source in data.processes:
        for target, mass in source.consumed_in.items():
            if target not in by_index:
                problems.append(
                    Problem(
                        cell=mass.cell,
                        code="unknown_process",
                        message_en=f"{mass.cell}: {source.name!r} is consumed in production "
                        f"process {target}, which is not listed in A_InstData 4(b); expected a "
                        "listed process.",
                        message_zh=f"{mass.cell}：{source.name!r} 被用于第 {target} 个生产工艺，"
                        "但该工艺未在 A_InstData 第 4(b) 节列出。",
                        subject=Subject("process", source.index),
                    )
                )
                continue
            uses[target].append(
                PrecursorUse(
                    name=source.name,
                    mass_t=mass.value,
                    mass_cell=mass.cell,
                    cn_code=_process_cn_code(source, goods) or "",
                    country=data.country_code,
                    internal_process=source.index,
                    see_direct=None,
                    see_indirect=None,
                    see_cells="",
                )
            )
    for bought in data.purchased:
        cn_code = CATEGORY_CN_CODES.get(bought.category)
        if cn_code is None:
            problems.append(
                Problem(
                    cell=bought.category_cell or "A_InstData!E",
                    code="category",
                    message_en=f"Purchased precursor {bought.name!r} has the category "
                    f"{bought.category!r}; expected one of {', '.join(CATEGORY_CN_CODES)}.",
                    message_zh=f"外购前体 {bought.name!r} 的类别为 {bought.category!r}；"
                    f"应为以下之一：{', '.join(CATEGORY_CN_CODES)}。",
                    subject=Subject("purchased", bought.index),
                )
            )
            continue
        see_direct = bought.see_direct.value if bought.see_direct is not None else None
        see_indirect = None
        cells = ""
        if see_direct is not None:
            see_indirect = _v(bought.specific_electricity) * _v(bought.electricity_factor)
            cells = bought.see_direct.cell if bought.see_direct else ""
        for target, mass in bought.consumed_in.items():
            if target not in uses:
                continue  # reported by the reader
            uses[target].append(
                PrecursorUse(
                    name=bought.name,
                    mass_t=mass.value,
                    mass_cell=mass.cell,
                    cn_code=cn_code,
                    country=bought.country,
                    internal_process=None,
                    see_direct=see_direct,
                    see_indirect=see_indirect,
                    see_cells=cells,
                )
            )
    return uses, problems


def engine_goods(
    data: TemplateData, uses: dict[int, list[PrecursorUse]], kept: Kept | None = None
) -> list[GoodInput]:
    """One engine good per production process (those ``kept``, default all), id ``P<index>``."""
    processes, listed = (
        (data.processes, data.goods) if kept is None else (kept.processes, kept.goods)
    )
    goods: list[GoodInput] = []
    for process in processes:
        precursors = tuple(
            PrecursorInput(
                mass_t=use.mass_t,
                good=f"P{use.internal_process}" if use.internal_process is not None else None,
                cn_code=None if use.internal_process is not None else use.cn_code,
                country_of_origin=None if use.internal_process is not None else use.country,
                see_direct=use.see_direct,
                see_indirect=use.see_indirect,
            )
            for use in uses.get(process.index, [])
        )
        goods.append(
            GoodInput(
                id=f"P{process.index}",
                cn_code=_process_cn_code(process, listed) or "",
                activity_level_t=process.activity_level,
                attributed_direct_tco2e=process_direct_emissions(process),
                country_of_origin=data.country_code,
                electricity_mwh=process.electricity.value if process.electricity else None,
                electricity_factor_tco2_per_mwh=(
                    process.electricity_factor.value if process.electricity_factor else None
                ),
                precursors=precursors,
            )
        )
    return goods


def compute_template(
    data: TemplateData, snapshot: ReferenceSnapshot, *, leave_out: bool = False
) -> Computation:
    """The engine's SEE of every process and good; refuses (``TemplateRefused``) what the
    engine cannot compute, each problem at the process's name cell. With ``leave_out`` (the
    "import what is valid" choice) the processes, precursors and goods with problems are left
    out instead (``leaving_out.keep_valid``), and so is a process the engine cannot compute,
    with everything that depends on it."""
    _uses, problems = precursors_of(data)
    problems = [*data.problems, *problems, *_goods_outside_cbam(data, snapshot)]
    while True:
        if problems and not leave_out:
            raise TemplateRefused(problems, template_version=data.version)
        kept = keep_valid(data, problems)
        uses, _ = precursors_of(data, goods=kept.goods)
        try:
            calculation = compute_see(engine_goods(data, uses, kept), snapshot)
        except CalculationError as error:
            problems = [*problems, *_not_computable(error, kept.processes)]
            continue
        break
    results = {p.index: calculation[f"P{p.index}"] for p in kept.processes}
    by_name = {p.name: p for p in kept.processes}
    outcomes = [
        GoodOutcome(good=g, process=by_name[g.process], result=results[by_name[g.process].index])
        for g in kept.goods
    ]
    findings: list[Problem] = []
    for outcome in outcomes:
        ours = (outcome.result.see_direct, outcome.result.see_indirect, outcome.result.see_total)
        for label, mine, theirs, cell in zip(
            ("direct", "indirect", "total"),
            ours,
            outcome.good.cached_see,
            outcome.good.see_cells,
            strict=True,
        ):
            if theirs is not None and abs(mine - theirs) > TOLERANCE:
                findings.append(_difference(cell, label, mine, theirs))
    for process in kept.processes:
        cached = data.process_summary.get(process.name)
        if cached is None:
            continue
        d_cached, i_cached, d_cell, i_cell = cached
        result = results[process.index]
        for label, mine, theirs, cell in (
            ("direct", result.see_direct, d_cached, d_cell),
            ("indirect", result.see_indirect, i_cached, i_cell),
        ):
            if theirs is not None and abs(mine - theirs) > TOLERANCE:
                findings.append(_difference(cell, label, mine, theirs))
    return Computation(
        goods=outcomes,
        processes=results,
        precursors=uses,
        findings=findings,
        left_out=tuple(kept.left_out),
        errors=tuple(kept.errors),
    )


def _goods_outside_cbam(data: TemplateData, snapshot: ReferenceSnapshot) -> list[Problem]:
    """A good whose CN code is not a CBAM good (Annex I), at its Summary_Products cell."""
    problems: list[Problem] = []
    for good in data.goods:
        if cn_code_problem(good.cn_code, snapshot, "cn_code") is None:
            continue
        cell = f"Summary_Products!F{good.row}"
        problems.append(
            Problem(
                cell=cell,
                code="cn_code_not_cbam",
                message_en=f"{cell} holds {shown(good.cn_code)}; expected the CN code of a CBAM "
                "good (Annex I of Reg. 2023/956).",
                message_zh=f"{cell} 的内容为 {shown(good.cn_code)}；"
                "应为 CBAM 货物的 CN 编码（第 2023/956 号条例附件一）。",
                subject=Subject("good", good.row),
            )
        )
    return problems


def _not_computable(error: CalculationError, processes: list[ProcessData]) -> list[Problem]:
    """The engine's problems, each at the name cell of the process it concerns (of the whole
    file when it names none)."""
    by_position = {f"goods[{i}]": p for i, p in enumerate(processes)}
    problems: list[Problem] = []
    for problem in error.problems:
        head = problem.path.split(".")[0]
        process = by_position.get(head)
        cell = process.name_cell if process is not None else "D_Processes"
        name = process.name if process is not None else problem.path
        problems.append(
            Problem(
                cell=cell,
                code="not_computable",
                message_en=f"{cell}: process {name!r} cannot be computed ({problem.path}: "
                f"{problem.message}).",
                message_zh=f"{cell}：生产工艺 {name!r} 无法计算"
                f"（{problem.path}：{problem.message}）。",
                subject=Subject("process", process.index) if process is not None else None,
            )
        )
    return problems or [
        Problem(
            cell="D_Processes",
            code="not_computable",
            message_en=f"D_Processes: the processes cannot be computed ({error}).",
            message_zh=f"D_Processes：生产工艺无法计算（{error}）。",
        )
    ]


def _difference(cell: str, label: str, ours: Decimal, theirs: Decimal) -> Problem:
    zh = {"direct": "直接", "indirect": "间接", "total": "总"}[label]
    return Problem(
        cell=cell,
        code="workbook_differs",
        severity="warning",
        message_en=f"{cell}: the workbook's SEE ({label}) is {theirs} tCO2e/t; the platform "
        f"computes {round_see(ours)} tCO2e/t from the inputs; expected the same to 5 decimal "
        "places (the platform's figure is used).",
        message_zh=f"{cell}：工作簿的{zh}隐含排放强度为 {theirs} tCO2e/t；平台根据输入计算为 "
        f"{round_see(ours)} tCO2e/t；两者在小数点后 5 位应一致（采用平台的计算结果）。",
    )
