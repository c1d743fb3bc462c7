"""The Commission's cement example moved to 2026 (as tests/suppliers/eu_template prepares it)
and a bad file built from it, for the import's API and pages; the work row runs in this
process (``core.jobs.job_execute``, as tests/exchange/sharing/conftest.py ``run_jobs`` does)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import datetime

import pytest
from openpyxl import Workbook

from core.jobs import job_execute
from suppliers.models import CommunicationTemplateImport
from tests.suppliers.eu_template.conftest import EXAMPLE, example_edited, one_bad_process

# The pages' signed-in clients (fixtures used by test_pages.py).
from tests.suppliers.pages.conftest import preparer, viewer  # noqa: F401


def edit_example(change: Callable[[Workbook], None]) -> bytes:
    """The example changed by ``change`` and saved by openpyxl (no cached results): the
    example is parsed once per process (``example_edited``)."""
    return example_edited(change)


def _to_2026(book: Workbook) -> None:
    book["A_InstData"]["I9"] = datetime(2026, 1, 1)
    book["A_InstData"]["L9"] = datetime(2026, 12, 31)


def moved_to_2026() -> bytes:
    """The example with its period moved to 2026 in the sheet's XML (2023-01-01/12-31 ->
    2026-01-01/12-31, Excel serials 46023/46387): unlike a save by openpyxl, the workbook
    keeps its cached results (Summary_Products), which the report shows beside the engine's."""
    sheet = "xl/worksheets/sheet5.xml"  # A_InstData
    out = io.BytesIO()
    with (
        zipfile.ZipFile(EXAMPLE) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == sheet:
                text = data.decode()
                for old, new in (
                    ('<c r="I9" s="1068"><v>44927</v>', '<c r="I9" s="1068"><v>46023</v>'),
                    ('<c r="L9" s="1068"><v>45291</v>', '<c r="L9" s="1068"><v>46387</v>'),
                ):
                    assert text.count(old) == 1, old
                    text = text.replace(old, new)
                data = text.encode()
            copy.writestr(info, data)
    return out.getvalue()


@pytest.fixture(scope="session")
def example_2026() -> bytes:
    return moved_to_2026()


def ref_error() -> bytes:
    """The 2026 example with ``#REF!`` typed in D_Processes!L66 (saved by openpyxl)."""

    def change(book: Workbook) -> None:
        _to_2026(book)
        book["D_Processes"]["L66"] = "#REF!"

    return edit_example(change)


@pytest.fixture(scope="session")
def ref_error_2026() -> bytes:
    return ref_error()


def one_bad_process_file() -> bytes:
    """The example with three more processes in 2026, one of them bad (``one_bad_process``)."""
    return edit_example(one_bad_process)


@pytest.fixture(scope="session")
def one_bad_process_2026() -> bytes:
    return one_bad_process_file()


def run_import(import_id: str) -> None:
    """Run the work row of an upload here, as a worker would."""
    row = CommunicationTemplateImport.objects.get(pk=import_id)
    assert row.job_id is not None
    job_execute(job_id=row.job_id)


#: The engine's SEE of the example's one good and the workbook's own values.
SEE = {"see_direct": "0.78521", "see_indirect": "0.12224", "see_total": "0.90746"}
WORKBOOK_SEE = {
    "see_direct": "0.7852147410358565",
    "see_indirect": "0.12224275",
    "see_total": "0.9074574910358565",
}
REF_PROBLEM = {
    "cell": "D_Processes!L66",
    "code": "error_value",
    "severity": "error",
    "message_en": "D_Processes!L66 holds the Excel error #REF!; expected a number.",
    "message_zh": "D_Processes!L66 含有 Excel 错误值 #REF!；应为数字。",
}
