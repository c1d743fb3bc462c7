"""The purchased precursors page of an imported communication template: linked from the
import's report; each precursor with its cell, the supplier found, a Link button per shared
footprint and a "Request a footprint" button (POST forms with CSRF), in English and Chinese;
errors shown at the precursor (200); viewers read only; another organisation's import is a
404. The world: tests/exchange/sharing/template_world.py."""

from __future__ import annotations

import html as entities
import re
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from exchange.sharing.models import FootprintRequest
from tests.exchange.sharing.template_world import PP2_NAME, TemplateWorld
from tests.factories import OrganisationFactory
from tests.matrix_samples import SAMPLES
from tests.suppliers.pages.conftest import EN, ZH, client_of, page_url

pytestmark = pytest.mark.django_db


#: The name as a browser shows it (runs of spaces collapse), as ``text_of`` reads the page.
PP1_SHOWN = "tangshan SLAB co"


def precursors_url(world: TemplateWorld, action: str = "") -> str:
    return page_url(world.producer, f"footprints/import/{world.import_id}/precursors/{action}")


def text_of(html: str) -> str:
    return entities.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_the_imports_report_links_to_its_purchased_precursors(world):
    client = client_of(world.producer.users["viewer"])

    html = client.get(
        page_url(world.producer, f"footprints/import/{world.import_id}/"), **EN
    ).content.decode()

    assert (
        f'<a href="{precursors_url(world)}" id="template-precursors-link">Purchased precursors: '
        "use your suppliers' footprints on the platform, or request them</a>"
    ) in html


def test_each_precursor_shows_its_cell_supplier_and_buttons(world, django_assert_num_queries):
    client = client_of(world.producer.users["preparer"])

    with django_assert_num_queries(13):
        answer = client.get(precursors_url(world), **EN)

    assert answer.status_code == 200
    html = answer.content.decode()
    text = text_of(html)
    assert "Purchased precursors" in text
    assert f"{PP1_SHOWN} A_InstData!L102 Crude steel 7206 10 00 · CN" in text
    assert "唐山钢坯有限公司 (Tangshan Slab Co)" in text
    assert "Slab Q235 7207 11 14 · Tangshan caster" in text
    assert f"{PP2_NAME} A_InstData!L103 Pig iron 7201 10 11 · CN" in text
    assert "河北生铁有限公司 (Hebei Pig Iron Co) Installation Hebei pig iron works" in text
    assert "No footprint of this good is shared with you yet." in text
    assert "Nobody Trading Ltd A_InstData!L104 Pig iron 7201 10 11 · CN None found" in text
    link_forms = re.findall(r'<form method="post" action="([^"]+)">', html)
    assert link_forms == [
        precursors_url(world, "link/"),
        precursors_url(world, "request/"),
        precursors_url(world, "request/"),
    ]
    assert html.split("<main")[1].split("</main>")[0].count('name="csrfmiddlewaretoken"') == 3
    assert f'<input type="hidden" name="source_footprint" value="{world.slab.pk}">' in html
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    assert f'id="due-{world.draft.pk}-1" value="{due}"' in html


def test_the_page_in_chinese(world):
    client = client_of(world.producer.users["preparer"])

    text = text_of(client.get(precursors_url(world), **ZH).content.decode())

    assert "外购前体" in text
    assert "关联" in text
    assert "请求碳足迹" in text
    assert "未找到" in text


def test_the_link_button_makes_the_draft_use_the_shared_footprint(world):
    client = client_of(world.producer.users["preparer"])

    answer = client.post(
        precursors_url(world, "link/"),
        {"footprint": world.draft.pk, "position": 0, "source_footprint": world.slab.pk},
        **EN,
    )

    assert (answer.status_code, answer["Location"]) == (302, precursors_url(world))
    world.draft.refresh_from_db()
    assert (world.draft.see_direct, world.draft.see_indirect, world.draft.see_total) == (
        D("2.74000"),
        D("0.28500"),
        D("3.02500"),
    )
    text = text_of(client.get(precursors_url(world), **EN).content.decode())
    assert (
        f"Linked: {PP1_SHOWN} now uses the footprint of Tangshan Slab Co; the draft's SEE is "
        "3.02500 tCO2e/t."
    ) in text
    assert "Footprint of Tangshan Slab Co: Slab Q235" in text
    assert "Linked Slab Q235" in text


def test_the_request_button_sends_a_request_to_the_supplier(world):
    client = client_of(world.producer.users["preparer"])

    answer = client.post(
        precursors_url(world, "request/"),
        {"footprint": world.draft.pk, "position": 1, "due_date": "2027-03-31"},
        **EN,
    )

    assert (answer.status_code, answer["Location"]) == (302, precursors_url(world))
    request = FootprintRequest.objects.get()
    assert (request.supplier, request.cn_code, request.due_date.isoformat()) == (
        world.pig_iron_co,
        "72011011",
        "2027-03-31",
    )
    text = text_of(client.get(precursors_url(world), **EN).content.decode())
    assert "Request sent to Hebei Pig Iron Co" in text
    assert "Footprint requested; due" in text


def test_a_refused_link_answers_200_with_the_error_at_the_precursor(world):
    client = client_of(world.producer.users["preparer"])

    answer = client.post(
        precursors_url(world, "link/"),
        {"footprint": world.draft.pk, "position": 0, "source_footprint": world.unshared_slab.pk},
        **EN,
    )

    assert answer.status_code == 200
    html = answer.content.decode()
    row = html.split(f'id="precursor-{world.draft.pk}-0"')[1].split("</tr>")[0]
    assert (
        f"{world.unshared_slab.pk} is not a published footprint your organisation may read"
    ) in row
    assert world.draft.precursors.get(position=0).see_source == "own_verified"


def test_an_empty_form_answers_200_with_its_errors_in_chinese(world):
    client = client_of(world.producer.users["preparer"])

    answer = client.post(precursors_url(world, "request/"), {}, **ZH)

    assert answer.status_code == 200
    assert "请说明是哪一个草稿碳足迹" in answer.content.decode()
    assert FootprintRequest.objects.count() == 0


def test_a_viewer_reads_without_buttons_and_may_not_post(world):
    client = client_of(world.producer.users["viewer"])

    html = client.get(precursors_url(world), **EN).content.decode()
    answer = client.post(
        precursors_url(world, "request/"), {"footprint": world.draft.pk, "position": 1}, **EN
    )

    assert "<form" not in html.split("<main")[-1]
    assert answer.status_code == 403
    assert FootprintRequest.objects.count() == 0


def test_another_organisations_import_is_404(world):
    foreign = SAMPLES["import_id"](OrganisationFactory())
    client = client_of(world.producer.users["owner"])
    url = page_url(world.producer, f"footprints/import/{foreign}/precursors/")

    assert client.get(url, **EN).status_code == 404
    answer = client.post(f"{url}request/", {"footprint": world.draft.pk, "position": 1}, **EN)
    assert answer.status_code == 404
    assert FootprintRequest.objects.count() == 0
