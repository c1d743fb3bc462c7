"""The Commission's filled cement example (template v2.1) and bad files built from it."""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from cbam.csv_snapshot import snapshot_from_csv
from cbam.reference import ReferenceSnapshot

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "tests" / "data" / "cbam" / "eu-example-cement.xlsx"


@pytest.fixture(scope="session")
def example_bytes() -> bytes:
    return EXAMPLE.read_bytes()


@pytest.fixture(scope="session")
def csv_snapshot() -> ReferenceSnapshot:
    return snapshot_from_csv(ROOT / "reference" / "data")


@pytest.fixture(scope="session")
def edited(example_bytes: bytes) -> Callable[[Callable[[Workbook], None]], bytes]:
    """The example changed by ``change`` and saved by openpyxl (which keeps no cached
    results, like a tool that does not calculate)."""

    def make(change: Callable[[Workbook], None]) -> bytes:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            book = load_workbook(io.BytesIO(example_bytes))
        change(book)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    return make
