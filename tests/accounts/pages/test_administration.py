"""Machine clients and the audit log in the browser's pages (owners and admins)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.test import Client

from accounts.audit import Actor, audit_record
from accounts.models import ApiClient, AuditEvent
from accounts.roles import Role
from core.crypto import sha256_hex
from tests.factories import ApiClientFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    membership = MembershipFactory(
        organisation=OrganisationFactory(slug="hebei-steel"), role=Role.ADMIN
    )
    client = Client()
    client.force_login(membership.user)
    return membership, client


def test_registering_a_client_shows_its_secret_once_and_stores_only_its_hash(admin):
    membership, client = admin
    page = client.post(
        "/o/hebei-steel/clients/",
        {
            "action": "create",
            "name": "ERP export",
            "role": "preparer",
            "scopes": ["footprints:read", "footprints:write"],
        },
    )
    html = page.content.decode()
    assert page.status_code == 200
    secret = re.search(r'<code id="client-secret">([^<]+)</code>', html).group(1)
    stored = ApiClient.objects.get(organisation=membership.organisation)
    assert stored.name == "ERP export"
    assert stored.role == "preparer"
    assert stored.scopes == ["footprints:read", "footprints:write"]
    assert stored.secret_hash == sha256_hex(secret)
    assert secret not in client.get("/o/hebei-steel/clients/").content.decode()
    assert AuditEvent.objects.filter(action="api_client.created").count() == 1


def test_a_client_without_scopes_is_refused_at_the_field_in_chinese(admin):
    _, client = admin
    page = client.post(
        "/o/hebei-steel/clients/",
        {"action": "create", "name": "ERP", "role": "viewer"},
        HTTP_ACCEPT_LANGUAGE="zh-CN",
    )
    assert page.status_code == 200  # the form again, with its errors (docs/pages.md)
    assert "该字段是必填项。" in page.content.decode()
    assert not ApiClient.objects.exists()


def test_rotating_gives_a_new_secret_and_revoking_stops_the_client(admin):
    membership, client = admin
    machine = ApiClientFactory(organisation=membership.organisation, name="Old ERP")
    old_hash = machine.secret_hash
    page = client.post("/o/hebei-steel/clients/", {"action": "rotate", "client": machine.pk})
    machine.refresh_from_db()
    assert machine.secret_hash != old_hash
    secret = re.search(r'<code id="client-secret">([^<]+)</code>', page.content.decode()).group(1)
    assert machine.secret_hash == sha256_hex(secret)
    page = client.post(
        "/o/hebei-steel/clients/", {"action": "revoke", "client": machine.pk}, follow=True
    )
    machine.refresh_from_db()
    assert machine.revoked_at is not None
    assert "Client Old ERP revoked: it and its tokens no longer work." in page.content.decode()


def test_another_organisations_client_is_a_404_and_stays_as_it_was(admin):
    _, client = admin
    foreign = ApiClientFactory(organisation=OrganisationFactory())
    answer = client.post("/o/hebei-steel/clients/", {"action": "revoke", "client": foreign.pk})
    assert answer.status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


def test_the_clients_page_costs_the_same_queries_for_one_or_ten_clients(
    admin, django_assert_num_queries
):
    membership, client = admin
    ApiClientFactory(organisation=membership.organisation)
    with django_assert_num_queries(4):
        client.get("/o/hebei-steel/clients/")
    ApiClientFactory.create_batch(9, organisation=membership.organisation)
    with django_assert_num_queries(4):
        assert client.get("/o/hebei-steel/clients/").status_code == 200


def _events(organisation, count, action="organisation.updated", actor="system:test"):
    for i in range(count):
        audit_record(
            actor=Actor(system=actor),
            organisation=organisation,
            action=action,
            obj=organisation,
            after={"n": i},
        )


def test_the_audit_log_filters_by_action_actor_and_day(admin):
    membership, client = admin
    organisation = membership.organisation
    _events(organisation, 3)
    _events(organisation, 2, action="api_client.revoked", actor="system:sweeper")
    _events(OrganisationFactory(), 4)  # another organisation's: never shown
    html = client.get("/o/hebei-steel/audit/").content.decode()
    assert '<h2 id="events-h">5 events</h2>' in html
    html = client.get("/o/hebei-steel/audit/?action=api_client.").content.decode()
    assert '<h2 id="events-h">2 events</h2>' in html
    html = client.get("/o/hebei-steel/audit/?actor=sweeper&action=organisation").content.decode()
    assert '<h2 id="events-h">0 events</h2>' in html
    tomorrow = (datetime.now() + timedelta(days=2)).date().isoformat()
    html = client.get(f"/o/hebei-steel/audit/?since={tomorrow}").content.decode()
    assert '<h2 id="events-h">0 events</h2>' in html


def test_an_inverted_date_range_is_named_at_its_field(admin):
    _, client = admin
    page = client.get(
        "/o/hebei-steel/audit/?since=2026-05-02&until=2026-05-01", HTTP_ACCEPT_LANGUAGE="zh-CN"
    )
    assert page.status_code == 200  # the form again, with its errors (docs/pages.md)
    assert "必须在开始日期当天或之后。" in page.content.decode()


def test_the_audit_log_pages_by_fifty_with_a_fixed_query_count(admin, django_assert_num_queries):
    membership, client = admin
    _events(membership.organisation, 120)
    with django_assert_num_queries(5):  # session, user, membership, count, page
        html = client.get("/o/hebei-steel/audit/?page=2").content.decode()
    assert "Page 2 of 3" in html
    assert html.count("<code>organisation.updated</code>") == 50


def test_a_preparer_may_not_see_the_audit_log(admin):
    membership, _ = admin
    preparer = MembershipFactory(organisation=membership.organisation, role=Role.PREPARER)
    client = Client()
    client.force_login(preparer.user)
    assert client.get("/o/hebei-steel/audit/").status_code == 403
    assert client.get("/o/hebei-steel/clients/").status_code == 403
