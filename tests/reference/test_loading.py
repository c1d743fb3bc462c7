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
from reference.selectors import reference_snapshot_for, reference_versions_valid_on
from reference.services import DATA_DIR, reference_data_load_shipped, reference_version_load

from .conftest import ACTOR, TEST_DATA, table_counts

pytestmark = pytest.mark.django_db

# The shipped files in load order: (table, version number, rows). The default values ship two
# versions from 2026-01-01: v1, the earlier workbook, and v2, Annex I as replaced by
# IR 2026/1740, one row fewer (RU 720241 is "–" in the corrected annex).
SHIPPED_VERSIONS = [
    ("goods_categories", 1, 18),
    ("cn_codes", 1, 572),
    ("default_values", 1, 1958),
    ("default_values", 2, 1957),
    ("benchmarks", 1, 2465),
    ("electricity_factors", 1, 49),
    ("mark_ups", 1, 13),
    ("cbam_factors", 1, 9),
    ("cscf", 1, 5),
    ("unknown_origin_values", 1, 1),
    ("cn_codes", 2, 573),
    ("certificate_prices", 1, 2),
]
# Rows stored per table: both default-value versions keep theirs (1958 + 1957).
SHIPPED_ROWS = {
    "goods_categories": 18,
    "cn_codes": 572 + 573,
    "default_values": 1958 + 1957,
    "benchmarks": 2465,
    "electricity_factors": 49,
    "mark_ups": 13,
    "cbam_factors": 9,
    "cscf": 5,
    "unknown_origin_values": 1,
    "certificate_prices": 2,
}
V1_LABEL = "IR 2025/2621 Annex I, workbook of 2026-02-04"
V2_LABEL = "IR 2025/2621 Annex I as replaced by IR 2026/1740"
ON = date(2026, 6, 30)


def _default_values_v1() -> ReferenceVersion:
    return ReferenceVersion.objects.get(dataset="default_values", number=1)


def test_the_shipped_tables_load_as_version_1_with_exact_row_counts(shipped):
    """Version 1 of every table; the default values also version 2 (IR 2026/1740), loaded after
    version 1 for the same start date, which is the one ``shipped`` holds (the one in force)."""
    versions = list(ReferenceVersion.objects.order_by("id"))
    assert [(v.dataset, v.number, v.row_count) for v in versions] == SHIPPED_VERSIONS
    assert {dataset: v.number for dataset, v in shipped.items()} == {
        dataset: 2 if dataset in {"default_values", "cn_codes"} else 1 for dataset in DATASETS
    }
    counts = table_counts()
    assert {dataset: counts[dataset] for dataset in DATASETS} == SHIPPED_ROWS
    assert counts["versions"] == 12
    for version in versions:
        assert version.valid_from == date(2026, 1, 1)
        # Version 2 of the default values starts the same day as version 1: the loader ends only
        # versions that started earlier, so both stay open-ended (the latest imported wins).
        assert version.valid_to is None
        path = DATA_DIR / version.file_name
        assert version.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert version.source.startswith("# ")
    v1 = _default_values_v1()
    assert (v1.label, v1.file_name) == (V1_LABEL, "default-values-ir2025-2621.csv")
    assert v1.source.splitlines()[0].startswith(
        "# CBAM DEFINITIVE-period default values (IR (EU) 2025/2621 Annex I)"
    )
    v2 = shipped["default_values"]
    assert (v2.label, v2.file_name) == (V2_LABEL, "default-values-ir2026-1740.csv")
    assert v2.source.splitlines()[0].startswith(
        "# CBAM DEFINITIVE-period default values: Annex I of Implementing Regulation (EU) "
        "2025/2621 as replaced (corrected) by Implementing Regulation (EU) 2026/1740 (OJ L, "
        "2026/1740, 31.7.2026)"
    )


def test_each_row_keeps_its_line_in_the_shipped_file(shipped):
    row = DefaultValue.objects.get(version=_default_values_v1(), cn_code="7208", country="CN")
    assert (row.line, row.direct_tco2e_per_t, row.production_route) == (35, D("3.186892655"), "C")
    lines = (DATA_DIR / "default-values-ir2025-2621.csv").read_text(encoding="utf-8").splitlines()
    assert lines[35 - 1].startswith("7208,CN,3.186892655,,")
    # v2 (IR 2026/1740) prints the value at 3 decimals, one line lower: its notes are 7 lines.
    row = DefaultValue.objects.get(version=shipped["default_values"], cn_code="7208", country="CN")
    assert (row.line, row.direct_tco2e_per_t, row.production_route) == (36, D("3.187"), "C")
    lines = (DATA_DIR / "default-values-ir2026-1740.csv").read_text(encoding="utf-8").splitlines()
    assert lines[36 - 1].startswith("7208,CN,3.187,,")


def test_the_default_values_in_force_in_2026_are_those_of_ir_2026_1740_and_v1_is_kept(shipped):
    """IR 2026/1740 replaced Annex I from 1 January 2026: v2 supersedes v1 from the same date (the
    latest imported wins), and v1 stays stored, unchanged, for the record."""
    v1, v2 = _default_values_v1(), shipped["default_values"]

    assert reference_versions_valid_on(on=date(2026, 1, 1))["default_values"] == v2
    assert reference_versions_valid_on(on=ON)["default_values"] == v2
    snapshot = reference_snapshot_for(on=ON)
    assert len(snapshot.default_values) == 1957

    def cited(cn_code, country):
        row = snapshot.default_row(cn_code, country)
        return (row.see_direct, row.see_indirect, row.production_route, row.ref)

    # 3.186892655 in v1, at the 3 decimals of the Official Journal in v2.
    assert cited("7208", "CN") == (
        D("3.187"),
        None,
        "C",
        "default_values v2 (IR 2025/2621 Annex I as replaced by IR 2026/1740) line 36",
    )
    # A corrected value: 5.588 in v1.
    assert cited("72262000", "OTHER") == (
        D("5.500"),
        None,
        "F",
        "default_values v2 (IR 2025/2621 Annex I as replaced by IR 2026/1740) line 1846",
    )
    # A corrected route: none in v1.
    assert cited("73063018", "CN") == (
        D("3.565"),
        None,
        "C",
        "default_values v2 (IR 2025/2621 Annex I as replaced by IR 2026/1740) line 149",
    )
    # "–" in the corrected annex: no Russian value for ferro-chromium 7202 41 (OTHER applies).
    assert snapshot.default_row("720241", "RU") is None

    # v1 is kept: open-ended like v2 (same start, so the load of v2 closed nothing), all its
    # rows, and immutable.
    v1.refresh_from_db()
    assert (v1.valid_from, v1.valid_to, v1.row_count) == (date(2026, 1, 1), None, 1958)
    assert DefaultValue.objects.filter(version=v1).count() == 1958
    old = DefaultValue.objects.get(version=v1, cn_code="72262000", country="OTHER")
    assert (old.line, old.direct_tco2e_per_t, old.production_route) == (1846, D("5.588"), "F")
    assert DefaultValue.objects.filter(version=v1, cn_code="720241", country="RU").exists()
    old.direct_tco2e_per_t = D("5.500")
    with pytest.raises(Immutable):
        old.save()
    with pytest.raises(Immutable):
        DefaultValue.objects.filter(version=v1).delete()
    assert DefaultValue.objects.get(pk=old.pk).direct_tco2e_per_t == D("5.588")


def test_v2_differs_from_v1_exactly_by_ir_2026_1740_s_corrections(shipped):
    """Every difference between the two shipped default-value versions: one row dropped, six CN
    codes re-routed for all nine origins, one value corrected; every other value is v1's at
    3 decimals (a tie may go either way: 4.0905 became 4.090, 4.1005 became 4.101)."""

    def rows(version):
        return {
            (r.cn_code, r.country): (
                r.direct_tco2e_per_t,
                r.indirect_tco2e_per_t,
                r.production_route,
            )
            for r in DefaultValue.objects.filter(version=version)
        }

    v1, v2 = rows(_default_values_v1()), rows(shipped["default_values"])

    assert set(v1) - set(v2) == {("720241", "RU")}
    assert set(v2) <= set(v1)
    origins = ["CN", "IN", "KR", "OTHER", "RU", "TR", "UA", "US", "VN"]
    rerouted: dict[tuple[str, str, str], list[str]] = {}
    for key in sorted(v2):
        if v1[key][2] != v2[key][2]:
            rerouted.setdefault((key[0], v1[key][2], v2[key][2]), []).append(key[1])
    assert rerouted == {
        ("7205", "C", "C/F"): origins,
        ("72251990", "F", "C"): origins,
        ("72261980", "F", "C"): origins,
        ("73063018", "", "C"): origins,
        ("73181210", "C", ""): origins,
        ("73181410", "C", ""): origins,
    }
    # No indirect value in either (steel and aluminium count direct emissions only).
    assert {r[1] for r in v1.values()} == {r[1] for r in v2.values()} == {None}
    corrected = {
        key: (v1[key][0], v2[key][0])
        for key in v2
        if v2[key][0] != v2[key][0].quantize(D("0.001"))
        or abs(v1[key][0] - v2[key][0]) > D("0.0005")
    }
    assert corrected == {("72262000", "OTHER"): (D("5.588"), D("5.5"))}
    assert sum(1 for key in v2 if v1[key][0] != v2[key][0]) == 384  # the others: precision only


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

    # Twelve shipped files: default_values v1 and v2 (IR 2026/1740), cn_codes v1 and v2 (CN 2026)
    # and one for each other table.
    assert [created for _, created in results] == [False] * 12
    assert {version.dataset: version for version, _ in results} == shipped
    assert table_counts() == before


def test_each_loaded_table_writes_one_platform_audit_event_without_organisation(shipped):
    events = AuditEvent.objects.filter(action="reference.version_loaded").order_by("id")

    # One per shipped file: twelve, both versions of default_values and of cn_codes each one.
    assert events.count() == 12
    event = events.get(object_id=str(_default_values_v1().pk))
    assert (event.organisation_id, event.actor_label, event.object_type) == (
        None,
        "system:tests",
        "reference.referenceversion",
    )
    assert event.after["row_count"] == 1958
    assert event.after["valid_from"] == "2026-01-01"
    assert event.after["closed"] == []
    # v2 starts the same day as v1, so its load closed nothing: v1 keeps no end date.
    event = events.get(object_id=str(shipped["default_values"].pk))
    assert (event.organisation_id, event.actor_label) == (None, "system:tests")
    assert (event.after["number"], event.after["label"], event.after["file"]) == (
        2,
        V2_LABEL,
        "default-values-ir2026-1740.csv",
    )
    assert event.after["row_count"] == 1957
    assert (event.after["valid_from"], event.after["valid_to"]) == ("2026-01-01", None)
    assert event.after["closed"] == []


def test_a_2027_default_values_version_leaves_2026_calculations_on_the_2026_values(shipped):
    version, created = reference_version_load(
        dataset="default_values",
        path_or_file=TEST_DATA / "default-values-2027.csv",
        label="test update 2027",
        valid_from=date(2027, 1, 1),
        actor=ACTOR,
    )

    # Version 3: the shipped default values are v1 and v2 (IR 2026/1740), both open-ended from
    # 2026-01-01, and the 2027 version ends both the day before it starts.
    assert created is True
    assert (version.number, version.row_count, version.valid_to) == (3, 3, None)
    v1 = _default_values_v1()
    shipped["default_values"].refresh_from_db()
    assert (v1.valid_to, shipped["default_values"].valid_to) == (date(2026, 12, 31),) * 2

    old = reference_snapshot_for(on=date(2026, 6, 30))
    new = reference_snapshot_for(on=date(2027, 3, 1))
    # 2026 keeps the values in force in 2026: v2's (IR 2026/1740), 3 decimals, line 36.
    assert old.default_row("7208", "CN").see_direct == D("3.187")
    assert old.default_row("7208", "CN").ref == (
        "default_values v2 (IR 2025/2621 Annex I as replaced by IR 2026/1740) line 36"
    )
    assert new.default_row("7208", "CN").see_direct == D("2.9")
    assert new.default_row("7208", "CN").ref == "default_values v3 (test update 2027) line 3"
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
    # EE = 100 × 3.187 (v2) × 1.20 = 382.44; FAA = 100 × 0.95 × 1.370 = 130.15
    assert compute_obligation(hot_rolled, old).current.certificates == D("252.29")
    # EE = 100 × 2.9 × 1.20 = 348; certificates = 348 − 130.15 = 217.85; cost × 80
    current = compute_obligation(hot_rolled, new).current
    assert (current.certificates, current.cost_eur) == (D("217.85"), D("17428.00"))
    assert current.default_value.row.ref == "default_values v3 (test update 2027) line 3"

    event = AuditEvent.objects.get(object_id=str(version.pk))
    assert event.after["closed"] == [
        {"version": f"default_values v1 ({V1_LABEL})", "valid_to": "2026-12-31"},
        {"version": f"default_values v2 ({V2_LABEL})", "valid_to": "2026-12-31"},
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

    # Version 4 (after v1 and v2 of IR 2026/1740, shipped, and the 2027 one): it starts with
    # versions 1 and 2 and is imported later, so it wins in 2026, and ends where the 2027 version
    # starts.
    assert (version.number, version.valid_to) == (4, date(2026, 12, 31))
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

    assert (version, created) == (ReferenceVersion.objects.get(dataset="cn_codes", number=1), False)
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
    version = shipped["cn_codes"]
    row = CnCode.objects.get(cn_code="72085120", version=version)

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

    assert CnCode.objects.get(cn_code="72085120", version=version).category == (
        "Iron or steel products"
    )
    assert ReferenceVersion.objects.get(pk=version.pk).label == (
        "CN 2026: Reg. 2023/956 Annex I with 7308 20 10"
    )
