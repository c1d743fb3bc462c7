"""Journey 2 of issue 13: a buyer's request reaches, by e-mail, a Chinese wire-rod mill that is
not on the platform. Its sales manager follows the e-mail's link, registers the company in
Chinese, claims the request waiting for her address, and fulfils it with a published
footprint; the buyer holds the grant and is told. The work rows (the e-mail, the announcement)
run in this process through ``job_execute``, the function the worker calls. Every page passes
``check_page`` (axe-core, nothing from outside, no browser error)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.audit import Actor
from accounts.models import Organisation
from exchange.sharing.models import FootprintRequest, Grant, Notification
from exchange.sharing.services.requests import RequestInput, request_send
from tests.browser.conftest import check_page, snap
from tests.exchange.sharing.builders import published_footprint
from tests.exchange.sharing.conftest import run_jobs
from tests.factories import (
    InstallationFactory,
    MembershipFactory,
    OrganisationFactory,
    ProductFactory,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

INVITED = "wang.li@hebei-wire.example"
PASSWORD = "Vanadium-Slab-42!"
USCC = "91350100M000100Y43"


def test_an_e_mailed_request_brings_a_new_supplier_that_signs_up_and_fulfils_it(
    page, visit, settings
):
    settings.SITE_URL = visit.base_url
    buyer = OrganisationFactory(
        slug="screw-maker",
        legal_name="Screw Maker GmbH",
        legal_name_latin="Screw Maker GmbH",
        country="DE",
    )
    purchaser = MembershipFactory(organisation=buyer, role="preparer").user
    request_send(
        actor=Actor(user=purchaser),
        buyer=buyer,
        data=RequestInput(
            supplier_email=INVITED,
            supplier_name="Hebei Wire",
            cn_code="72139110",
            description="Wire rod 5.5 mm, SAE 1008",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
            due_date=timezone.localdate() + timedelta(days=21),
        ),
    )
    run_jobs()  # the invitation e-mail

    (invitation,) = [m for m in mail.outbox if INVITED in m.to]
    link = re.search(rf"{re.escape(visit.base_url)}/sign-up/[^/\s]+/", invitation.body)
    assert link is not None, invitation.body
    assert invitation.subject.startswith("Screw Maker GmbH 请求提供产品碳足迹（CBAM）")

    # She follows the link (no language chosen yet: the browser's Chinese).
    page.goto(link.group(0))
    assert page.locator("h1").inner_text() == "Register your company"
    page.select_option("#language-switch", "zh-hans")
    page.click("form[action='/language/'] button")
    assert page.locator("h1").inner_text() == "注册您的公司"
    check_page(page, visit)
    page.fill("#id_full_name", "王丽")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_legal_name", "河北线材有限公司")
    page.fill("#id_legal_name_latin", "Hebei Wire Rod Co., Ltd.")
    page.fill("#id_country", "CN")
    page.fill("#id_identifier_value", USCC)
    snap(page, "sign-up-zh")
    page.click("main form button[type=submit]")
    mill = Organisation.objects.get(legal_name="河北线材有限公司")
    page.wait_for_url(f"**/o/{mill.slug}/")
    check_page(page, visit)

    # What the worker does next: the waiting request is announced to the new organisation.
    run_jobs()
    # The mill already has a published footprint of the wire rod (made on the platform).
    product = ProductFactory(organisation=mill, name="线材 SAE 1008", cn_code="72139110")
    footprint = published_footprint(
        mill, product=product, installation=InstallationFactory(organisation=mill)
    )

    page.goto(f"{visit.base_url}/o/{mill.slug}/requests/")
    assert page.locator("#invited-h").inner_text() == "贵组织加入前发给贵方人员的请求 1"
    check_page(page, visit)
    page.click("section[aria-labelledby=invited-h] button[type=submit]")
    asked = FootprintRequest.objects.get()
    assert asked.supplier_id == mill.pk
    page.goto(f"{visit.base_url}/o/{mill.slug}/requests/{asked.pk}/")
    page.check(f"#footprint-{footprint.pk}")
    page.click("section[aria-labelledby=fulfil-h] button[type=submit]")
    page.wait_for_selector(".outcome")
    assert page.locator("h1").inner_text() == "碳足迹请求 已完成"
    check_page(page, visit)

    asked.refresh_from_db()
    assert asked.status == "fulfilled"
    grant = Grant.objects.get(request=asked)
    assert grant.buyer_id == buyer.pk
    assert [g.footprint_id for g in grant.footprints.all()] == [footprint.pk]
    assert Notification.objects.filter(organisation=buyer, kind="request.fulfilled").count() == 1
