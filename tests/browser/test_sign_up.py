"""Journey: a buyer's e-mail reaches a Chinese supplier that is not on the platform. Its
person opens the sign-up link, registers the company in Chinese (a mistyped USCC is refused at
the field first), lands on the new organisation's dashboard where the waiting request is
announced, sets up two-factor sign-in with the QR code's text key, logs out and back in with a
code. Then the owner's members and signing-key pages. Every page passes ``check_page``."""

from __future__ import annotations

import base64
import time

import pytest

from accounts import totp
from accounts.models import Membership, Organisation, User
from accounts.roles import Role
from accounts.services.registration import sign_up_url
from core.jobs import job_execute
from core.models import Job
from tests.browser.conftest import check_page, log_in
from tests.exchange.sharing.builders import open_request
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

INVITED = "sales@hebei-wire.example"
PASSWORD = "Vanadium-Slab-42!"
USCC = "91350100M000100Y43"


def _run_jobs() -> None:
    """What the worker does after the sign-up commits: the exchange's announcement of the
    requests that were waiting for the address (run here, in-process, as a worker would)."""
    for _ in range(3):
        pending = list(Job.objects.filter(status=Job.Status.PENDING).order_by("pk"))
        for job in pending:
            assert job_execute(job_id=job.pk).status == "succeeded", job.kind
        if not pending:
            return


def _code(secret_text: str, at: float) -> str:
    text = secret_text.replace(" ", "")
    return totp.totp_at(base64.b32decode(text + "=" * (-len(text) % 8)), at)


def test_an_invited_chinese_supplier_signs_up_sets_up_two_factor_and_logs_in_again(page, visit):
    buyer = OrganisationFactory(
        slug="screw-maker",
        legal_name="Screw Maker GmbH",
        legal_name_latin="Screw Maker GmbH",
        country="DE",
    )
    open_request(buyer=buyer, supplier=None, supplier_email=INVITED, supplier_name="Hebei Wire")
    link = sign_up_url(email=INVITED, organisation_name="Hebei Wire")
    path = link.split("/sign-up/", 1)[1]

    page.goto(f"{visit.base_url}/sign-up/{path}")
    check_page(page, visit)
    page.select_option("#language-switch", "zh-hans")
    page.click("form[action='/language/'] button")
    assert page.locator("h1").inner_text() == "注册您的公司"
    assert page.locator("#id_legal_name_latin").input_value() == "Hebei Wire"
    check_page(page, visit)

    page.fill("#id_full_name", "王丽")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_legal_name", "河北线材有限公司")
    page.fill("#id_legal_name_latin", "Hebei Wire Rod Co., Ltd.")
    page.fill("#id_country", "CN")
    page.fill("#id_identifier_value", USCC[:-1] + "4")
    page.click("main form button[type=submit]")
    assert page.locator("#id_identifier_value_error").inner_text() == (
        f"'{USCC[:-1]}4'：校验码为 '4'，应为 '3'（GB 32100-2015）；代码输入有误"
    )
    assert page.locator("#id_legal_name").input_value() == "河北线材有限公司"
    check_page(page, visit)

    page.fill("#id_password", PASSWORD)  # a password field is not filled in again
    page.fill("#id_identifier_value", USCC)
    page.click("main form button[type=submit]")
    organisation = Organisation.objects.get(legal_name="河北线材有限公司")
    page.wait_for_url(f"**/o/{organisation.slug}/")
    assert page.locator("h1").inner_text() == "待您处理"
    assert "河北线材有限公司" in page.locator(".orgbar").inner_text()
    assert "所有者" in page.locator(".orgbar").inner_text()
    assert Membership.objects.get(organisation=organisation).role == "owner"
    check_page(page, visit)

    _run_jobs()
    page.reload()
    assert page.locator("#notifications-h .count").inner_text() == "1"
    check_page(page, visit)

    page.goto(f"{visit.base_url}/settings/")
    page.click("form:has(input[value=totp_begin]) button")
    assert page.locator("svg[role=img] title").text_content() == "用身份验证器应用扫描的二维码"
    secret_text = page.locator("#totp-secret").inner_text()
    check_page(page, visit)
    page.fill("#id_code", _code(secret_text, time.time()))
    page.click("form:has(input[value=totp_confirm]) button")
    assert page.locator(".messages").inner_text() == "双重验证登录已开启：登录时需要输入验证码。"
    assert User.objects.get(email=INVITED).totp_enabled
    check_page(page, visit)

    page.click("form[action='/logout/'] button")
    page.wait_for_url("**/login/")
    log_in(page, visit, INVITED, PASSWORD)
    page.wait_for_url("**/login/totp/**")
    check_page(page, visit)
    # The code of the next time step: the one used to confirm cannot be used twice.
    page.fill("#id_code", _code(secret_text, time.time() + totp.STEP_SECONDS))
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/o/{organisation.slug}/")
    assert page.locator("h1").inner_text() == "待您处理"
    check_page(page, visit)


def test_an_owner_invites_changes_a_role_and_revokes_a_key_in_english(page, visit):
    organisation = OrganisationFactory(
        slug="jiangsu-steel",
        legal_name="江苏钢铁有限公司",
        legal_name_latin="Jiangsu Steel Co., Ltd.",
    )
    owner = MembershipFactory(
        organisation=organisation, role=Role.OWNER, user__email="owner@jiangsu.example"
    ).user
    owner.set_password(PASSWORD)
    owner.save()
    colleague = MembershipFactory(
        organisation=organisation, role=Role.VIEWER, user__email="qa@jiangsu.example"
    )

    log_in(page, visit, owner.email, PASSWORD)
    page.wait_for_url(f"**/o/{organisation.slug}/")
    page.click("header nav a:text-is('Members')")
    assert page.locator("h1").inner_text() == "Members and invitations"
    check_page(page, visit)

    page.fill("#id_email", "new.colleague@jiangsu.example")
    page.select_option("#id_role", "preparer")
    page.click("form:has(#id_email) button[type=submit]")
    assert page.locator(".messages").inner_text() == (
        "Invitation sent to new.colleague@jiangsu.example."
    )
    check_page(page, visit)

    page.select_option(f"#role-{colleague.pk}", "reviewer")
    page.click(f"form:has(#role-{colleague.pk}) button")
    assert page.locator(".messages").inner_text() == "qa@jiangsu.example is now Reviewer."
    colleague.refresh_from_db()
    assert colleague.role == "reviewer"
    check_page(page, visit)

    page.click("header nav a:text-is('Signing keys')")
    page.click("form[action$='/keys/rotate/'] button")
    assert page.locator("tbody tr").count() == 1
    check_page(page, visit)
    page.click("tbody tr a:has-text('Revoke')")
    assert page.locator("h1").inner_text() == "Revoke a signing key"
    check_page(page, visit)
    page.click("main form button[type=submit]")
    assert page.locator("#id_confirm_error").inner_text() == (
        "Tick this box to confirm the revocation."
    )
    check_page(page, visit)
    page.fill("#id_reason", "private key exposed")
    page.check("#id_confirm")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/o/{organisation.slug}/keys/")
    assert page.locator("tbody tr").count() == 2
    assert "private key exposed" in page.locator("tbody").inner_text()
    check_page(page, visit)
