"""Reference tables for the engine tests: the product's own CSVs in reference/data (the same
files ``manage.py load_reference_data`` loads), and the official examples in tests/data/cbam."""

from __future__ import annotations

from pathlib import Path

import pytest

from cbam.csv_snapshot import snapshot_from_csv
from cbam.reference import ReferenceSnapshot

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "reference" / "data"
EXAMPLES = ROOT / "tests" / "data" / "cbam"


@pytest.fixture(scope="session")
def snapshot() -> ReferenceSnapshot:
    return snapshot_from_csv(DATA)
