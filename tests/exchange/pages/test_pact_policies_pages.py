"""The supplier's sharing policies in the browser, and a request that arrived by PACT shown
as such in the inbox."""

from __future__ import annotations

import pytest

from accounts.models import AuditEvent
from exchange.partners.models import InboundRequest, PactPartner
from exchange.sharing.models import PolicyRule, SharingPolicy
from tests.exchange.pages.conftest import page_url, person, wire_rod, wire_rod_request
from tests.exchange.sharing.builders import grant_of
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_list_shows_each_buyer_with_a_relationship_and_its_rule(buyer, supplier):
    wire_rod_request(buyer, supplier)
    nail = OrganisationFactory(
        slug="nail-works", legal_name="Nail Works", legal_name_latin="Nail Works", country="DE"
    )
    grant_of(supplier.organisation, nail, wire_rod(supplier))
    SharingPolicy.objects.create(
        supplier=supplier.organisation, buyer=nail, rule=PolicyRule.REJECT, reason="仅限合同客户"
    )
    OrganisationFactory(slug="stranger", legal_name_latin="Stranger Ltd")

    html = person(supplier, "viewer").get(page_url(supplier, "sharing-policies/")).content.decode()

    assert "<h1>共享策略</h1>" in html
    assert (
        '<td><a href="/o/wire-rod-mill/sharing-policies/screw-maker/">'
        "<span>Screw Maker GmbH</span></a></td>\n      <td>由专人答复每个请求</td>" in html
    )
    assert (
        '<td><a href="/o/wire-rod-mill/sharing-policies/nail-works/"><span>Nail Works</span></a>'
        "</td>\n      <td>以我方的固定理由拒绝</td>\n      <td>仅限合同客户</td>" in html
    )
    assert "Stranger Ltd" not in html
    assert 'aria-current="page">共享策略</a>' in html


def test_a_writer_sets_a_rule_and_a_rejection_needs_a_reason(buyer, supplier):
    wire_rod_request(buyer, supplier)
    url = page_url(supplier, "sharing-policies/screw-maker/")
    client = person(supplier, "preparer")

    blank = client.post(url, {"rule": "reject", "reason": " "})
    unknown = client.post(url, {"rule": "always", "reason": ""})
    done = client.post(url, {"rule": "all_published", "reason": ""})

    assert blank.status_code == 200
    assert (
        '<p class="errors" id="id_reason_error">'
        "请说明拒绝该买方请求的原因；该原因会发送给买方。</p>" in blank.content.decode()
    )
    assert unknown.status_code == 200
    assert (
        '<p class="errors" id="id_rule_error">always 不是共享规则；请从列表中选择一项。</p>'
        in unknown.content.decode()
    )
    assert done.status_code == 302
    assert done["Location"] == "/o/wire-rod-mill/sharing-policies/"
    policy = SharingPolicy.objects.get()
    assert (policy.buyer, policy.rule, policy.reason) == (buyer.organisation, "all_published", "")
    assert AuditEvent.objects.filter(action="sharing_policy.set").count() == 1


def test_a_viewer_sees_the_rule_but_no_form(buyer, supplier):
    wire_rod_request(buyer, supplier)

    html = (
        person(supplier, "viewer")
        .get(page_url(supplier, "sharing-policies/screw-maker/"))
        .content.decode()
    )

    assert "<dt>规则</dt><dd>由专人答复每个请求</dd>" in html
    assert "保存规则" not in html


def test_a_buyer_without_a_relationship_answers_404(buyer, supplier):
    OrganisationFactory(slug="stranger")
    client = person(supplier, "owner")

    assert client.get(page_url(supplier, "sharing-policies/stranger/")).status_code == 404
    assert (
        client.post(
            page_url(supplier, "sharing-policies/stranger/"), {"rule": "manual"}
        ).status_code
        == 404
    )
    assert SharingPolicy.objects.count() == 0


def test_the_policy_pages_take_a_fixed_number_of_queries(
    buyer, supplier, django_assert_num_queries
):
    for _ in range(4):
        grant_of(supplier.organisation, OrganisationFactory(), wire_rod(supplier))
    wire_rod_request(buyer, supplier)
    SharingPolicy.objects.create(
        supplier=supplier.organisation, buyer=buyer.organisation, rule=PolicyRule.ALL_PUBLISHED
    )
    client = person(supplier, "owner")
    client.get(page_url(supplier, "sharing-policies/"))

    # session, user, membership; the policies; the buyers.
    with django_assert_num_queries(5):
        listed = client.get(page_url(supplier, "sharing-policies/"))
    # session, user, membership; the buyer; its policy.
    with django_assert_num_queries(5):
        detail = client.get(page_url(supplier, "sharing-policies/screw-maker/"))

    # One link per buyer: the four given a grant and the one that asked.
    assert listed.content.decode().count('<td><a href="/o/wire-rod-mill/sharing-policies/') == 5
    assert detail.status_code == 200


def test_a_request_that_arrived_by_pact_says_so(buyer, supplier):
    request = wire_rod_request(buyer, supplier)
    partner = PactPartner(
        organisation=buyer.organisation,
        name="Webhook Corp",
        base_url="https://webhook.example.com",
        client_id="id",
    )
    partner.secret_set("secret")
    partner.save()
    inbound = InboundRequest.objects.create(
        requester=buyer.organisation,
        partner=partner,
        event_id="test-run-id-12345",
        source="https://webhook.example.com",
        callback_url="https://webhook.example.com/3/events",
        event={},
    )
    inbound.footprint_requests.add(request)
    plain = wire_rod_request(buyer, supplier)
    client = person(supplier, "viewer")

    html = client.get(page_url(supplier, f"requests/{request.pk}/")).content.decode()
    other = client.get(page_url(supplier, f"requests/{plain.pk}/")).content.decode()

    assert "<dt>来源</dt><dd>通过 PACT 来自 Webhook Corp，事件 test-run-id-12345</dd>" in html
    assert "<dt>来源</dt>" not in other
