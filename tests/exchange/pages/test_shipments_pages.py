"""The importer's shipments pages: the list and its filters, one shipment by hand, the CSV upload
with its work row, progress and per-row report, in Chinese and English."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from accounts.models import AuditEvent
from exchange.declarations.models import Shipment, ShipmentImport
from exchange.declarations.progress import import_progress_set
from tests.exchange.declarations.helpers import make_shipment
from tests.exchange.pages.importer import (
    EXAMPLE,
    client_of,
    csv_file,
    ramp,
    run_imports,
    url,
)

pytestmark = pytest.mark.django_db


def test_the_list_shows_each_shipment_newest_first_with_exact_figures(importer):
    ramp(importer, ["20", "15.125"])
    make_shipment(
        importer.organisation,
        "1.5",
        date(2026, 3, 1),
        reference="H2",
        cn_code="28041000",
        category="Hydrogen",
        sector="Hydrogen",
        country="SA",
    )

    html = client_of(importer, "viewer").get(url(importer, "shipments/")).content.decode()

    assert "<h1>货物</h1>" in html
    assert '<span class="count" id="shipments-count">3</span>' in html
    assert html.index(">H2</a>") < html.index(">R2</a>") < html.index(">R1</a>")
    assert '<td class="num nowrap">15.125 t</td>' in html
    assert '<td class="num nowrap">1.5 t <span class="badge">不计入</span></td>' in html
    assert "7208 39 00" in html
    assert "添加货物" not in html  # a viewer reads only


@pytest.mark.parametrize(
    ("query", "references"),
    [
        ("year=2026", ["S1", "R3", "R2", "R1"]),
        ("year=2027", ["S1", "R3", "R2", "R1"]),
        ("cn_code=7318", ["S1"]),
        ("cn_code=7208+39", ["R3", "R2", "R1"]),
        ("country=in", ["S1"]),
        ("party=pune", ["S1"]),
        ("party=TANGSHAN", ["R3", "R2", "R1"]),
        ("source=none", ["S1", "R3", "R2", "R1"]),
        ("source=footprint", []),
        ("date_from=2026-01-10&date_to=2026-01-20", ["R3", "R2"]),
    ],
)
def test_the_list_filters(importer, query, references):
    ramp(importer, ["1", "2", "3"])
    make_shipment(
        importer.organisation,
        "2.5",
        date(2026, 4, 2),
        reference="S1",
        cn_code="73181542",
        country="IN",
        supplier_name="Pune Fasteners",
    )
    html = (
        client_of(importer, "viewer", "en")
        .get(url(importer, f"shipments/?{query}"))
        .content.decode()
    )
    shown = [s.reference for s in Shipment.objects.all() if f">{s.reference}</a>" in html]
    order = sorted(shown, key=lambda reference: html.index(f">{reference}</a>"))
    assert order == references


def test_an_unreadable_filter_is_said_and_narrows_nothing(importer):
    ramp(importer, ["1"])
    html = (
        client_of(importer, "viewer", "en")
        .get(url(importer, "shipments/?cn_code=steel&date_from=tomorrow"))
        .content.decode()
    )
    assert "Expected digits of a CN code, e.g. 7208 or 72083900." in html
    assert "Enter a valid date." in html
    assert ">R1</a>" in html


def test_the_list_pages_by_fifty_in_a_fixed_number_of_queries(importer, django_assert_num_queries):
    client = client_of(importer, "owner")
    ramp(importer, ["1"] * 3)
    client.get(url(importer, "shipments/"))
    # session, user, membership; the years; count; the page.
    with django_assert_num_queries(6):
        few = client.get(url(importer, "shipments/?source=none"))
    ramp(importer, ["1"] * 120, start=date(2026, 6, 1), prefix="M")
    with django_assert_num_queries(6):
        many = client.get(url(importer, "shipments/?source=none&page=3"))

    assert few.status_code == many.status_code == 200
    html = many.content.decode()
    assert "第 3 页，共 3 页" in html
    assert html.count('<tr>\n      <td class="nowrap">') == 23


def test_a_shipment_is_recorded_by_hand_and_bad_input_is_named_at_its_field(importer):
    client = client_of(importer, "preparer")
    form = {
        "reference": "MRN26DE0001-1",
        "cn_code": "7208 39 00",
        "quantity": "0",
        "unit": "t",
        "country_of_origin": "DE",
        "import_date": "2026-03-10",
    }

    refused = client.post(url(importer, "shipments/new/"), form)

    assert refused.status_code == 200
    html = refused.content.decode()
    assert (
        '<p class="errors" id="id_quantity_error">必须大于零（收到 0）；应为：该批货物的净质量，'
        "例如 12.5</p>" in html
    )
    assert "原产于 DE 的货物不受 CBAM 约束" in html
    assert Shipment.objects.count() == 0

    done = client.post(
        url(importer, "shipments/new/"),
        {**form, "quantity": "12500", "unit": "kg", "country_of_origin": "cn"},
    )

    assert done.status_code == 302
    shipment = Shipment.objects.get()
    assert (shipment.quantity, shipment.unit, shipment.country_of_origin) == (
        Decimal("12.5"),
        "t",
        "CN",
    )
    assert AuditEvent.objects.filter(action="shipment.created", object_id=str(shipment.pk)).exists()


def test_bad_input_is_named_in_english_too(importer):
    response = client_of(importer, "preparer", "en").post(
        url(importer, "shipments/new/"),
        {"cn_code": "7208", "quantity": "2", "unit": "t", "country_of_origin": "CN"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<p class="errors" id="id_cn_code_error">unknown CN code &#x27;7208&#x27;: expected the '
        "8 digits of the Combined Nomenclature, e.g. 73181542</p>" in html
    )
    assert '<p class="errors" id="id_import_date_error">is required</p>' in html


def test_a_shipment_is_changed_and_deleted(importer):
    (shipment,) = ramp(importer, ["20"])
    client = client_of(importer, "preparer", "en")
    page = client.get(url(importer, f"shipments/{shipment.pk}/")).content.decode()
    assert 'name="quantity" value="20"' in page

    changed = client.post(
        url(importer, f"shipments/{shipment.pk}/"),
        {
            "reference": "R1",
            "cn_code": "72083900",
            "quantity": "21.5",
            "unit": "t",
            "country_of_origin": "CN",
            "import_date": "2026-01-05",
        },
    )
    assert changed.status_code == 302
    shipment.refresh_from_db()
    assert str(shipment.quantity) == "21.5000000000"

    deleted = client.post(url(importer, f"shipments/{shipment.pk}/delete/"))
    assert deleted.status_code == 302
    assert not Shipment.objects.exists()
    assert AuditEvent.objects.filter(action="shipment.deleted").count() == 1


def test_a_viewer_reads_a_shipment_without_a_form(importer):
    (shipment,) = ramp(importer, ["20"])
    html = (
        client_of(importer, "viewer")
        .get(url(importer, f"shipments/{shipment.pk}/"))
        .content.decode()
    )
    assert '<dd id="shipment-quantity">20 t</dd>' in html
    assert '<form class="card medium" method="post"' not in html


# --------------------------------------------------------------------------- CSV upload


def _upload(client, who, content: bytes, name: str = "shipments.csv"):
    return client.post(url(who, "shipments/upload/"), {"file": csv_file(content, name)})


def test_an_upload_is_checked_by_its_work_row_and_reports_every_bad_row(importer):
    client = client_of(importer, "preparer")
    uploaded = _upload(client, importer, Path(EXAMPLE).read_bytes())

    record = ShipmentImport.objects.get()
    assert uploaded.status_code == 302
    assert uploaded["Location"] == url(importer, f"shipments/uploads/{record.pk}/")
    assert record.report is None
    assert record.rows_total == 10
    waiting = client.get(uploaded["Location"]).content.decode()
    assert "文件已上传：正在检查其 10 行。" in waiting
    assert "待检查 10 行" in waiting
    assert 'hx-trigger="every 2s"' in waiting
    assert Shipment.objects.count() == 0

    assert run_imports() == ["succeeded"]

    html = client.get(uploaded["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' not in html
    assert '<dd id="rows-imported">3 · <a href=' in html
    assert '<dd id="rows-failed">7</dd>' in html
    assert (
        '<td class="num">5</td>\n      <td>MRN26DE0004-1</td>\n      <td><code>quantity</code> '
        '<span class="muted">数量</span></td>\n      <td><code>0</code></td>\n      '
        "<td>必须大于零（收到 0）</td>\n      <td>该批货物的净质量，例如 12.5</td>" in html
    )
    assert "<td>与第 2 行重复" not in html  # the value is quoted in the message
    assert "<td>&#x27;MRN26DE0001-1&#x27; 与第 2 行重复</td>" in html
    assert "<td>&#x27;lb&#x27; 不是 CN 72083900（Iron or steel products）的单位</td>" in html
    assert sorted(Shipment.objects.values_list("reference", flat=True)) == [
        "MRN26DE0001-1",
        "MRN26DE0002-1",
        "MRN26DE0003-1",
    ]
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "shipment_import.uploaded",
        "shipment_import.created",
        "shipment.created",
    }


def test_the_report_says_the_same_in_english(importer):
    client = client_of(importer, "preparer", "en")
    location = _upload(client, importer, Path(EXAMPLE).read_bytes())["Location"]
    run_imports()
    html = client.get(location).content.decode()
    assert (
        "<td>2031-01-01 is in the future (today is "
        f"{date.today().isoformat()})</td>\n      <td>the date the goods were imported, today or "
        "earlier</td>" in html
    )
    assert "<td>10 cells for 9 columns</td>" in html


def test_the_same_file_twice_writes_nothing_and_says_so(importer):
    client = client_of(importer, "preparer", "en")
    content = Path(EXAMPLE).read_bytes()
    first = _upload(client, importer, content)["Location"]
    run_imports()
    before = (Shipment.objects.count(), AuditEvent.objects.count())

    again = _upload(client, importer, content, name="renamed.csv")

    assert again["Location"] == first
    assert ShipmentImport.objects.count() == 1
    assert (Shipment.objects.count(), AuditEvent.objects.count()) == before
    assert run_imports() == []
    assert (
        "This file was uploaded before: nothing was written again. Here is what became of it."
        in client.get(first).content.decode()
    )


def test_a_corrected_file_imports_only_the_rows_not_yet_there(importer):
    client = client_of(importer, "preparer", "en")
    content = Path(EXAMPLE).read_bytes()
    _upload(client, importer, content)
    run_imports()
    fixed = content.replace(b"MRN26DE0004-1,76011090,0,t", b"MRN26DE0004-1,76011090,2,t")

    location = _upload(client, importer, fixed)["Location"]
    run_imports()

    html = client.get(location).content.decode()
    assert '<dd id="rows-imported">1 · <a href=' in html
    assert '<dd id="rows-present">3</dd>' in html
    assert Shipment.objects.count() == 4


def test_a_file_that_cannot_be_read_is_refused_at_the_field(importer):
    client = client_of(importer, "preparer")
    response = _upload(client, importer, b"reference,cn_code,weight\nR1,72083900,3\n")

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "第 1 行（表头）：未知的列 &#x27;weight&#x27;；缺少列 quantity, unit, country_of_origin, "
        "import_date；应为：必需列 reference, cn_code, quantity, unit, country_of_origin, "
        "import_date，可选列 customs_procedure, supplier_name, installation_name, footprint_id, "
        "buyer_product_id" in html
    )
    assert not ShipmentImport.objects.exists()
    empty = client.post(url(importer, "shipments/upload/"), {})
    assert "请选择要上传的 CSV 文件。" in empty.content.decode()


def test_the_progress_fragment_counts_the_rows_checked(importer):
    client = client_of(importer, "viewer", "en")
    preparer = client_of(importer, "preparer", "en")
    _upload(preparer, importer, Path(EXAMPLE).read_bytes())
    record = ShipmentImport.objects.get()
    import_progress_set(import_id=record.pk, done=4)

    html = client.get(url(importer, f"shipments/uploads/{record.pk}/progress/")).content.decode()

    assert html.startswith('<section class="card" id="shipment-upload"')
    assert "4 of 10 rows checked" in html
    assert '<progress id="shipment-upload-progress" max="10" value="4">' in html


def test_the_upload_pages_take_a_fixed_number_of_queries(importer, django_assert_num_queries):
    client = client_of(importer, "owner")
    for i in range(3):
        _upload(client, importer, Path(EXAMPLE).read_bytes() + f"\n# {i}".encode())
    run_imports()
    record = ShipmentImport.objects.first()
    client.get(url(importer, "shipments/upload/"))
    # session, user, membership; the uploads (without their reports).
    with django_assert_num_queries(4):
        client.get(url(importer, "shipments/upload/"))
    # session, user, membership; the upload.
    with django_assert_num_queries(4):
        client.get(url(importer, f"shipments/uploads/{record.pk}/"))
