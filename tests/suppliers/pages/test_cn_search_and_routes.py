"""The product form's CN code search (htmx, over the reference CN list: code prefix or English
description words) and its production route, chosen from the goods category's routes."""

from __future__ import annotations

import re

import pytest

from suppliers.models import Product
from tests.suppliers.pages.conftest import EN, ZH, page_url

pytestmark = pytest.mark.django_db


def found(html: str) -> list[str]:
    return re.findall(r"\?cn_code=(\d{8})", html)


def options(html: str) -> list[tuple[str, str]]:
    select = html.split('name="production_route"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def test_a_code_prefix_finds_the_codes_under_it_in_code_order(producer, preparer):
    answer = preparer.get(page_url(producer, "products/cn-codes/?q=7208 3"), **EN)

    assert answer.status_code == 200
    assert found(answer.content.decode()) == ["72083600", "72083700", "72083800", "72083900"]


def test_description_words_find_codes_whatever_their_order(producer, preparer):
    html = preparer.get(
        page_url(producer, "products/cn-codes/?q=pickled thickness hot-rolled < 3 mm"), **EN
    ).content.decode()

    assert "72082700" in found(html)
    assert all(code.startswith(("7208", "7211")) for code in found(html))
    assert '<span lang="en">Flat-rolled products of iron or non-alloy steel' in html


def test_a_chinese_term_matches_nothing_and_says_how_to_search(producer, preparer):
    answer = preparer.get(page_url(producer, "products/cn-codes/?q=热轧卷板"), **ZH)

    html = answer.content.decode()
    assert answer.status_code == 200
    assert found(html) == []
    assert 'id="cn-no-results"' in html
    assert "英文" in html


def test_text_that_is_not_text_finds_nothing_instead_of_failing(producer, preparer):
    answer = preparer.get(page_url(producer, "products/cn-codes/"), {"q": "72\x0008"}, **EN)

    assert answer.status_code == 200
    assert found(answer.content.decode()) == []


def test_a_search_costs_the_same_queries_whatever_it_finds(
    producer, preparer, django_assert_num_queries
):
    # session, user, membership, the CN list's version, the codes
    with django_assert_num_queries(5):
        many = preparer.get(page_url(producer, "products/cn-codes/?q=72"), **EN)
    assert len(found(many.content.decode())) == 20
    assert "The first 20 codes; type more to narrow the search." in many.content.decode()


def test_choosing_a_code_offers_the_routes_of_its_goods_category_in_chinese(producer, preparer):
    html = preparer.get(
        page_url(producer, "products/routes/?cn_code=7206 10 00"), **ZH
    ).content.decode()

    assert 'name="cn_code" value="7206 10 00"' in html
    assert '<p class="muted" id="product-category">货物类别: Crude steel</p>' in html
    assert options(html) == [
        ("", "—"),
        ("Basic oxygen steelmaking", "碱性氧气炼钢 (Basic oxygen steelmaking)"),
        ("Electric arc furnace", "电弧炉 (Electric arc furnace)"),
    ]


def test_a_category_with_one_route_for_all_offers_none(producer, preparer):
    html = preparer.get(
        page_url(producer, "products/routes/?cn_code=72083900"), **EN
    ).content.decode()

    assert options(html) == [("", "—")]


def test_the_cn_field_asks_for_the_routes_again_when_it_changes(producer, preparer):
    html = preparer.get(page_url(producer, "products/new/"), **EN).content.decode()

    assert (
        f'hx-get="{page_url(producer, "products/routes/")}" hx-trigger="change" '
        'hx-target="#cn-route" hx-swap="outerHTML"'
    ) in html
    assert (
        f'hx-get="{page_url(producer, "products/cn-codes/")}" '
        'hx-trigger="input changed delay:400ms, search" hx-target="#cn-results"'
    ) in html


def test_a_product_is_saved_with_the_route_chosen_and_shows_it_again(producer, preparer):
    answer = preparer.post(
        page_url(producer, "products/new/"),
        {
            "name": "连铸坯",
            "cn_code": "7206 10 00",
            "production_route": "Electric arc furnace",
            "installations": [str(producer.installation.pk)],
        },
        **EN,
    )

    assert answer.status_code == 302
    product = Product.objects.get(name="连铸坯")
    assert (product.category, product.production_route) == ("Crude steel", "Electric arc furnace")
    form = preparer.get(page_url(producer, f"products/{product.pk}/"), **EN).content.decode()
    assert ("Electric arc furnace", "Electric arc furnace") in options(form)
    assert '<option value="Electric arc furnace" selected>' in form
