"""Each bad workbook is refused with a message naming the cell, what was found and what was
expected, in English and Chinese (no database: the service's "writes nothing" is tested in
test_import_service.py)."""

from __future__ import annotations

import io
import zipfile

import pytest

from suppliers.eu_template import TemplateRefused, read_template
from suppliers.eu_template.workbook import check_file


def _refused(content: bytes, **kwargs) -> list[tuple[str, str, str, str]]:
    with pytest.raises(TemplateRefused) as refused:
        read_template(content, **kwargs)
    return [(p.cell, p.code, p.message_en, p.message_zh) for p in refused.value.problems]


def test_a_file_that_is_not_an_xlsx_is_refused():
    assert _refused(b"name,value\ncement,1\n") == [
        (
            "file",
            "not_xlsx",
            "The file is not an Excel workbook (.xlsx); expected the EU communication template.",
            "文件不是 Excel 工作簿（.xlsx）；请上传欧盟通报模板。",
        )
    ]


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")

    assert [p[:2] for p in _refused(buffer.getvalue())] == [("file", "not_xlsx")]


def test_an_encrypted_workbook_is_refused():
    # What Excel writes for a password-protected workbook: an OLE compound file holding the
    # EncryptionInfo and EncryptedPackage streams.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le")

    assert _refused(ole) == [
        (
            "file",
            "encrypted",
            "The workbook is encrypted (password-protected); expected the template saved without "
            "a password to open.",
            "工作簿已加密（设置了打开密码）；请保存为无打开密码的模板后再上传。",
        )
    ]


def test_a_file_over_the_size_limit_is_refused(example_bytes):
    assert _refused(example_bytes, max_bytes=1_000_000) == [
        (
            "file",
            "file_too_large",
            "The file is 1262679 bytes; expected at most 1000000 bytes.",
            "文件大小为 1262679 字节；最多允许 1000000 字节。",
        )
    ]


def test_check_file_accepts_the_example(example_bytes):
    check_file(example_bytes)


def test_a_missing_or_renamed_sheet_is_refused(edited):
    def rename(book):
        book["D_Processes"].title = "Processes"

    [(cell, code, en, zh)] = _refused(edited(rename))

    assert (cell, code) == ("D_Processes", "missing_sheet")
    assert en.startswith(
        "The sheet 'D_Processes' is missing (renamed or deleted); expected the template's "
        "sheets. Found: 0_Versions, a_Contents,"
    )
    assert "Processes" in en.split("Found: ")[1]
    assert zh.startswith("缺少工作表 'D_Processes'（已被重命名或删除）")


def test_a_deleted_sheet_is_refused(edited):
    def delete(book):
        del book["E_PurchPrec"]

    assert [p[:2] for p in _refused(edited(delete))] == [("E_PurchPrec", "missing_sheet")]


def test_text_in_a_number_cell_is_refused(edited):
    content = edited(lambda book: book["D_Processes"].__setitem__("L54", "about a million"))

    assert _refused(content) == [
        (
            "D_Processes!L54",
            "not_a_number",
            "D_Processes!L54 holds 'about a million'; expected a number.",
            "D_Processes!L54 的内容为 'about a million'；应为数字。",
        ),
        (
            "D_Processes!L54",
            "missing",
            "D_Processes!L54: process 'Cement Bubble' has no directly attributable emissions; "
            "expected tCO2e (0 if none).",
            "D_Processes!L54：生产工艺 'Cement Bubble' 未填写直接可归属排放；"
            "应填写 tCO2e（如无则填 0）。",
        ),
    ]


@pytest.mark.parametrize("error", ["#REF!", "#DIV/0!"])
def test_an_excel_error_value_is_refused(edited, error):
    content = edited(lambda book: book["D_Processes"].__setitem__("L66", error))

    assert _refused(content) == [
        (
            "D_Processes!L66",
            "error_value",
            f"D_Processes!L66 holds the Excel error {error}; expected a number.",
            f"D_Processes!L66 含有 Excel 错误值 {error}；应为数字。",
        )
    ]


def test_a_formula_that_cannot_be_evaluated_without_results_is_refused(edited):
    content = edited(lambda book: book["D_Processes"].__setitem__("L66", "=VLOOKUP(1,A1:B2,2)"))

    [(cell, code, en, _zh)] = _refused(content)
    assert (cell, code) == ("D_Processes!L66", "formula_without_result")
    assert en.startswith("D_Processes!L66 holds the formula '=VLOOKUP(1,A1:B2,2)' without a stored")


def test_a_process_without_activity_level_is_refused(edited):
    content = edited(lambda book: book["D_Processes"].__setitem__("L16", None))

    assert _refused(content) == [
        (
            "D_Processes!L16",
            "no_activity_level",
            "D_Processes!L16: process 'Cement Bubble' has no activity level; expected the tonnes "
            "it produced in the period (more than zero).",
            "D_Processes!L16：生产工艺 'Cement Bubble' 没有活动水平；"
            "应填写报告期内的产量（吨，大于零）。",
        )
    ]


def test_a_purchased_precursor_without_mass_is_refused(edited):
    def add_precursor(book):
        book["A_InstData"]["E102"] = "Cement clinker"
        book["A_InstData"]["F102"] = "CN"
        book["A_InstData"]["L102"] = "Clinker from Tangshan"

    assert _refused(edited(add_precursor)) == [
        (
            "E_PurchPrec!L17",
            "precursor_without_mass",
            "E_PurchPrec!L17: purchased precursor 'Clinker from Tangshan' has no mass consumed in "
            "a production process (E_PurchPrec rows 28-37); expected the tonnes consumed.",
            "E_PurchPrec!L17：外购前体 'Clinker from Tangshan' 没有填写在生产工艺中消耗的质量"
            "（E_PurchPrec 第 28-37 行）；应填写消耗的吨数。",
        )
    ]


def test_every_problem_is_reported_at_once(edited):
    def break_two(book):
        book["A_InstData"]["I9"] = "last year"
        book["D_Processes"]["L66"] = "#REF!"

    assert [p[:2] for p in _refused(edited(break_two))] == [
        ("A_InstData!I9", "not_a_date"),
        ("D_Processes!L66", "error_value"),
    ]
