"""The Commission's filled cement example (template v2.1) and bad files built from it; a
footprint's export shared by the tests that only read the workbook."""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from openpyxl import Workbook, load_workbook

from accounts.audit import Actor
from cbam.csv_snapshot import snapshot_from_csv
from cbam.reference import ReferenceSnapshot
from suppliers.models import Footprint
from suppliers.services.eu_template_export import communication_template_export
from suppliers.services.footprints import footprint_create
from tests.suppliers.conftest import footprint_input, producer_create

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


@contextmanager
def rolled_back(django_db_blocker: Any) -> Iterator[None]:
    """Database access for a fixture wider than one test, in a transaction rolled back at the
    end: what it made is gone when the tests run; they keep the bytes and figures it returns.
    The session's reference data (tests/conftest.py) is there; passwords are hashed the quick
    way, as in every test."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        yield
        transaction.set_rollback(True)


@dataclass(frozen=True)
class Export:
    """A workbook exported from footprints that existed only in a rolled-back transaction:
    their field values stay on these instances (read them; do not follow relations)."""

    name: str
    content: bytes
    footprints: tuple[Footprint, ...]


@pytest.fixture(scope="session")
def steel_export(django_db_setup: None, django_db_blocker: Any) -> Export:
    """tests/suppliers/conftest.py's footprint (1 Mt of hot-rolled coil, one precursor with the
    supplier's SEE) at an installation with a UN/LOCODE, exported once for every test that
    only reads that workbook (openpyxl takes seconds to load and save the template)."""
    with rolled_back(django_db_blocker):
        producer = producer_create()
        # The reader finds the country from the template's name only in a recalculated
        # workbook (c_CodeLists' cached names), else from the UN/LOCODE: give it one.
        producer.installation.un_locode = "CNTSN"
        producer.installation.save()
        footprint = footprint_create(
            actor=Actor(user=producer.users["preparer"]),
            organisation=producer.organisation,
            data=footprint_input(producer),
        )
        content = communication_template_export(footprints=[footprint])
        footprint.refresh_from_db()  # the figures as stored
    return Export("steel", content, (footprint,))
