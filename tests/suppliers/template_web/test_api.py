"""The communication template import through the API: upload (202) -> poll -> the report with
the engine's SEE beside the workbook's own; bad files answer their problems; another
organisation's import is 404; a dry run writes nothing. The work row runs in this process
(``job_execute``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditEvent
from suppliers.models import CommunicationTemplateImport, Footprint
from tests.factories import OrganisationFactory
from tests.suppliers.conftest import Producer

from .conftest import REF_PROBLEM, SEE, WORKBOOK_SEE, run_import

pytestmark = pytest.mark.django_db


def upload(producer: Producer, content: bytes, role: str = "preparer", **fields: Any) -> Any:
    return producer.api(role).post(
        producer.url("communication-templates/"),
        {"file": SimpleUploadedFile("cement.xlsx", content), **fields},
        format="multipart",
    )


def poll(producer: Producer, import_id: str, role: str = "viewer") -> Any:
    return producer.api(role).get(producer.url(f"communication-templates/{import_id}/"))


def test_an_upload_answers_202_then_the_poll_answers_the_report(producer, example_2026):
    answer = upload(producer, example_2026)

    assert answer.status_code == 202, answer.content
    body = answer.json()
    row = CommunicationTemplateImport.objects.get(pk=body["id"])
    assert {k: body[k] for k in ("file_name", "status", "progress", "error", "report")} == {
        "file_name": "cement.xlsx",
        "status": "pending",
        "progress": {"done": 0, "total": 2},
        "error": "",
        "report": None,
    }
    assert body["sha256"] == row.sha256
    assert Footprint.objects.count() == 0

    run_import(body["id"])
    polled = poll(producer, body["id"])

    assert polled.status_code == 200
    done = polled.json()
    assert (done["status"], done["progress"]) == ("done", {"done": 2, "total": 2})
    report = done["report"]
    assert (report["template_version"], report["imported"], report["problems"]) == ("2.1", True, [])
    assert report["reporting_period"] == {"start": "2026-01-01", "end": "2026-12-31"}
    [good] = report["goods"]
    assert (good["process"], good["cn_code"]) == ("Cement Bubble", "25232900")
    assert {k: good[k] for k in SEE} == SEE
    assert {k: good["workbook"][k] for k in WORKBOOK_SEE} == WORKBOOK_SEE
    footprint = Footprint.objects.get(pk=good["footprint"])
    assert (footprint.organisation_id, footprint.status, str(footprint.see_total)) == (
        producer.organisation.pk,
        "draft",
        "0.90746",
    )


def test_the_same_file_again_answers_the_first_import_and_writes_nothing(producer, example_2026):
    first = upload(producer, example_2026).json()
    run_import(first["id"])
    counts = (Footprint.objects.count(), AuditEvent.objects.count())

    again = upload(producer, example_2026, role="admin")

    assert again.status_code == 202
    assert again.json()["id"] == first["id"]
    assert again.json()["status"] == "done"
    assert again.json()["report"] == poll(producer, first["id"]).json()["report"]
    assert (Footprint.objects.count(), AuditEvent.objects.count()) == counts


def test_a_bad_file_answers_its_problems_by_cell_in_both_languages(producer, ref_error_2026):
    body = upload(producer, ref_error_2026).json()

    run_import(body["id"])
    report = poll(producer, body["id"]).json()["report"]

    assert report["problems"] == [REF_PROBLEM]
    assert (report["goods"], report["imported"]) == ([], False)
    assert Footprint.objects.count() == 0


def test_a_file_that_is_no_workbook_answers_a_problem_not_a_500(producer):
    body = upload(producer, b"name,see\ncement,0.9\n").json()

    run_import(body["id"])
    report = poll(producer, body["id"]).json()["report"]

    assert report["problems"] == [
        {
            "cell": "file",
            "code": "not_xlsx",
            "severity": "error",
            "message_en": "The file is not an Excel workbook (.xlsx); expected the EU "
            "communication template.",
            "message_zh": "文件不是 Excel 工作簿（.xlsx）；请上传欧盟通报模板。",
        }
    ]
    assert Footprint.objects.count() == 0


def test_a_dry_run_answers_the_report_at_once_and_keeps_nothing(producer, example_2026):
    answer = upload(producer, example_2026, dry_run="true")

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["id"], body["status"], body["progress"]) == (None, "done", None)
    [good] = body["report"]["goods"]
    assert ({k: good[k] for k in SEE}, good["footprint"]) == (SEE, None)
    assert body["report"]["dry_run"] is True
    assert CommunicationTemplateImport.objects.count() == 0
    assert Footprint.objects.count() == 0


def test_an_upload_without_a_file_or_with_a_strange_dry_run_is_400(producer, example_2026):
    no_file = producer.api("preparer").post(
        producer.url("communication-templates/"), {"dry_run": "false"}, format="multipart"
    )
    strange = upload(producer, example_2026, dry_run="perhaps")

    assert no_file.status_code == 400
    assert no_file.json()["extra"]["fields"] == {
        "file": ["Attach the workbook as multipart form field 'file'."]
    }
    assert strange.status_code == 400
    assert strange.json()["extra"]["fields"] == {"dry_run": ["Expected true or false."]}
    assert CommunicationTemplateImport.objects.count() == 0


def test_a_body_over_the_upload_limit_is_413_before_it_is_read(producer, example_2026, settings):
    settings.REQUEST_MAX_UPLOAD_BYTES = 100_000

    answer = upload(producer, example_2026)

    assert answer.status_code == 413
    assert answer.json()["code"] == "request_too_large"
    assert CommunicationTemplateImport.objects.count() == 0


def test_a_viewer_reads_but_may_not_upload(producer, example_2026):
    answer = upload(producer, example_2026, role="viewer")

    assert answer.status_code == 403
    assert CommunicationTemplateImport.objects.count() == 0
    assert producer.api("viewer").get(producer.url("communication-templates/")).status_code == 200


def test_another_organisations_import_is_404(producer, example_2026):
    other = OrganisationFactory(slug="elsewhere")
    foreign = CommunicationTemplateImport.objects.create(
        organisation=other, sha256="f" * 64, file_name="theirs.xlsx", report={"goods": []}
    )

    assert poll(producer, str(foreign.pk), role="owner").status_code == 404
    assert poll(producer, "not-a-uuid", role="owner").status_code == 404
    listed = producer.api("owner").get(producer.url("communication-templates/")).json()
    assert listed["results"] == []


def test_the_list_costs_the_same_queries_for_many_imports(
    producer, example_2026, ref_error_2026, django_assert_num_queries
):
    finished = upload(producer, example_2026).json()["id"]
    run_import(finished)
    upload(producer, ref_error_2026)  # waiting for its work row
    for n in range(3):
        upload(producer, f"not a workbook {n}".encode())
    api = producer.api("viewer")

    # membership, count, page of imports, their work rows
    with django_assert_num_queries(4):
        answer = api.get(producer.url("communication-templates/"))

    rows = answer.json()["results"]
    assert [r["status"] for r in rows] == ["pending"] * 4 + ["done"]
    assert rows[-1]["report"]["goods"][0]["see_total"] == "0.90746"


def test_import_valid_imports_what_is_valid_after_the_file_was_refused_whole(
    producer, one_bad_process_2026
):
    from tests.suppliers.eu_template.conftest import IMPORTED_SEE, LEFT_OUT

    refused = upload(producer, one_bad_process_2026).json()
    run_import(refused["id"])
    assert poll(producer, refused["id"]).json()["report"]["imported"] is False

    answer = upload(producer, one_bad_process_2026, import_valid="true")

    assert answer.status_code == 202, answer.content
    body = answer.json()
    assert body["id"] != refused["id"]
    assert (body["import_valid"], body["status"]) == (True, "pending")
    run_import(body["id"])
    report = poll(producer, body["id"]).json()["report"]
    assert (report["imported"], report["import_valid"], report["left_out"]) == (
        True,
        True,
        LEFT_OUT,
    )
    see = {g["row"]: (g["see_direct"], g["see_indirect"], g["see_total"]) for g in report["goods"]}
    assert see == IMPORTED_SEE
    assert sorted(
        Footprint.objects.filter(organisation=producer.organisation).values_list(
            "see_total", flat=True
        )
    ) == [Decimal("0.17500"), Decimal("0.90746")]


def test_the_same_file_with_the_choice_again_answers_its_import_and_writes_nothing(
    producer, one_bad_process_2026
):
    first = upload(producer, one_bad_process_2026, import_valid="true").json()
    run_import(first["id"])
    counts = (
        Footprint.objects.count(),
        AuditEvent.objects.count(),
        CommunicationTemplateImport.objects.count(),
    )

    again = upload(producer, one_bad_process_2026, import_valid="true")
    without = upload(producer, one_bad_process_2026)  # written once: its import answers

    assert [a.json()["id"] for a in (again, without)] == [first["id"], first["id"]]
    assert (
        again.json()["report"]["left_out"]
        == poll(producer, first["id"]).json()["report"]["left_out"]
    )
    assert (
        Footprint.objects.count(),
        AuditEvent.objects.count(),
        CommunicationTemplateImport.objects.count(),
    ) == counts


def test_a_dry_run_with_import_valid_answers_what_would_be_left_out(producer, one_bad_process_2026):
    from tests.suppliers.eu_template.conftest import LEFT_OUT

    answer = upload(producer, one_bad_process_2026, dry_run="true", import_valid="true")

    assert answer.status_code == 200
    assert answer.json()["report"]["left_out"] == LEFT_OUT
    assert (CommunicationTemplateImport.objects.count(), Footprint.objects.count()) == (0, 0)


def test_an_import_valid_that_is_not_a_boolean_is_400_naming_the_field(producer, example_2026):
    answer = upload(producer, example_2026, import_valid="maybe")

    assert answer.status_code == 400
    assert answer.json()["extra"]["fields"] == {"import_valid": ["Expected true or false."]}
    assert CommunicationTemplateImport.objects.count() == 0
