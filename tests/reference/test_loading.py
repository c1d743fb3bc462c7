"""Loading reference versions: the shipped tables, idempotency, validity periods, immutability."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal as D

import pytest

from accounts.models import AuditEvent
from cbam import ObligationInput, compute_obligation
from reference.datasets import DATASETS
from reference.models import (
    CnCode,
    DefaultValue,
    GoodsCategory,
    Immutable,
    ReferenceVersion,
)
from reference.selectors import reference_snapshot_for
from reference.services import DATA_DIR, reference_data_load_shipped, reference_version_load

from .conftest import ACTOR, TEST_DATA, table_counts

pytestmark = pytest.mark.django_db

SHIPPED_ROWS = {
    "goods_categories": 18,
    "cn_codes": 572,
    "default_values": 1958,
    "benchmarks": 2465,
    "electricity_factors": 49,
    "mark_ups": 13,
    "cbam_factors": 9,
    "cscf": 5,
}


def test_the_shipped_tables_load_as_version_1_with_exact_row_counts(shipped):
    assert {dataset: v.row_count for dataset, v in shipped.items()} == SHIPPED_ROWS
    counts = table_counts()
    assert {dataset: counts[dataset] for dataset in DATASETS} == SHIPPED_ROWS
    assert counts["versions"] == 8
    for version in shipped.values():
        assert version.number == 1
        assert version.valid_from == date(2026, 1, 1)
        assert version.valid_to is None
        path = DATA_DIR / version.file_name
        assert version.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert version.source.startswith("# ")
    assert shipped["default_values"].label == "IR 2025/2621 Annex I, workbook of 2026-02-04"
    assert (
        shipped["default_values"]
        .source.splitlines()[0]
        .startswith("# CBAM DEFINITIVE-period default values (IR (EU) 2025/2621 Annex I)")
    )


def test_each_row_keeps_its_line_in_the_shipped_file(shipped):
    row = DefaultValue.objects.get(version=shipped["default_values"], cn_code="7208", country="CN")
    assert (row.line, row.direct_tco2e_per_t, row.production_route) == (35, D("3.186892655"), "C")
    lines = (DATA_DIR / "default-values-ir2025-2621.csv").read_text(encoding="utf-8").splitlines()
    assert lines[35 - 1].startswith("7208,CN,3.186892655,,")


def test_goods_categories_carry_the_regulation_s_indirect_rule_routes_and_precursors(shipped):
    ammonia = GoodsCategory.objects.get(category="Ammonia")
    crude_steel = GoodsCategory.objects.get(category="Crude steel")
    unwrought = GoodsCategory.objects.get(category="Unwrought aluminium")

    # The template flags ammonia "FALSE"; Annex II of Reg. 2023/956 (not listing 2814) wins.
    assert (ammonia.indirect_counts, ammonia.indirect_definitive_template) == (
        True,
        "FALSE(template; see caution)",
    )
    assert (ammonia.sector, ammonia.relevant_precursors) == ("Fertilisers", ["Hydrogen"])
    assert crude_steel.indirect_counts is False
    assert crude_steel.production_routes == ["Basic oxygen steelmaking", "Electric arc furnace"]
    assert crude_steel.relevant_precursors == [
        "Pig iron",
        "Direct reduced iron",
        "Alloys (FeMn, FeCr, FeNi)",
        "Crude steel",
        "Sintered Ore",
        "Hydrogen",
    ]
    # "Unwrought aluminium (from other sources; secondary route)": a category with a note.
    assert unwrought.relevant_precursors == ["Unwrought aluminium"]
    assert GoodsCategory.objects.get(category="Cement clinker").relevant_precursors == []


def test_loading_the_shipped_data_a_second_time_creates_nothing(shipped):
    before = table_counts()

    results = reference_data_load_shipped(actor=ACTOR)

    assert [created for _, created in results] == [False] * 8
    assert {version.dataset: version for version, _ in results} == shipped
    assert table_counts() == before


def test_each_loaded_table_writes_one_platform_audit_event_without_organisation(shipped):
    events = AuditEvent.objects.filter(action="reference.version_loaded").order_by("id")

    assert events.count() == 8
    event = events.get(object_id=str(shipped["default_values"].pk))
    assert (event.organisation_id, event.actor_label, event.object_type) == (
        None,
        "system:tests",
        "reference.referenceversion",
    )
    assert event.after["row_count"] == 1958
    assert event.after["valid_from"] == "2026-01-01"
    assert event.after["closed"] == []


def test_a_2027_default_values_version_leaves_2026_calculations_on_the_2026_values(shipped):
    version, created = reference_version_load(
        dataset="default_values",
        path_or_file=TEST_DATA / "default-values-2027.csv",
        label="test update 2027",
        valid_from=date(2027, 1, 1),
        actor=ACTOR,
    )

    assert created is True
    assert (version.number, version.row_count, version.valid_to) == (2, 3, None)
    shipped["default_values"].refresh_from_db()
    assert shipped["default_values"].valid_to == date(2026, 12, 31)

    old = reference_snapshot_for(on=date(2026, 6, 30))
    new = reference_snapshot_for(on=date(2027, 3, 1))
    assert old.default_row("7208", "CN").see_direct == D("3.186892655")
    assert old.default_row("7208", "CN").ref == (
        "default_values v1 (IR 2025/2621 Annex I, workbook of 2026-02-04) line 35"
    )
    assert new.default_row("7208", "CN").see_direct == D("2.9")
    assert new.default_row("7208", "CN").ref == "default_values v2 (test update 2027) line 3"
    assert len(new.default_values) == 3
    # The other tables are still version 1 on both dates.
    assert old.category_by_cn == new.category_by_cn

    hot_rolled = ObligationInput(
        year=2027,
        cn_code="72085120",
        country_of_origin="CN",
        quantity_t=D("100"),
        certificate_price_eur=D("80"),
    )
    # EE = 100 × 3.186892655 × 1.20 = 382.4271186; FAA = 100 × 0.95 × 1.370 = 130.15
    assert compute_obligation(hot_rolled, old).current.certificates == D("252.2771186")
    # EE = 100 × 2.9 × 1.20 = 348; certificates = 348 − 130.15 = 217.85; cost × 80
    current = compute_obligation(hot_rolled, new).current
    assert (current.certificates, current.cost_eur) == (D("217.85"), D("17428.00"))
    assert current.default_value.row.ref == "default_values v2 (test update 2027) line 3"

    event = AuditEvent.objects.get(object_id=str(version.pk))
    assert event.after["closed"] == [
        {
            "version": "default_values v1 (IR 2025/2621 Annex I, workbook of 2026-02-04)",
            "valid_to": "2026-12-31",
        }
    ]


def test_a_version_loaded_later_for_an_earlier_start_ends_before_the_next_version(
    shipped, write_csv
):
    reference_version_load(
        dataset="default_values",
        path_or_file=TEST_DATA / "default-values-2027.csv",
        label="2027",
        valid_from=date(2027, 1, 1),
        actor=ACTOR,
    )
    correction = write_csv(
        "correction.csv",
        "cn_code,country,direct_tco2e_per_t,indirect_tco2e_per_t,production_route\n"
        "7208,CN,3.0,,C\n",
    )

    version, _ = reference_version_load(
        dataset="default_values",
        path_or_file=correction,
        label="2026 correction",
        valid_from=date(2026, 1, 1),
        actor=ACTOR,
    )

    # It starts with version 1 and is imported later, so it wins in 2026, and ends where the
    # 2027 version starts.
    assert (version.number, version.valid_to) == (3, date(2026, 12, 31))
    assert reference_snapshot_for(on=date(2026, 1, 1)).default_row("7208", "CN").see_direct == (
        D("3.0")
    )
    assert reference_snapshot_for(on=date(2027, 1, 1)).default_row("7208", "CN").see_direct == (
        D("2.9")
    )


def test_a_file_identical_to_a_loaded_version_returns_that_version(shipped):
    before = table_counts()

    version, created = reference_version_load(
        dataset="cn_codes",
        path_or_file=DATA_DIR / "cn-codes-aggregated-goods-categories.csv",
        label="another label",
        valid_from=date(2027, 1, 1),
        actor=ACTOR,
    )

    assert (version, created) == (shipped["cn_codes"], False)
    assert version.label == "Reg. 2023/956 Annex I"
    assert table_counts() == before


def test_a_file_object_loads_like_a_path(shipped):
    with (TEST_DATA / "default-values-2027.csv").open("rb") as handle:
        version, created = reference_version_load(
            dataset="default_values",
            path_or_file=handle,
            label="upload",
            valid_from=date(2027, 1, 1),
            actor=ACTOR,
        )

    assert (created, version.file_name, version.row_count) == (True, "default-values-2027.csv", 3)


def test_rows_and_versions_cannot_be_changed_or_deleted(shipped):
    row = CnCode.objects.get(cn_code="72085120")
    version = shipped["cn_codes"]

    row.category = "Crude steel"
    with pytest.raises(Immutable):
        row.save()
    with pytest.raises(Immutable):
        row.delete()
    with pytest.raises(Immutable):
        CnCode.objects.filter(cn_code="72085120").update(category="Crude steel")
    with pytest.raises(Immutable):
        CnCode.objects.filter(cn_code="72085120").delete()
    version.label = "renamed"
    with pytest.raises(Immutable):
        version.save()
    with pytest.raises(Immutable):
        version.delete()

    assert CnCode.objects.get(cn_code="72085120").category == "Iron or steel products"
    assert ReferenceVersion.objects.get(pk=version.pk).label == "Reg. 2023/956 Annex I"
