"""The public verification page as an importer uses it: two files dropped, an answer in the
reader's language; one changed byte is invalid. Checked by axe-core."""

from __future__ import annotations

import pytest

from accounts.services.signing_keys import document_sign
from tests.browser.conftest import check_page, snap
from tests.factories import OrganisationFactory
from tests.web.test_verify_page import DOCUMENT

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_an_importer_checks_the_files_a_supplier_sent(page, visit, tmp_path):
    organisation = OrganisationFactory(legal_name="河北恒岳钢铁有限公司", legal_name_latin="Hebei")
    signed = document_sign(organisation=organisation, document=DOCUMENT)
    good, bad, signature = tmp_path / "fp.json", tmp_path / "fp-changed.json", tmp_path / "fp.jws"
    good.write_bytes(signed.payload)
    bad.write_bytes(signed.payload.replace(b"2.09834", b"2.09835"))
    signature.write_text(signed.jws)

    page.goto(f"{visit.base_url}/verify/")
    check_page(page, visit)
    page.set_input_files("#id_document_file", str(good))
    page.set_input_files("#id_signature_file", str(signature))
    page.click("main form button[type=submit]")
    assert page.locator("#verdict-h").inner_text() == (
        "Valid: the document is exactly as it was signed."
    )
    check_page(page, visit)
    snap(page, "verify-valid-en")

    page.select_option("#language-switch", "zh-hans")
    page.click("form[action='/language/'] button")
    page.set_input_files("#id_document_file", str(bad))
    page.set_input_files("#id_signature_file", str(signature))
    page.click("main form button[type=submit]")
    assert page.locator("#verdict-h").inner_text() == "无效：请勿依赖此文件。"
    check_page(page, visit)
