"""The PACT partner pages: owners and admins register, change and archive partners (the
secret write-only), everyone reads; the fetched footprints with their origin, schema check,
facts and exact bytes; another organisation's partner or footprint is a 404; each page takes a
fixed number of queries whatever the rows."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.audit import Actor
from exchange.boms.models import BomLine, BuyerProduct, LineSource
from exchange.boms.services.aggregation import products_recompute
from exchange.boms.services.lines import bom_line_create
from exchange.partners.models import FetchedFootprint, PactPartner
from tests.exchange.pages.conftest import page_url, person
from tests.exchange.partners.builders import fetched_of, hot_rolled_coil_document, partner_of
from tests.factories import ApiClientFactory

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    return response.content.decode()


def _form(**fields: str) -> dict[str, str]:
    values = {
        "name": "Jinghua PACT host",
        "base_url": "https://pact.jinghua.example.cn",
        "auth_base_url": "",
        "client_id": "screw-maker",
        "secret": "s3cret-of-the-partner",
        "machine_client": "",
    }
    values.update(fields)
    return values


def test_an_admin_registers_a_partner_and_its_secret_is_never_shown(buyer):
    machine = ApiClientFactory(organisation=buyer.organisation, name="PACT inbound")
    client = person(buyer, "admin", "en")

    response = client.post(
        page_url(buyer, "pact/partners/new/"), _form(machine_client=str(machine.pk))
    )

    partner = PactPartner.objects.get(organisation=buyer.organisation)
    assert response.status_code == 302
    assert response["Location"] == page_url(buyer, f"pact/partners/{partner.pk}/")
    assert partner.secret() == "s3cret-of-the-partner"
    assert partner.machine_client_id == machine.pk
    detail = text(client.get(response["Location"]))
    assert "https://pact.jinghua.example.cn" in detail
    assert "PACT inbound" in detail
    assert "stored encrypted, never shown" in detail
    assert "s3cret" not in detail
    edit = text(client.get(page_url(buyer, f"pact/partners/{partner.pk}/edit/")))
    assert "s3cret" not in edit
    assert "leave empty to keep it" in edit


def test_an_edit_with_an_empty_secret_keeps_it(buyer):
    partner = partner_of(buyer.organisation)
    client = person(buyer, "owner", "en")

    response = client.post(
        page_url(buyer, f"pact/partners/{partner.pk}/edit/"),
        _form(name="Jinghua (production)", secret=""),
    )

    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.name == "Jinghua (production)"
    assert partner.secret() == "s3cret-of-the-partner"


def test_a_bad_base_url_is_shown_at_its_field_in_chinese(buyer):
    client = person(buyer, "admin", "zh-hans")

    response = client.post(
        page_url(buyer, "pact/partners/new/"), _form(base_url="http://pact.example.com")
    )

    assert response.status_code == 200
    assert (
        '<p class="errors" id="id_base_url_error">http://pact.example.com 不是 HTTPS 地址；应为 '
        "https://host[:port][/path]，例如 https://pact.example.com。</p>"
    ) in text(response)
    assert PactPartner.objects.count() == 0


def test_viewers_read_but_may_not_manage(buyer):
    partner = partner_of(buyer.organisation)
    client = person(buyer, "viewer", "en")

    listing = client.get(page_url(buyer, "pact/partners/"))
    detail = client.get(page_url(buyer, f"pact/partners/{partner.pk}/"))

    assert listing.status_code == detail.status_code == 200
    assert "Register a partner" not in text(listing)
    assert "Jinghua PACT host" in text(listing)
    assert "/archive/" not in text(detail)
    assert client.get(page_url(buyer, "pact/partners/new/")).status_code == 403
    assert client.post(page_url(buyer, f"pact/partners/{partner.pk}/archive/")).status_code == 403
    partner.refresh_from_db()
    assert partner.archived_at is None


def test_an_admin_archives_a_partner(buyer):
    partner = partner_of(buyer.organisation)
    client = person(buyer, "admin", "en")

    response = client.post(page_url(buyer, f"pact/partners/{partner.pk}/archive/"))

    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.archived_at is not None
    assert "the footprints fetched from it stay" in text(client.get(response["Location"]))


def test_another_organisations_partner_and_fetched_footprint_are_404(buyer, supplier):
    theirs = partner_of(supplier.organisation)
    fetched = fetched_of(theirs, hot_rolled_coil_document())
    client = person(buyer, "owner", "en")

    for path in (
        f"pact/partners/{theirs.pk}/",
        f"pact/partners/{theirs.pk}/edit/",
        f"pact/fetched/{fetched.pk}/",
        f"pact/fetched/{fetched.pk}/document.json",
    ):
        assert client.get(page_url(buyer, path)).status_code == 404
    assert client.post(page_url(buyer, f"pact/partners/{theirs.pk}/archive/")).status_code == 404
    theirs.refresh_from_db()
    assert theirs.archived_at is None


def test_a_verified_fetched_footprint_shows_its_facts_and_its_exact_bytes(buyer):
    partner = partner_of(buyer.organisation)
    fetched = fetched_of(partner, hot_rolled_coil_document())
    client = person(buyer, "viewer", "en")

    page = text(client.get(page_url(buyer, f"pact/fetched/{fetched.pk}/")))
    download = client.get(page_url(buyer, f"pact/fetched/{fetched.pk}/document.json"))

    assert '<dd id="origin">Fetched by id (GetFootprint)</dd>' in page
    assert '<dd id="cn-code">7208 39 00</dd>' in page
    assert '<dd id="see-direct">2.09778</dd>' in page
    assert '<dd id="see-indirect">0.31025</dd>' in page
    assert '<dd id="verification">2026-02-10</dd>' in page
    assert "Valid: PACT v3 and, where present, the CBAM extension." in page
    assert "&quot;directTco2ePerT&quot;: &quot;2.09778&quot;" in page
    assert download.status_code == 200
    assert download["Content-Type"] == "application/json"
    assert download["Content-Disposition"] == f'attachment; filename="{fetched.pk}.json"'
    assert download.content == bytes(FetchedFootprint.objects.get(pk=fetched.pk).document)


def test_an_unverified_invalid_fetched_footprint_says_the_default_value_must_be_used(buyer):
    partner = partner_of(buyer.organisation)
    document = hot_rolled_coil_document(verification=None)
    document["pcf"].pop("declaredUnitOfMeasurement")
    fetched = fetched_of(partner, document)
    FetchedFootprint.objects.filter(pk=fetched.pk).update(
        problems=[
            {
                "path": "pcf.declaredUnitOfMeasurement",
                "code": "PACT-REQUIRED",
                "message_en": "A required property is missing.",
                "message_zh": "缺少必填属性。",
            }
        ]
    )

    zh = text(
        person(buyer, "viewer", "zh-hans").get(page_url(buyer, f"pact/fetched/{fetched.pk}/"))
    )
    en = text(person(buyer, "admin", "en").get(page_url(buyer, f"pact/fetched/{fetched.pk}/")))

    assert '<dd id="verification">无：必须使用默认值</dd>' in zh
    assert "<li><code>pcf.declaredUnitOfMeasurement</code>: 缺少必填属性。</li>" in zh
    assert '<dd id="verification">none: the default value must be used</dd>' in en
    assert (
        "<li><code>pcf.declaredUnitOfMeasurement</code>: A required property is missing.</li>" in en
    )


def test_the_line_form_offers_the_fetched_footprints_and_saves_a_fetched_line(
    buyer, reference_data
):
    partner = partner_of(buyer.organisation)
    fetched = fetched_of(partner, hot_rolled_coil_document())
    product = BuyerProduct.objects.create(
        organisation=buyer.organisation,
        name="Screws M8",
        cn_code="73181595",
        country_of_production="DE",
    )
    client = person(buyer, "preparer", "en")
    url = page_url(buyer, f"boms/{product.pk}/lines/new/")

    form = text(client.get(url))
    response = client.post(
        url,
        {
            "source": "fetched_footprint",
            "fetched_footprint": str(fetched.pk),
            "mass_t_per_t": "0.4",
        },
    )

    assert (
        f'<option value="{fetched.pk}">Jinghua PACT host · Hebei Jinghua Iron &amp; Steel Co., '
        "Ltd. · Hot-rolled coil Q235B 2.0 mm (72083900) · SEE 2.40803</option>"
    ) in form
    assert response.status_code == 302
    line = BomLine.objects.get(product=product)
    assert (line.source, line.fetched_footprint_id, line.cn_code, line.country_of_origin) == (
        LineSource.FETCHED_FOOTPRINT,
        fetched.pk,
        "72083900",
        "CN",
    )


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as done:
        assert client.get(url).status_code == 200
    return len(done.captured_queries)


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        ("pact/partners/", 4),
        ("pact/partners/{partner}/", 6),
        ("pact/fetched/", 5),
        ("pact/fetched/{fetched}/", 4),
    ],
)
def test_each_page_takes_a_fixed_number_of_queries_whatever_the_rows(buyer, path, queries):
    client = person(buyer, "viewer", "en")
    counts = []
    for rows in (1, 4):
        PactPartner.objects.filter(organisation=buyer.organisation).update(
            archived_at="2026-01-01T00:00:00Z"
        )
        partner = partner_of(buyer.organisation, name=f"Host with {rows}")
        fetched = [
            fetched_of(partner, hot_rolled_coil_document(version=n)) for n in range(1, rows + 1)
        ]
        url = page_url(buyer, path.format(partner=partner.pk, fetched=fetched[0].pk))
        counts.append(_queries(client, url))
    assert counts == [queries, queries]


def test_the_document_is_pretty_printed(buyer):
    fetched = fetched_of(partner_of(buyer.organisation), hot_rolled_coil_document())
    page = text(person(buyer, "viewer", "en").get(page_url(buyer, f"pact/fetched/{fetched.pk}/")))

    parsed = json.loads(bytes(fetched.document))
    assert f"  &quot;id&quot;: &quot;{parsed['id']}&quot;," in page


def test_the_bill_links_a_fetched_line_and_says_why_it_is_on_the_default_in_chinese(
    buyer, reference_data
):
    fetched = fetched_of(
        partner_of(buyer.organisation), hot_rolled_coil_document(verification=None)
    )
    product = BuyerProduct.objects.create(
        organisation=buyer.organisation,
        name="Screws M8",
        cn_code="73181595",
        country_of_production="DE",
    )
    bom_line_create(
        actor=Actor.platform("tests"),
        product=product,
        data={
            "source": "fetched_footprint",
            "fetched_footprint": str(fetched.pk),
            "mass_t_per_t": "0.4",
        },
    )
    products_recompute(organisation_id=buyer.organisation.pk, today=date(2026, 11, 21))

    page = text(person(buyer, "viewer", "zh-hans").get(page_url(buyer, f"boms/{product.pk}/")))

    link = page_url(buyer, f"pact/fetched/{fetched.pk}/")
    assert f'经 PACT 获取: <a href="{link}">已获取的碳足迹</a>' in page
    assert (
        "获取的碳足迹未注明核查声明：不能使用实际排放，必须使用默认值"
        "（第 2023/956 号条例第 8 条）。"
    ) in page
