"""A footprint's page: its chain of versions (corrections and deprecations, with the reason),
the signed document's detached signature, and the evidence files, each for members only."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime

from accounts.audit import Actor
from suppliers.models import EvidenceFile, Footprint
from suppliers.services.evidence import evidence_add
from suppliers.services.workflow import footprint_deprecate
from tests.factories import FootprintFactory
from tests.suppliers.conftest import Producer
from tests.suppliers.pages.conftest import EN, ZH, page_url, published

pytestmark = pytest.mark.django_db


def chain(producer: Producer) -> list[Footprint]:
    """Version 1 deprecated (with a reason), version 2 published, version 3 a draft."""
    first = published(producer)
    footprint_deprecate(
        actor=Actor(user=producer.users["admin"]),
        footprint=first,
        reason="The gas meter was read in thousands of Nm³.",
    )
    second = published(producer, preceding=first)
    third = FootprintFactory(
        organisation=producer.organisation,
        product=producer.product,
        installation=producer.installation,
        preceding=second,
    )
    return [Footprint.objects.get(pk=first.pk), second, third]


def version_rows(html: str) -> list[list[str]]:
    table = html.split('<table id="versions">', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<td>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_the_page_shows_every_version_with_status_dates_and_the_deprecations_reason(
    producer, viewer
):
    first, second, third = chain(producer)

    html = viewer.get(page_url(producer, f"footprints/{second.pk}/"), **EN).content.decode()

    rows = version_rows(html)
    assert [row[0] for row in rows] == ["Version 1", "Version 2 (this one)", "Version 3"]
    assert [row[1] for row in rows] == ["Deprecated", "Published", "Draft"]
    with translation.override("en"):
        deprecated_on = date_format(localtime(first.deprecated_at), "DATE_FORMAT")
    assert rows[0][4] == f"{deprecated_on} Reason: The gas meter was read in thousands of Nm³."
    assert rows[2][3:] == ["—", "—"]
    assert f'href="{page_url(producer, f"footprints/{first.pk}/")}">Version 1</a>' in html
    assert f'href="{page_url(producer, f"footprints/{third.pk}/")}">Version 3</a>' in html
    assert '<span aria-current="page">Version 2 (this one)</span>' in html


def test_a_footprint_never_corrected_says_so_in_chinese(producer, viewer):
    footprint = FootprintFactory(organisation=producer.organisation)

    html = viewer.get(page_url(producer, f"footprints/{footprint.pk}/"), **ZH).content.decode()

    assert "唯一版本：尚未更正。" in html


def test_the_signature_downloads_beside_the_signed_document(producer, viewer):
    footprint = published(producer)
    base = page_url(producer, f"footprints/{footprint.pk}/")

    html = viewer.get(base, **EN).content.decode()
    answer = viewer.get(f"{base}signature/")

    assert f'href="{base}signature/" download>Download its signature (JWS)</a>' in html
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/jose"
    assert answer["Content-Disposition"] == f'attachment; filename="{footprint.pk}.jws"'
    assert answer.content == b"eyJhbGciOiJFZERTQSJ9..c2lnbmF0dXJl"


def test_a_deprecated_footprint_offers_its_original_signed_bytes_too(producer, viewer):
    first, second, _ = chain(producer)
    base = page_url(producer, f"footprints/{first.pk}/")

    html = viewer.get(base, **ZH).content.decode()
    original = viewer.get(f"{base}document/?version=original")
    current = viewer.get(f"{base}document/")

    assert (
        '<p class="actions" id="original-downloads">首次发布时的版本（弃用之前）： '
        f'<a href="{base}document/?version=original" download>原始签名文档（JSON）</a> · '
        f'<a href="{base}signature/?version=original" download>其签名（JWS）</a></p>'
    ) in html
    assert original.content == bytes(first.signed_document)
    assert current.content != original.content
    assert b'"status":"Deprecated"' in current.content
    live = viewer.get(page_url(producer, f"footprints/{second.pk}/"), **ZH).content.decode()
    assert 'id="original-downloads"' not in live


def test_a_draft_has_no_signature_to_download(producer, viewer):
    footprint = FootprintFactory(organisation=producer.organisation)

    answer = viewer.get(page_url(producer, f"footprints/{footprint.pk}/signature/"), **EN)

    assert answer.status_code == 302
    assert answer["Location"] == page_url(producer, f"footprints/{footprint.pk}/")


def test_an_evidence_file_downloads_for_members_as_it_was_uploaded(producer, viewer):
    footprint = FootprintFactory(organisation=producer.organisation)
    evidence = evidence_add(
        actor=Actor(user=producer.users["preparer"]),
        footprint=footprint,
        kind="verification",
        upload=SimpleUploadedFile(
            "核查声明.pdf", b"%PDF-1.4 verification statement", content_type="application/pdf"
        ),
    )
    page = viewer.get(page_url(producer, f"footprints/{footprint.pk}/"), **EN).content.decode()

    answer = viewer.get(page_url(producer, f"evidence/{evidence.pk}/"))

    assert (
        f'href="{page_url(producer, f"evidence/{evidence.pk}/")}" download>核查声明.pdf</a>' in page
    )
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E6%A0%B8%E6%9F%A5%E5%A3%B0%E6%98%8E.pdf"
    )
    assert answer.content == b"%PDF-1.4 verification statement"


def test_another_organisations_evidence_is_not_found(producer, viewer):
    foreign = EvidenceFile.objects.create(
        footprint=FootprintFactory(),
        kind="verification",
        file=ContentFile(b"secret", name="secret.pdf"),
        original_name="secret.pdf",
        content_type="application/pdf",
        size_bytes=6,
        sha256="0" * 64,
    )

    assert viewer.get(page_url(producer, f"evidence/{foreign.pk}/")).status_code == 404


def test_the_page_costs_the_same_queries_however_long_the_chain(
    producer, viewer, django_assert_num_queries
):
    *_, third = chain(producer)
    url = page_url(producer, f"footprints/{third.pk}/")

    # session, user, membership, footprint (with people and decision), precursors, evidence,
    # latest run (none: no findings to read), the versions, the deprecations' reasons
    with django_assert_num_queries(9):
        assert viewer.get(url, **EN).status_code == 200
