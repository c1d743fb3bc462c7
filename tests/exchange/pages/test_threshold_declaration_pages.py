"""The importer's threshold and declaration pages: exact figures in Chinese and English, the
gauge and the chart with the crossing marked, the splitting warnings explained, the demo's
declaration (EUR 11,329.37) with its prices, holdings, calendar and downloads."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from tests.demo.conftest import today  # noqa: F401
from tests.exchange.pages.importer import client_of, ramp, url

pytestmark = pytest.mark.django_db


def test_the_threshold_page_shows_the_crossing_in_chinese(importer):
    ramp(importer, ["20", "15", "10", "6", "4"])  # 20, 35, 45, 51, 55 t from 5 January

    html = client_of(importer, "viewer").get(url(importer, "threshold/?year=2026")).content.decode()

    assert "<h1>2026 年微量豁免阈值</h1>" in html
    assert "已超过阈值：义务适用于全年" in html
    assert (
        "已超过阈值：2026 年进口的 CBAM 货物为 55 吨，自 2026-01-26（货物 R4）起超过了 50 吨的微量"
        "豁免阈值。" in html
    )
    assert '<dd id="counted-mass">55.000 t</dd>' in html
    assert '<dd id="crossed-on">2026-01-26 · 货物 <a href=' in html
    assert 'id="crossed-by">R4</a>' in html
    assert "<dt>达到 80 %（40 吨）的日期</dt><dd>2026-01-19</dd>" in html
    # The gauge: its marks at 40, 45 and 50 t, the fill past the end.
    assert 'class="chart gauge gauge-over" id="threshold-gauge"' in html
    assert '<text x="458.2" y="68" text-anchor="middle">80 % · 40 吨</text>' in html
    assert '<text x="513.5" y="12" text-anchor="middle">90 % · 45 吨</text>' in html
    assert '<text x="568.7" y="68" text-anchor="middle">阈值 · 50 吨</text>' in html
    assert "<figcaption>2026 年进口的净质量: 55.000 t / 50 t (110.0 %)</figcaption>" in html
    # The cumulative chart: the threshold as a rule, the crossing day marked.
    assert '<text x="624" y="58.7" dy="-4" text-anchor="end">阈值 50 吨</text>' in html
    crossing = '<text x="102.5" y="16" dy="12" dx="4" text-anchor="start">2026年1月26日 超过 · R4'
    assert crossing + "</text>" in html
    assert '<tr><th scope="row">2026年1月26日</th><td class="num">51.000</td></tr>' in html
    assert "未发现拆分模式。" in html


def test_headroom_hugging_is_explained_in_plain_words(importer):
    ramp(importer, ["40", "8", "1.8"])

    html = (
        client_of(importer, "viewer", "en")
        .get(url(importer, "threshold/?year=2026"))
        .content.decode()
    )

    assert "Above 90 % of the threshold" in html
    assert (
        "Possible splitting: 3 consignments in 2026 each took at least 75 % of the headroom left "
        "under the 50 t de minimis threshold without crossing it (R1, R2, R3)." in html
    )
    assert (
        "In plain words: at least 3 times this year, a consignment took 75 % or more of what "
        "was still left under the threshold, without crossing it." in html
    )
    assert '<dt>Threshold crossed on</dt><dd id="crossed-on">—</dd>' in html


def test_a_year_without_shipments_and_an_unreadable_year(importer):
    client = client_of(importer, "viewer", "en")
    empty = client.get(url(importer, "threshold/?year=2031")).content.decode()
    assert "<h1>De minimis threshold 2031</h1>" in empty
    assert "No CBAM goods counted in 2031 yet." in empty
    assert "Below the threshold: exempt so far" in empty

    bad = client.get(url(importer, "threshold/?year=1999"))
    assert bad.status_code == 200
    assert (
        "1999 is not a year of the definitive period; expected 2026 to 2100."
        in bad.content.decode()
    )


def test_the_threshold_page_takes_a_fixed_number_of_queries(importer, django_assert_num_queries):
    client = client_of(importer, "owner")
    ramp(importer, ["1"] * 3)
    client.get(url(importer, "threshold/"))
    # session, user, membership; the years; the shipments; the related organisations' masses.
    with django_assert_num_queries(6):
        client.get(url(importer, "threshold/?year=2026"))
    ramp(importer, ["1"] * 40, start=date(2026, 2, 1), prefix="M")
    with django_assert_num_queries(6):
        client.get(url(importer, "threshold/?year=2026"))


# --------------------------------------------------------------------------- the declaration


@pytest.fixture
def demo(settings: Any, reference_data: None, today: date) -> Client:  # noqa: F811
    """The demo world seeded through the services; the importer's preparer, in Chinese."""
    settings.DEBUG = True
    settings.CBAM_CERTIFICATE_PRICE_EUR = "75.00"
    for command in ("seed_demo", "seed_demo_footprints", "seed_demo_exchange"):
        call_command(command, stdout=StringIO())
    user = User.objects.get(email="preparer@rhein-import.example")
    User.objects.filter(pk=user.pk).update(language="zh-hans")
    client = Client()
    client.force_login(user)
    return client


def test_the_demo_declaration_in_chinese(demo):
    html = demo.get("/o/rhein-import/declaration/?year=2026").content.decode()

    assert "<h1>2026 年 CBAM 年度申报</h1>" in html
    assert "需要申报" in html
    assert '<dd id="to-surrender"><strong>151</strong>' in html
    assert "150.72449，向上取整为整份证书" in html
    assert '<dd id="cost">EUR 11,329.37</dd>' in html
    assert '<td class="num" id="total-cost">11,329.37</td>' in html
    assert '<dd id="deadline">2027年9月30日' in html
    # One row per CN code, country, installation and basis.
    rows = html[
        html.index('<table id="declaration-rows">') : html.index(
            "</table>", html.index('<table id="declaration-rows">')
        )
    ]
    assert rows.count('<tr>\n      <td class="nowrap">') == 4
    assert "实际数据（供应商的碳足迹）" in rows
    assert rows.count("默认值（含加成）") == 3
    # The prices: Q1 and Q2 published, Q3 and Q4 on the labelled assumption.
    prices = html[html.index('<table id="declaration-prices">') :]
    assert '<span class="badge ok">已发布</span> 于 2026-04-07' in prices
    assert '<span class="badge ok">已发布</span> 于 2026-07-06' in prices
    assert prices.count('<span class="badge warning">假设</span>') == 2
    assert '<td class="num">4,414.00</td>' in prices
    # No quarterly holding for 2026; the calendar has the deadline with its source.
    assert "2026 年无季度持有要求：自 2027 年起，须在每个季度末至少持有应缴证书的 50 %。" in html
    calendar = html[html.index('<table id="obligations">') :]
    assert '<td class="nowrap">2027-09-30</td><td>提交 2026 年的 CBAM 申报' in calendar
    assert (
        "经第 (EU) 2025/2083 号条例修订的第 (EU) 2023/956 号条例第 6(2) 条和第 22(1) 条" in calendar
    )


def test_the_calendar_has_the_quarterly_holdings_from_2027(importer):
    html = (
        client_of(importer, "viewer", "en")
        .get(url(importer, "declaration/?year=2027"))
        .content.decode()
    )
    calendar = html[html.index('<table id="obligations">') :]
    days = [
        d
        for d in ("2027-03-31", "2027-06-30", "2027-09-30", "2027-12-31", "2028-09-30")
        if f'<td class="nowrap">{d}</td>' in calendar
    ]
    assert days == ["2027-03-31", "2027-06-30", "2027-09-30", "2027-12-31", "2028-09-30"]
    assert (
        "End of Q1: hold on your account at least 50 % of the certificates due on the goods "
        "imported since 1 January 2027." in calendar
    )
    assert calendar.count("Art. 22(2) of Reg. (EU) 2023/956 as amended by Reg. (EU) 2025/2083") == 4


def test_the_downloads_are_the_services_documents_with_file_names(demo):
    csv_answer = demo.get("/o/rhein-import/declaration/2026/summary.csv")
    json_answer = demo.get("/o/rhein-import/declaration/2026/summary.json")

    assert csv_answer["Content-Disposition"] == (
        'attachment; filename="cbam-declaration-rhein-import-2026.csv"'
    )
    assert json_answer["Content-Disposition"] == (
        'attachment; filename="cbam-declaration-rhein-import-2026.json"'
    )
    document = json.loads(json_answer.content)
    assert document["totals"]["cost_eur"] == "11329.37"
    assert document["totals"]["certificates_to_surrender"] == 151
    lines = list(csv.reader(io.StringIO(csv_answer.content.decode())))
    assert lines[-1][0] == "TOTAL"
    assert lines[-1][-1] == "11329.37"
    assert demo.get("/o/rhein-import/declaration/1999/summary.csv").status_code == 400


def test_the_declaration_page_takes_a_fixed_number_of_queries(importer, django_assert_num_queries):
    client = client_of(importer, "owner")
    ramp(importer, ["1"] * 3)
    client.get(url(importer, "declaration/?year=2026"))
    # session, user, membership; the years; the shipments (their footprints and products are
    # prefetched only when linked); the reference data and prices are read once per date.
    with django_assert_num_queries(8) as few:
        client.get(url(importer, "declaration/?year=2026"))
    ramp(importer, ["1"] * 40, start=date(2026, 2, 1), prefix="M")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url(importer, "declaration/?year=2026"))
