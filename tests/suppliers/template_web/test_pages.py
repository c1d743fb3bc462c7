"""The communication template import through the pages: the upload form (errors answer 200 at
the field), the import's page polling its progress fragment, then the report with exact
values; problems at their cell in the page's language; the same file again leads to the first
report; links from the footprint list; the export button only once the export exists."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from suppliers.models import CommunicationTemplateImport, Footprint
from tests.factories import FootprintFactory, OrganisationFactory
from tests.suppliers.pages.conftest import EN, ZH, page_url

from .conftest import run_import

pytestmark = pytest.mark.django_db


def post_file(client, producer, content: bytes, lang=EN, name: str = "cement.xlsx"):
    return client.post(
        page_url(producer, "footprints/import/"),
        {"file": SimpleUploadedFile(name, content)},
        **lang,
    )


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_upload_form_is_for_writers(producer, preparer, viewer):
    assert preparer.get(page_url(producer, "footprints/import/"), **EN).status_code == 200
    assert viewer.get(page_url(producer, "footprints/import/"), **EN).status_code == 403


def test_no_file_answers_200_with_the_error_at_the_field_in_chinese(producer, preparer):
    answer = preparer.post(page_url(producer, "footprints/import/"), {}, **ZH)

    assert answer.status_code == 200
    html = answer.content.decode()
    assert '<p class="errors" id="id_file_error">请选择要导入的工作簿。</p>' in html
    assert CommunicationTemplateImport.objects.count() == 0


def test_an_upload_shows_progress_then_the_report(producer, preparer, example_2026):
    answer = post_file(preparer, producer, example_2026)

    row = CommunicationTemplateImport.objects.get()
    status_url = page_url(producer, f"footprints/import/{row.pk}/")
    progress_url = f"{status_url}progress/"
    assert (answer.status_code, answer["Location"]) == (302, status_url)
    waiting = preparer.get(status_url, **EN).content.decode()
    assert f'hx-get="{progress_url}" hx-trigger="every 2s" hx-swap="outerHTML"' in waiting
    assert "Step 0 of 2" in waiting
    assert "The workbook is uploaded; it is being read." in waiting

    run_import(str(row.pk))
    fragment = preparer.get(progress_url, HTTP_HX_REQUEST="true", **EN).content.decode()

    footprint = Footprint.objects.get()
    assert "hx-trigger" not in fragment  # done: the polling stops
    assert fragment.startswith('<section class="card" id="template-import"')
    text = text_of(fragment)
    assert "Imported" in text
    assert "Portland Cement Art. Nr. 1 2523 29 00" in text
    assert "Process Cement Bubble" in text
    assert "Direct 0.78521 0.7852147410358565" in text
    assert "Indirect 0.12224 0.12224275" in text
    assert "Total 0.90746 0.9074574910358565" in text
    assert "Summary_Products!I10, Summary_Products!J10, Summary_Products!K10" in text
    assert "Example Cement Producer (TR)" in text
    assert "2026-01-01 – 2026-12-31" in text
    assert f'href="{page_url(producer, f"footprints/{footprint.pk}/")}"' in fragment
    assert (footprint.status, str(footprint.see_direct)) == ("draft", "0.78521")


def test_a_bad_file_shows_its_problem_at_its_cell_in_chinese(producer, preparer, ref_error_2026):
    post_file(preparer, producer, ref_error_2026, lang=ZH)
    row = CommunicationTemplateImport.objects.get()
    run_import(str(row.pk))

    html = preparer.get(page_url(producer, f"footprints/import/{row.pk}/"), **ZH).content.decode()

    assert (
        '<tr class="problem"><td><code>D_Processes!L66</code></td>'
        "<td>D_Processes!L66 含有 Excel 错误值 #REF!；应为数字。</td></tr>"
    ) in html
    assert "已拒绝：未写入任何内容" in html
    assert "holds the Excel error" not in html
    assert Footprint.objects.count() == 0


def test_the_same_file_again_shows_the_first_report(producer, preparer, example_2026):
    post_file(preparer, producer, example_2026)
    row = CommunicationTemplateImport.objects.get()
    run_import(str(row.pk))

    again = post_file(preparer, producer, example_2026, name="renamed.xlsx")

    assert again["Location"] == page_url(producer, f"footprints/import/{row.pk}/")
    shown = preparer.get(again["Location"], **EN).content.decode()
    assert "This file was uploaded before: here is its first import&#x27;s report." in shown
    assert "0.90746" in shown
    assert (CommunicationTemplateImport.objects.count(), Footprint.objects.count()) == (1, 1)


def test_another_organisations_import_is_404(producer, preparer):
    foreign = CommunicationTemplateImport.objects.create(
        organisation=OrganisationFactory(slug="elsewhere"), sha256="e" * 64, report={"goods": []}
    )

    for path in (f"footprints/import/{foreign.pk}/", f"footprints/import/{foreign.pk}/progress/"):
        assert preparer.get(page_url(producer, path), **EN).status_code == 404


def test_the_import_pages_cost_a_fixed_number_of_queries(
    producer, preparer, example_2026, ref_error_2026, django_assert_num_queries
):
    post_file(preparer, producer, example_2026)
    done = CommunicationTemplateImport.objects.get()
    run_import(str(done.pk))
    post_file(preparer, producer, ref_error_2026)
    for n in range(3):
        post_file(preparer, producer, f"not a workbook {n}".encode())

    # session, user, membership, the imports, their work rows
    with django_assert_num_queries(5):
        form = preparer.get(page_url(producer, "footprints/import/"), **EN)
    # session, user, membership, the import (done: no work row read)
    with django_assert_num_queries(4):
        status = preparer.get(page_url(producer, f"footprints/import/{done.pk}/"), **EN)

    assert text_of(form.content.decode()).count("Waiting to be read") == 4
    assert status.status_code == 200


def test_the_footprint_list_links_to_the_import_for_writers_only(producer, preparer, viewer):
    link = f'href="{page_url(producer, "footprints/import/")}"'

    assert link in preparer.get(page_url(producer, "footprints/"), **EN).content.decode()
    assert link not in viewer.get(page_url(producer, "footprints/"), **EN).content.decode()


def test_the_footprint_page_offers_the_template_download(producer, preparer):
    footprint = FootprintFactory(organisation=producer.organisation, product=producer.product)
    html = preparer.get(page_url(producer, f"footprints/{footprint.pk}/"), **ZH).content.decode()

    expected = (
        f"/api/v1/orgs/{producer.organisation.slug}/footprints/{footprint.pk}"
        "/communication-template.xlsx"
    )
    assert f'id="template-download" href="{expected}" download>下载为欧盟通报模板（xlsx）' in html


def test_the_upload_form_offers_to_import_what_is_valid_in_both_languages(producer, preparer):
    url = page_url(producer, "footprints/import/")

    english = text_of(preparer.get(url, **EN).content.decode())
    chinese = text_of(preparer.get(url, **ZH).content.decode())

    assert "Import what is valid (leave out the processes with problems)" in english
    assert "Without this choice a file with any problem is refused whole." in english
    assert "导入有效部分（略去有问题的生产过程）" in chinese
    assert "不选此项时，文件只要有任何问题就会被整体拒绝。" in chinese


def test_with_the_choice_the_report_shows_what_was_left_out_per_good_in_chinese(
    producer, preparer, one_bad_process_2026
):
    """The goods imported, then per good left out its process, row, cells and messages."""
    answer = preparer.post(
        page_url(producer, "footprints/import/"),
        {"file": SimpleUploadedFile("four.xlsx", one_bad_process_2026), "import_valid": "on"},
        **ZH,
    )
    row = CommunicationTemplateImport.objects.get()
    run_import(str(row.pk))

    html = preparer.get(answer["Location"], **ZH).content.decode()

    assert row.import_valid is True
    assert Footprint.objects.count() == 2
    text = text_of(html)
    assert "部分导入：请查看略去的内容" in text
    assert "文件无法导入的原因" not in text  # errors are shown with what they left out
    assert "Metakaolin 2507 00 80" in text  # imported, with its SEE
    assert "直接 0.15000" in text
    left_out = html[html.index('id="template-left-out"') :]
    good = left_out[left_out.index('<section class="left-out" id="left-out-11"') :]
    good = unescape(text_of(good.split("</section>")[0]))
    assert (
        good.split()
        == (
            "Ciment fondu 25233000 生产过程 Aluminous cement mill 行 Summary_Products 11 "
            "略去原因 单元格 问题 D_Processes!L98 "
            "D_Processes!L98：生产工艺 'Aluminous cement mill' "
            "消耗生产工艺 'Clinker kiln' 的产品，而后者因存在问题（D_Processes!L119）未导入；"
            "前体须一并导入，因此该工艺及其货物也未导入。"
        ).split()
    )
    assert "生产过程 Clinker kiln（未列出其任何货物）" in text_of(left_out)
    assert (
        '<tr class="problem"><td><code>D_Processes!L119</code></td>'
        "<td>D_Processes!L119 含有 Excel 错误值 #REF!；应为数字。</td></tr>"
    ) in left_out


def test_a_report_that_left_nothing_out_shows_no_left_out_section(producer, preparer, example_2026):
    post_file(preparer, producer, example_2026)
    row = CommunicationTemplateImport.objects.get()
    run_import(str(row.pk))

    html = preparer.get(page_url(producer, f"footprints/import/{row.pk}/"), **EN).content.decode()

    assert 'id="template-left-out"' not in html
    assert "Imported in part" not in html
