"""Reading the EU communication template and computing its SEE with the engine (no database)."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal as D

import pytest

from suppliers.eu_template import TemplateRefused, compute_template, read_template, report_of


def test_the_cement_example_imports_to_its_own_summary_products_values(example_bytes, csv_snapshot):
    data = read_template(example_bytes)
    computation = compute_template(data, csv_snapshot)
    report = report_of(data, computation, dry_run=True)

    assert report["template_version"] == "2.1"
    assert report["reporting_period"] == {"start": "2023-01-01", "end": "2023-12-31"}
    assert report["installation"]["name_english"] == "Example Cement Producer"
    assert report["installation"]["country_code"] == "TR"  # "Türkiye" via c_CodeLists
    assert report["goods"] == [
        {
            "row": 10,
            "process": "Cement Bubble",
            "cn_code": "25232900",
            "product_name": "Portland Cement Art. Nr. 1",
            "see_direct": "0.78521",
            "see_indirect": "0.12224",
            "see_total": "0.90746",
            "workbook": {
                "see_direct": "0.7852147410358565",
                "see_indirect": "0.12224275",
                "see_total": "0.9074574910358565",
                "cells": ["Summary_Products!I10", "Summary_Products!J10", "Summary_Products!K10"],
            },
            "footprint": None,
        }
    ]
    assert report["problems"] == []  # the engine agrees with the workbook


def test_the_inputs_are_read_from_their_cells_with_how_they_were_entered(example_bytes):
    process = read_template(example_bytes).processes[0]

    assert process.name == "Cement Bubble"
    assert process.name_cell == "A_InstData!L83"
    assert [(n.value, n.cell, n.entered) for n in process.production] == [
        (D("1321052.6315789474"), "D_Processes!L16", "=1255000/0.95")
    ]
    assert (process.direct_emissions.value, process.direct_emissions.cell) == (
        D("1037310"),
        "D_Processes!L54",
    )
    assert process.electricity.value == D("193864.47368421053")
    assert process.electricity.entered == "=L16*0.085+81575"
    assert process.electricity_factor.value == D("0.833")
    assert process.electricity_factor_source == "D.4(b)"


def test_a_workbook_without_cached_results_imports_all_the_same(edited, csv_snapshot):
    content = edited(lambda book: None)  # openpyxl drops every cached result

    data = read_template(content)
    report = report_of(data, compute_template(data, csv_snapshot), dry_run=True)

    good = report["goods"][0]
    assert (good["see_direct"], good["see_indirect"], good["see_total"]) == (
        "0.78521",
        "0.12224",
        "0.90746",
    )
    assert good["workbook"]["see_direct"] is None
    # =1255000/0.95 evaluated here, in Decimal:
    assert data.processes[0].production[0].value == D("1321052.631578947368421052632")


def test_a_workbook_result_that_differs_from_the_engine_is_a_warning_naming_both(
    example_bytes, csv_snapshot
):
    data = read_template(example_bytes)
    good = data.goods[0]
    changed = type(good)(
        row=good.row,
        process=good.process,
        cn_code=good.cn_code,
        product_name=good.product_name,
        cached_see=(D("0.79"), good.cached_see[1], good.cached_see[2]),
        see_cells=good.see_cells,
    )
    data = type(data)(**{**data.__dict__, "goods": [changed]})

    findings = compute_template(data, csv_snapshot).findings

    assert [(f.cell, f.severity, f.code) for f in findings] == [
        ("Summary_Products!I10", "warning", "workbook_differs")
    ]
    assert findings[0].message_en == (
        "Summary_Products!I10: the workbook's SEE (direct) is 0.79 tCO2e/t; the platform computes "
        "0.78521 tCO2e/t from the inputs; expected the same to 5 decimal places (the platform's "
        "figure is used)."
    )
    assert "0.79" in findings[0].message_zh
    assert "0.78521" in findings[0].message_zh


def test_the_reader_imports_no_framework():
    code = (
        "import sys; import suppliers.eu_template, suppliers.eu_template.reading; "
        "bad = [m for m in sys.modules "
        "if m.split('.')[0] in ('django', 'rest_framework', 'celery')]; "
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("version", ["2.1.1"])
def test_the_version_is_read_from_the_workbook(edited, version):
    content = edited(lambda book: book["0_Versions"].__setitem__("E38", version))

    assert read_template(content).version == version


def test_an_unknown_version_is_refused_naming_it_and_the_supported_ones(edited):
    content = edited(lambda book: book["0_Versions"].__setitem__("E38", "3.0"))

    with pytest.raises(TemplateRefused) as refused:
        read_template(content)

    [problem] = refused.value.problems
    assert problem.cell == "0_Versions!E"
    assert problem.message_en == (
        "The workbook is template version '3.0'; expected one of the supported versions 2.1, 2.1.1."
    )
    assert problem.message_zh == "工作簿的模板版本为 '3.0'；支持的版本为 2.1, 2.1.1。"
