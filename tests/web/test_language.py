"""The language of the pages: the user's setting, else the cookie, else the browser; the
switcher on every page; numbers and dates per language."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from accounts.models import User
from accounts.roles import Role
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_browser_language_chooses_chinese_for_an_anonymous_visitor():
    page = Client().get("/login/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.5")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="zh-Hans">' in html
    assert "<h1>登录</h1>" in html
    assert page["Content-Language"] == "zh-hans"


def test_english_stays_english():
    page = Client().get("/login/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert '<html lang="en">' in page.content.decode()
    assert "<h1>Log in</h1>" in page.content.decode()


def test_the_switcher_remembers_the_choice_in_a_cookie_and_goes_back():
    client = Client()
    answer = client.post("/language/", {"language": "zh-hans", "next": "/login/?next=/x/"})
    assert answer.status_code == 302
    assert answer["Location"] == "/login/?next=/x/"
    assert answer.cookies["cbam_language"].value == "zh-hans"
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert "<h1>登录</h1>" in page.content.decode()


def test_the_switcher_refuses_a_foreign_target_and_an_unknown_language():
    client = Client()
    answer = client.post("/language/", {"language": "xx", "next": "https://evil.example/"})
    assert answer["Location"] == "/"
    assert "cbam_language" not in answer.cookies


def test_a_signed_in_persons_setting_wins_over_the_browser_and_is_saved_by_the_switcher():
    membership = MembershipFactory(role=Role.VIEWER)
    user = membership.user
    client = Client()
    client.force_login(user)
    client.post("/language/", {"language": "zh-hans", "next": "/dashboard/"})
    user.refresh_from_db()
    assert user.language == "zh-hans"
    fresh = Client()  # another device: no cookie
    fresh.force_login(user)
    page = fresh.get(f"/o/{membership.organisation.slug}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "<h1>待您处理</h1>" in page.content.decode()
    User.objects.filter(pk=user.pk).update(language="en")
    page = fresh.get(f"/o/{membership.organisation.slug}/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "<h1>What needs you</h1>" in page.content.decode()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "1,234,567.0125 | 7208 39 00"), ("zh-hans", "1,234,567.0125 | 7208 39 00")],
)
def test_numbers_keep_every_decimal_and_group_per_language(language, expected):
    template = Template("{% load cbam_format %}{{ x|number }} | {{ code|cn }}")
    with translation.override(language):
        shown = template.render(Context({"x": Decimal("1234567.01250"), "code": "72083900"}))
    assert shown == expected


def test_numbers_round_half_even_to_the_places_asked():
    template = Template("{% load cbam_format %}{{ a|number:2 }} {{ b|number:2 }} {{ c|number }}")
    with translation.override("en"):
        shown = template.render(
            Context({"a": Decimal("2.125"), "b": Decimal("2.135"), "c": Decimal("1E+3")})
        )
    assert shown == "2.12 2.14 1,000"


def test_organisation_names_show_in_original_script_and_latin():
    organisation = OrganisationFactory(
        legal_name="江苏钢铁有限公司", legal_name_latin="Jiangsu Steel Co., Ltd."
    )
    membership = MembershipFactory(organisation=organisation, role=Role.OWNER)
    client = Client()
    client.force_login(membership.user)
    html = client.get(f"/o/{organisation.slug}/").content.decode()
    assert "江苏钢铁有限公司" in html
    assert "Jiangsu Steel Co., Ltd." in html


def test_dates_follow_the_language():
    template = Template('{{ d|date:"DATE_FORMAT" }}')
    from datetime import date

    with translation.override("zh-hans"):
        assert template.render(Context({"d": date(2027, 9, 30)})) == "2027年9月30日"
    with translation.override("en"):
        assert template.render(Context({"d": date(2027, 9, 30)})) == "2027-09-30"


def test_our_translations_win_over_djangos_own_for_the_same_english_text():
    with translation.override("zh-hans"):
        assert translation.gettext("Log out") == "退出登录"  # django.contrib.admin says 注销
        assert translation.gettext("Key") == "密钥"  # Django's own catalogue says 键
