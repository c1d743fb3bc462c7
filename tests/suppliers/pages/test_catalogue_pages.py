"""Installations and products in the browser's pages: lists, create and edit through the
catalogue services, each problem at its field in the page's language."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from accounts.models import AuditEvent
from suppliers.models import Installation, Product
from tests.factories import InstallationFactory, ProductFactory
from tests.suppliers.pages.conftest import EN, ZH, page_url

pytestmark = pytest.mark.django_db


def field_errors(html: str, field: str) -> list[str]:
    """The error texts shown under the form field ``field``."""
    return re.findall(rf'<p class="errors" id="id_{re.escape(field)}_error">([^<]*)</p>', html)


def test_a_preparer_creates_an_installation_with_its_coordinates(producer, preparer):
    answer = preparer.post(
        page_url(producer, "installations/new/"),
        {
            "name": "邯郸钢铁厂",
            "name_latin": "Handan Steel Works",
            "address": "河北省邯郸市复兴区",
            "country": "cn",
            "un_locode": "CN HDG",
            "latitude": "36.6",
            "longitude": "114.4901",
            "cbam_operator_id": "CN-OP-0001",
            "production_routes": "Basic oxygen furnace\n\nElectric arc furnace\n",
        },
        **EN,
    )

    assert answer.status_code == 302
    assert answer["Location"] == page_url(producer, "installations/")
    made = Installation.objects.get(organisation=producer.organisation, name="邯郸钢铁厂")
    assert (made.name_latin, made.country, made.un_locode) == ("Handan Steel Works", "CN", "CNHDG")
    assert (made.latitude, made.longitude) == (Decimal("36.600000"), Decimal("114.490100"))
    assert made.production_routes == ["Basic oxygen furnace", "Electric arc furnace"]
    assert AuditEvent.objects.filter(action="installation.created", object_id=str(made.pk)).exists()

    listing = preparer.get(page_url(producer, "installations/"), **EN).content.decode()
    assert "Handan Steel Works" in listing
    assert '<td class="num">114.4901</td>' in listing
    assert '<td class="num">36.6</td>' in listing


def test_installation_errors_are_shown_at_their_fields_in_chinese(producer, preparer):
    before = Installation.objects.count()

    answer = preparer.post(
        page_url(producer, "installations/new/"),
        {"name": "邯郸钢铁厂", "name_latin": "邯郸", "country": "XX", "un_locode": "CNHDG"},
        **ZH,
    )

    html = answer.content.decode()
    assert answer.status_code == 200
    assert field_errors(html, "name_latin") == ["含有非拉丁字符；请填写罗马字母拼写的名称。"]
    assert field_errors(html, "country") == [
        "&#x27;XX&#x27; 不是 ISO 3166-1 两位字母代码；应如 CN。"
    ]
    assert Installation.objects.count() == before


def test_a_coordinate_in_other_digits_is_refused_as_the_api_refuses_it(producer, preparer):
    answer = preparer.post(
        page_url(producer, "installations/new/"),
        {"name": "厂", "name_latin": "Works", "country": "CN", "latitude": "٣٦", "longitude": "91"},
        **EN,
    )

    html = answer.content.decode()
    assert answer.status_code == 200
    assert field_errors(html, "latitude") == ["&#x27;٣٦&#x27; is not a number: use the digits 0-9"]
    assert not Installation.objects.filter(name_latin="Works").exists()


def test_a_preparer_edits_an_installation(producer, preparer):
    installation = producer.installation
    url = page_url(producer, f"installations/{installation.pk}/")
    form = preparer.get(url, **EN).content.decode()
    assert 'value="Tangshan steel works"' in form

    answer = preparer.post(
        url,
        {"name": "唐山钢铁厂", "name_latin": "Tangshan Steel Works", "country": "CN"},
        **EN,
    )

    assert answer.status_code == 302
    installation.refresh_from_db()
    assert installation.name_latin == "Tangshan Steel Works"
    assert installation.latitude is None


def test_a_viewer_sees_the_list_without_links_to_edit(producer, viewer):
    html = viewer.get(page_url(producer, "installations/"), **EN).content.decode()
    assert "Tangshan steel works" in html
    assert "installations/new/" not in html
    assert f"installations/{producer.installation.pk}/" not in html


def test_the_installation_list_costs_the_same_queries_for_many_rows(
    producer, viewer, django_assert_num_queries
):
    for _ in range(6):
        InstallationFactory(organisation=producer.organisation)
    url = page_url(producer, "installations/")
    # session, user, membership (with its organisation), installations
    with django_assert_num_queries(4):
        answer = viewer.get(url, **EN)
    assert answer.content.decode().count("<tr>") == 8  # header + 7 installations


def test_a_preparer_creates_a_product_from_a_spaced_taric_code(producer, preparer):
    answer = preparer.post(
        page_url(producer, "products/new/"),
        {
            "name": "热轧卷板",
            "cn_code": "7208 39 00 90",
            "installations": [str(producer.installation.pk)],
            "identifiers": "urn:gtin:06901234567892",
        },
        **EN,
    )

    assert answer.status_code == 302
    product = Product.objects.get(organisation=producer.organisation, name="热轧卷板")
    assert (product.cn_code, product.category) == ("72083900", "Iron or steel products")
    assert list(product.installations.all()) == [producer.installation]
    assert product.identifiers == ["urn:gtin:06901234567892"]
    listing = preparer.get(page_url(producer, "products/"), **EN).content.decode()
    assert "<td>7208 39 00</td>" in listing


def test_a_product_that_is_not_a_cbam_good_is_refused_at_its_field_in_both_languages(
    producer, preparer
):
    data = {"name": "Tea", "cn_code": "0902.10.00"}

    english = preparer.post(page_url(producer, "products/new/"), data, **EN).content.decode()
    chinese = preparer.post(page_url(producer, "products/new/"), data, **ZH).content.decode()

    assert field_errors(english, "cn_code") == [
        "CN code 09021000 is not a CBAM good (Annex I of Reg. 2023/956); expected a code of the "
        "CBAM CN list."
    ]
    assert field_errors(chinese, "cn_code") == [
        "CN 编码 09021000 不是 CBAM 货物（第 2023/956 号条例附件一）；应为 CBAM CN 清单中的编码。"
    ]
    assert not Product.objects.filter(name="Tea").exists()


def test_a_preparer_edits_a_product(producer, preparer):
    product = producer.product
    url = page_url(producer, f"products/{product.pk}/")
    assert preparer.get(url, **EN).status_code == 200

    answer = preparer.post(url, {"name": "Hot-rolled coil, pickled", "cn_code": "72083900"}, **EN)

    assert answer.status_code == 302
    product.refresh_from_db()
    assert product.name == "Hot-rolled coil, pickled"
    assert list(product.installations.all()) == []


def test_the_product_list_costs_the_same_queries_for_many_rows(
    producer, viewer, django_assert_num_queries
):
    for _ in range(5):
        product = ProductFactory(organisation=producer.organisation)
        product.installations.add(producer.installation)
    # session, user, membership, products, their installations
    with django_assert_num_queries(5):
        answer = viewer.get(page_url(producer, "products/"), **EN)
    assert answer.content.decode().count("<tr>") == 7
