"""Getting in, as a person would: the login page in both languages, the language switcher,
the dashboard and the settings page; each page checked by axe-core."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from tests.browser.conftest import check_page, log_in, snap
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "correct horse battery staple 42"


def test_a_chinese_speaking_producer_logs_in_and_works_in_chinese(page, visit):
    organisation = OrganisationFactory(
        legal_name="江苏钢铁有限公司", legal_name_latin="Jiangsu Steel Co., Ltd.", country="CN"
    )
    member = MembershipFactory(organisation=organisation, role=Role.PREPARER)
    member.user.set_password(PASSWORD)
    member.user.save()

    page.goto(f"{visit.base_url}/login/")
    check_page(page, visit)
    page.select_option("#language-switch", "zh-hans")
    page.click("form[action='/language/'] button")
    assert page.locator("h1").inner_text() == "登录"
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    check_page(page, visit)
    snap(page, "login-zh")

    log_in(page, visit, member.user.email, PASSWORD)
    page.wait_for_url(f"**/o/{organisation.slug}/")
    assert page.locator("h1").inner_text() == "待您处理"
    assert "江苏钢铁有限公司" in page.locator(".orgbar").inner_text()
    assert "填报人" in page.locator(".orgbar").inner_text()
    check_page(page, visit)
    snap(page, "dashboard-zh")

    page.goto(f"{visit.base_url}/settings/")
    assert page.locator("h1").inner_text() == "个人设置"
    check_page(page, visit)
    member.user.refresh_from_db()
    assert member.user.language == ""  # chosen before logging in: the cookie remembers it

    page.select_option("#language-switch", "en")
    page.click("form[action='/language/'] button")
    assert page.locator("h1").inner_text() == "Your settings"
    member.user.refresh_from_db()
    assert member.user.language == "en"
    check_page(page, visit)


def test_a_wrong_password_is_said_in_english_and_the_page_stays_accessible(page, visit):
    MembershipFactory(user__email="buyer@example.com", role=Role.VIEWER)
    log_in(page, visit, "buyer@example.com", "not the password")
    alert = page.locator("[role=alert]")
    assert alert.inner_text() == (
        "Email or password is wrong, or there were too many attempts: wait a few minutes or "
        "reset your password."
    )
    check_page(page, visit)
