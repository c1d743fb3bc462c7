"""The public verification page: no account, a file checked byte for byte, pasted JSON
canonicalised first, the answer in the page's language with who signed and what."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.audit import Actor
from accounts.services.signing_keys import document_sign, signing_key_revoke
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

DOCUMENT = {
    "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "created": "2026-07-01T08:00:00Z",  # a PACT footprint's own date: its signing time
    "status": "Active",
    "companyName": "河北恒岳钢铁有限公司",
    "productNameCompany": "Hot-rolled coil",
    "extensions": [
        {
            "data": {
                "product": {"cnCode": "72083900"},
                "installation": {"name": "Fengnan works", "countryCode": "CN"},
                "reportingPeriod": {"start": "2026-01-01", "end": "2026-06-30"},
                "see": {
                    "directTco2ePerT": "2.09834",
                    "indirectTco2ePerT": "0.00000",
                    "totalTco2ePerT": "2.09834",
                },
            }
        }
    ],
}


@pytest.fixture
def signed():
    organisation = OrganisationFactory(
        slug="hebei-steel", legal_name="河北恒岳钢铁有限公司", legal_name_latin="Hebei Hengyue"
    )
    return organisation, document_sign(organisation=organisation, document=DOCUMENT)


def _files(payload: bytes, jws: str) -> dict[str, SimpleUploadedFile]:
    return {
        "document_file": SimpleUploadedFile("footprint.json", payload, "application/json"),
        "signature_file": SimpleUploadedFile("footprint.jws", jws.encode(), "text/plain"),
    }


def test_the_files_as_downloaded_verify_and_the_page_says_what_was_signed(signed):
    _, document = signed
    page = Client().post("/verify/", _files(document.payload, document.jws))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Valid: the document is exactly as it was signed." in html
    assert f"<code>{document.kid}</code>" in html
    assert 'Hebei Hengyue <span class="muted">(hebei-steel)</span>' in html
    assert "<td>7208 39 00</td>" in html
    assert '<td class="num">2.09834</td>' in html


def test_one_changed_byte_is_invalid_and_says_so_in_chinese(signed):
    _, document = signed
    changed = document.payload.replace(b"2.09834", b"2.09833")
    assert len(changed) == len(document.payload)
    page = Client().post("/verify/", _files(changed, document.jws), HTTP_ACCEPT_LANGUAGE="zh-CN")
    html = page.content.decode()
    assert page.status_code == 200
    assert "无效：请勿依赖此文件。" in html
    assert "What was signed" not in html
    assert "签名内容" not in html


def test_pasted_json_is_canonicalised_so_whitespace_and_key_order_do_not_matter(signed):
    _, document = signed
    pasted = json.dumps(json.loads(document.payload), indent=2, sort_keys=False)[::-1][::-1]
    reordered = json.dumps(dict(reversed(list(json.loads(pasted).items()))), indent=4)
    page = Client().post("/verify/", {"document_text": reordered, "signature_text": document.jws})
    assert "Valid: the document is exactly as it was signed." in page.content.decode()


def test_a_key_revoked_after_signing_is_valid_with_a_warning(signed):
    _organisation, document = signed
    from accounts.models import SigningKey

    key = SigningKey.objects.get(kid=document.kid)
    signing_key_revoke(actor=Actor(system="test"), key=key, reason="laptop stolen")
    page = Client().post("/verify/", _files(document.payload, document.jws))
    html = page.content.decode()
    assert "Valid, but the signing key was revoked later" in html
    assert "laptop stolen" in html


def test_missing_or_doubled_inputs_are_named_at_their_fields_never_a_500():
    page = Client().post("/verify/", {"document_text": "{not json", "signature_text": ""})
    html = page.content.decode()
    assert page.status_code == 200  # the form again, with its errors (docs/pages.md)
    assert "This is not a JSON document (" in html
    assert "Give the signature once: as a file or pasted, not both and not neither." in html
    page = Client().post("/verify/", {}, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert page.status_code == 200  # the form again, with its errors (docs/pages.md)
    assert "请只提供一次文件：上传文件或粘贴，不能两者都有，也不能都没有。" in page.content.decode()


def test_the_page_costs_one_query_to_verify(signed, django_assert_num_queries):
    _, document = signed
    client = Client()
    with django_assert_num_queries(1):  # the key with its owner; no session, no other read
        client.post("/verify/", _files(document.payload, document.jws))
