"""The signing keys page: every key with its dates and state; admins rotate, and revoke with
a reason after confirming, through the API's services."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.audit import Actor
from accounts.models import AuditEvent, SigningKey
from accounts.roles import Role
from accounts.services.signing_keys import (
    signing_key_active,
    signing_key_revoke,
    signing_key_rotate,
)
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN"}
SYSTEM = Actor.platform("tests")


def _client(organisation, role: str) -> Client:
    client = Client()
    client.force_login(MembershipFactory(organisation=organisation, role=role).user)
    return client


@pytest.fixture
def keys(organisation) -> list[SigningKey]:
    """Four keys: revoked, retired, retired, active (oldest first)."""
    first = signing_key_active(organisation=organisation)
    signing_key_rotate(actor=SYSTEM, organisation=organisation)
    signing_key_rotate(actor=SYSTEM, organisation=organisation)
    signing_key_rotate(actor=SYSTEM, organisation=organisation)
    signing_key_revoke(actor=SYSTEM, key=first, reason="laptop stolen")
    return list(SigningKey.objects.filter(organisation=organisation).order_by("created_at", "id"))


def test_the_list_shows_every_key_newest_first_in_a_pinned_number_of_queries(
    keys, organisation, django_assert_num_queries
):
    client = _client(organisation, Role.VIEWER)

    with django_assert_num_queries(4):
        page = client.get("/o/acme-steel/keys/")

    assert page.status_code == 200
    assert [(k.kid, k.status) for k in page.context["keys"]] == [
        (keys[3].kid, "active"),
        (keys[2].kid, "retired"),
        (keys[1].kid, "retired"),
        (keys[0].kid, "revoked"),
    ]
    html = page.content.decode()
    assert "laptop stolen" in html
    assert "/revoke/" not in html  # a viewer manages nothing
    assert "/keys/rotate/" not in html


def test_an_admin_sees_revoke_links_for_keys_not_revoked_and_the_rotate_button(keys, organisation):
    html = _client(organisation, Role.ADMIN).get("/o/acme-steel/keys/").content.decode()
    assert html.count("/revoke/") == 3
    assert 'action="/o/acme-steel/keys/rotate/"' in html


def test_an_admin_rotates_the_key(keys, organisation):
    answer = _client(organisation, Role.ADMIN).post("/o/acme-steel/keys/rotate/")

    assert answer.status_code == 302
    keys[3].refresh_from_db()
    assert keys[3].status == "retired"
    active = signing_key_active(organisation=organisation)
    assert active.pk not in {k.pk for k in keys}
    assert AuditEvent.objects.filter(action="signing_key.rotated").count() == 4


def test_a_preparer_may_not_rotate(keys, organisation):
    answer = _client(organisation, Role.PREPARER).post("/o/acme-steel/keys/rotate/")
    assert answer.status_code == 403
    assert SigningKey.objects.count() == 4


def test_a_revocation_needs_a_reason_and_a_ticked_confirmation_in_chinese(keys, organisation):
    url = f"/o/acme-steel/keys/{keys[3].pk}/revoke/"

    answer = _client(organisation, Role.OWNER).post(url, {"reason": "  "}, **ZH)

    assert answer.status_code == 200
    assert answer.context["form"].errors == {
        "reason": ["该字段是必填项。"],
        "confirm": ["请勾选此框以确认吊销。"],
    }
    keys[3].refresh_from_db()
    assert keys[3].revoked_at is None


def test_the_confirmation_page_says_what_a_revocation_does(keys, organisation):
    page = _client(organisation, Role.ADMIN).get(f"/o/acme-steel/keys/{keys[3].pk}/revoke/")
    html = page.content.decode()
    assert page.status_code == 200
    assert keys[3].kid in html
    assert "This is the active key: a new key is made at once and signs from now on." in html


def test_revoking_the_active_key_records_the_reason_and_makes_a_successor(keys, organisation):
    admin = _client(organisation, Role.ADMIN)

    answer = admin.post(
        f"/o/acme-steel/keys/{keys[3].pk}/revoke/",
        {"reason": "private key exposed", "confirm": "on"},
    )

    assert answer.status_code == 302
    assert answer["Location"] == "/o/acme-steel/keys/"
    keys[3].refresh_from_db()
    assert (keys[3].status, keys[3].revocation_reason) == ("revoked", "private key exposed")
    event = AuditEvent.objects.filter(action="signing_key.revoked").latest("id")
    assert event.after == {"status": "revoked", "kid": keys[3].kid, "reason": "private key exposed"}
    assert SigningKey.objects.filter(organisation=organisation).count() == 5


def test_revoking_a_revoked_key_is_said_on_the_page(keys, organisation):
    answer = _client(organisation, Role.ADMIN).post(
        f"/o/acme-steel/keys/{keys[0].pk}/revoke/", {"reason": "again", "confirm": "on"}
    )
    assert answer.status_code == 200
    [message] = answer.context["form"].errors["__all__"]
    assert message.startswith(f"The key {keys[0].kid} was already revoked on ")
    keys[0].refresh_from_db()
    assert keys[0].revocation_reason == "laptop stolen"
