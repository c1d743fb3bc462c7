"""The registry of partner PACT hosts: register, change, archive; the secret stored encrypted,
never in the audit log; every refusal names the field, in English and Chinese."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.utils import translation

from accounts.audit import Actor
from accounts.models import AuditEvent
from core.errors import Conflict, ValidationFailed
from core.messages import localise
from exchange.partners.models import FetchedFootprint, PactPartner
from exchange.partners.selectors import fetched_footprints_of, fetched_get, partner_get, partners_of
from exchange.partners.services.partners import partner_archive, partner_create, partner_update
from tests.exchange.partners.builders import fetched_of, hot_rolled_coil_document, partner_of
from tests.factories import ApiClientFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

ACTOR = Actor.platform("tests")


def _refusal(**fields: Any) -> ValidationFailed:
    organisation = fields.pop("organisation", None) or OrganisationFactory()
    values: dict[str, Any] = {
        "name": "Jinghua",
        "base_url": "https://pact.jinghua.example.cn",
        "auth_base_url": "",
        "client_id": "screwco",
        "secret": "s3cret",
    }
    values.update(fields)
    with pytest.raises(ValidationFailed) as caught:
        partner_create(actor=ACTOR, organisation=organisation, **values)
    return caught.value


def test_a_partner_is_registered_with_its_secret_encrypted():
    organisation = OrganisationFactory()
    machine = ApiClientFactory(organisation=organisation)

    partner = partner_of(
        organisation,
        base_url="https://pact.jinghua.example.cn:8443/pact/",
        auth_base_url="https://id.jinghua.example.cn",
        machine_client_id=machine.pk,
    )

    stored = PactPartner.objects.get(pk=partner.pk)
    assert stored.base_url == "https://pact.jinghua.example.cn:8443/pact"
    assert stored.auth_base_url == "https://id.jinghua.example.cn"
    assert stored.client_id == "screwco-at-jinghua"
    assert stored.machine_client_id == machine.pk
    assert stored.secret() == "s3cret-of-the-partner"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT secret_encrypted FROM partners_pactpartner WHERE id = %s", [str(partner.pk)]
        )
        (column,) = cursor.fetchone()
    assert "s3cret" not in column
    assert column == stored.secret_encrypted
    event = AuditEvent.objects.get(action="pact_partner.created")
    assert event.after == {
        "name": "Jinghua PACT host",
        "base_url": "https://pact.jinghua.example.cn:8443/pact",
        "auth_base_url": "https://id.jinghua.example.cn",
        "client_id": "screwco-at-jinghua",
        "machine_client_id": str(machine.pk),
    }


def test_an_update_with_an_empty_secret_keeps_the_old_one():
    partner = partner_of(OrganisationFactory())

    partner_update(
        actor=ACTOR,
        partner=partner,
        name="Jinghua (production)",
        base_url=partner.base_url,
        auth_base_url="",
        client_id="screwco-2",
        secret="",
    )

    partner.refresh_from_db()
    assert partner.name == "Jinghua (production)"
    assert partner.client_id == "screwco-2"
    assert partner.secret() == "s3cret-of-the-partner"
    event = AuditEvent.objects.get(action="pact_partner.updated")
    assert event.before == {"name": "Jinghua PACT host", "client_id": "screwco-at-jinghua"}
    assert event.after == {"name": "Jinghua (production)", "client_id": "screwco-2"}


def test_a_new_secret_replaces_the_old_and_is_not_audited():
    partner = partner_of(OrganisationFactory())

    partner_update(
        actor=ACTOR,
        partner=partner,
        name=partner.name,
        base_url=partner.base_url,
        auth_base_url="",
        client_id=partner.client_id,
        secret="rotated-secret",
    )

    partner.refresh_from_db()
    assert partner.secret() == "rotated-secret"
    event = AuditEvent.objects.get(action="pact_partner.updated")
    assert event.before == {}
    assert event.after == {"secret_changed": True}
    assert "rotated-secret" not in str(list(AuditEvent.objects.values("before", "after")))


@pytest.mark.parametrize(
    ("url", "expected_en", "expected_zh"),
    [
        (
            "http://pact.example.com",
            "http://pact.example.com is not an HTTPS address; expected "
            "https://host[:port][/path], e.g. https://pact.example.com.",
            "http://pact.example.com 不是 HTTPS 地址；应为 https://host[:port][/path]，例如 "
            "https://pact.example.com。",
        ),
        (
            "https://pact.example.com/?tenant=1",
            "https://pact.example.com/?tenant=1 has a query or fragment; expected "
            "https://host[:port][/path] only.",
            "https://pact.example.com/?tenant=1 带有查询参数或片段；应仅为 "
            "https://host[:port][/path]。",
        ),
        (
            "pact.example.com",
            "pact.example.com is not an HTTPS address; expected https://host[:port][/path], "
            "e.g. https://pact.example.com.",
            "pact.example.com 不是 HTTPS 地址；应为 https://host[:port][/path]，例如 "
            "https://pact.example.com。",
        ),
    ],
)
def test_a_base_url_that_is_not_https_host_path_is_refused(url, expected_en, expected_zh):
    error = _refusal(base_url=url)

    assert list(error.extra["fields"]) == ["base_url"]
    message = error.extra["fields"]["base_url"][0]
    assert message == expected_en
    with translation.override("zh-hans"):
        assert localise(message) == expected_zh
    assert PactPartner.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_plain_http_is_accepted_only_where_the_setting_allows_it(settings):
    settings.PACT_PARTNER_ALLOW_HTTP = True

    partner = partner_of(OrganisationFactory(), base_url="http://127.0.0.1:8001")

    assert partner.base_url == "http://127.0.0.1:8001"


def test_missing_fields_are_each_named():
    error = _refusal(name="", base_url="", client_id="", secret="")

    assert error.extra["fields"] == {
        "name": ["This field is required."],
        "base_url": ["This field is required."],
        "client_id": ["This field is required."],
        "secret": ["This field is required."],
    }
    with translation.override("zh-hans"):
        assert localise(error.extra["fields"]["secret"][0]) == "该字段是必填项。"


def test_the_machine_client_must_be_an_active_client_of_the_organisation():
    organisation = OrganisationFactory()
    foreign = ApiClientFactory()
    revoked = ApiClientFactory(organisation=organisation, revoked_at="2026-01-01T00:00:00Z")

    for client in (foreign, revoked):
        error = _refusal(organisation=organisation, machine_client_id=client.pk)
        assert list(error.extra["fields"]) == ["machine_client"]
        message = error.extra["fields"]["machine_client"][0]
        assert message == (
            f"{client.pk} is not one of your organisation's active machine clients; expected a "
            "client registered under Administration → Machine clients, or none."
        )
        with translation.override("zh-hans"):
            assert localise(message) == (
                f"{client.pk} 不是本组织的有效机器客户端；应为在“管理 → 机器客户端”中注册的"
                "客户端，或留空。"
            )


def test_a_second_active_partner_with_the_same_base_url_is_refused_on_base_url():
    organisation = OrganisationFactory()
    first = partner_of(organisation)

    error = _refusal(organisation=organisation, base_url="https://pact.jinghua.example.cn/")

    assert error.extra["fields"]["base_url"] == [
        "A partner with the base URL https://pact.jinghua.example.cn is already registered; "
        "expected another host, or edit that partner."
    ]
    partner_archive(actor=ACTOR, partner=first)
    again = partner_of(organisation)
    assert again.pk != first.pk
    # Another organisation may register the same host.
    assert partner_of(OrganisationFactory()).base_url == "https://pact.jinghua.example.cn"


def test_archiving_twice_writes_one_event_and_an_archived_partner_cannot_be_changed():
    partner = partner_of(OrganisationFactory())

    partner_archive(actor=ACTOR, partner=partner)
    partner_archive(actor=ACTOR, partner=partner)

    assert AuditEvent.objects.filter(action="pact_partner.archived").count() == 1
    with pytest.raises(Conflict):
        partner_update(
            actor=ACTOR,
            partner=partner,
            name="x",
            base_url=partner.base_url,
            auth_base_url="",
            client_id="y",
        )


def test_selectors_see_only_the_organisations_own_rows():
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    partner = partner_of(mine)
    other = partner_of(theirs)
    fetched = fetched_of(partner, hot_rolled_coil_document())
    foreign = fetched_of(other, hot_rolled_coil_document())

    assert list(partners_of(organisation=mine)) == [partner]
    assert partner_get(organisation=mine, partner_id=partner.pk) == partner
    with pytest.raises(PactPartner.DoesNotExist):
        partner_get(organisation=mine, partner_id=other.pk)
    assert list(fetched_footprints_of(organisation=mine)) == [fetched]
    assert list(fetched_footprints_of(organisation=mine, partner=partner)) == [fetched]
    assert fetched_get(organisation=mine, fetched_id=fetched.pk).sha256 == fetched.sha256
    with pytest.raises(FetchedFootprint.DoesNotExist):
        fetched_get(organisation=mine, fetched_id=foreign.pk)
