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
