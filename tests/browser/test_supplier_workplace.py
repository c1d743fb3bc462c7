"""The supplier's workplace as people use it, in a real Chromium: a preparer describes an
installation and a product and enters a draft footprint in Chinese (an input error is shown at
its field in Chinese, then fixed), submits it and watches a real Celery worker validate it
without reloading by hand; another person, a reviewer working in English, approves and
publishes it. Every page visited passes ``check_page`` (axe-core, nothing from outside, no
browser error)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.roles import OrganisationKind, Role
from suppliers.models import Footprint, FootprintStatus
from tests.browser.conftest import Visit, check_page, log_in, new_tab, snap
from tests.core.worker import WorkerGroup, celery_on_redis, redis_test_client, unique_queue
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.services,
    pytest.mark.slow,
]

PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def worker(live_server: Any, tmp_path: Any) -> Iterator[WorkerGroup]:
    """One real worker on a queue of this test's own; this process (and so the live server's
    thread) publishes to it."""
    redis_test_client().close()  # skip (or fail in CI) without Redis
    queue = unique_queue()
    with celery_on_redis(queue):
        group = WorkerGroup(queue=queue, log_dir=tmp_path)
        try:
            group.start()
            yield group
        finally:
            group.kill_all()


def tangshan_steel() -> Any:
    """The producer whose people the journeys follow."""
    return OrganisationFactory(
        slug="tangshan-steel",
        legal_name="唐山钢铁有限公司",
        legal_name_latin="Tangshan Steel Co., Ltd.",
        country="CN",
        kinds=[OrganisationKind.PRODUCER],
    )


def person(organisation: Any, role: str, email: str) -> Any:
    member = MembershipFactory(organisation=organisation, role=role, user__email=email)
    member.user.set_password(PASSWORD)
    member.user.save()
    return member.user


def fill_draft(page: Any, direct_emissions: str = "250000") -> None:
    """The editor's fields for 1 Mt of hot-rolled coil (the catalogue's product and
    installation) with one own-verified precursor."""
    page.select_option("#id_product", label="热轧卷板 (72083900)")
    page.select_option("#id_installation", label="唐山钢铁厂 · Tangshan Steel Works")
    page.fill("#id_period_start", "2026-01-01")
    page.fill("#id_period_end", "2026-12-31")
    page.fill("#id_activity_level", "1000000")
    page.fill("#id_attributed_direct_emissions", direct_emissions)
    page.fill("#id_electricity", "90000")
    page.fill("#id_precursors-0-cn_code", "72071114")
    page.fill("#id_precursors-0-mass_per_t", "1.05")
    page.fill("#id_precursors-0-country_of_origin", "CN")
    page.select_option("#id_precursors-0-see_source", "own_verified")
    page.fill("#id_precursors-0-see_direct", "1.9")
    page.fill("#id_precursors-0-see_indirect", "0.3")


def open_tab(browser: Any, visit: Visit, locale: str) -> Any:
    """Another person's browser, with the ``page`` fixture's checks."""
    return new_tab(browser, visit, locale)


def test_a_preparer_enters_a_footprint_in_chinese_and_a_reviewer_publishes_it(
    page, visit, browser, worker, tmp_path
):
    organisation = tangshan_steel()
    preparer = person(organisation, Role.PREPARER, "zhang.wei@example.cn")
    person(organisation, Role.REVIEWER, "li.na@example.cn")
    person(organisation, Role.ADMIN, "wang.fang@example.cn")
    base = f"{visit.base_url}/o/{organisation.slug}"

    # The preparer logs in and works in Chinese.
    log_in(page, visit, preparer.email, PASSWORD)
    page.wait_for_url(f"{base}/")
    page.select_option("#language-switch", "zh-hans")
    page.click("form[action='/language/'] button")

    # An installation.
    page.click("header nav >> text=装置")
    assert page.locator("h1").inner_text() == "装置"
    check_page(page, visit)
    page.click("text=新建装置")
    check_page(page, visit)
    page.fill("#id_name", "唐山钢铁厂")
    page.fill("#id_name_latin", "Tangshan Steel Works")
    page.fill("#id_un_locode", "CNTSN")
    page.fill("#id_latitude", "39.63")
    page.fill("#id_longitude", "118.18")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/installations/")
    assert "装置已保存。" in page.locator(".messages").inner_text()
    assert "118.18" in page.locator("table").inner_text()
    check_page(page, visit)

    # A product, its CN code found by searching the CN list.
    page.click("header nav >> text=产品")
    page.click("text=新建产品")
    page.fill("#id_name", "热轧卷板")
    page.fill("#cn-search", "热轧")  # the CN descriptions are English: nothing found
    expect(page.locator("#cn-no-results")).to_be_visible()
    page.fill("#cn-search", "7208 39")
    page.click("text=使用 7208 39 00")
    expect(page.locator("#id_cn_code")).to_have_value("72083900")
    assert page.locator("#product-category").inner_text() == "货物类别: Iron or steel products"
    page.check("text=唐山钢铁厂")
    check_page(page, visit)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/products/")
    assert "7208 39 00" in page.locator("table").inner_text()
    check_page(page, visit)

    # A draft footprint: a unit slip caught while typing, a decimal comma caught when saving,
    # both at their fields, in Chinese.
    page.click("header nav >> text=碳足迹")
    check_page(page, visit)
    page.click("text=新建碳足迹")
    fill_draft(page)
    # Natural gas typed in thousands of Nm3 although the meter reads Nm3: 1000 times too much.
    # The live check says so beside the field, in Chinese, before anything is saved.
    page.select_option("#id_natural_gas_unit", "1000Nm3")
    page.fill("#id_natural_gas", "40000000")
    beside_gas = page.locator("#live-natural_gas")
    expect(beside_gas).to_contain_text("CBAM-UNIT-004")
    expect(beside_gas).to_contain_text("单位可能混淆")
    assert not Footprint.objects.exists()
    check_page(page, visit)
    snap(page, "footprint-editor-zh")
    page.select_option("#id_natural_gas_unit", "Nm3")
    expect(beside_gas).to_have_text("")
    # Then a decimal comma: refused at its field when saving.
    page.fill("#id_attributed_direct_emissions", "250000,5")
    page.fill("#id_verification__verifier_name", "Nordic Emissions Verification AB")
    page.fill("#id_verification__accreditation_number", "SWEDAC 1234")
    page.fill("#id_verification__statement_date", "2027-02-15")
    page.select_option("#id_verification__assurance_level", "reasonable")
    check_page(page, visit)
    page.click("main form button[type=submit] >> nth=0")
    assert page.locator("#id_attributed_direct_emissions_error").inner_text() == (
        "'250000,5' 不是数字：请用小数点“.”作小数分隔符。"
    )
    check_page(page, visit)
    page.fill("#id_attributed_direct_emissions", "250000")
    page.click("main form button[type=submit] >> nth=0")
    page.wait_for_selector("#see-direct")
    footprint = Footprint.objects.get(organisation=organisation)
    assert page.locator("#see-direct").inner_text() == f"{footprint.see_direct.normalize():f}"
    assert page.locator("#status").inner_text() == "草稿"
    check_page(page, visit)

    # Submitted: the worker validates it; the page follows without a reload by hand.
    page.click("text=提交校验")
    assert page.locator(".messages").inner_text() == "已提交：正在校验。"
    check_page(page, visit)
    expect(page.locator("#status")).to_have_text("审核中", timeout=60_000)
    assert "通过（无错误）" in page.locator("#validation").inner_text()
    check_page(page, visit)

    # The reviewer, another person, reads it in English, approves and publishes.
    reviewer = open_tab(browser, visit, "en-GB")
    log_in(reviewer, visit, "li.na@example.cn", PASSWORD)
    reviewer.wait_for_url(f"{base}/")
    reviewer.goto(f"{base}/footprints/{footprint.pk}/")
    assert reviewer.locator("#status").inner_text() == "In review"
    check_page(reviewer, visit)
    reviewer.fill("#comment-footprint-approve", "Checked against the meter readings.")
    reviewer.click("text=Approve")
    assert reviewer.locator("#status").inner_text() == "Approved"
    check_page(reviewer, visit)
    reviewer.context.close()

    # An admin publishes (signs) it, downloads the document and its signature, and checks
    # them on the public verification page; one changed byte is invalid.
    admin = open_tab(browser, visit, "en-GB")
    log_in(admin, visit, "wang.fang@example.cn", PASSWORD)
    admin.wait_for_url(f"{base}/")
    admin.goto(f"{base}/footprints/{footprint.pk}/")
    admin.click("text=Publish (sign)")
    assert admin.locator("#status").inner_text() == "Published"
    check_page(admin, visit)
    snap(admin, "footprint-published-en")
    with admin.expect_download() as document_download:
        admin.click("text=Download the signed document (JSON)")
    with admin.expect_download() as signature_download:
        admin.click("text=Download its signature (JWS)")
    document_path = tmp_path / "footprint.json"
    signature_path = tmp_path / "footprint.jws"
    document_download.value.save_as(document_path)
    signature_download.value.save_as(signature_path)
    footprint.refresh_from_db()
    assert document_path.read_bytes() == bytes(footprint.signed_document)

    admin.goto(f"{visit.base_url}/verify/")
    admin.set_input_files("#id_document_file", str(document_path))
    admin.set_input_files("#id_signature_file", str(signature_path))
    admin.click("main form button[type=submit]")
    assert admin.locator("#verdict-h").inner_text() == (
        "Valid: the document is exactly as it was signed."
    )
    check_page(admin, visit)
    changed = bytearray(document_path.read_bytes())
    changed[changed.index(b'"status"') + 1] ^= 0x20  # one byte: "status" -> "Status"
    document_path.write_bytes(bytes(changed))
    admin.set_input_files("#id_document_file", str(document_path))
    admin.set_input_files("#id_signature_file", str(signature_path))
    admin.click("main form button[type=submit]")
    assert admin.locator("#verdict-h").inner_text() == "Invalid: do not rely on this document."
    check_page(admin, visit)
    admin.context.close()

    footprint.refresh_from_db()
    assert footprint.status == FootprintStatus.PUBLISHED
    assert footprint.reviewed_by is not None
    assert footprint.reviewed_by.email == "li.na@example.cn"
