"""A verifier's pages: the inbox of open requests, a request with the footprint and its evidence
read-only, confirm and decline (a comment required, named at its field in English and Chinese),
the history of the organisation's answers; the producer sees the answer on its footprint page.
Another verifier's request and the producer itself answer 404; roles that may not answer, 403."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime

from accounts.models import AuditEvent
from suppliers.models import Footprint, VerificationDecision
from tests.factories import ProductFactory
from tests.suppliers.conftest import Producer
from tests.suppliers.pages.conftest import EN, ZH, client_of, page_url
from tests.suppliers.verifiers import (
    SUBMITTED,
    Verifier,
    named_footprint,
    statement_pdf,
    verifier_party,
)

pytestmark = pytest.mark.django_db

REASON = "The natural gas figure does not match the meter readings of our site visit."


@pytest.fixture
def verifier(db: None) -> Verifier:
    return verifier_party()


def cells(html: str, table_id: str) -> list[list[str]]:
    """The text of each body row's cells of the table ``table_id``."""
    table = html.split(f'<table id="{table_id}">', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def text(html: str, element_id: str) -> str:
    """The text of the element with ``id="element_id"``, tags removed."""
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</(?:p|dd|ul|section)>', html, re.S)
    assert match is not None, element_id
    spaced = re.sub(r"<(br|/li)>", " ", match.group(1))
    return " ".join(re.sub(r"<[^>]+>", "", spaced).split())


def when(moment, language: str = "en") -> str:
    with translation.override(language):
        return date_format(localtime(moment), "SHORT_DATETIME_FORMAT")


# --- the inbox -----------------------------------------------------------------------------


def test_the_inbox_lists_what_waits_for_an_answer_the_longest_waiting_first(
    producer: Producer, verifier: Verifier
):
    later = named_footprint(producer, verifier, day=2)
    wire_rod = ProductFactory(
        organisation=producer.organisation, name="Wire rod", cn_code="72139110"
    )
    first = named_footprint(producer, verifier, day=0, status="approved", product=wire_rod)
    named_footprint(producer, verifier, day=1, status="draft")  # not shared yet
    named_footprint(producer, verifier_party("other-verifier"), day=1)

    html = verifier.client("viewer").get(verifier.page("verification/"), **EN).content.decode()

    producer_name = f"{producer.organisation.legal_name} (Hebei Steel)"
    assert "<h1>Verification inbox</h1>" in html
    assert cells(html, "verification-requests") == [
        [
            producer_name,
            "Wire rod",
            "7213 91 10",
            "唐山钢铁厂 (Tangshan steel works)",
            "2026-01-01 – 2026-12-31",
            "2027-02-20 09:30",
            "Approved",
        ],
        [
            producer_name,
            "Hot-rolled coil",
            "7208 39 00",
            "唐山钢铁厂 (Tangshan steel works)",
            "2026-01-01 – 2026-12-31",
            "2027-02-22 09:30",
            "In review",
        ],
    ]
    assert f'href="/o/nordic-verification/verification/{first.pk}/">Wire rod</a>' in html
    assert f'href="/o/nordic-verification/verification/{later.pk}/">Hot-rolled coil</a>' in html
    # A viewer reads; reviewers, admins and owners answer.
    assert "Reviewers, administrators and owners answer verification requests" in html


def test_the_inbox_in_chinese(producer: Producer, verifier: Verifier):
    named_footprint(producer, verifier)

    html = verifier.client("reviewer").get(verifier.page("verification/"), **ZH).content.decode()

    assert "<h1>核查收件箱</h1>" in html
    assert "等待您答复" in html
    assert cells(html, "verification-requests")[0][6] == "审核中"
    assert "核查请求由审核人" not in html  # a reviewer answers


def test_the_inbox_costs_the_same_queries_for_many_rows(
    producer: Producer, verifier: Verifier, django_assert_num_queries
):
    for day in range(3):
        named_footprint(producer, verifier, day=day)
    client = verifier.client("viewer")
    url = verifier.page("verification/")

    # session, user, membership, count, the page of requests (producer, product, installation)
    with django_assert_num_queries(5):
        assert client.get(url, **EN).status_code == 200
    for day in range(3, 9):
        named_footprint(producer, verifier, day=day)
    with django_assert_num_queries(5):
        html = client.get(url, **EN).content.decode()
    assert len(cells(html, "verification-requests")) == 9


# --- a request -----------------------------------------------------------------------------


def test_a_request_shows_the_footprint_and_its_evidence_read_only(
    producer: Producer, verifier: Verifier
):
    footprint = named_footprint(producer, verifier)
    evidence = statement_pdf(footprint)

    html = (
        verifier.client("reviewer")
        .get(verifier.page(f"verification/{footprint.pk}/"), **EN)
        .content.decode()
    )

    assert '<h1>Hot-rolled coil <span class="muted">7208 39 00</span></h1>' in html
    assert text(html, "verification-state") == "Waiting for your answer"
    assert text(html, "see-direct") == "1.8"
    assert text(html, "see-total") == "1.8"
    download = f"/o/nordic-verification/verification/evidence/{evidence.pk}/"
    assert f'<a href="{download}" download>Verification statement 2026.pdf</a>' in html
    # Read-only: nothing of the producer's editor or workflow.
    assert "/edit/" not in html
    assert '/evidence/"' not in html.replace("/verification/evidence/", "")
    assert 'enctype="multipart/form-data"' not in html
    assert 'action="/o/nordic-verification/verification/' in html  # the answer forms
    answer = verifier.client("viewer").get(download)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Content-Disposition"] == (
        'attachment; filename="Verification statement 2026.pdf"'
    )
    assert answer.content == b"%PDF-1.4 verification statement"


def test_a_viewer_reads_a_request_without_the_answer_forms(producer: Producer, verifier: Verifier):
    footprint = named_footprint(producer, verifier)

    html = (
        verifier.client("viewer")
        .get(verifier.page(f"verification/{footprint.pk}/"), **EN)
        .content.decode()
    )

    assert f"<dd>{when(SUBMITTED)}</dd>" in html  # the submission's time
    assert "verification-confirm" not in html
    assert f"/verification/{footprint.pk}/decline/" not in html
    assert "Reviewers, administrators and owners answer verification requests" in html


def test_another_verifier_and_the_producer_get_404(producer: Producer, verifier: Verifier):
    footprint = named_footprint(producer, verifier)
    evidence = statement_pdf(footprint)
    other = verifier_party("other-verifier")
    producer_owner = client_of(producer.users["owner"])

    answers = [
        other.client("owner").get(other.page(f"verification/{footprint.pk}/")),
        other.client("owner").post(
            other.page(f"verification/{footprint.pk}/decline/"), {"decline-comment": REASON}
        ),
        other.client("owner").get(other.page(f"verification/evidence/{evidence.pk}/")),
        # The producer does not verify its own footprint.
        producer_owner.get(page_url(producer, f"verification/{footprint.pk}/")),
        # Nor reaches the verifier's organisation.
        producer_owner.get(verifier.page(f"verification/{footprint.pk}/")),
    ]

    assert [a.status_code for a in answers] == [404, 404, 404, 404, 404]
    assert not VerificationDecision.objects.exists()


@pytest.mark.parametrize("role", ["preparer", "viewer"])
def test_a_role_that_may_not_answer_gets_403_and_nothing_changes(
    producer: Producer, verifier: Verifier, role: str
):
    footprint = named_footprint(producer, verifier)

    answers = [
        verifier.client(role).post(verifier.page(f"verification/{footprint.pk}/confirm/"), {}),
        verifier.client(role).post(
            verifier.page(f"verification/{footprint.pk}/decline/"), {"decline-comment": REASON}
        ),
    ]

    assert [a.status_code for a in answers] == [403, 403]
    footprint.refresh_from_db()
    assert (footprint.verifier_confirmed_at, footprint.verifier_declined_at) == (None, None)
    assert not AuditEvent.objects.filter(action__startswith="footprint.verification").exists()


def test_a_request_page_costs_a_fixed_number_of_queries(
    producer: Producer, verifier: Verifier, django_assert_num_queries
):
    footprint = named_footprint(producer, verifier)
    statement_pdf(footprint)
    statement_pdf(footprint)
    client = verifier.client("reviewer")
    url = verifier.page(f"verification/{footprint.pk}/")

    # session, user, membership, the footprint (producer, product, installation, verifier),
    # its precursors, its evidence, this verifier's answers to it
    with django_assert_num_queries(7):
        assert client.get(url, **EN).status_code == 200


# --- answering -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "message", "summary"),
    [
        (
            EN,
            "Say why the verification is declined and what the producer must change; the "
            "producer reads it.",
            "A declined verification needs a comment.",
        ),
        (
            ZH,
            "请说明不予确认核查的理由以及生产商需要修改的内容；生产商会看到此意见。",
            "不予确认核查时须填写意见。",
        ),
    ],
)
def test_declining_without_a_comment_names_the_field_in_the_pages_language(
    producer: Producer, verifier: Verifier, headers, message: str, summary: str
):
    footprint = named_footprint(producer, verifier)

    answer = verifier.client("reviewer").post(
        verifier.page(f"verification/{footprint.pk}/decline/"), {"decline-comment": "  "}, **headers
    )

    assert answer.status_code == 200
    html = answer.content.decode()
    assert f'<p class="errors" id="id_decline-comment_error">{message}</p>' in html
    assert summary not in html  # the field says it; nothing above the form
    footprint.refresh_from_db()
    assert footprint.verifier_declined_at is None
    assert not VerificationDecision.objects.exists()


def test_a_reviewer_declines_with_a_comment_and_both_sides_see_it(
    producer: Producer, verifier: Verifier
):
    footprint = named_footprint(producer, verifier)
    client = verifier.client("reviewer")

    answer = client.post(
        verifier.page(f"verification/{footprint.pk}/decline/"), {"decline-comment": REASON}, **EN
    )

    assert answer.status_code == 302
    assert answer["Location"] == verifier.page(f"verification/{footprint.pk}/")
    decision = VerificationDecision.objects.get()
    assert (decision.outcome, decision.comment, decision.decided_by) == (
        "declined",
        REASON,
        verifier.users["reviewer"],
    )
    html = client.get(answer["Location"], **EN).content.decode()
    assert "Declined: the producer reads your comment." in html
    assert text(html, "verification-state") == (
        f"Verification declined {when(decision.decided_at)} · The producer's next submission "
        "asks you again."
    )
    assert text(html, "answers") == (
        f"Declined {when(decision.decided_at)} · Reviewer of nordic-verification Comment: {REASON}"
    )
    assert "decline-comment" not in html  # answered: no forms
    # The producer's own page of the footprint.
    page = (
        client_of(producer.users["viewer"])
        .get(page_url(producer, f"footprints/{footprint.pk}/"), **ZH)
        .content.decode()
    )
    assert text(page, "verification-state") == (
        f"Nordic Emissions Verification AB: 核查不予确认 {when(decision.decided_at, 'zh-hans')} "
        "在新提交的版本获得确认之前，买方必须采用默认值而非这些数据：请更正碳足迹并重新提交。"
    )
    assert text(page, "verification-answers") == (
        f"不予确认 {when(decision.decided_at, 'zh-hans')} · Reviewer of nordic-verification "
        f"意见：{REASON}"
    )


def test_an_owner_confirms_in_chinese(producer: Producer, verifier: Verifier):
    footprint = named_footprint(producer, verifier)
    client = verifier.client("owner")

    answer = client.post(
        verifier.page(f"verification/{footprint.pk}/confirm/"), {"confirm-comment": ""}, **ZH
    )

    assert answer.status_code == 302
    html = client.get(answer["Location"], **ZH).content.decode()
    confirmed = Footprint.objects.get(pk=footprint.pk).verifier_confirmed_at
    assert "已确认：已通知生产商。" in html
    assert text(html, "verification-state") == f"核查已确认 {when(confirmed, 'zh-hans')}"
    assert VerificationDecision.objects.get().outcome == "confirmed"


def test_an_answer_given_meanwhile_is_said_above_the_form(producer: Producer, verifier: Verifier):
    footprint = named_footprint(producer, verifier)
    verifier.client("owner").post(verifier.page(f"verification/{footprint.pk}/confirm/"), {})

    answer = verifier.client("reviewer").post(
        verifier.page(f"verification/{footprint.pk}/decline/"), {"decline-comment": REASON}, **EN
    )

    assert answer.status_code == 200
    confirmed = Footprint.objects.get(pk=footprint.pk).verifier_confirmed_at
    assert (
        f'<div class="errors" role="alert"><p>Already confirmed on {confirmed:%Y-%m-%d}.</p></div>'
        in answer.content.decode()
    )
    assert VerificationDecision.objects.count() == 1


# --- the history ---------------------------------------------------------------------------


def _answered(producer: Producer, verifier: Verifier) -> list[Footprint]:
    declined = named_footprint(producer, verifier, day=0)
    confirmed = named_footprint(producer, verifier, day=1)
    verifier.client("reviewer").post(
        verifier.page(f"verification/{declined.pk}/decline/"), {"decline-comment": REASON}
    )
    verifier.client("admin").post(
        verifier.page(f"verification/{confirmed.pk}/confirm/"),
        {"confirm-comment": "Site visit of 12 February 2027."},
    )
    return [declined, confirmed]


def test_the_history_lists_every_answer_with_who_when_and_why(
    producer: Producer, verifier: Verifier
):
    declined, confirmed = _answered(producer, verifier)
    first, second = VerificationDecision.objects.order_by("decided_at")

    html = (
        verifier.client("viewer").get(verifier.page("verification/history/"), **EN).content.decode()
    )

    producer_name = f"{producer.organisation.legal_name} (Hebei Steel)"
    rows = cells(html, "verification-history")
    assert [row[:1] + row[2:] for row in rows] == [
        [
            "Confirmed",
            producer_name,
            "2026-01-01 – 2026-12-31",
            "1.8",
            "Admin of nordic-verification",
            when(second.decided_at),
            "Site visit of 12 February 2027.",
        ],
        [
            "Declined",
            producer_name,
            "2026-01-01 – 2026-12-31",
            "1.8",
            "Reviewer of nordic-verification",
            when(first.decided_at),
            REASON,
        ],
    ]
    assert [row[1] for row in rows] == ["Hot-rolled coil 7208 39 00"] * 2
    assert f'href="/o/nordic-verification/verification/{confirmed.pk}/"' in html
    assert f'href="/o/nordic-verification/verification/{declined.pk}/"' in html


def test_the_history_filters_by_answer_and_a_footprint_no_longer_shared_is_not_linked(
    producer: Producer, verifier: Verifier
):
    declined, _confirmed = _answered(producer, verifier)
    Footprint.objects.filter(pk=declined.pk).update(status="rejected")

    html = (
        verifier.client("viewer")
        .get(verifier.page("verification/history/?outcome=declined"), **ZH)
        .content.decode()
    )

    rows = cells(html, "verification-history")
    assert [(row[0], row[1]) for row in rows] == [("不予确认", "Hot-rolled coil 7208 39 00")]
    assert f"/verification/{declined.pk}/" not in html


def test_the_history_costs_the_same_queries_for_many_rows(
    producer: Producer, verifier: Verifier, django_assert_num_queries
):
    _answered(producer, verifier)
    client = verifier.client("viewer")
    url = verifier.page("verification/history/")

    # session, user, membership, count, answers (footprint, producer, product, installation,
    # person)
    with django_assert_num_queries(5):
        assert client.get(url, **EN).status_code == 200
    _answered(producer, verifier)
    _answered(producer, verifier)
    with django_assert_num_queries(5):
        html = client.get(url, **EN).content.decode()
    assert len(cells(html, "verification-history")) == 6


def test_the_nav_leads_to_the_verification_inbox(verifier: Verifier):
    html = verifier.client("viewer").get(verifier.page("verification/"), **EN).content.decode()

    assert (
        '<li><a href="/o/nordic-verification/verification/" aria-current="page">Verification</a>'
        in html
    )


def test_the_producers_footprint_page_reads_the_answers_in_one_query(
    producer: Producer, verifier: Verifier, django_assert_num_queries
):
    footprint = named_footprint(producer, verifier)
    answer = verifier.page(f"verification/{footprint.pk}/decline/")
    verifier.client("reviewer").post(answer, {"decline-comment": REASON})
    # Submitted again (the service's way is tested in test_verification_answers.py).
    Footprint.objects.filter(pk=footprint.pk).update(
        verifier_declined_at=None, submitted_at=SUBMITTED + timedelta(days=3)
    )
    verifier.client("owner").post(answer, {"decline-comment": "Still wrong."})
    client = client_of(producer.users["viewer"])
    url = page_url(producer, f"footprints/{footprint.pk}/")

    # session, user, membership, footprint (with people and decision), precursors, evidence,
    # latest run, its versions, the verifier's answers (its findings: no run, no query)
    with django_assert_num_queries(9):
        html = client.get(url, **EN).content.decode()
    assert text(html, "verification-answers").count("Declined") == 2
