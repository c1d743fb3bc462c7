"""The Commission's filled cement example (template v2.1) and bad files built from it; a
footprint's export shared by the tests that only read the workbook."""

from __future__ import annotations

import functools
import io
import pickle
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
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


@functools.cache
def _example_pickled() -> bytes:
    """The example as openpyxl loads it, pickled once per process."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return pickle.dumps(load_workbook(io.BytesIO(EXAMPLE.read_bytes())))


def example_edited(change: Callable[[Workbook], None]) -> bytes:
    """The example changed by ``change`` and saved by openpyxl (which keeps no cached
    results, like a tool that does not calculate).

    The 1.3 MB example is parsed once per process; each edit changes a private copy unpickled
    from it (1.5 s of CPU against 4 s to parse the file again). Saved, the copy holds the
    same cells, values, number formats, styles and formulas as a freshly loaded workbook
    (checked cell by cell when this was written; only styles.xml's table is numbered
    differently)."""
    book = pickle.loads(_example_pickled())
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(scope="session")
def edited() -> Callable[[Callable[[Workbook], None]], bytes]:
    """``example_edited``, for the tests that take it as a fixture."""
    return example_edited


def move_to_2026(book: Workbook) -> None:
    """The period of the definitive period, for which the platform holds reference data."""
    book["A_InstData"]["I9"] = datetime(2026, 1, 1)
    book["A_InstData"]["L9"] = datetime(2026, 12, 31)


def add_processes(book: Workbook) -> None:
    """Three processes beside the example's P1 Cement Bubble (whose good, row 10, stays
    0.78521 / 0.12224 / 0.90746):

    - P2 Clinker kiln (cement clinker): 1000 t, 850 tCO2e, 50 MWh × 0.8 tCO2/MWh; 400 t of its
      clinker go to P3 (D_Processes!L98) and none of its goods is listed;
    - P3 Aluminous cement mill: 500 t, 100 tCO2e; Summary_Products row 11, CN 25233000:
      (100 + 400 × 0.85) / 500 = 0.88 direct, 400 × 0.04 / 500 = 0.032 indirect;
    - P4 Clay calciner: 200 t, 30 tCO2e, 10 MWh × 0.5; row 12, CN 25070080: 0.15 / 0.025.
    """
    a, d, s = book["A_InstData"], book["D_Processes"], book["Summary_Products"]
    for row, category, name in (
        (84, "Cement clinker", "Clinker kiln"),
        (85, "Aluminous cement", "Aluminous cement mill"),
        (86, "Calcined clays", "Clay calciner"),
    ):
        a[f"E{row}"], a[f"L{row}"] = category, name
    # Blocks of 65 rows from row 11: L+5 production, L+22 (P2 only) consumed in P3, L+43
    # directly attributable emissions, L+54 / L+55 electricity and its factor.
    d["L81"], d["L98"], d["L119"], d["L130"], d["L131"] = 1000, 400, 850, 50, 0.8
    d["L146"], d["L184"] = 500, 100
    d["L211"], d["L249"], d["L260"], d["L261"] = 200, 30, 10, 0.5
    s["D11"], s["F11"], s["H11"] = "Aluminous cement mill", "25233000", "Ciment fondu"
    s["D12"], s["F12"], s["H12"] = "Clay calciner", "25070080", "Metakaolin"


def one_bad_process(book: Workbook) -> None:
    """The four processes in 2026, with ``#REF!`` as P2 Clinker kiln's directly attributable
    emissions (D_Processes!L119): P2 and P3, which consumes its clinker, are left out with
    the choice; rows 10 (P1) and 12 (P4) are imported."""
    move_to_2026(book)
    add_processes(book)
    book["D_Processes"]["L119"] = "#REF!"


@pytest.fixture(scope="session")
def four_processes(edited) -> bytes:
    def change(book: Workbook) -> None:
        move_to_2026(book)
        add_processes(book)

    return edited(change)


@pytest.fixture(scope="session")
def one_bad_process_2026(edited) -> bytes:
    return edited(one_bad_process)


#: What the choice leaves out of ``one_bad_process`` (the report's ``left_out``).
REF_L119 = {
    "cell": "D_Processes!L119",
    "code": "error_value",
    "severity": "error",
    "message_en": "D_Processes!L119 holds the Excel error #REF!; expected a number.",
    "message_zh": "D_Processes!L119 含有 Excel 错误值 #REF!；应为数字。",
}
MISSING_L119 = {
    "cell": "D_Processes!L119",
    "code": "missing",
    "severity": "error",
    "message_en": "D_Processes!L119: process 'Clinker kiln' has no directly attributable "
    "emissions; expected tCO2e (0 if none).",
    "message_zh": "D_Processes!L119：生产工艺 'Clinker kiln' 未填写直接可归属排放；"
    "应填写 tCO2e（如无则填 0）。",
}
CLINKER_LEFT_OUT = {
    "cell": "D_Processes!L98",
    "code": "precursor_left_out",
    "severity": "error",
    "message_en": "D_Processes!L98: process 'Aluminous cement mill' consumes the product of "
    "process 'Clinker kiln', which is left out for its problems (D_Processes!L119); expected a "
    "precursor that is imported, so this process and its goods are left out too.",
    "message_zh": "D_Processes!L98：生产工艺 'Aluminous cement mill' 消耗生产工艺 "
    "'Clinker kiln' 的产品，而后者因存在问题（D_Processes!L119）未导入；"
    "前体须一并导入，因此该工艺及其货物也未导入。",
}
LEFT_OUT = [
    {
        "row": 11,
        "process": "Aluminous cement mill",
        "cn_code": "25233000",
        "product_name": "Ciment fondu",
        "precursor": None,
        "cells": ["D_Processes!L98"],
        "problems": [CLINKER_LEFT_OUT],
    },
    {
        "row": None,
        "process": "Clinker kiln",
        "cn_code": None,
        "product_name": None,
        "precursor": None,
        "cells": ["D_Processes!L119"],
        "problems": [REF_L119, MISSING_L119],
    },
]
#: The engine's SEE of the goods imported from ``one_bad_process``: rows 10 and 12.
IMPORTED_SEE = {
    10: ("0.78521", "0.12224", "0.90746"),
    12: ("0.15000", "0.02500", "0.17500"),
}


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
