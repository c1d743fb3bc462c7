"""manage.py load_reference_data and load_reference_version: what they print, and that a refused
file exits non-zero with every problem printed and nothing loaded."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reference.datasets import SHIPPED
from reference.models import ReferenceVersion
from reference.selectors import certificate_price_for_importation, reference_snapshot_for
from reference.services import DATA_DIR, reference_version_load

from .conftest import ACTOR, TEST_DATA, table_counts

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err, no_color=True)
    return out.getvalue(), err.getvalue()


def test_load_reference_data_prints_each_table_loaded_then_already_present():
    out, _ = _run("load_reference_data")

    lines = out.splitlines()
    assert lines[:4] == [
        "loaded goods_categories v1 (Reg. 2023/956 Annex II, template v2.1.1): 18 rows from "
        "goods-categories-routes-precursors.csv, valid from 2026-01-01",
        "loaded cn_codes v1 (Reg. 2023/956 Annex I): 572 rows from "
        "cn-codes-aggregated-goods-categories.csv, valid from 2026-01-01",
        "loaded default_values v1 (IR 2025/2621 Annex I, workbook of 2026-02-04): 1958 rows "
        "from default-values-ir2025-2621.csv, valid from 2026-01-01",
        # The default values ship a second version from the same date: Annex I as replaced by
        # IR 2026/1740, one row fewer (RU 720241 dropped).
        "loaded default_values v2 (IR 2025/2621 Annex I as replaced by IR 2026/1740): 1957 rows "
        "from default-values-ir2026-1740.csv, valid from 2026-01-01",
    ]
    # Twelve shipped files (two default-value and two CN-code versions), Annex IV, CN 2026 and
    # the certificate prices last: the summary is the thirteenth line.
    assert lines[9:12] == [
        "loaded unknown_origin_values v1 (IR 2025/2621 Annex IV as replaced by IR 2026/1740 "
        "(7601 only)): 1 rows from unknown-origin-values-ir2026-1740.csv, valid from 2026-01-01",
        "loaded cn_codes v2 (CN 2026: Reg. 2023/956 Annex I with 7308 20 10): 573 rows from "
        "cn-codes-cn2026.csv, valid from 2026-01-01",
        "loaded certificate_prices v1 (Certificate prices Q1-Q2 2026 (third-party reports)): "
        "2 rows from certificate-prices-ir2025-2548.csv, valid from 2026-01-01",
    ]
    assert len(lines) == 13
    assert lines[12].startswith("reference data: 12 table(s) loaded, 0 already present (")

    again, _ = _run("load_reference_data")

    assert again.splitlines()[2:4] == [
        "already present: default_values v1 (IR 2025/2621 Annex I, workbook of 2026-02-04), "
        "valid from 2026-01-01",
        "already present: default_values v2 (IR 2025/2621 Annex I as replaced by IR 2026/1740), "
        "valid from 2026-01-01",
    ]
    assert again.splitlines()[12].startswith(
        "reference data: 0 table(s) loaded, 12 already present"
    )
    assert ReferenceVersion.objects.count() == 12


def test_load_reference_data_on_an_existing_database_loads_only_the_new_versions():
    """A database loaded before Annex IV, CN 2026 and the certificate prices were shipped: the
    command adds the three as updates and leaves the nine earlier versions as they were."""
    new = {"unknown-origin-values-ir2026-1740.csv", "cn-codes-cn2026.csv"}
    new.add("certificate-prices-ir2025-2548.csv")
    for shipped_file in SHIPPED:
        if shipped_file.file_name not in new:
            reference_version_load(
                dataset=shipped_file.dataset,
                path_or_file=DATA_DIR / shipped_file.file_name,
                label=shipped_file.label,
                valid_from=shipped_file.valid_from,
                actor=ACTOR,
            )
    before = list(ReferenceVersion.objects.order_by("id").values_list("pk", "valid_to"))

    out, _ = _run("load_reference_data")

    lines = out.splitlines()
    assert [line for line in lines if line.startswith("loaded ")] == [
        "loaded unknown_origin_values v1 (IR 2025/2621 Annex IV as replaced by IR 2026/1740 "
        "(7601 only)): 1 rows from unknown-origin-values-ir2026-1740.csv, valid from 2026-01-01",
        "loaded cn_codes v2 (CN 2026: Reg. 2023/956 Annex I with 7308 20 10): 573 rows from "
        "cn-codes-cn2026.csv, valid from 2026-01-01",
        "loaded certificate_prices v1 (Certificate prices Q1-Q2 2026 (third-party reports)): "
        "2 rows from certificate-prices-ir2025-2548.csv, valid from 2026-01-01",
    ]
    assert lines[-1].startswith("reference data: 3 table(s) loaded, 9 already present")
    assert list(ReferenceVersion.objects.order_by("id").values_list("pk", "valid_to"))[:9] == (
        before
    )
    snapshot = reference_snapshot_for(on=date(2026, 6, 30))
    assert snapshot.category("73082010") == "Iron or steel products"
    assert snapshot.unknown_origin_row("7601") is not None
    assert certificate_price_for_importation(on=date(2026, 5, 1)).price_eur == Decimal("75.28")


def test_load_reference_version_loads_a_file_as_a_new_version(shipped):
    out, err = _run(
        "load_reference_version",
        "default_values",
        str(TEST_DATA / "default-values-2027.csv"),
        "--label",
        "2027 update",
        "--valid-from",
        "2027-01-01",
    )

    # Version 3: the shipped default values are versions 1 and 2 (IR 2026/1740), both
    # open-ended from 2026-01-01, so the 2027 version ends both on 2026-12-31.
    assert out == "loaded default_values v3 (2027 update): 3 rows, valid from 2027-01-01\n"
    assert err == ""
    assert list(
        ReferenceVersion.objects.filter(dataset="default_values")
        .order_by("number")
        .values_list("number", "valid_to")
    ) == [(1, date(2026, 12, 31)), (2, date(2026, 12, 31)), (3, None)]

    out, _ = _run(
        "load_reference_version",
        "default_values",
        str(TEST_DATA / "default-values-2027.csv"),
        "--label",
        "again",
        "--valid-from",
        "2027-01-01",
    )
    assert out == (
        "already present: default_values v3 (2027 update) has the same content, "
        "valid from 2027-01-01\n"
    )


def test_load_reference_version_prints_every_bad_row_and_exits_non_zero(shipped, write_csv):
    path = write_csv(
        "bad.csv",
        "cn_code,country,direct_tco2e_per_t,indirect_tco2e_per_t,production_route\n"
        "99999999,CN,1.5,,C\n"
        "7208,XX,-1,,C\n",
    )
    before = table_counts()
    err = StringIO()

    with pytest.raises(CommandError) as caught:
        call_command(
            "load_reference_version",
            "default_values",
            str(path),
            "--label",
            "bad",
            "--valid-from",
            "2027-01-01",
            stderr=err,
        )

    assert str(caught.value) == "default_values: 3 problems in bad.csv; nothing was loaded"
    assert err.getvalue().splitlines() == [
        "line 2, column cn_code: '99999999' is not in cn_codes v2 (CN 2026: Reg. 2023/956 "
        "Annex I with 7308 20 10), the CN-code list valid on 2027-01-01; expected an 8-digit "
        "CN code of that list, or a 4- or 6-digit heading of one of its codes",
        "line 3, column country: 'XX' is not a country code; expected an ISO 3166-1 alpha-2 "
        "code such as CN or TR, EU, or OTHER for other countries and territories",
        "line 3, column direct_tco2e_per_t: '-1' is negative; expected a decimal number of at "
        "least 0 (tCO2e per tonne of good), e.g. 1.66",
    ]
    assert table_counts() == before


def test_load_reference_version_refuses_bad_arguments(shipped, write_csv):
    path = str(TEST_DATA / "default-values-2027.csv")

    with pytest.raises(CommandError, match=r"'2027-13-01' is not a date; expected YYYY-MM-DD"):
        call_command(
            "load_reference_version",
            "default_values",
            path,
            "--label",
            "x",
            "--valid-from",
            "2027-13-01",
        )
    with pytest.raises(CommandError, match=r"argument dataset: invalid choice: 'defaults'"):
        call_command(
            "load_reference_version", "defaults", path, "--label", "x", "--valid-from", "2027-01-01"
        )
    with pytest.raises(CommandError, match=r"^/nonexistent\.csv: no such file$"):
        call_command(
            "load_reference_version",
            "default_values",
            "/nonexistent.csv",
            "--label",
            "x",
            "--valid-from",
            "2027-01-01",
        )
    with pytest.raises(
        CommandError,
        match=r"^valid_to is before valid_from: 2026-01-01 is before valid_from 2027-01-01; ",
    ):
        call_command(
            "load_reference_version",
            "default_values",
            path,
            "--label",
            "x",
            "--valid-from",
            "2027-01-01",
            "--valid-to",
            "2026-01-01",
        )
    # Nothing loaded: the two shipped default-value versions (v1 and v2, IR 2026/1740) only.
    assert ReferenceVersion.objects.filter(dataset="default_values").count() == 2
