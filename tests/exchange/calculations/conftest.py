"""Reference tables for the engine tests: the product's own copies in tests/data/cbam."""

from __future__ import annotations

from pathlib import Path

import pytest

from exchange.calculations.csv_snapshot import snapshot_from_csv
from exchange.calculations.reference import ReferenceSnapshot

DATA = Path(__file__).resolve().parents[2] / "data" / "cbam"


@pytest.fixture(scope="session")
def snapshot() -> ReferenceSnapshot:
    return snapshot_from_csv(DATA)
