"""The import writes the installation, products and one draft per good in one transaction,
with audit events; the same file again writes nothing; a refused file writes nothing."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest
from django.core.management import call_command

from accounts.models import AuditEvent, Role
from core.jobs import job_execute
from core.models import Job
from suppliers.models import CommunicationTemplateImport, Footprint, Installation, Product
from suppliers.services.eu_template_import import (
    communication_template_import,
    communication_template_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def preparer(make_member, organisation):
    return make_member(organisation=organisation, role=Role.PREPARER, email="prep@acme.test")


@pytest.fixture(scope="session")
def example_2026(edited):
    """The example with its period moved to 2026 (the platform's reference data starts with
    the definitive period); saved by openpyxl, so without cached results."""
    from datetime import datetime

    def move(book):
        book["A_InstData"]["I9"] = datetime(2026, 1, 1)
        book["A_InstData"]["L9"] = datetime(2026, 12, 31)

    return edited(move)


def _counts() -> tuple[int, ...]:
    return (
        Installation.objects.count(),
        Product.objects.count(),
        Footprint.objects.count(),
        AuditEvent.objects.count(),
        CommunicationTemplateImport.objects.count(),
    )


def _import(preparer, content, **kwargs):
    from accounts.audit import Actor

    return communication_template_import(
        actor=Actor(user=preparer.user),
        organisation=preparer.organisation,
        content=content,
        **kwargs,
    )


def test_the_cement_example_creates_installation_product_and_one_draft(
    reference_data, preparer, example_2026
):
    report = _import(preparer, example_2026, file_name="cement.xlsx")

    [good] = report["goods"]
    footprint = Footprint.objects.get(pk=good["footprint"])
    assert (
        footprint.status,
        footprint.see_direct,
        footprint.see_indirect,
        footprint.see_total,
    ) == (
        "draft",
        D("0.78521"),
        D("0.12224"),
        D("0.90746"),
    )
    assert (good["see_direct"], good["see_indirect"], good["see_total"]) == (
        "0.78521",
        "0.12224",
        "0.90746",
    )
    assert (footprint.period_start.isoformat(), footprint.period_end.isoformat()) == (
        "2026-01-01",
        "2026-12-31",
    )
    assert footprint.attributed_direct_tco2e == D("1037310")
    assert footprint.activity_level_t == D("1321052.6315789474")  # 1255000/0.95 to 10 dp
    assert footprint.electricity_mwh == D("193864.4736842105")
    assert footprint.electricity_factor_tco2_per_mwh == D("0.833")
    provenance = footprint.inputs_as_entered["provenance"]
    assert provenance["activity_level"] == [{"cell": "D_Processes!L16", "entered": "=1255000/0.95"}]
    assert provenance["attributed_direct_emissions"] == [
        {"cell": "D_Processes!L54", "entered": "1037310"},
        {"cell": "D_Processes!L71", "entered": "0"},
    ]
    installation = footprint.installation
    assert (installation.name_latin, installation.country, installation.un_locode) == (
        "Example Cement Producer",
        "TR",
        "TRABC",
    )
    assert (installation.latitude, installation.longitude) == (D("16.691128"), D("147.803375"))
    assert (footprint.product.name, footprint.product.cn_code) == (
        "Portland Cement Art. Nr. 1",
        "25232900",
    )
    assert report["imported"] is True
    actions = list(
        AuditEvent.objects.filter(actor_user=preparer.user).values_list("action", flat=True)
    )
    assert sorted(actions) == [
        "communication_template.imported",
        "footprint.created",
        "installation.created",
        "product.created",
    ]


def test_the_same_file_again_returns_the_first_report_and_writes_nothing(
    reference_data, preparer, example_2026
):
    first = _import(preparer, example_2026)
    before = _counts()

    again = _import(preparer, example_2026)

    assert again == first
    assert _counts() == before


def test_a_dry_run_writes_nothing(reference_data, preparer, example_2026):
    before = _counts()

    report = _import(preparer, example_2026, dry_run=True)

    assert report["goods"][0]["footprint"] is None
    assert report["goods"][0]["see_total"] == "0.90746"
    assert _counts() == before


def test_a_refused_file_writes_nothing_but_its_report(reference_data, preparer, edited):
    content = edited(lambda book: book["D_Processes"].__setitem__("L66", "#REF!"))
    before = _counts()

    report = _import(preparer, content)

    assert report["problems"] == [
        {
            "cell": "D_Processes!L66",
            "code": "error_value",
            "severity": "error",
            "message_en": "D_Processes!L66 holds the Excel error #REF!; expected a number.",
            "message_zh": "D_Processes!L66 含有 Excel 错误值 #REF!；应为数字。",
        }
    ]
    assert report["goods"] == []
    # Only the report is kept (under the file's digest); no installation, product, footprint
    # or audit event.
    assert _counts() == (*before[:4], before[4] + 1)


def test_the_command_prints_the_report_and_exits_0(
    reference_data, preparer, example_2026, tmp_path, capsys
):
    path = tmp_path / "cement.xlsx"
    path.write_bytes(example_2026)

    call_command("import_communication_template", "acme-steel", str(path), "--as", "prep@acme.test")

    report = json.loads(capsys.readouterr().out)
    assert report["template_version"] == "2.1"
    assert report["goods"][0]["see_direct"] == "0.78521"
    assert Footprint.objects.filter(pk=report["goods"][0]["footprint"]).exists()


def test_the_command_exits_1_on_a_refused_file(reference_data, preparer, edited, tmp_path, capsys):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(edited(lambda book: book["D_Processes"].__setitem__("L16", None)))

    with pytest.raises(SystemExit) as exit_:
        call_command(
            "import_communication_template", "acme-steel", str(bad), "--as", "prep@acme.test"
        )

    assert exit_.value.code == 1
    report = json.loads(capsys.readouterr().out)
    assert [p["cell"] for p in report["problems"]] == ["D_Processes!L16"]
    assert Footprint.objects.count() == 0


def test_the_command_dry_run_prints_null_footprints(
    reference_data, preparer, example_2026, tmp_path, capsys
):
    path = tmp_path / "cement.xlsx"
    path.write_bytes(example_2026)

    call_command(
        "import_communication_template",
        "acme-steel",
        str(path),
        "--as",
        "prep@acme.test",
        "--dry-run",
    )

    report = json.loads(capsys.readouterr().out)
    assert report["goods"][0]["footprint"] is None
    assert Footprint.objects.count() == 0


def test_an_upload_runs_as_a_work_row_with_progress(reference_data, preparer, example_2026):
    from accounts.audit import Actor

    row = communication_template_upload(
        actor=Actor(user=preparer.user),
        organisation=preparer.organisation,
        content=example_2026,
        file_name="cement.xlsx",
    )
    assert row.report is None

    job_execute(job_id=row.job_id)

    job = Job.objects.get(pk=row.job_id)
    row.refresh_from_db()
    assert (job.status, job.progress_done, job.progress_total) == ("succeeded", 2, 2)
    assert row.report["goods"][0]["see_total"] == "0.90746"
    assert job.result["report"] == row.report
    assert row.content is None


def test_a_period_without_reference_data_is_refused(reference_data, preparer, capsys):
    from .conftest import EXAMPLE

    with pytest.raises(SystemExit):
        call_command(
            "import_communication_template", "acme-steel", str(EXAMPLE), "--as", "prep@acme.test"
        )

    report = json.loads(capsys.readouterr().out)
    assert [(p["cell"], p["code"]) for p in report["problems"]] == [
        ("A_InstData!L9", "no_reference_data")
    ]
    assert Footprint.objects.count() == 0


# ------------------------------------------------------------------ import what is valid


def _drafts() -> dict[str, tuple[str, D, D, D]]:
    return {
        f.product.cn_code: (f.status, f.see_direct, f.see_indirect, f.see_total)
        for f in Footprint.objects.select_related("product")
    }


def test_without_the_choice_a_file_with_one_bad_process_writes_nothing(
    reference_data, preparer, one_bad_process_2026
):
    from .conftest import MISSING_L119, REF_L119

    before = _counts()

    report = _import(preparer, one_bad_process_2026)

    assert (report["problems"], report["goods"], report["left_out"]) == (
        [REF_L119, MISSING_L119],
        [],
        [],
    )
    assert (report["imported"], report["import_valid"]) == (False, False)
    assert _counts() == (*before[:4], before[4] + 1)  # its report only


def test_with_the_choice_the_other_goods_are_imported_and_left_out_names_process_row_and_cell(
    reference_data, preparer, one_bad_process_2026
):
    from .conftest import IMPORTED_SEE, LEFT_OUT

    refused = _import(preparer, one_bad_process_2026)  # refused whole first: no obstacle

    report = _import(preparer, one_bad_process_2026, import_valid=True)

    assert (refused["imported"], report["imported"], report["import_valid"]) == (False, True, True)
    assert report["left_out"] == LEFT_OUT
    assert {
        g["row"]: (g["see_direct"], g["see_indirect"], g["see_total"]) for g in report["goods"]
    } == (IMPORTED_SEE)
    assert _drafts() == {
        "25232900": ("draft", D("0.78521"), D("0.12224"), D("0.90746")),
        "25070080": ("draft", D("0.15000"), D("0.02500"), D("0.17500")),
    }
    clay = Footprint.objects.get(product__cn_code="25070080")
    assert (clay.activity_level_t, clay.attributed_direct_tco2e) == (D("200"), D("30"))
    assert clay.inputs_as_entered["provenance"]["good"] == {
        "process": "A_InstData!L86",
        "cn_code": "Summary_Products!F12",
    }
    assert {g["row"]: g["footprint"] for g in report["goods"]} == {
        10: str(Footprint.objects.get(product__cn_code="25232900").pk),
        12: str(clay.pk),
    }
    rows = CommunicationTemplateImport.objects.order_by("created_at")
    assert [(r.import_valid, r.imported, r.report["imported"]) for r in rows] == [
        (False, False, False),
        (True, True, True),
    ]
    event = AuditEvent.objects.get(action="communication_template.imported")
    assert event.after["left_out"] == [
        "Summary_Products row 11 (25233000, Aluminous cement mill)",
        "process Clinker kiln",
    ]


def test_the_same_file_with_the_choice_again_returns_the_first_report_and_writes_nothing(
    reference_data, preparer, one_bad_process_2026
):
    first = _import(preparer, one_bad_process_2026, import_valid=True)
    before = _counts()

    again = _import(preparer, one_bad_process_2026, import_valid=True)
    without = _import(preparer, one_bad_process_2026)  # written once: the written report

    assert again == first
    assert without == first
    assert _counts() == before


def test_a_file_written_whole_answers_a_run_with_the_choice_and_writes_nothing(
    reference_data, preparer, example_2026
):
    first = _import(preparer, example_2026)
    before = _counts()

    again = _import(preparer, example_2026, import_valid=True)

    assert again == first
    assert _counts() == before


def test_a_dry_run_with_the_choice_reports_what_would_be_left_out_and_writes_nothing(
    reference_data, preparer, one_bad_process_2026
):
    from .conftest import LEFT_OUT

    before = _counts()

    report = _import(preparer, one_bad_process_2026, dry_run=True, import_valid=True)

    assert (report["left_out"], [g["footprint"] for g in report["goods"]]) == (
        LEFT_OUT,
        [None, None],
    )
    assert _counts() == before


def test_the_database_lets_one_run_of_a_file_write_it(reference_data, preparer):
    from django.db import IntegrityError, transaction

    organisation = preparer.organisation
    CommunicationTemplateImport.objects.create(
        organisation=organisation, sha256="a" * 64, import_valid=False, imported=True
    )
    other = CommunicationTemplateImport.objects.create(
        organisation=organisation, sha256="a" * 64, import_valid=True
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        CommunicationTemplateImport.objects.filter(pk=other.pk).update(imported=True)


def test_the_command_with_import_valid_imports_what_is_valid_and_exits_0(
    reference_data, preparer, one_bad_process_2026, tmp_path, capsys
):
    from .conftest import LEFT_OUT

    path = tmp_path / "four-processes.xlsx"
    path.write_bytes(one_bad_process_2026)

    with pytest.raises(SystemExit) as refused:
        call_command(
            "import_communication_template", "acme-steel", str(path), "--as", "prep@acme.test"
        )
    capsys.readouterr()
    call_command(
        "import_communication_template",
        "acme-steel",
        str(path),
        "--as",
        "prep@acme.test",
        "--import-valid",
    )

    report = json.loads(capsys.readouterr().out)
    assert refused.value.code == 1
    assert (report["imported"], report["left_out"]) == (True, LEFT_OUT)
    assert sorted(_drafts()) == ["25070080", "25232900"]


def test_an_upload_with_the_choice_runs_as_a_work_row(
    reference_data, preparer, one_bad_process_2026
):
    from accounts.audit import Actor

    from .conftest import LEFT_OUT

    row = communication_template_upload(
        actor=Actor(user=preparer.user),
        organisation=preparer.organisation,
        content=one_bad_process_2026,
        file_name="four.xlsx",
        import_valid=True,
    )

    job_execute(job_id=row.job_id)

    row.refresh_from_db()
    assert (row.import_valid, row.imported, row.report["left_out"]) == (True, True, LEFT_OUT)
    assert sorted(_drafts()) == ["25070080", "25232900"]
