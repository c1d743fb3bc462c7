"""A verifier at work in a real Chromium: a reviewer in Chinese opens the inbox, reads a
producer's footprint and its evidence, tries to decline without a comment (told so at the
field), declines with one and finds the answer in the history; the producer's preparer is told
in the platform and follows the link to the footprint, which shows the decline. A colleague
working in English confirms another request. Every page visited passes ``check_page``
(axe-core, nothing from outside, no browser error)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from accounts.roles import OrganisationKind, Role
from exchange.sharing.models import Notification
from suppliers.models import VerificationDecision
from tests.browser.conftest import check_page, log_in, new_tab, snap
from tests.exchange.sharing.conftest import run_jobs
from tests.factories import (
    FootprintFactory,
    InstallationFactory,
    MembershipFactory,
    OrganisationFactory,
    ProductFactory,
)
from tests.suppliers.verifiers import statement_pdf

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "correct horse battery staple 42"
REASON = "天然气用量与我们现场核查时的表计读数不符。"


def _person(organisation: Any, role: str, email: str, language: str) -> Any:
    member = MembershipFactory(
        organisation=organisation,
        role=role,
        user__email=email,
        user__full_name=email.split("@")[0],
        user__language=language,
    )
    member.user.set_password(PASSWORD)
    member.user.save()
    return member.user


def _world() -> dict[str, Any]:
    mill = OrganisationFactory(
        slug="tangshan-steel",
        legal_name="唐山钢铁有限公司",
        legal_name_latin="Tangshan Steel Co., Ltd.",
        kinds=[OrganisationKind.PRODUCER],
    )
    verifier = OrganisationFactory(
        slug="nordic-verification",
        legal_name="Nordic Emissions Verification AB",
        legal_name_latin="Nordic Emissions Verification AB",
        country="SE",
        kinds=[OrganisationKind.VERIFIER],
    )
    installation = InstallationFactory(
        organisation=mill, name="唐山钢铁厂", name_latin="Tangshan Steel Works"
    )

    def named(product: str, cn_code: str, day: int) -> Any:
        return FootprintFactory(
            organisation=mill,
            product=ProductFactory(organisation=mill, name=product, cn_code=cn_code),
            installation=installation,
            status="in_review",
            verifier_organisation=verifier,
            verifier_name="Nordic Emissions Verification AB",
            verifier_accreditation="SWEDAC 1234",
            verification_statement_date=date(2027, 2, 15),
            assurance_level="reasonable",
            submitted_at=datetime(2027, 2, day, 9, 30, tzinfo=UTC),
        )

    coil = named("热轧卷板", "72083900", 20)
    wire = named("线材", "72139110", 21)
    statement_pdf(coil)
    return {
        "mill": mill,
        "verifier": verifier,
        "coil": coil,
        "wire": wire,
        "reviewer": _person(verifier, Role.REVIEWER, "li@nordic-verification.example", "zh-hans"),
        "admin": _person(verifier, Role.ADMIN, "anna@nordic-verification.example", "en"),
        "preparer": _person(mill, Role.PREPARER, "wang@tangshan-steel.example", "zh-hans"),
    }


def test_a_verifier_declines_in_chinese_and_the_producer_follows_the_notification(
    page: Any, visit: Any, browser: Any
):
    world = _world()
    coil = world["coil"]

    log_in(page, visit, world["reviewer"].email, PASSWORD)
    page.wait_for_url("**/o/nordic-verification/")
    page.click("nav a[href='/o/nordic-verification/verification/']")
    page.wait_for_url("**/verification/")
    assert page.locator("h1").inner_text() == "核查收件箱"
    assert page.locator("#verification-requests tbody tr").count() == 2
    check_page(page, visit)

    page.click(f"a[href='/o/nordic-verification/verification/{coil.pk}/']")
    page.wait_for_url(f"**/verification/{coil.pk}/")
    assert page.locator("#verification-state").inner_text() == "等待您答复"
    assert page.locator("#see-total").inner_text() == "1.8"
    assert page.locator("section[aria-labelledby=evidence-h] a").inner_text() == (
        "Verification statement 2026.pdf"
    )
    check_page(page, visit)

    # Declining without a comment is refused at the field, in Chinese.
    page.click("section[aria-labelledby=decline-h] button[type=submit]")
    assert page.locator("#id_decline-comment_error").inner_text() == (
        "请说明不予确认核查的理由以及生产商需要修改的内容；生产商会看到此意见。"
    )
    check_page(page, visit)

    page.fill("#id_decline-comment", REASON)
    page.click("section[aria-labelledby=decline-h] button[type=submit]")
    page.wait_for_selector("#answers")
    assert page.locator("#verification-state .badge").inner_text() == "核查不予确认"
    assert REASON in page.locator("#answers").inner_text()
    check_page(page, visit)
    snap(page, "verification-declined-zh")

    page.click("a[href='/o/nordic-verification/verification/history/']")
    assert page.locator("h1").inner_text() == "答复记录"
    assert page.locator("#verification-history tbody tr").count() == 1
    check_page(page, visit)
    assert VerificationDecision.objects.get().outcome == "declined"

    # The producer is told (the work row runs here) and follows the link.
    run_jobs()
    told = Notification.objects.get(organisation=world["mill"])
    producer_tab = new_tab(browser, visit, locale="zh-CN")
    log_in(producer_tab, visit, world["preparer"].email, PASSWORD)
    producer_tab.wait_for_url("**/o/tangshan-steel/")
    producer_tab.goto(f"{visit.base_url}/o/tangshan-steel/notifications/")
    row = producer_tab.locator(f"#notification-{told.pk}")
    assert "Nordic Emissions Verification AB 不予确认核查：热轧卷板 (72083900)，2026年" in (
        row.inner_text()
    )
    check_page(producer_tab, visit)
    row.locator("a").click()
    producer_tab.wait_for_url(f"**/o/tangshan-steel/footprints/{coil.pk}/")
    assert "核查不予确认" in producer_tab.locator("#verification-state").inner_text()
    assert REASON in producer_tab.locator("#verification-answers").inner_text()
    check_page(producer_tab, visit)
    producer_tab.context.close()


def test_a_verifier_confirms_in_english(page: Any, visit: Any):
    world = _world()
    wire = world["wire"]

    log_in(page, visit, world["admin"].email, PASSWORD)
    page.wait_for_url("**/o/nordic-verification/")
    page.goto(f"{visit.base_url}/o/nordic-verification/verification/{wire.pk}/")
    assert page.locator("h1").inner_text() == "线材 7213 91 10"
    check_page(page, visit)

    page.fill("#id_confirm-comment", "Site visit of 12 February 2027.")
    page.click("section[aria-labelledby=confirm-h] button[type=submit]")
    page.wait_for_selector("#answers")
    assert page.locator("#verification-state .badge").inner_text() == "Verification confirmed"
    check_page(page, visit)

    page.goto(f"{visit.base_url}/o/nordic-verification/verification/")
    assert page.locator("#verification-requests tbody tr").count() == 1  # the coil waits
    check_page(page, visit)
    page.goto(f"{visit.base_url}/o/nordic-verification/verification/history/?outcome=confirmed")
    assert page.locator("#verification-history tbody td").first.inner_text() == "Confirmed"
    check_page(page, visit)
