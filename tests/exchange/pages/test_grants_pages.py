"""Grants given, in the browser: who can read which footprints, and revoking with a reason."""

from __future__ import annotations

import pytest
from django.utils import timezone

from exchange.sharing.models import Grant, Notification
from tests.exchange.pages.conftest import page_url, person, wire_rod
from tests.exchange.sharing.builders import grant_of
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_list_shows_buyer_footprints_date_and_state(buyer, supplier):
    footprint = wire_rod(supplier)
    live = grant_of(supplier.organisation, buyer.organisation, footprint)
    revoked = grant_of(
        supplier.organisation,
        OrganisationFactory(legal_name="宁波五金", legal_name_latin="Ningbo Hardware"),
        footprint,
    )
    Grant.objects.filter(pk=revoked.pk).update(
        revoked_at=timezone.now(), revocation_reason="合同结束"
    )

    html = person(supplier, "viewer").get(page_url(supplier, "grants/")).content.decode()

    assert "<h1>我方共享</h1>" in html
    assert f'<a href="/o/wire-rod-mill/grants/{live.pk}/"><span>Screw Maker GmbH</span></a>' in html
    assert (
        '<span lang="zh-Hans">宁波五金</span> <span class="muted">(Ningbo Hardware)</span>' in html
    )
    assert html.count(">线材 Q195</a>") == 2
    assert html.count('<span class="badge ok">有效</span>') == 1
    assert html.count('<span class="badge error">已撤销</span>') == 1


def test_revoking_needs_a_reason_and_then_the_buyer_loses_access(buyer, supplier):
    grant = grant_of(supplier.organisation, buyer.organisation, wire_rod(supplier))
    url = page_url(supplier, f"grants/{grant.pk}/revoke/")
    client = person(supplier, "preparer")

    blank = client.post(url, {"reason": ""})
    done = client.post(url, {"reason": "合同已结束"})
    twice = client.post(url, {"reason": "again"})

    assert blank.status_code == 200
    assert (
        '<p class="errors" id="id_reason_error">'
        "请说明买方失去访问权限的原因；该原因会发送给买方。</p>" in blank.content.decode()
    )
    assert done.status_code == 302
    grant.refresh_from_db()
    assert (grant.is_live, grant.revocation_reason) == (False, "合同已结束")
    assert Notification.objects.get(organisation=buyer.organisation).kind == "grant.revoked"
    assert twice.status_code == 200
    assert "此授权已被撤销。" in twice.content.decode()


def test_a_viewer_sees_no_revoke_form(buyer, supplier):
    grant = grant_of(supplier.organisation, buyer.organisation, wire_rod(supplier))
    html = (
        person(supplier, "viewer").get(page_url(supplier, f"grants/{grant.pk}/")).content.decode()
    )
    assert "撤销授权" not in html
    assert "<dt>买方</dt>" in html


def test_the_grant_pages_take_a_fixed_number_of_queries(buyer, supplier, django_assert_num_queries):
    footprints = [wire_rod(supplier) for _ in range(3)]
    grants = [grant_of(supplier.organisation, OrganisationFactory(), *footprints) for _ in range(4)]
    client = person(supplier, "owner")
    client.get(page_url(supplier, "grants/"))

    # session, user, membership; count; grants + their footprints (with products).
    with django_assert_num_queries(6):
        listed = client.get(page_url(supplier, "grants/"))
    # session, user, membership; the grant + its footprints.
    with django_assert_num_queries(5):
        detail = client.get(page_url(supplier, f"grants/{grants[0].pk}/"))

    assert listed.content.decode().count(">线材 Q195</a>") == 12
    assert detail.status_code == 200
