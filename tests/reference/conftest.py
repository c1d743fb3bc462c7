"""Fixtures of the reference-data tests: the shipped tables loaded, row counts, CSV writers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from accounts.audit import Actor
from accounts.models import AuditEvent
from reference.models import ROW_MODELS, ReferenceVersion
from reference.selectors import reference_snapshot_cache_clear
from reference.services import reference_data_load_shipped

TEST_DATA = Path(__file__).resolve().parents[1] / "data" / "reference"
ACTOR = Actor.platform("tests")


@pytest.fixture(autouse=True)
def _fresh_snapshot_cache() -> Iterator[None]:
    reference_snapshot_cache_clear()
    yield
    reference_snapshot_cache_clear()


@pytest.fixture(autouse=True)
def _empty_reference_tables(request: pytest.FixtureRequest) -> None:
    """The loader's tests load their own versions: they start from empty reference tables,
    not from the data the session loaded (tests/conftest.py)."""
    if request.node.get_closest_marker("django_db") or "db" in request.fixturenames:
        request.getfixturevalue("no_reference_data")


@pytest.fixture
def shipped(db: None) -> dict[str, ReferenceVersion]:
    """The shipped tables, all valid from 2026-01-01: per table the version in force, the last
    loaded: version 1 of each, but version 2 of ``default_values`` (Annex I as replaced by
    IR 2026/1740, shipped after version 1 for the same start date, supersedes it)."""
    return {version.dataset: version for version, _ in reference_data_load_shipped(actor=ACTOR)}


def table_counts() -> dict[str, int]:
    """Versions, rows per table and audit events: what a refused load must leave unchanged."""
    counts = {dataset: model.objects.count() for dataset, model in ROW_MODELS.items()}
    counts["versions"] = ReferenceVersion.objects.count()
    counts["audit_events"] = AuditEvent.objects.count()
    return counts


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write ``text`` to ``tmp_path/name`` (``\\n`` line ends) and return the path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
