"""The footprint editor's live check: htmx posts the form as the user types, and the fragment
shows what the API's validation dry run finds, beside each field, in the page's language, with
the engine's SEE and the decision; nothing is written."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEvent
from suppliers.models import EvidenceFile, Footprint
from tests.factories import FootprintFactory
from tests.suppliers.conftest import Producer, footprint_input
from tests.suppliers.pages.conftest import EN, ZH, page_url
from tests.suppliers.pages.test_footprint_pages import form_data

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
#: A unit slip: 40,000 Nm³ of natural gas typed as thousands of Nm³ (1000 times too much).
GAS_SLIP = {"natural_gas": "40000000", "natural_gas_unit": "1000Nm3"}
#: session, user, membership; the form's choices (products, installations, published
#: footprints); the dry run: product, installation, its products, the goods category, the
#: reference versions and categories the rules read.
QUERIES = 17
GAS_RIGHT = {"natural_gas": "40000000", "natural_gas_unit": "Nm3"}


def check(client, producer: Producer, data: dict[str, str], lang: dict[str, str], path=""):
    url = page_url(producer, f"{path or 'footprints/new/'}check/")
    answer = client.post(url, data, **HX, **lang)
    assert answer.status_code == 200
    return answer.content.decode()


def slot(html: str, field: str) -> str:
    """The text shown beside ``field`` (its out-of-band slot), tags removed."""
    match = re.search(
        rf'<div id="live-{re.escape(field)}" class="live-findings" hx-swap-oob="true">(.*?)</div>',
        html,
        re.S,
    )
    assert match, f"no slot for {field}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def dd(html: str, id_: str) -> str:
    match = re.search(rf'<dd id="{id_}">([^<]*)</dd>', html)
    assert match, id_
    return match.group(1)


def api_dry_run(producer: Producer, **overrides):
    answer = producer.api("preparer").post(
        producer.url("footprints/validate-dry-run/"),
        footprint_input(producer, **overrides),
        format="json",
    )
    assert answer.status_code == 200
    return answer.json()


def test_the_editor_posts_itself_to_the_live_check_as_the_user_types(producer, preparer):
    html = preparer.get(page_url(producer, "footprints/new/"), **EN).content.decode()

    assert (
        f'hx-post="{page_url(producer, "footprints/new/check/")}" '
        'hx-trigger="input changed delay:600ms" hx-target="#live-check" hx-swap="outerHTML"'
    ) in html
    assert '<div id="live-natural_gas" class="live-findings"></div>' in html
    assert '<section class="card" id="live-check"' in html


def test_a_unit_slip_shows_beside_its_field_in_chinese_and_nothing_is_written(producer, preparer):
    audit_before = AuditEvent.objects.count()

    with CaptureQueriesContext(connection) as queries:
        html = check(preparer, producer, form_data(producer, **GAS_SLIP), ZH)

    assert slot(html, "natural_gas") == (
        "错误 天然气用量 40000000 1000 Nm³，产品 1000000 t，即 40000 Nm³/t，约为合理值的 1000 倍"
        "（钢铁制品：1-600 Nm³/t）；40 Nm³/t 才合理。单位可能混淆：天然气用量实际以 Nm³ 计，"
        "却按 1000 Nm³ 填写。 CBAM-UNIT-004"
    )
    assert slot(html, "activity_level") == ""
    assert '<span class="badge error">1 个错误</span>' in html
    writes = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))
    ]
    assert writes == []
    assert not Footprint.objects.exists()
    assert AuditEvent.objects.count() == audit_before


def test_the_finding_disappears_once_the_unit_is_fixed(producer, preparer):
    fixed = check(preparer, producer, form_data(producer, **GAS_RIGHT), ZH)

    assert slot(fixed, "natural_gas") == ""
    assert "CBAM-UNIT-004" not in fixed
    assert '<span class="badge ok">无错误</span>' in fixed


def test_the_same_finding_reads_in_english_as_the_api_says_it(producer, preparer):
    api = api_dry_run(producer, natural_gas={"value": "40000000", "unit": "1000Nm3"})
    [finding] = [f for f in api["findings"] if f["code"] == "CBAM-UNIT-004"]

    html = check(preparer, producer, form_data(producer, **GAS_SLIP), EN)

    assert finding["path"] == "natural_gas"
    assert slot(html, "natural_gas") == f"Error {finding['message_en']} CBAM-UNIT-004"


def test_the_see_and_the_decision_are_the_dry_runs(producer, preparer):
    api = api_dry_run(producer, natural_gas={"value": "40000000", "unit": "1000Nm3"})

    html = check(preparer, producer, form_data(producer, **GAS_SLIP), EN)

    assert api["see"]["see_direct"] == "2.24500"
    assert dd(html, "live-see-direct") == "2.245"
    assert dd(html, "live-see-indirect") == f"{Decimal(api['see']['see_indirect']).normalize():f}"
    assert dd(html, "live-see-total") == f"{Decimal(api['see']['see_total']).normalize():f}"
    assert "<summary>Where the figures come from</summary>" in html
    assert "AttrEm 250000 tCO2e / AL 1000000 t" in html
    decision = api["decision"]
    assert decision["default_value_must_be_used"] is True
    assert '<span class="badge error" id="live-default-required">' in html
    for key, id_ in (
        ("cost_actual_eur_per_t", "live-cost-actual"),
        ("cost_default_eur_per_t", "live-cost-default"),
        ("cost_difference_eur_per_t", "live-cost-difference"),
    ):
        assert dd(html, id_) == decision[key]


def test_an_input_that_cannot_be_read_is_said_in_the_pages_language_at_its_field(
    producer, preparer
):
    chinese = check(preparer, producer, form_data(producer, activity_level="0"), ZH)
    english = check(preparer, producer, form_data(producer, activity_level="0"), EN)

    assert (
        slot(chinese, "activity_level")
        == "错误 无法读取或计算此项输入：0 t 为零；应大于零。 CBAM-INPUT-000"
    )
    assert slot(english, "activity_level") == (
        "Error This input cannot be read or computed: 0 t is zero; expected more than zero. "
        "CBAM-INPUT-000"
    )
    assert 'id="live-see-missing"' in english


def test_an_empty_form_is_checked_and_each_required_field_says_so(producer, preparer):
    html = check(preparer, producer, {}, ZH)

    assert slot(html, "product").startswith("错误 无法读取或计算此项输入：")
    assert slot(html, "carbon_price__amount") == ""
    assert 'id="live-see-missing"' in html


def test_editing_a_draft_its_attached_evidence_counts(producer, preparer):
    preparer.post(page_url(producer, "footprints/new/"), form_data(producer), **EN)
    footprint = Footprint.objects.get()
    data = form_data(
        producer,
        electricity_factor="0.3",
        electricity_factor_unit="tCO2/MWh",
        electricity_factor_source="ppa",
    )
    without = check(preparer, producer, data, EN, f"footprints/{footprint.pk}/")
    EvidenceFile.objects.create(
        footprint=footprint,
        kind="electricity",
        file="evidence/ppa.pdf",
        original_name="ppa.pdf",
        content_type="application/pdf",
        size_bytes=1,
        sha256="0" * 64,
    )

    with_evidence = check(preparer, producer, data, EN, f"footprints/{footprint.pk}/")

    assert "CBAM-ELEC" in slot(without, "electricity_factor_source") + slot(
        without, "electricity_factor"
    )
    assert "CBAM-ELEC" not in slot(with_evidence, "electricity_factor_source") + slot(
        with_evidence, "electricity_factor"
    )


def test_another_organisations_draft_is_not_found(producer, preparer):
    foreign = FootprintFactory()
    answer = preparer.post(
        page_url(producer, f"footprints/{foreign.pk}/check/"), form_data(producer), **HX
    )
    assert answer.status_code == 404


def test_the_live_check_costs_the_same_queries_for_more_precursor_rows(
    producer, preparer, django_assert_num_queries
):
    one = form_data(producer, **GAS_SLIP)
    three = {
        **one,
        "precursor_rows": "3",
        **{
            f"precursors-{i}-{k}": v
            for i in (1, 2)
            for k, v in {
                "cn_code": "7207 11 14",
                "mass_per_t": "0.01",
                "mass_per_t_unit": "t/t",
                "country_of_origin": "CN",
                "see_source": "default_value",
            }.items()
        },
    }
    check(preparer, producer, one, EN)  # reference data cached, as in a running server

    with CaptureQueriesContext(connection) as first:
        check(preparer, producer, one, EN)
    with django_assert_num_queries(len(first.captured_queries)):
        check(preparer, producer, three, EN)
    assert len(first.captured_queries) == QUERIES


def test_editing_a_draft_checks_it_at_its_own_address(producer, preparer):
    preparer.post(page_url(producer, "footprints/new/"), form_data(producer), **EN)
    footprint = Footprint.objects.get()

    html = preparer.get(page_url(producer, f"footprints/{footprint.pk}/edit/"), **EN)

    assert f'hx-post="{page_url(producer, f"footprints/{footprint.pk}/check/")}"' in (
        html.content.decode()
    )
