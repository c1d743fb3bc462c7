"""What the "import what is valid" choice leaves out of a communication template, and why.

Every problem of a workbook read with ``leave_out`` concerns a production process, a purchased
precursor or a good (``Problem.subject``):

- a process: that process and every good of it are left out;
- a purchased precursor: every process that consumes it (E_PurchPrec (b)); when none does,
  the precursor alone (the workbook's own calculation ignores it too, and no SEE changes);
- a good (an unknown process, an unusable CN code): that good alone;
- a process that consumes the product of a left-out process (D_Processes (c)) is left out
  too, with a problem at the mass it consumes: its SEE needs the other's.

A problem of the whole file (no subject) refuses it, and so does a choice that leaves no good.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from suppliers.eu_template.problems import Problem, Subject, TemplateRefused, shown
from suppliers.eu_template.reading import GoodRow, ListedGood, ProcessData, TemplateData


@dataclass(frozen=True)
class LeftOut:
    """One thing the import leaves out: a good (its Summary_Products ``row``, its process and
    CN code), a process none of whose goods is listed (``row`` None), or a purchased precursor
    no process consumes (``precursor``); ``problems`` says why, each at its cell."""

    row: int | None
    process: str | None
    cn_code: str | None
    product_name: str | None
    precursor: str | None
    problems: tuple[Problem, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "process": self.process,
            "cn_code": self.cn_code,
            "product_name": self.product_name,
            "precursor": self.precursor,
            "cells": list(dict.fromkeys(p.cell for p in self.problems)),
            "problems": [p.as_dict() for p in self.problems],
        }


@dataclass(frozen=True)
class Kept:
    """What is imported (``processes``, ``goods``), what is left out, and every error in the
    order found (those about dependent processes last)."""

    processes: list[ProcessData]
    goods: list[GoodRow]
    left_out: list[LeftOut]
    errors: list[Problem]


def keep_valid(data: TemplateData, problems: Sequence[Problem]) -> Kept:
    """Split the workbook by ``problems`` (see the module docstring); raises ``TemplateRefused``
    with every problem when one concerns the whole file or no good is left."""
    if not problems:
        return Kept(processes=data.processes, goods=data.goods, left_out=[], errors=[])
    if any(p.subject is None for p in problems):
        raise TemplateRefused(list(problems), template_version=data.version)
    processes = {p.index: p for p in data.processes}
    purchased = {p.index: p for p in data.purchased}
    by_process: dict[int, list[Problem]] = {}
    by_precursor: dict[int, list[Problem]] = {}
    by_good: dict[int, list[Problem]] = {}
    for problem in problems:
        subject: Subject = problem.subject  # type: ignore[assignment]
        if subject.kind == "process":
            by_process.setdefault(subject.index, []).append(problem)
        elif subject.kind == "good":
            by_good.setdefault(subject.index, []).append(problem)
        else:
            bought = purchased.get(subject.index)
            consumers = [k for k in (bought.consumed_in if bought else {}) if k in processes]
            for k in consumers:
                by_process.setdefault(k, []).append(problem)
            if not consumers:
                by_precursor.setdefault(subject.index, []).append(problem)
    derived = _leave_out_consumers(data.processes, by_process)

    left_out: list[LeftOut] = []
    kept_goods: list[GoodRow] = []
    with_goods: set[int] = set()
    process_of = {p.name: p.index for p in data.processes}
    rows: list[GoodRow | ListedGood] = sorted(
        [*data.goods, *data.unusable_goods], key=lambda g: g.row
    )
    for good in rows:
        index = process_of.get(good.process or "")
        if index is not None:
            with_goods.add(index)
        why = [*by_good.get(good.row, []), *by_process.get(index or 0, [])]
        if why:
            left_out.append(
                LeftOut(
                    row=good.row,
                    process=good.process,
                    cn_code=good.cn_code,
                    product_name=good.product_name,
                    precursor=None,
                    problems=tuple(why),
                )
            )
        elif isinstance(good, GoodRow):
            kept_goods.append(good)
    for index in sorted(set(by_process) - with_goods):
        process = processes.get(index)
        left_out.append(
            LeftOut(
                row=None,
                process=process.name if process else f"P{index}",
                cn_code=None,
                product_name=None,
                precursor=None,
                problems=tuple(by_process[index]),
            )
        )
    for index in sorted(by_precursor):
        bought = purchased.get(index)
        left_out.append(
            LeftOut(
                row=None,
                process=None,
                cn_code=None,
                product_name=None,
                precursor=bought.name if bought else f"PP{index}",
                problems=tuple(by_precursor[index]),
            )
        )
    errors = [*problems, *derived]
    if not kept_goods:
        raise TemplateRefused([*errors, _nothing_left()], template_version=data.version)
    return Kept(
        processes=[p for p in data.processes if p.index not in by_process],
        goods=kept_goods,
        left_out=left_out,
        errors=errors,
    )


def _leave_out_consumers(
    processes: list[ProcessData], by_process: dict[int, list[Problem]]
) -> list[Problem]:
    """Leave out every process that consumes the product of a left-out one (through chains),
    with a problem at the mass it consumes; returns those problems."""
    by_index = {p.index: p for p in processes}
    done: set[tuple[int, int]] = set()
    derived: list[Problem] = []
    changed = True
    while changed:
        changed = False
        for source in processes:
            if source.index not in by_process:
                continue
            for target, mass in sorted(source.consumed_in.items()):
                consumer = by_index.get(target)
                if consumer is None or (source.index, target) in done:
                    continue
                done.add((source.index, target))
                cells = ", ".join(dict.fromkeys(p.cell for p in by_process[source.index]))
                problem = Problem(
                    cell=mass.cell,
                    code="precursor_left_out",
                    message_en=f"{mass.cell}: process {shown(consumer.name)} consumes the "
                    f"product of process {shown(source.name)}, which is left out for its "
                    f"problems ({cells}); expected a precursor that is imported, so this "
                    "process and its goods are left out too.",
                    message_zh=f"{mass.cell}：生产工艺 {shown(consumer.name)} 消耗生产工艺 "
                    f"{shown(source.name)} 的产品，而后者因存在问题（{cells}）未导入；"
                    "前体须一并导入，因此该工艺及其货物也未导入。",
                    subject=Subject("process", target),
                )
                by_process.setdefault(target, []).append(problem)
                derived.append(problem)
                changed = True
    return derived


def _nothing_left() -> Problem:
    cell = "Summary_Products"
    return Problem(
        cell=cell,
        code="nothing_left",
        message_en=f"{cell}: every good is left out for the problems above; expected at least "
        "one good without problems to import what is valid.",
        message_zh=f"{cell}：所有货物都因上述问题未导入；导入有效部分至少需要一个没有问题的货物。",
    )
