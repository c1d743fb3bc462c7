"""The "import what is valid" choice in the pure reader and computation: problems about one
process, purchased precursor or good leave out exactly what they concern (and the processes
that consume a left-out process's product); a problem of the whole file, or a choice that
leaves no good, still refuses the file (no database)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from suppliers.eu_template import TemplateRefused, compute_template, read_template, report_of
from suppliers.eu_template.workbook import Num

from .conftest import CLINKER_LEFT_OUT, IMPORTED_SEE, LEFT_OUT, MISSING_L119, REF_L119


def _report(content: bytes, snapshot, *, leave_out: bool = True) -> dict:
    data = read_template(content, leave_out=leave_out)
    computation = compute_template(data, snapshot, leave_out=leave_out)
    return report_of(data, computation, dry_run=True, import_valid=leave_out)


def _see(report: dict) -> dict[int, tuple[str, str, str]]:
    return {g["row"]: (g["see_direct"], g["see_indirect"], g["see_total"]) for g in report["goods"]}


def test_the_four_processes_import_whole_without_problems(four_processes, csv_snapshot):
    report = _report(four_processes, csv_snapshot, leave_out=False)

    assert _see(report) == {
        10: ("0.78521", "0.12224", "0.90746"),
        11: ("0.88000", "0.03200", "0.91200"),
        12: ("0.15000", "0.02500", "0.17500"),
    }
    assert (report["problems"], report["left_out"]) == ([], [])


def test_without_the_choice_one_bad_process_refuses_the_whole_file(one_bad_process_2026):
    with pytest.raises(TemplateRefused) as refused:
        read_template(one_bad_process_2026)

    assert [p.as_dict() for p in refused.value.problems] == [REF_L119, MISSING_L119]


def test_with_the_choice_the_bad_process_and_the_one_consuming_its_product_are_left_out(
    one_bad_process_2026, csv_snapshot
):
    report = _report(one_bad_process_2026, csv_snapshot)

    assert _see(report) == IMPORTED_SEE
    assert report["left_out"] == LEFT_OUT
    # Every error is reported, as an error, the one about the consumer last.
    assert report["problems"] == [REF_L119, MISSING_L119, CLINKER_LEFT_OUT]
    assert report["import_valid"] is True


def test_a_process_a_good_and_a_purchased_precursor_are_each_left_out_for_their_own_problems(
    edited, csv_snapshot
):
    def break_three(book):
        from .conftest import add_processes

        add_processes(book)
        book["D_Processes"]["L261"] = "about half"  # P4's electricity factor
        book["Summary_Products"]["D13"] = "Cement Bubble"
        book["Summary_Products"]["F13"] = "cement"
        book["A_InstData"]["E102"] = "Cement clinker"  # PP1, consumed in no process
        book["A_InstData"]["F102"] = "CN"
        book["A_InstData"]["L102"] = "Clinker from Tangshan"

    report = _report(edited(break_three), csv_snapshot)

    assert sorted(_see(report)) == [10, 11]
    assert [
        (e["row"], e["process"], e["cn_code"], e["precursor"], e["cells"])
        for e in report["left_out"]
    ] == [
        (12, "Clay calciner", "25070080", None, ["D_Processes!L261"]),
        (13, "Cement Bubble", "cement", None, ["Summary_Products!F13"]),
        (None, None, None, "Clinker from Tangshan", ["E_PurchPrec!L17"]),
    ]
    assert [p["message_en"] for e in report["left_out"] for p in e["problems"]] == [
        "D_Processes!L261 holds 'about half'; expected a number.",
        "Summary_Products!F13 holds 'cement'; expected an 8-digit CN code.",
        "E_PurchPrec!L17: purchased precursor 'Clinker from Tangshan' has no mass consumed in a "
        "production process (E_PurchPrec rows 28-37); expected the tonnes consumed.",
    ]


def test_a_good_whose_cn_code_is_no_cbam_good_is_left_out_alone(four_processes, csv_snapshot):
    data = read_template(four_processes, leave_out=True)
    horses = [replace(g, cn_code="01012100") if g.row == 12 else g for g in data.goods]
    data = replace(data, goods=horses)

    report = report_of(data, compute_template(data, csv_snapshot, leave_out=True), dry_run=True)

    assert sorted(_see(report)) == [10, 11]
    [entry] = report["left_out"]
    assert (entry["row"], entry["process"], entry["cn_code"]) == (12, "Clay calciner", "01012100")
    assert entry["problems"] == [
        {
            "cell": "Summary_Products!F12",
            "code": "cn_code_not_cbam",
            "severity": "error",
            "message_en": "Summary_Products!F12 holds '01012100'; expected the CN code of a CBAM "
            "good (Annex I of Reg. 2023/956).",
            "message_zh": "Summary_Products!F12 的内容为 '01012100'；"
            "应为 CBAM 货物的 CN 编码（第 2023/956 号条例附件一）。",
        }
    ]


def test_a_process_the_engine_cannot_compute_is_left_out_with_its_goods(
    four_processes, csv_snapshot
):
    data = read_template(four_processes, leave_out=True)
    negative = Num(D("-30"), "D_Processes!L249", "-30")
    data = replace(
        data,
        processes=[
            replace(p, direct_emissions=negative) if p.index == 4 else p for p in data.processes
        ],
    )

    with pytest.raises(TemplateRefused) as refused:
        compute_template(data, csv_snapshot)
    report = report_of(data, compute_template(data, csv_snapshot, leave_out=True), dry_run=True)

    problem = {
        "cell": "A_InstData!L86",
        "code": "not_computable",
        "severity": "error",
        "message_en": "A_InstData!L86: process 'Clay calciner' cannot be computed "
        "(goods[3].attributed_direct_tco2e: must not be negative (got -30.0000)).",
        "message_zh": "A_InstData!L86：生产工艺 'Clay calciner' 无法计算"
        "（goods[3].attributed_direct_tco2e：must not be negative (got -30.0000)）。",
    }
    assert [p.as_dict() for p in refused.value.problems] == [problem]
    assert sorted(_see(report)) == [10, 11]
    assert [(e["row"], e["problems"]) for e in report["left_out"]] == [(12, [problem])]


def test_a_problem_of_the_whole_file_refuses_it_even_with_the_choice(edited):
    def break_two(book):
        book["A_InstData"]["I9"] = "last year"
        book["D_Processes"]["L16"] = None

    with pytest.raises(TemplateRefused) as refused:
        read_template(edited(break_two), leave_out=True)

    assert [(p.cell, p.code) for p in refused.value.problems] == [
        ("A_InstData!I9", "not_a_date"),
        ("D_Processes!L16", "no_activity_level"),
    ]


def test_a_choice_that_leaves_no_good_refuses_the_file(edited, csv_snapshot):
    data = read_template(
        edited(lambda book: book["D_Processes"].__setitem__("L16", None)), leave_out=True
    )

    with pytest.raises(TemplateRefused) as refused:
        compute_template(data, csv_snapshot, leave_out=True)

    assert [(p.cell, p.code) for p in refused.value.problems] == [
        ("D_Processes!L16", "no_activity_level"),
        ("Summary_Products", "nothing_left"),
    ]
    assert refused.value.problems[1].message_en == (
        "Summary_Products: every good is left out for the problems above; expected at least one "
        "good without problems to import what is valid."
    )
