"""Importing an EU communication template as a preparer does it, in a real Chromium and in
Chinese: from the footprint list to the upload form (an empty form answers its error at the
field), the Commission's cement example (its period moved to 2026) uploaded, the progress
shown while the work row waits, then, without a reload by hand, the report (the engine's SEE
beside the workbook's own), and the draft it created opened. A bad file's problem is shown at
its cell, in Chinese; a file with one bad process uploaded with "import what is valid" ticked
imports the goods without problems and shows, per good left out, its cells and messages. The
work row runs in this process (``core.jobs.job_execute``, as tests/exchange/sharing/conftest.py
``run_jobs`` does) while htmx polls the page; its message goes to a queue of this test's own,
which no worker reads. Every page visited passes ``check_page``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from suppliers.models import CommunicationTemplateImport, Footprint
from tests.browser.conftest import Visit, check_page, log_in, snap
from tests.browser.test_supplier_workplace import PASSWORD, person, tangshan_steel
from tests.core.worker import celery_on_redis, redis_test_client, unique_queue
from tests.suppliers.template_web.conftest import (
    moved_to_2026,
    one_bad_process_file,
    ref_error,
    run_import,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.services,
    pytest.mark.slow,
]


@pytest.fixture
def own_queue() -> Iterator[None]:
    """Publish the work rows' messages to a queue no worker reads: this test runs them."""
    redis_test_client().close()  # skip (or fail in CI) without Redis
    with celery_on_redis(unique_queue()):
        yield


def test_a_preparer_imports_the_cement_example_in_chinese(page, visit: Visit, own_queue, tmp_path):
    organisation = tangshan_steel()
    preparer = person(organisation, Role.PREPARER, "zhang.wei@example.cn")
    base = f"{visit.base_url}/o/{organisation.slug}"
    example = tmp_path / "cement-2026.xlsx"
    example.write_bytes(moved_to_2026())
    bad = tmp_path / "cement-ref-error.xlsx"
    bad.write_bytes(ref_error())
    four = tmp_path / "four-processes.xlsx"
    four.write_bytes(one_bad_process_file())

    log_in(page, visit, preparer.email, PASSWORD)
    page.wait_for_url(f"{base}/")
    page.select_option("#language-switch", "zh-hans")
    page.click("form[action='/language/'] button")

    # From the footprint list to the upload form.
    page.click("header nav >> text=碳足迹")
    page.click("text=导入通报模板")
    page.wait_for_url(f"{base}/footprints/import/")
    assert page.locator("h1").inner_text() == "导入通报模板"
    check_page(page, visit)

    # Nothing chosen: the error at the field, in Chinese.
    page.click("main form button[type=submit]")
    assert page.locator("#id_file_error").inner_text() == "请选择要导入的工作簿。"
    check_page(page, visit)

    # The example: the page shows the progress while the work row waits.
    page.set_input_files("#id_file", str(example))
    page.click("main form button[type=submit]")
    row = CommunicationTemplateImport.objects.get(organisation=organisation)
    page.wait_for_url(f"{base}/footprints/import/{row.pk}/")
    assert page.locator(".messages").inner_text() == "工作簿已上传，正在读取。"
    expect(page.locator("#template-import")).to_contain_text("第 0 步，共 2 步")
    expect(page.locator("#template-import progress")).to_have_attribute("max", "2")
    check_page(page, visit)

    # The work row runs; htmx brings the report without a reload by hand.
    run_import(str(row.pk))
    expect(page.locator("#template-import")).to_contain_text("已导入", timeout=20_000)
    report = page.locator("#template-import")
    assert page.locator("#template-version").inner_text() == "2.1"
    assert "Portland Cement Art. Nr. 1 2523 29 00" in report.inner_text()
    compare = [
        [cell.strip() for cell in line.split("\t")]
        for line in page.locator("table.see-compare tbody").inner_text().splitlines()
    ]
    assert compare == [
        ["直接", "0.78521", "0.7852147410358565"],
        ["间接", "0.12224", "0.12224275"],
        ["总计", "0.90746", "0.9074574910358565"],
    ]
    expect(report.locator("progress")).to_have_count(0)
    check_page(page, visit)
    snap(page, "template-import-report-zh")

    # The draft it created.
    page.click("text=打开草稿")
    footprint = Footprint.objects.get(organisation=organisation)
    page.wait_for_url(f"{base}/footprints/{footprint.pk}/")
    assert page.locator("#status").inner_text() == "草稿"
    assert page.locator("#see-direct").inner_text() == "0.78521"
    check_page(page, visit)

    # A bad file: its problem at its cell, in Chinese; nothing written.
    page.goto(f"{base}/footprints/import/")
    page.set_input_files("#id_file", str(bad))
    page.click("main form button[type=submit]")
    refused = CommunicationTemplateImport.objects.exclude(pk=row.pk).get()
    page.wait_for_url(f"{base}/footprints/import/{refused.pk}/")
    run_import(str(refused.pk))
    expect(page.locator("#template-problems")).to_be_visible(timeout=20_000)
    assert page.locator("#template-problems tbody tr").inner_text().split("\t") == [
        "D_Processes!L66",
        "D_Processes!L66 含有 Excel 错误值 #REF!；应为数字。",
    ]
    assert Footprint.objects.filter(organisation=organisation).count() == 1
    check_page(page, visit)

    # Import what is valid: the goods without problems are written, the rest is named.
    page.goto(f"{base}/footprints/import/")
    page.set_input_files("#id_file", str(four))
    page.check("#id_import_valid")
    page.click("main form button[type=submit]")
    partial = CommunicationTemplateImport.objects.get(organisation=organisation, import_valid=True)
    page.wait_for_url(f"{base}/footprints/import/{partial.pk}/")
    run_import(str(partial.pk))
    expect(page.locator("#template-left-out")).to_be_visible(timeout=20_000)
    expect(page.locator("#template-import")).to_contain_text("部分导入：请查看略去的内容")
    assert page.locator("#left-out-11 dd").all_inner_texts() == [
        "Aluminous cement mill",
        "Summary_Products 11",
    ]
    assert page.locator("#left-out-11 tbody td").first.inner_text() == "D_Processes!L98"
    assert Footprint.objects.filter(organisation=organisation).count() == 3
    check_page(page, visit)

    # The three imports are listed under the form.
    page.goto(f"{base}/footprints/import/")
    assert page.locator("#imports tbody tr").count() == 3
    check_page(page, visit)
