"""Who can see a footprint, on its page: the buyers with a live grant on its lineage (any
version), since when, and revoking with a reason, through the grants service."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from exchange.sharing.models import Grant, Notification
from suppliers.models import Footprint
from tests.exchange.pages.conftest import page_url, person, wire_rod
from tests.exchange.sharing.builders import grant_of, published_footprint
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def buyers(html: str) -> list[str]:
    return re.findall(r'<li id="access-[^"]+"><a href="[^"]+">(.*?)</a>', html)


def test_the_footprints_page_loads_its_access_by_url_name(supplier):
    footprint = wire_rod(supplier)
    access = page_url(supplier, f"footprints/{footprint.pk}/access/")

    html = person(supplier, "viewer").get(page_url(supplier, f"footprints/{footprint.pk}/"))

    assert (
        f'<section class="card" id="access" aria-labelledby="access-h" hx-get="{access}" '
        'hx-trigger="load" hx-swap="outerHTML">'
    ) in html.content.decode()


def test_it_lists_the_live_grants_of_every_version_with_since_when(buyer, supplier):
    first = wire_rod(supplier)
    later = published_footprint(
        supplier.organisation,
        product=first.product,
        installation=first.installation,
        preceding=first,
    )
    on_first = grant_of(supplier.organisation, buyer.organisation, first)
    other_buyer = OrganisationFactory(legal_name="宁波五金", legal_name_latin="Ningbo Hardware")
    grant_of(supplier.organisation, other_buyer, later)
    revoked = grant_of(supplier.organisation, OrganisationFactory(legal_name="Gone"), later)
    Grant.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now(), revocation_reason="x")
    grant_of(supplier.organisation, OrganisationFactory(legal_name="Elsewhere"), wire_rod(supplier))

    html = (
        person(supplier, "viewer")
        .get(page_url(supplier, f"footprints/{later.pk}/access/"), **HX)
        .content.decode()
    )

    assert buyers(html) == [
        '<span lang="zh-Hans">宁波五金</span> <span class="muted">(Ningbo Hardware)</span>',
        "<span>Screw Maker GmbH</span>",
    ]
    assert f'href="{page_url(supplier, f"grants/{on_first.pk}/")}"' in html
    assert "自 " in html
    assert "<form" not in html  # a viewer may not revoke
    assert "<html" not in html  # a fragment


def test_nothing_shared_says_so(supplier):
    footprint = wire_rod(supplier)

    html = person(supplier, "viewer", "en").get(
        page_url(supplier, f"footprints/{footprint.pk}/access/")
    )

    assert '<p id="access-none">No buyer can see it: it is not shared.</p>' in html.content.decode()
    assert "<html" in html.content.decode()  # opened by its link: a page


def test_revoking_needs_a_reason_and_shows_the_error_beside_that_grant(buyer, supplier):
    footprint = wire_rod(supplier)
    grant = grant_of(supplier.organisation, buyer.organisation, footprint)
    url = page_url(supplier, f"footprints/{footprint.pk}/access/")

    answer = person(supplier, "preparer").post(url, {"grant": str(grant.pk), "reason": " "}, **HX)

    assert answer.status_code == 200
    assert (
        f'<p class="errors" id="reason-{grant.pk}-error">'
        "请说明买方失去访问权限的原因；该原因会发送给买方。</p>"
    ) in answer.content.decode()
    grant.refresh_from_db()
    assert grant.is_live


def test_revoking_with_a_reason_ends_the_grant_and_tells_the_buyer(buyer, supplier):
    footprint = wire_rod(supplier)
    grant = grant_of(supplier.organisation, buyer.organisation, footprint)
    url = page_url(supplier, f"footprints/{footprint.pk}/access/")

    answer = person(supplier, "preparer").post(
        url, {"grant": str(grant.pk), "reason": "合同已结束"}, **HX
    )

    html = answer.content.decode()
    assert answer.status_code == 200
    assert '<p id="access-none">' in html
    assert "已撤销：买方不再能看到此碳足迹。" in html
    grant.refresh_from_db()
    assert (grant.is_live, grant.revocation_reason) == (False, "合同已结束")
    assert Notification.objects.get(organisation=buyer.organisation).kind == "grant.revoked"
    assert AuditEvent.objects.filter(action="grant.revoked", object_id=str(grant.pk)).exists()


def test_a_grant_of_another_footprint_or_a_bad_id_is_not_revoked(buyer, supplier):
    footprint = wire_rod(supplier)
    elsewhere = grant_of(supplier.organisation, buyer.organisation, wire_rod(supplier))
    url = page_url(supplier, f"footprints/{footprint.pk}/access/")
    client = person(supplier, "preparer")

    other = client.post(url, {"grant": str(elsewhere.pk), "reason": "r"}, **HX)
    bad = client.post(url, {"grant": "not-a-uuid", "reason": "r"}, **HX)

    assert (other.status_code, bad.status_code) == (200, 200)
    elsewhere.refresh_from_db()
    assert elsewhere.is_live


def test_another_organisations_footprint_is_not_found(buyer, supplier):
    foreign = published_footprint(buyer.organisation)

    answer = person(supplier, "viewer").get(page_url(supplier, f"footprints/{foreign.pk}/access/"))

    assert answer.status_code == 404


def test_the_access_costs_the_same_queries_for_many_grants(
    buyer, supplier, django_assert_num_queries
):
    footprint = wire_rod(supplier)
    for number in range(4):
        grant_of(
            supplier.organisation, OrganisationFactory(legal_name=f"Buyer {number}"), footprint
        )
    client = person(supplier, "preparer")
    url = page_url(supplier, f"footprints/{footprint.pk}/access/")

    # session, user, membership, footprint (with product), the live grants with their buyers
    with django_assert_num_queries(5):
        html = client.get(url, **HX).content.decode()
    assert len(buyers(html)) == 4
    assert Footprint.objects.filter(lineage=footprint.lineage).count() == 1
