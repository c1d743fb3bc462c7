"""A buyer's PACT partners in a real Chromium, in Chinese and in English: the owner registers a
partner (a plain-HTTP address is refused at its field, the error shown and announced), then
reads it; a partner's exchange (a request sent with its answer, a delivery retrying, the last
fetch), the fetch's page, the fetched footprints and one of them. Every page visited is
checked by ``check_page`` (axe-core, nothing from outside, no browser error)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.roles import Role
from core.models import Job
from exchange.partners.models import (
    EVENT_REQUEST_CREATED,
    DeliveryStatus,
    FetchedOrigin,
    OutboundRequest,
    OutboundRequestStatus,
    PactDelivery,
    PactPartner,
)
from exchange.partners.services.fetching import FETCH_JOB
from tests.browser.conftest import Visit, check_page, log_in, new_tab
from tests.exchange.partners.builders import fetched_of, hot_rolled_coil_document, partner_of
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "correct horse battery staple 42"
OWNER = "owner@screw-maker.example"
LOCALES = ["en-GB", "zh-CN"]


def _owner(locale: str) -> Any:
    buyer = OrganisationFactory(slug="screw-maker", legal_name_latin="Screw Maker GmbH")
    member = MembershipFactory(
        organisation=buyer,
        role=Role.OWNER,
        user__email=OWNER,
        user__language="zh-hans" if locale == "zh-CN" else "en",
    )
    member.user.set_password(PASSWORD)
    member.user.save()
    return buyer


def _in(locale: str, english: str, chinese: str) -> str:
    return chinese if locale == "zh-CN" else english


@pytest.mark.parametrize("locale", LOCALES)
def test_an_owner_registers_a_partner_after_a_refused_address(
    browser: Any, visit: Visit, locale: str
) -> None:
    _owner(locale)
    page = new_tab(browser, visit, locale=locale)
    log_in(page, visit, OWNER, PASSWORD)
    page.wait_for_url("**/o/screw-maker/")

    page.click("header nav >> text=" + _in(locale, "PACT partners", "PACT 合作方"))
    page.wait_for_url("**/o/screw-maker/pact/partners/")
    assert page.locator("#no-partners").is_visible()
    check_page(page, visit)

    page.click("main >> text=" + _in(locale, "Register a partner", "注册合作方"))
    page.fill("#id_name", "Jinghua PACT host")
    page.fill("#id_base_url", "http://pact.jinghua.example.cn")
    page.fill("#id_client_id", "screw-maker")
    page.fill("#id_secret", "s3cret-of-the-partner")
    page.click("main form button[type=submit]")
    error = page.locator("#id_base_url_error")
    assert error.inner_text() == _in(
        locale,
        "http://pact.jinghua.example.cn is not an HTTPS address; expected "
        "https://host[:port][/path], e.g. https://pact.example.com.",
        "http://pact.jinghua.example.cn 不是 HTTPS 地址；应为 https://host[:port][/path]，"
        "例如 https://pact.example.com。",
    )
    field = page.locator("#id_base_url")
    assert field.get_attribute("aria-invalid") == "true"
    assert "id_base_url_error" in (field.get_attribute("aria-describedby") or "").split()
    check_page(page, visit)

    page.fill("#id_base_url", "https://pact.jinghua.example.cn")
    page.fill("#id_secret", "s3cret-of-the-partner")
    page.click("main form button[type=submit]")
    partner = PactPartner.objects.get()
    page.wait_for_url(f"**/o/screw-maker/pact/partners/{partner.pk}/")
    assert page.locator("#base-url").inner_text() == "https://pact.jinghua.example.cn"
    check_page(page, visit)


def _exchange_world(buyer: Any) -> tuple[PactPartner, Any, Job]:
    """A partner with a request answered by one footprint, a delivery retrying and a fetch
    finished, as the services leave them."""
    partner = partner_of(buyer, name="Jinghua PACT host")
    fetched = fetched_of(partner, hot_rolled_coil_document(), origin=FetchedOrigin.FULFILLED)
    answered = OutboundRequest.objects.create(
        organisation=buyer,
        partner=partner,
        event_id="e-1",
        criteria={"geography": ["CN"], "status": "Active"},
        comment="2026 declaration",
        status=OutboundRequestStatus.FULFILLED,
    )
    answered.footprints.add(fetched)
    PactDelivery.objects.create(
        organisation=buyer,
        partner=partner,
        event_type=EVENT_REQUEST_CREATED,
        event_id="e-1",
        target_url=f"{partner.base_url}/3/events",
        body=b"{}",
        status=DeliveryStatus.PENDING,
        attempts=3,
        last_status_code=503,
        last_error=f"POST {partner.base_url}/3/events answered 503: busy",
        deadline=timezone.now() + timedelta(hours=70),
        next_attempt_at=timezone.now() + timedelta(minutes=8),
    )
    job = Job.objects.create(
        kind=FETCH_JOB,
        payload={"partner_id": str(partner.pk), "user_id": None},
        organisation_id=buyer.pk,
        status=Job.Status.SUCCEEDED,
        finished_at=timezone.now(),
        result={"pages": 1, "new": 1, "updated": 0, "unchanged": 0, "invalid": 0},
    )
    return partner, fetched, job


@pytest.mark.parametrize("locale", LOCALES)
def test_a_partners_exchange_its_fetch_and_the_footprints_fetched(
    browser: Any, visit: Visit, locale: str
) -> None:
    buyer = _owner(locale)
    partner, fetched, job = _exchange_world(buyer)
    page = new_tab(browser, visit, locale=locale)
    log_in(page, visit, OWNER, PASSWORD)
    page.wait_for_url("**/o/screw-maker/")

    page.goto(f"{visit.base_url}/o/screw-maker/pact/partners/{partner.pk}/exchange/")
    assert page.locator("#requests tbody tr").count() == 1
    assert page.locator("#deliveries tbody td.num").inner_text() == "3"
    check_page(page, visit)

    page.click("#latest-fetch a")
    page.wait_for_url(f"**/pact/partners/{partner.pk}/fetches/{job.pk}/")
    assert page.locator("#fetch-new").inner_text() == "1"
    check_page(page, visit)

    page.goto(f"{visit.base_url}/o/screw-maker/pact/fetched/")
    assert page.locator("main tbody tr").count() == 1
    check_page(page, visit)

    page.click(f"main a[href$='/pact/fetched/{fetched.pk}/']")
    page.wait_for_url(f"**/pact/fetched/{fetched.pk}/")
    assert page.locator("#see-direct").inner_text() == "2.09778"
    check_page(page, visit)
