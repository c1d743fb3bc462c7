"""The PACT client pages of one partner: fetch now and follow it, send a request (errors at
their fields), the requests sent with their answers, the events delivered; who sees what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.jobs import job_execute
from core.models import Job
from exchange.partners import client as pact_client
from exchange.partners.models import (
    EVENT_REQUEST_CREATED,
    DeliveryStatus,
    FetchedFootprint,
    FetchedOrigin,
    OutboundRequest,
    OutboundRequestStatus,
    PactDelivery,
)
from exchange.partners.services.fetching import fetched_store
from tests.exchange.pages.conftest import page_url, person
from tests.exchange.partners.conftest import (
    full_document_fields,
    pact_host,  # noqa: F401  (the live host)
    partner_of,
)
from tests.exchange.sharing.conftest import party
from tests.factories import ApiClientFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

HOST = "https://steel.example.com"
PF_ID = "6c1f2e3d-4a5b-4c6d-8e7f-9a0b1c2d3e4f"


def partner_url(party_, partner, path="exchange/"):
    return page_url(party_, f"pact/partners/{partner.pk}/{path}")


@pytest.fixture
def partner(buyer):
    return partner_of(buyer.organisation, HOST, ApiClientFactory(), name="Jinghua Steel host")


def answered_and_rejected(partner):
    fulfilled = OutboundRequest.objects.create(
        organisation=partner.organisation,
        partner=partner,
        event_id="e-1",
        criteria={"geography": ["CN"], "status": "Active"},
        comment="2026 declaration",
        status=OutboundRequestStatus.FULFILLED,
    )
    fulfilled.footprints.add(
        fetched_store(
            partner=partner,
            document=pact_client.document_bytes({"id": PF_ID, **full_document_fields()}),
            origin=FetchedOrigin.FULFILLED,
            source_url=f"{HOST}/3/events",
        )
    )
    OutboundRequest.objects.create(
        organisation=partner.organisation,
        partner=partner,
        event_id="e-2",
        criteria={"productId": ["urn:gtin:1", "urn:gtin:2"]},
        status=OutboundRequestStatus.REJECTED,
        error_code="NotFound",
        error_message="No footprint matches the request",
    )
    PactDelivery.objects.create(
        organisation=partner.organisation,
        partner=partner,
        event_type=EVENT_REQUEST_CREATED,
        event_id="e-2",
        target_url=f"{HOST}/3/events",
        body=b"{}",
        status=DeliveryStatus.PENDING,
        attempts=3,
        last_status_code=503,
        last_error="POST https://steel.example.com/3/events answered 503: busy",
        deadline=timezone.now() + timedelta(hours=70),
        next_attempt_at=timezone.now() + timedelta(minutes=8),
    )
    return fulfilled


def test_the_page_lists_the_requests_with_their_answers_and_the_deliveries(
    buyer, partner, django_assert_num_queries
):
    answered_and_rejected(partner)
    viewer = person(buyer, "viewer")
    viewer.get(partner_url(buyer, partner))  # the session's first queries

    with django_assert_num_queries(8):
        html = viewer.get(partner_url(buyer, partner)).content.decode()

    assert "<h1>与 Jinghua Steel host 的 PACT 数据交换</h1>" in html
    fetched = FetchedFootprint.objects.get(pf_id=PF_ID)
    assert (
        f'<a href="/o/{buyer.organisation.slug}/pact/fetched/{fetched.pk}/">'
        f"<code>{PF_ID}</code></a> "
        "Hot-rolled coil Q235B 2.0 mm"
    ) in html
    assert (
        "<code>geography</code> CN<br><code>status</code> Active<br>"
        '<span class="muted">2026 declaration</span>' in html
    )
    assert "<code>productId</code> urn:gtin:1, urn:gtin:2" in html
    assert "<code>NotFound</code> No footprint matches the request" in html
    assert "<td>已拒绝</td>" in html
    assert '<td class="num">3</td>' in html
    assert "<code>503</code> POST https://steel.example.com/3/events answered 503: busy" in html
    assert "立即获取碳足迹" not in html  # a viewer fetches nothing
    assert "发送请求" not in html


def test_sending_a_request_shows_the_services_errors_at_their_fields_then_sends(buyer, partner):
    preparer = person(buyer, "preparer")
    url = partner_url(buyer, partner, "requests/")

    nothing = preparer.post(url, {"comment": "hello"})
    bad_date = preparer.post(url, {"geography": "CN", "validOn": "yesterday"})
    english = person(buyer, "owner", "en").post(url, {"status": "", "geography": "CN, CN"})
    sent = preparer.post(
        url, {"geography": "CN\nDE", "classification": "urn:x, urn:y", "status": "Active"}
    )

    assert nothing.status_code == 200
    assert "请至少填写一个条件：产品标识、公司标识、地理范围、分类、有效日期或状态。" in (
        nothing.content.decode()
    )
    assert (
        '<p class="errors" id="id_validOn_error">应为日期时间，例如 2026-01-01T00:00:00Z。</p>'
        in bad_date.content.decode()
    )
    assert (
        '<p class="errors" id="id_geography_error">A value is given twice; give each value '
        "once.</p>" in english.content.decode()
    )
    request = OutboundRequest.objects.get()
    assert sent["Location"] == partner_url(buyer, partner)
    assert request.criteria == {
        "geography": ["CN", "DE"],
        "classification": ["urn:x", "urn:y"],
        "status": "Active",
    }
    assert PactDelivery.objects.get().target_url == f"{HOST}/3/events"


def test_a_viewer_may_neither_fetch_nor_send(buyer, partner):
    viewer = person(buyer, "viewer")
    assert viewer.post(partner_url(buyer, partner, "fetch/")).status_code == 403
    assert (
        viewer.post(partner_url(buyer, partner, "requests/"), {"geography": "CN"}).status_code
        == 403
    )
    assert not Job.objects.filter(kind="partners.fetch").exists()
    assert not OutboundRequest.objects.exists()


def test_another_organisations_partner_answers_404(buyer, partner):
    other = partner_of(OrganisationFactory(), HOST, ApiClientFactory(), name="Not yours")
    job = Job.objects.create(
        kind="partners.fetch",
        payload={"partner_id": str(other.pk)},
        organisation_id=other.organisation_id,
    )
    owner = person(buyer, "owner")

    assert owner.get(partner_url(buyer, other)).status_code == 404
    assert owner.post(partner_url(buyer, other, "fetch/")).status_code == 404
    assert (
        owner.post(partner_url(buyer, other, "requests/"), {"geography": "CN"}).status_code == 404
    )
    assert owner.get(partner_url(buyer, other, f"fetches/{job.pk}/")).status_code == 404
    # A fetch of another partner under one's own partner: 404 too.
    assert owner.get(partner_url(buyer, partner, f"fetches/{job.pk}/")).status_code == 404
    assert not OutboundRequest.objects.exists()


def test_fetching_now_starts_the_work_and_its_page_follows_it_to_the_counts(pact_host):  # noqa: F811
    importer = party("bolt-importer", "Bolt Importer BV", "importer", country="NL")
    partner = partner_of(importer.organisation, pact_host.url, pact_host.host_client)
    preparer = person(importer, "preparer")

    started = preparer.post(partner_url(importer, partner, "fetch/"))

    job = Job.objects.get(kind="partners.fetch")
    status_url = partner_url(importer, partner, f"fetches/{job.pk}/")
    assert started["Location"] == status_url
    waiting = preparer.get(status_url).content.decode()
    assert f'hx-get="{status_url}progress/" hx-trigger="every 2s"' in waiting
    assert "等待开始" in waiting

    outcome = job_execute(job_id=job.pk)
    job.refresh_from_db()
    assert (outcome.status, job.last_error) == (Job.Status.SUCCEEDED, "")

    done = preparer.get(f"{status_url}progress/").content.decode()
    assert "hx-get" not in done
    assert "新增 3 份，更新 0 份，未变 0 份；2 份未通过 PACT 检查" in done
    assert '<dd id="fetch-new">3</dd>' in done
    page = preparer.get(partner_url(importer, partner)).content.decode()
    assert f'<a href="{status_url}">' in page
