"""CN 2026 (cn_codes v2, reference/data/cn-codes-cn2026.csv): 7308 20 10, the CN 2026 code for
CBAM goods DOMAIN.md names, is a CBAM good of the category of its CN 2025 predecessor
7308 20 00; the loader checks every predecessor."""

from __future__ import annotations

from datetime import date

import pytest

from reference.errors import ReferenceDataInvalid
from reference.selectors import cn_code_category
from reference.services import DATA_DIR, reference_version_load

from .conftest import ACTOR

pytestmark = pytest.mark.django_db


def test_cn_2026_makes_7308_20_10_a_cbam_good_of_7308_20_00s_category(shipped):
    assert shipped["cn_codes"].number == 2
    on = date(2026, 6, 30)
    assert cn_code_category(cn_code="73082010", on=on) == "Iron or steel products"
    assert cn_code_category(cn_code="73082000", on=on) == "Iron or steel products"
    assert "7308 20 10, the example DOMAIN.md gives" in shipped["cn_codes"].source
    assert "No other CN 2026 change is loaded" in shipped["cn_codes"].source


def test_a_predecessor_must_be_a_code_of_the_same_list_and_category(shipped, write_csv):
    v2 = (DATA_DIR / "cn-codes-cn2026.csv").read_text(encoding="utf-8")
    bad = v2.replace(
        "Iron or steel products,73082000",
        "Iron or steel products,73089999",
    ).replace(
        '73083000,7308 30 00,"Doors, windows and their frames and thresholds for doors, of iron '
        'or steel",Iron or steel products,',
        '73083000,7308 30 00,"Doors, windows and their frames and thresholds for doors, of iron '
        'or steel",Iron or steel products,25232900',
    )
    path = write_csv("cn-bad.csv", bad)

    with pytest.raises(ReferenceDataInvalid) as refused:
        reference_version_load(
            dataset="cn_codes",
            path_or_file=path,
            label="bad",
            valid_from=date(2027, 1, 1),
            actor=ACTOR,
        )

    expected = (
        "expected blank, or the 8-digit CN 2025 code of this file the code replaces, of the "
        "same category and without a predecessor of its own, e.g. 73082000"
    )
    assert [p.text for p in refused.value.problems] == [
        "line 453, column cn2025_predecessor: '73089999' is not a CN code of this file; "
        f"{expected}",
        f"line 454, column cn2025_predecessor: '25232900' is of another category (Cement); "
        f"{expected}",
    ]
