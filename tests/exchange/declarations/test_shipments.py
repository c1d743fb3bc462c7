"""Recording shipments by API and by CSV upload: exact values, every bad input by field/line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditEvent
from accounts.roles import Role
from exchange.declarations.models import Shipment, ShipmentImport
from tests.exchange.declarations.helpers import make_shipment
from tests.factories import FootprintFactory, MembershipFactory

DATA = Path(__file__).resolve().parents[2] / "data" / "declarations"

pytestmark = pytest.mark.django_db


@pytest.fixture
def preparer(api, reference_data):
    member = MembershipFactory(role=Role.PREPARER)
    api.force_authenticate(member.user)
    return member


def _url(member, tail=""):
    return f"/api/v1/orgs/{member.organisation.slug}/shipments/{tail}"


GOOD = {
    "reference": "MRN26DE0001-1",
    "cn_code": "7208 39 00",
    "quantity": "12500",
    "unit": "kg",
    "country_of_origin": "cn",
    "import_date": "2026-03-10",
    "supplier_name": "Hebei Steel",
    "installation_name": "Tangshan works",
}


def test_a_shipment_is_recorded_in_tonnes_with_its_category_and_an_audit_event(api, preparer):
    response = api.post(_url(preparer), GOOD, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["cn_code"] == "72083900"
    assert body["goods_category"] == "Iron or steel products"
    assert body["quantity"] == "12.5"
    assert body["unit"] == "t"
    assert body["quantity_as_entered"] == {"value": "12500", "unit": "kg"}
    assert body["country_of_origin"] == "CN"
    assert body["customs_procedure"] == "40"
    assert body["counts_for_de_minimis"] is True
    event = AuditEvent.objects.get(action="shipment.created")
    assert event.after["quantity"] == "12.5"
    assert event.organisation == preparer.organisation


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"cn_code": "99999999"},
            "cn_code",
            "CN code 99999999 is not a CBAM good (Annex I of Reg. 2023/956, list valid on "
            "2026-03-10); expected the code of a CBAM good, e.g. 72083900",
        ),
        (
            {"cn_code": "7208"},
            "cn_code",
            "unknown CN code '7208': expected the 8 digits of the Combined Nomenclature, "
            "e.g. 73181542",
        ),
        (
            {"import_date": "2031-01-01"},
            "import_date",
            "2031-01-01 is in the future (today is {today}); expected the date the goods were "
            "imported, today or earlier",
        ),
        (
            {"quantity": "0"},
            "quantity",
            "must be greater than zero (got 0); expected the net mass of the consignment, "
            "e.g. 12.5",
        ),
        (
            {"quantity": "-3"},
            "quantity",
            "must be greater than zero (got -3); expected the net mass of the consignment, "
            "e.g. 12.5",
        ),
        (
            {"quantity": "twelve"},
            "quantity",
            "'twelve' is not a number; expected the net mass as a number, e.g. 12.5",
        ),
        (
            {"unit": "MWh"},
            "unit",
            "'MWh' is not a unit of CN 72083900 (Iron or steel products); expected t or kg",
        ),
        (
            {"country_of_origin": "DE"},
            "country_of_origin",
            "goods originating in DE are not subject to CBAM (an EU member state, or a country "
            "in Annex III of Reg. 2023/956); expected the country of origin of goods imported "
            "from outside the EU",
        ),
        (
            {"import_date": "2025-12-31"},
            "import_date",
            "2025-12-31: no CBAM reference data is valid on that date; expected an import date "
            "in the definitive period (from 2026-01-01)",
        ),
        ({"unit": ""}, "unit", "is required"),
    ],
)
def test_bad_input_names_the_field_what_was_wrong_and_what_is_expected(
    api, preparer, change, field, message
):
    response = api.post(_url(preparer), {**GOOD, **change}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "shipment_invalid"
    today = date.today().isoformat()
    assert body["extra"]["fields"][field] == [message.format(today=today)]
    assert Shipment.objects.count() == 0


def test_a_footprint_not_visible_to_the_organisation_is_refused_without_saying_whose(api, preparer):
    foreign = FootprintFactory(status="published", signed_document=b"{}", signature="x")

    response = api.post(_url(preparer), {**GOOD, "footprint_id": str(foreign.pk)}, format="json")

    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["footprint_id"] == [
        f"no published footprint '{foreign.pk}' is visible to your organisation; expected the "
        "id of your own or a shared, published footprint"
    ]


def test_a_reference_is_unique_within_the_organisation(api, preparer):
    api.post(_url(preparer), GOOD, format="json")

    response = api.post(_url(preparer), GOOD, format="json")

    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["reference"] == [
        "'MRN26DE0001-1' is already used by another shipment; expected a reference unique "
        "within your organisation (or none)"
    ]


def test_a_shipment_is_changed_and_deleted_with_audit_events(api, preparer):
    shipment_id = api.post(_url(preparer), GOOD, format="json").json()["id"]

    changed = api.patch(_url(preparer, f"{shipment_id}/"), {"quantity": "13"}, format="json")
    deleted = api.delete(_url(preparer, f"{shipment_id}/"))

    assert changed.status_code == 200, changed.content
    assert changed.json()["quantity"] == "0.013"  # 13 kg: the unit entered is kept
    update = AuditEvent.objects.get(action="shipment.updated")
    assert update.before == {"quantity": "12.5"}
    assert update.after == {"quantity": "0.013"}
    assert deleted.status_code == 204
    assert Shipment.objects.count() == 0
    assert AuditEvent.objects.get(action="shipment.deleted").before["reference"] == (
        "MRN26DE0001-1"
    )


def test_another_organisations_shipment_is_404_and_unchanged(api, preparer):
    other = make_shipment(MembershipFactory().organisation, "5", date(2026, 2, 1))

    assert api.get(_url(preparer, f"{other.pk}/")).status_code == 404
    assert api.delete(_url(preparer, f"{other.pk}/")).status_code == 404
    assert Shipment.objects.filter(pk=other.pk).exists()


def test_the_list_filters_by_year_in_a_fixed_number_of_queries(
    api, preparer, django_assert_num_queries
):
    for day in (date(2026, 1, 5), date(2026, 2, 5), date(2026, 3, 5)):
        make_shipment(preparer.organisation, "1", day)

    with django_assert_num_queries(3):  # membership, count, page
        response = api.get(_url(preparer) + "?year=2026")

    assert [s["import_date"] for s in response.json()["results"]] == [
        "2026-01-05",
        "2026-02-05",
        "2026-03-05",
    ]


# --------------------------------------------------------------------------- CSV upload


def _upload(api, member, name):
    data = (DATA / name).read_bytes()
    return api.post(
        _url(member, "upload/"),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
        format="multipart",
    )


def test_a_csv_imports_the_good_rows_and_reports_every_broken_row_by_line(api, preparer):
    response = _upload(api, preparer, "shipments-example.csv")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["rows_total"], body["rows_imported"], body["rows_failed"]) == (10, 3, 7)
    report = body["report"]
    assert [(r["line"], r["reference"]) for r in report["imported"]] == [
        (2, "MRN26DE0001-1"),
        (3, "MRN26DE0002-1"),
        (4, "MRN26DE0003-1"),
    ]
    failed = {r["line"]: r["problems"] for r in report["failed"]}
    assert sorted(failed) == [5, 6, 7, 8, 9, 10, 11]
    assert [p["message"] for p in failed[5]] == [
        "line 5, column quantity: must be greater than zero (got 0); expected the net mass of "
        "the consignment, e.g. 12.5"
    ]
    assert failed[6][0]["column"] == "cn_code"
    assert failed[7][0]["message"].startswith(
        "line 7, column import_date: 2031-01-01 is in the future"
    )
    assert failed[8][0]["message"] == (
        "line 8, column (row): 10 cells for 9 columns; expected one cell per header column "
        "(quote a value that contains a comma)"
    )
    assert failed[9][0]["message"] == (
        "line 9, column reference: 'MRN26DE0001-1' repeats line 2; expected one row per consignment"
    )
    assert failed[10][0]["column"] == "country_of_origin"
    assert failed[11][0]["message"] == (
        "line 11, column unit: 'lb' is not a unit of CN 72083900 (Iron or steel products); "
        "expected t or kg"
    )
    quantities = {s.reference: str(s.quantity) for s in Shipment.objects.all()}
    assert quantities == {
        "MRN26DE0001-1": "20.0000000000",
        "MRN26DE0002-1": "2.5000000000",
        "MRN26DE0003-1": "1.5000000000",
    }
    assert AuditEvent.objects.filter(action="shipment.created").count() == 3
    assert AuditEvent.objects.get(action="shipment_import.created").after["rows_failed"] == 7


def test_the_same_file_again_writes_nothing_and_answers_the_first_report(api, preparer):
    first = _upload(api, preparer, "shipments-example.csv").json()

    again = _upload(api, preparer, "shipments-example.csv")

    assert again.status_code == 200
    assert again.json()["repeated"] is True
    assert again.json()["id"] == first["id"]
    assert Shipment.objects.count() == 3
    assert ShipmentImport.objects.count() == 1


def test_a_corrected_file_imports_only_the_rows_not_yet_imported(api, preparer):
    _upload(api, preparer, "shipments-example.csv")

    response = _upload(api, preparer, "shipments-fixed.csv")

    body = response.json()
    assert response.status_code == 201
    assert [r["line"] for r in body["report"]["already_present"]] == [2, 3, 4]
    assert [r["reference"] for r in body["report"]["imported"]] == ["MRN26DE0004-1"]
    assert Shipment.objects.count() == 4


def test_a_reference_reused_with_other_values_fails_instead_of_overwriting(api, preparer):
    make_shipment(preparer.organisation, "7", date(2026, 3, 10), reference="MRN26DE0001-1")

    body = _upload(api, preparer, "shipments-fixed.csv").json()

    (failed,) = [r for r in body["report"]["failed"] if r["line"] == 2]
    assert "is already used by shipment" in failed["problems"][0]["message"]
    assert (
        "with different quantity, supplier_name, installation_name; expected a new "
        in (failed["problems"][0]["message"])
    )
    assert Shipment.objects.get(reference="MRN26DE0001-1").quantity == 7


def test_a_file_with_an_unknown_or_missing_column_is_refused_whole(api, preparer):
    bad = b"reference,cn_code,weight\nA,72083900,3\n"

    response = api.post(
        _url(preparer, "upload/"),
        {"file": SimpleUploadedFile("bad.csv", bad, content_type="text/csv")},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["file"][0].startswith(
        "line 1 (header): unknown column(s) 'weight'; missing column(s) quantity, unit, "
        "country_of_origin, import_date; expected the columns reference, cn_code, quantity, "
        "unit, country_of_origin, import_date and optionally"
    )
    assert ShipmentImport.objects.count() == 0


def test_upload_size_and_row_count_are_limited(api, preparer, settings):
    settings.DECLARATIONS_UPLOAD_MAX_BYTES = 100
    big = (DATA / "shipments-example.csv").read_bytes()

    too_big = api.post(
        _url(preparer, "upload/"),
        {"file": SimpleUploadedFile("big.csv", big, content_type="text/csv")},
        format="multipart",
    )
    settings.DECLARATIONS_UPLOAD_MAX_BYTES = 10_000
    settings.DECLARATIONS_UPLOAD_MAX_ROWS = 2
    too_many = _upload(api, preparer, "shipments-fixed.csv")

    assert too_big.status_code == 413
    assert too_big.json()["code"] == "upload_too_large"
    assert too_many.status_code == 400
    assert too_many.json()["code"] == "too_many_rows"
    assert too_many.json()["extra"]["fields"]["file"] == [
        "the file has more than 2 rows; expected at most 2 rows per file: split it into "
        "several files"
    ]
    assert Shipment.objects.count() == 0
