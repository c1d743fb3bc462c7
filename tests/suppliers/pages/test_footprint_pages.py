"""Footprints in the pages: the editor posting to the services the API uses, the footprint's
page (inputs as entered, SEE, findings, decision), the workflow's buttons and the polling
fragment of a running validation."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from accounts.models import AuditEvent
from suppliers.models import Footprint, FootprintStatus, ValidationRun
from suppliers.services.footprints import footprint_preview
from tests.factories import FootprintFactory
from tests.suppliers.conftest import Producer, footprint_input
from tests.suppliers.pages.conftest import EN, ZH, client_of, page_url
from tests.suppliers.validation.conftest import run_pending_jobs

pytestmark = pytest.mark.django_db


def form_data(producer: Producer, **overrides: str) -> dict[str, str]:
    """The editor's fields for the footprint of ``footprint_input`` (1 Mt of hot-rolled coil
    with one own-verified precursor), as a person types them."""
    data = {
        "product": str(producer.product.pk),
        "installation": str(producer.installation.pk),
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "attributed_direct_emissions": "250000",
        "attributed_direct_emissions_unit": "tCO2e",
        "activity_level": "1000000",
        "activity_level_unit": "t",
        "electricity": "90000",
        "electricity_unit": "MWh",
        "electricity_factor_source": "country_default",
        "precursor_rows": "2",
        "precursors-0-cn_code": "7207 11 14",
        "precursors-0-mass_per_t": "1.05",
        "precursors-0-mass_per_t_unit": "t/t",
        "precursors-0-country_of_origin": "CN",
        "precursors-0-see_source": "own_verified",
        "precursors-0-see_direct": "1.9",
        "precursors-0-see_indirect": "0.3",
        "verification__verifier_name": "Nordic Emissions Verification AB",
        "verification__accreditation_number": "SWEDAC 1234",
        "verification__statement_date": "2027-02-15",
        "verification__assurance_level": "reasonable",
        "data_quality__primary_data_share_pct": "92.5",
        "data_quality__methodology": "EU CBAM (2025/2547)",
    }
    data.update(overrides)
    return data


def field_errors(html: str, field: str) -> list[str]:
    return re.findall(rf'<p class="errors" id="id_{re.escape(field)}_error">([^<]*)</p>', html)


def created(producer: Producer) -> Footprint:
    return Footprint.objects.get(organisation=producer.organisation)


def test_a_draft_entered_in_the_form_is_computed_as_the_api_would(producer, preparer):
    expected = footprint_preview(
        organisation=producer.organisation, data=footprint_input(producer)
    ).footprint

    answer = preparer.post(page_url(producer, "footprints/new/"), form_data(producer), **ZH)

    footprint = created(producer)
    assert answer.status_code == 302
    assert answer["Location"] == page_url(producer, f"footprints/{footprint.pk}/")
    assert footprint.status == FootprintStatus.DRAFT
    assert (footprint.see_direct, footprint.see_indirect, footprint.see_total) == (
        expected.see_direct,
        expected.see_indirect,
        expected.see_total,
    )
    assert footprint.inputs_as_entered == {
        "attributed_direct_emissions": {"value": "250000", "unit": "tCO2e"},
        "activity_level": {"value": "1000000", "unit": "t"},
        "electricity": {"value": "90000", "unit": "MWh"},
    }
    precursor = footprint.precursors.get()
    assert (precursor.cn_code, precursor.mass_t_per_t) == ("72071114", Decimal("1.05"))
    assert AuditEvent.objects.filter(action="footprint.created", object_id=str(footprint.pk))


def test_the_footprints_page_shows_the_inputs_as_entered_and_the_engines_see(producer, preparer):
    preparer.post(page_url(producer, "footprints/new/"), form_data(producer), **EN)
    footprint = created(producer)

    html = preparer.get(page_url(producer, f"footprints/{footprint.pk}/"), **EN).content.decode()

    assert footprint.see_direct == Decimal("2.24500")
    assert '<dd id="see-direct">2.245</dd>' in html
    assert f'<dd id="see-indirect">{footprint.see_indirect.normalize():f}</dd>' in html
    assert (
        f'<dd id="see-counted">{Decimal(footprint.calculation["see_counted"]).normalize():f}'
        in html
    )
    assert (
        '<th scope="row">Activity level (production)</th><td class="num">1,000,000</td><td>t</td>'
        in html
    )
    assert '<span class="badge status-draft" id="status">Draft</span>' in html
    assert "Submit for validation" in html


def test_every_input_error_is_shown_at_its_field_in_chinese_and_nothing_is_saved(
    producer, preparer
):
    answer = preparer.post(
        page_url(producer, "footprints/new/"),
        form_data(
            producer,
            activity_level="0",
            attributed_direct_emissions="250000,5",
            **{"precursors-0-see_direct": "", "carbon_price__amount": "１０"},
        ),
        **ZH,
    )

    html = answer.content.decode()
    assert answer.status_code == 200
    assert field_errors(html, "activity_level") == ["0 t 为零；应大于零。"]
    assert field_errors(html, "attributed_direct_emissions") == [
        "&#x27;250000,5&#x27; 不是数字：请用小数点“.”作小数分隔符。"
    ]
    assert field_errors(html, "precursors-0-see_direct") == ["自有核查数据必须填写此项。"]
    assert field_errors(html, "carbon_price__amount") == [
        "&#x27;１０&#x27; 不是数字：请使用数字 0-9；应为：每 tCO2e 的金额，≥ 0。"
    ]
    assert not Footprint.objects.exists()


def test_the_same_errors_read_in_english_as_the_api_says_them(producer, preparer):
    answer = preparer.post(
        page_url(producer, "footprints/new/"), form_data(producer, activity_level="0"), **EN
    )
    api = producer.api("preparer").post(
        producer.url("footprints/"),
        footprint_input(producer, activity_level={"value": "0", "unit": "t"}),
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert field_errors(answer.content.decode(), "activity_level") == [
        "0 t is zero; expected more than zero."
    ]
    assert api.json()["extra"]["fields"]["activity_level"] == [
        "0 t is zero; expected more than zero."
    ]


def test_a_preparer_edits_a_draft_and_sees_each_quantity_as_entered(producer, preparer):
    preparer.post(page_url(producer, "footprints/new/"), form_data(producer), **EN)
    footprint = created(producer)
    url = page_url(producer, f"footprints/{footprint.pk}/edit/")
    form = preparer.get(url, **EN).content.decode()
    assert 'name="activity_level" value="1000000"' in form
    assert 'name="precursors-0-cn_code" value="72071114"' in form

    answer = preparer.post(
        url, form_data(producer, activity_level="950000000", activity_level_unit="kg"), **EN
    )

    assert answer.status_code == 302
    footprint.refresh_from_db()
    assert footprint.activity_level_t == Decimal("950000")
    assert footprint.inputs_as_entered["activity_level"] == {"value": "950000000", "unit": "kg"}
    assert footprint.precursors.count() == 1


def test_a_precursor_row_is_added_without_saving(producer, preparer):
    answer = preparer.post(
        page_url(producer, "footprints/new/"), {**form_data(producer), "add_precursor": "1"}, **EN
    )
    html = answer.content.decode()
    assert answer.status_code == 200
    assert 'name="precursors-2-cn_code"' in html
    assert 'name="precursor_rows" value="3"' in html
    assert not Footprint.objects.exists()


def submitted(producer: Producer, preparer: Any) -> Footprint:
    preparer.post(page_url(producer, "footprints/new/"), form_data(producer), **EN)
    footprint = created(producer)
    answer = preparer.post(page_url(producer, f"footprints/{footprint.pk}/submit/"), **EN)
    assert answer.status_code == 302
    footprint.refresh_from_db()
    return footprint


def test_submitting_shows_the_validation_running_and_polls_until_it_is_done(producer, preparer):
    footprint = submitted(producer, preparer)
    assert footprint.status == FootprintStatus.SUBMITTED
    fragment_url = page_url(producer, f"footprints/{footprint.pk}/validation/")

    html = preparer.get(page_url(producer, f"footprints/{footprint.pk}/"), **ZH).content.decode()
    assert f'hx-get="{fragment_url}" hx-trigger="every 2s" hx-swap="outerHTML"' in html
    assert "正在校验…" in html
    polled = preparer.get(fragment_url, HTTP_HX_REQUEST="true", **ZH)
    assert "HX-Refresh" not in polled
    assert 'hx-trigger="every 2s"' in polled.content.decode()

    assert run_pending_jobs() == ["succeeded"]  # what the worker does: core.jobs.job_execute

    done = preparer.get(fragment_url, HTTP_HX_REQUEST="true", **ZH)
    assert done["HX-Refresh"] == "true"
    assert "hx-trigger" not in done.content.decode()
    run = ValidationRun.objects.get(footprint=footprint)
    page = preparer.get(page_url(producer, f"footprints/{footprint.pk}/"), **ZH).content.decode()
    for finding in run.findings.all():
        assert finding.message_zh in page
        assert finding.message_en not in page


def with_finding(footprint: Footprint) -> Footprint:
    """``footprint`` with a finished validation run that found one error."""
    run = ValidationRun.objects.create(
        footprint=footprint,
        status="failed_findings",
        error_count=1,
        finished_at=footprint.created_at,
    )
    run.findings.create(
        position=0,
        code="CBAM-UNIT-001",
        severity="error",
        path="natural_gas",
        message_en="Natural gas looks 1000 times too large.",
        message_zh="天然气用量看起来大了 1000 倍。",
        key="k",
    )
    return footprint


def test_a_finding_shows_in_the_pages_language_at_the_field_it_names(producer, preparer):
    footprint = with_finding(FootprintFactory(organisation=producer.organisation))
    url = page_url(producer, f"footprints/{footprint.pk}/")

    chinese = preparer.get(url, **ZH).content.decode()
    english = preparer.get(url, **EN).content.decode()

    row = re.compile(
        r'<tr class="finding">\s*<td><span class="badge severity-error">(.*?)</span></td>'
        r"\s*<td>(.*?)</td>\s*<td>(.*?)</td>"
    )
    assert row.findall(chinese) == [("错误", "天然气消耗", "天然气用量看起来大了 1000 倍。")]
    assert row.findall(english) == [
        ("Error", "Natural gas consumed", "Natural gas looks 1000 times too large.")
    ]


def test_four_eyes_the_preparer_who_submitted_cannot_approve_and_is_told_why(producer, preparer):
    footprint = FootprintFactory(
        organisation=producer.organisation,
        status=FootprintStatus.IN_REVIEW,
        created_by=producer.users["admin"],
        submitted_by=producer.users["admin"],
    )
    admin = client_of(producer.users["admin"])
    url = page_url(producer, f"footprints/{footprint.pk}/")
    assert "另一位审核人" in admin.get(url, **ZH).content.decode()

    answer = admin.post(page_url(producer, f"footprints/{footprint.pk}/approve/"), **ZH)

    assert answer.status_code == 302
    footprint.refresh_from_db()
    assert footprint.status == FootprintStatus.IN_REVIEW
    page = admin.get(url, **ZH).content.decode()
    assert "四眼原则：此碳足迹由您填报或提交，须由另一位审核人批准或退回。" in page


def test_a_reviewer_approves_then_publishes_and_the_signed_document_downloads(producer):
    footprint = FootprintFactory(
        organisation=producer.organisation,
        status=FootprintStatus.IN_REVIEW,
        created_by=producer.users["preparer"],
        submitted_by=producer.users["preparer"],
    )
    reviewer = client_of(producer.users["reviewer"])
    base = page_url(producer, f"footprints/{footprint.pk}/")
    assert "Approve" in reviewer.get(base, **EN).content.decode()

    reviewer.post(f"{base}approve/", {"comment": "Checked against the meter readings."}, **EN)
    footprint.refresh_from_db()
    assert (footprint.status, footprint.review_comment) == (
        FootprintStatus.APPROVED,
        "Checked against the meter readings.",
    )
    reviewer.post(f"{base}publish/", **EN)
    footprint.refresh_from_db()
    assert footprint.status == FootprintStatus.PUBLISHED

    download = reviewer.get(f"{base}document/", **EN)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/json"
    assert download.content == bytes(footprint.signed_document)


def test_a_rejection_without_comment_is_refused_with_the_reason(producer):
    footprint = FootprintFactory(
        organisation=producer.organisation,
        status=FootprintStatus.IN_REVIEW,
        created_by=producer.users["preparer"],
    )
    reviewer = client_of(producer.users["reviewer"])
    base = page_url(producer, f"footprints/{footprint.pk}/")

    reviewer.post(f"{base}reject/", {"comment": "  "}, **EN)

    footprint.refresh_from_db()
    assert footprint.status == FootprintStatus.IN_REVIEW
    page = reviewer.get(base, **EN).content.decode()
    assert "A rejection needs a comment." in page
    assert "comment: Say what the preparer must change." in page


def test_buttons_follow_the_role_a_viewer_sees_none(producer, viewer):
    footprint = FootprintFactory(organisation=producer.organisation, status="in_review")
    html = viewer.get(page_url(producer, f"footprints/{footprint.pk}/"), **EN).content.decode()
    assert "/approve/" not in html
    assert "/submit/" not in html


def test_the_list_filters_by_status_and_costs_the_same_queries_for_many_rows(
    producer, viewer, django_assert_num_queries
):
    for _ in range(4):
        FootprintFactory(organisation=producer.organisation, product=producer.product)
    for _ in range(3):
        with_finding(FootprintFactory(organisation=producer.organisation, status="in_review"))
    url = page_url(producer, "footprints/?status=in_review")

    # session, user, membership, count, footprints, latest runs (status and error count)
    with django_assert_num_queries(6):
        answer = viewer.get(url, **EN)

    html = answer.content.decode()
    assert html.count('<span class="badge status-in_review">In review</span>') == 3
    assert "status-draft" not in html


def test_the_footprints_page_costs_a_fixed_number_of_queries(
    producer, preparer, django_assert_num_queries
):
    preparer.post(page_url(producer, "footprints/new/"), form_data(producer), **EN)
    footprint = with_finding(created(producer))
    url = page_url(producer, f"footprints/{footprint.pk}/")

    # session, user, membership, footprint (with people and decision), precursors, evidence,
    # latest run, its findings, its versions
    with django_assert_num_queries(9):
        assert preparer.get(url, **EN).status_code == 200
