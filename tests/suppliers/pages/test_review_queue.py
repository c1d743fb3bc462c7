"""The review queue: footprints in review, oldest submission first, each with what changed
since the version it corrects; approve / reject there; four eyes said before the click."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from suppliers.models import Footprint, FootprintStatus
from tests.factories import FootprintFactory
from tests.suppliers.conftest import Producer
from tests.suppliers.pages.conftest import EN, ZH, client_of, page_url, published
from tests.suppliers.pages.test_footprint_pages import with_finding

pytestmark = pytest.mark.django_db


def in_review(producer: Producer, submitted_days_ago: int, **fields) -> Footprint:
    values = {
        "organisation": producer.organisation,
        "product": producer.product,
        "installation": producer.installation,
        "status": FootprintStatus.IN_REVIEW,
        "created_by": producer.users["preparer"],
        "submitted_by": producer.users["preparer"],
        "submitted_at": timezone.now() - timedelta(days=submitted_days_ago),
        **fields,
    }
    return FootprintFactory(**values)


def correction(producer: Producer, submitted_days_ago: int) -> Footprint:
    """A correction of a published footprint: 1,200 t instead of 1,000 t, the SEE lower."""
    return in_review(
        producer,
        submitted_days_ago,
        preceding=published(
            producer, inputs_as_entered={"activity_level": {"value": "1000", "unit": "t"}}
        ),
        activity_level_t=1200,
        inputs_as_entered={"activity_level": {"value": "1200", "unit": "t"}},
        see_direct="1.50000",
        see_total="1.50000",
    )


def rows(html: str, footprint: Footprint) -> list[tuple[str, str, str]]:
    section = html.split(f'id="review-{footprint.pk}"', 1)[1].split("</section>", 1)[0]
    found = re.findall(
        r'<tr><th scope="row">([^<]*)</th>\s*<td class="num">([^<]*)</td>\s*'
        r'<td class="num">([^<]*)</td></tr>',
        section,
    )
    return [(label, " ".join(old.split()), " ".join(new.split())) for label, old, new in found]


def test_the_queue_shows_each_footprint_in_review_oldest_first_with_what_changed(producer):
    newer = correction(producer, submitted_days_ago=1)
    older = in_review(producer, submitted_days_ago=5)
    FootprintFactory(organisation=producer.organisation, status=FootprintStatus.DRAFT)
    reviewer = client_of(producer.users["reviewer"])

    html = reviewer.get(page_url(producer, "review/"), **EN).content.decode()

    assert re.findall(r'<section class="card review-item" id="review-([^"]+)"', html) == [
        str(older.pk),
        str(newer.pk),
    ]
    assert rows(html, newer) == [
        ("Activity level (production)", "1,000 t", "1,200 t"),
        ("Direct SEE (tCO2e/t)", "1.8", "1.5"),
        ("Total SEE (tCO2e/t)", "1.8", "1.5"),
    ]
    assert (
        "A first version: there is no earlier version to compare with."
        in html.split(f'id="review-{older.pk}"', 1)[1].split("</section>", 1)[0]
    )


def test_changes_read_in_chinese(producer):
    footprint = correction(producer, submitted_days_ago=1)
    reviewer = client_of(producer.users["reviewer"])

    html = reviewer.get(page_url(producer, "review/"), **ZH).content.decode()

    assert rows(html, footprint)[0] == ("活动水平（产量）", "1,000 t", "1,200 t")


def test_four_eyes_is_said_beside_the_footprint_before_any_click(producer):
    own = in_review(producer, 2, created_by=producer.users["reviewer"])
    other = in_review(producer, 1)
    reviewer = client_of(producer.users["reviewer"])

    html = reviewer.get(page_url(producer, "review/"), **ZH).content.decode()

    own_section = html.split(f'id="review-{own.pk}"', 1)[1].split("</section>", 1)[0]
    other_section = html.split(f'id="review-{other.pk}"', 1)[1].split("</section>", 1)[0]
    assert (
        f'<p class="errors" role="note" id="refusal-{own.pk}">'
        "四眼原则：此碳足迹由您填报或提交，须由另一位审核人批准或退回。</p>"
    ) in own_section
    assert "/approve/" not in own_section
    assert f"/footprints/{other.pk}/approve/" in other_section


def test_a_reviewer_approves_from_the_queue_and_comes_back_to_it(producer):
    footprint = in_review(producer, 1)
    reviewer = client_of(producer.users["reviewer"])

    answer = reviewer.post(
        page_url(producer, f"footprints/{footprint.pk}/approve/"),
        {"comment": "Meter readings match.", "back": "review"},
        **EN,
    )

    assert answer.status_code == 302
    assert answer["Location"] == page_url(producer, "review/")
    footprint.refresh_from_db()
    assert (footprint.status, footprint.reviewed_by, footprint.review_comment) == (
        FootprintStatus.APPROVED,
        producer.users["reviewer"],
        "Meter readings match.",
    )
    queue = reviewer.get(answer["Location"], **EN).content.decode()
    assert "Approved: it can be published now." in queue
    assert "Nothing is waiting for review." in queue


def test_a_rejection_without_comment_comes_back_to_the_queue_with_the_reason(producer):
    footprint = in_review(producer, 1)
    reviewer = client_of(producer.users["reviewer"])

    answer = reviewer.post(
        page_url(producer, f"footprints/{footprint.pk}/reject/"),
        {"comment": "", "back": "review"},
        follow=True,
        **EN,
    )

    footprint.refresh_from_db()
    assert footprint.status == FootprintStatus.IN_REVIEW
    assert answer.redirect_chain == [(page_url(producer, "review/"), 302)]
    assert "A rejection needs a comment." in answer.content.decode()


def test_the_queue_is_in_the_navigation_of_reviewers_only(producer, preparer):
    reviewer = client_of(producer.users["reviewer"])
    link = f'href="{page_url(producer, "review/")}"'

    assert link in reviewer.get(page_url(producer, "footprints/"), **EN).content.decode()
    assert link not in preparer.get(page_url(producer, "footprints/"), **EN).content.decode()
    assert preparer.get(page_url(producer, "review/")).status_code == 403


def test_the_queue_costs_a_fixed_number_of_queries(producer, django_assert_num_queries):
    for days in range(3):
        with_finding(correction(producer, submitted_days_ago=days))
    for days in range(2):
        with_finding(in_review(producer, submitted_days_ago=10 + days))
    reviewer = client_of(producer.users["reviewer"])

    # session, user, membership, count, footprints (with product, installation, people and
    # the version corrected), precursors, evidence, latest runs, their findings, the
    # corrected versions' precursors
    with django_assert_num_queries(10):
        html = reviewer.get(page_url(producer, "review/"), **EN).content.decode()

    assert html.count('class="card review-item"') == 5
    assert html.count('<td class="num">1,200 t</td>') == 3


def test_the_footprints_page_gives_the_reason_instead_of_the_review_buttons(producer):
    own = in_review(producer, 1, created_by=producer.users["reviewer"])
    reviewer = client_of(producer.users["reviewer"])

    html = reviewer.get(page_url(producer, f"footprints/{own.pk}/"), **EN).content.decode()

    assert (
        '<p class="errors" role="note" id="four-eyes">Four eyes: you prepared or submitted this '
        "footprint, so another reviewer must approve or reject it.</p>"
    ) in html
    assert "/approve/" not in html
    assert "/reject/" not in html
