"""The dashboard: what needs the viewer, per role, each item linking to its page, with a query
count that does not grow with the rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from accounts.services.signing_keys import signing_key_active
from exchange.sharing.models import Notification
from tests.exchange.sharing.builders import open_request
from tests.factories import FootprintFactory, MembershipFactory, OrganisationFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mill():
    return OrganisationFactory(slug="mill", legal_name="线材厂", legal_name_latin="Wire Mill")


def _client(organisation, role):
    client = Client()
    client.force_login(MembershipFactory(organisation=organisation, role=role).user)
    return client


def _fill(mill, n):
    buyer = OrganisationFactory()
    product = ProductFactory(organisation=mill, name="线材 Q195", cn_code="72139110")
    for i in range(n):
        FootprintFactory(organisation=mill, product=product, status="draft")
        FootprintFactory(organisation=mill, product=product, status="in_review")
        open_request(buyer, mill, due_date=timezone.localdate() + timedelta(days=3 + i))
        Notification.objects.create(
            organisation=mill, kind="request.received", subject="s", body="b", dedupe_key=f"k{i}"
        )
    signing_key_active(organisation=mill)


def test_a_preparer_sees_drafts_requests_and_notifications_each_linking_to_its_page(mill):
    _fill(mill, 2)
    html = _client(mill, Role.PREPARER).get("/o/mill/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<h2 id="drafts-h">Drafts to finish <span class="count">2</span></h2>' in html
    assert '<h2 id="review-h">Waiting for your review <span class="count">0</span></h2>' in html
    assert "2 open requests in all." in html
    assert html.count('href="/o/mill/requests/') >= 3  # two requests and the inbox
    assert html.count('href="/o/mill/footprints/') >= 2
    assert '<h2 id="notifications-h">Unread notifications <span class="count">2</span></h2>' in html


def test_a_reviewer_sees_what_waits_for_review_and_no_drafts(mill):
    _fill(mill, 2)
    html = _client(mill, Role.REVIEWER).get("/o/mill/").content.decode()
    assert '<span class="count">0</span></h2>' in html.split('id="drafts-h"')[1][:80]
    assert '<h2 id="review-h">Waiting for your review <span class="count">2</span></h2>' in html
    assert 'href="/o/mill/review/"' in html


@pytest.mark.parametrize("rows", [1, 8])
def test_the_dashboard_costs_the_same_queries_for_one_or_many_rows(
    mill, rows, django_assert_num_queries
):
    _fill(mill, rows)
    client = _client(mill, Role.OWNER)
    with django_assert_num_queries(13):
        assert client.get("/o/mill/").status_code == 200


# --------------------------------------------------------------------------- buyers, importers


def _buyer_with_requests(n):
    buyer = OrganisationFactory(
        slug="fasteners", legal_name_latin="Fasteners", kinds=["manufacturer"]
    )
    supplier = OrganisationFactory(legal_name="邯郸钢铁", legal_name_latin="Handan Steel")
    today = timezone.localdate()
    overdue = [
        open_request(buyer, supplier, due_date=today - timedelta(days=1 + i)) for i in range(n)
    ]
    open_request(buyer, None, supplier_email="sales@wire.example", due_date=today)
    return buyer, overdue


def test_a_buyer_sees_its_requests_past_due_and_no_producer_parts():
    buyer, overdue = _buyer_with_requests(2)
    html = _client(buyer, Role.PREPARER).get("/o/fasteners/", HTTP_ACCEPT_LANGUAGE="en").content
    html = html.decode()
    assert (
        '<h2 id="sent-h">Requests sent, past their due date <span class="count">2</span></h2>'
        in html
    )
    assert "3 requests sent are still open." in html
    for request in overdue:
        assert f'href="/o/fasteners/sent-requests/{request.pk}/">邯郸钢铁 · 7208 39 00</a>' in html
    assert "No computed bill of materials yet." in html
    assert 'id="drafts-h"' not in html
    assert 'id="keys-h"' not in html
    assert 'id="threshold-h"' not in html


@pytest.mark.parametrize("rows", [1, 8])
def test_a_buyers_dashboard_costs_the_same_queries_for_one_or_many_requests(
    rows, django_assert_num_queries
):
    buyer, _ = _buyer_with_requests(rows)
    client = _client(buyer, Role.OWNER)
    with django_assert_num_queries(11):
        assert client.get("/o/fasteners/").status_code == 200


def test_an_importer_sees_its_threshold_gauge_and_the_declaration_deadline(reference_data):
    from tests.exchange.pages.importer import ramp
    from tests.exchange.sharing.conftest import party

    importer = party("rhein", "Rhein Import GmbH", "importer", country="DE")
    ramp(importer, ["20", "20", "15"])
    client = Client()
    client.force_login(importer.users[Role.VIEWER])
    html = client.get("/o/rhein/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<figcaption>Net mass imported in 2026: 55.000 t / 50 t (110.0 %)</figcaption>" in html
    assert 'class="chart gauge gauge-over"' in html
    assert 'href="/o/rhein/threshold/"' in html
    assert 'href="/o/rhein/declaration/">The declaration is due on 2027-09-30</a>' in html
    zh = client.get("/o/rhein/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "申报截止日期为 2027年9月30日" in zh


def test_a_verifier_sees_the_requests_waiting_for_its_answer():
    verifier = OrganisationFactory(slug="tuv", legal_name_latin="TUV Test", kinds=["verifier"])
    producer = OrganisationFactory(legal_name="邯郸钢铁", legal_name_latin="Handan Steel")
    product = ProductFactory(organisation=producer, name="热轧卷 Q235", cn_code="72083900")
    waiting = FootprintFactory(
        organisation=producer, product=product, status="in_review", verifier_organisation=verifier
    )
    FootprintFactory(
        organisation=producer, product=product, status="draft", verifier_organisation=verifier
    )
    html = _client(verifier, Role.VIEWER).get("/o/tuv/", HTTP_ACCEPT_LANGUAGE="en")
    html = html.content.decode()
    assert (
        '<h2 id="verification-h">Verification requests waiting for your answer '
        '<span class="count">1</span></h2>'
    ) in html
    assert (
        f'href="/o/tuv/verification/{waiting.pk}/">邯郸钢铁 · 热轧卷 Q235 · 7208 39 00</a>' in html
    )
    assert 'id="drafts-h"' not in html
