"""An organisation's admin registers a machine client and reads the audit log, in English and
in Chinese; every page checked by axe-core."""

from __future__ import annotations

import pytest

from accounts.models import ApiClient
from accounts.roles import Role
from tests.browser.conftest import check_page, log_in
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "correct horse battery staple 42"


def test_an_admin_registers_a_client_and_finds_it_in_the_audit_log(page, visit):
    organisation = OrganisationFactory(slug="rhein-import", legal_name="Rhein Import GmbH")
    admin = MembershipFactory(organisation=organisation, role=Role.ADMIN)
    admin.user.set_password(PASSWORD)
    admin.user.save()
    log_in(page, visit, admin.user.email, PASSWORD)
    page.wait_for_url("**/o/rhein-import/")

    page.click("nav >> text=Machine clients")
    check_page(page, visit)
    page.fill("#id_name", "   ")  # blank once stripped, and no scope ticked: refused
    page.click("main form:has(#id_name) button[type=submit]")
    assert page.locator("#id_name_error").inner_text() == "This field is required."
    check_page(page, visit)  # the 400 page with its errors is a page like any other
    page.fill("#id_name", "SAP export")
    page.select_option("#id_role", "preparer")
    page.check("input[value='footprints:read']")
    page.click("main form:has(#id_name) button[type=submit]")
    secret = page.locator("#client-secret").inner_text()
    assert len(secret) == 43
    assert ApiClient.objects.get().name == "SAP export"
    check_page(page, visit)

    page.select_option("#language-switch", "zh-hans")
    page.click("form[action='/language/'] button")
    page.click("nav >> text=审计日志")
    page.fill("#id_action", "api_client.")
    page.click("main form button[type=submit]")
    assert page.locator("#events-h").inner_text() == "1 条记录"
    check_page(page, visit)
