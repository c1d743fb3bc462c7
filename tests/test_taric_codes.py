"""A 10-digit TARIC code is accepted wherever a CN code is entered and stands for its 8-digit
CN code (``cbam.cn_codes``): the calculator, shipments (API and CSV), buyer products and lines,
and a footprint's precursors."""

from __future__ import annotations

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.roles import OrganisationKind, Role
from exchange.declarations.models import Shipment
from tests.factories import MembershipFactory, OrganisationFactory

OBLIGATION = {
    "year": 2026,
    "country_of_origin": "CN",
    "quantity_t": "100",
    "certificate_price_eur": "75",
}


def _api(kinds):
    org = OrganisationFactory(kinds=kinds)
    api = APIClient()
    api.force_authenticate(MembershipFactory(organisation=org, role=Role.OWNER).user)
    return org, api


def test_the_calculator_answers_a_taric_code_as_its_cn_code(reference_data):
    cache.clear()
    taric = APIClient().post(
        "/api/v1/calculations/cbam-obligation",
        {**OBLIGATION, "cn_code": "7208 39 00 90"},
        format="json",
    )
    cache.clear()
    cn = APIClient().post(
        "/api/v1/calculations/cbam-obligation", {**OBLIGATION, "cn_code": "72083900"}, format="json"
    )

    assert taric.status_code == 200, taric.content
    assert taric.json() == cn.json()


def test_a_shipment_and_a_csv_row_take_a_taric_code(reference_data):
    org, api = _api([OrganisationKind.IMPORTER])
    url = f"/api/v1/orgs/{org.slug}/shipments/"

    response = api.post(
        url,
        {
            "reference": "MRN-1",
            "cn_code": "7208390090",
            "quantity": "12.5",
            "unit": "t",
            "country_of_origin": "CN",
            "import_date": "2026-03-10",
        },
        format="json",
    )
    csv = (
        b"reference,cn_code,quantity,unit,country_of_origin,import_date\n"
        b"MRN-2,7318 15 95 90,3,t,CN,2026-03-11\n"
    )
    upload = api.post(
        f"{url}upload/",
        {"file": SimpleUploadedFile("taric.csv", csv, content_type="text/csv")},
        format="multipart",
    )

    assert response.status_code == 201, response.content
    assert response.json()["cn_code"] == "72083900"
    assert upload.status_code == 201, upload.content
    assert list(Shipment.objects.order_by("reference").values_list("reference", "cn_code")) == [
        ("MRN-1", "72083900"),
        ("MRN-2", "73181595"),
    ]


def test_a_buyer_product_and_its_line_take_a_taric_code(reference_data):
    org, api = _api([OrganisationKind.MANUFACTURER])

    product = api.post(
        f"/api/v1/orgs/{org.slug}/buyer-products/",
        {
            "name": "Washers",
            "cn_code": "7318220090",
            "country_of_production": "DE",
            "direct_tco2e_per_t": "0.05",
            "electricity_mwh_per_t": "0.2",
        },
        format="json",
    )
    line = api.post(
        f"/api/v1/orgs/{org.slug}/buyer-products/{product.json()['id']}/lines/",
        {
            "cn_code": "7213 91 10 00",
            "mass_t_per_t": "1.05",
            "country_of_origin": "CN",
            "source": "default_value",
        },
        format="json",
    )

    assert product.status_code == 201, product.content
    assert product.json()["cn_code"] == "73182200"
    assert line.status_code == 201, line.content
    assert line.json()["cn_code"] == "72139110"


def test_an_eleven_digit_code_is_refused_with_what_is_expected(reference_data):
    org, api = _api([OrganisationKind.IMPORTER])

    response = api.post(
        f"/api/v1/orgs/{org.slug}/shipments/",
        {
            "cn_code": "72083900901",
            "quantity": "1",
            "unit": "t",
            "country_of_origin": "CN",
            "import_date": "2026-03-10",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["cn_code"] == [
        "unknown CN code '72083900901': expected the 8 digits of the Combined Nomenclature, "
        "e.g. 73181542"
    ]


def test_a_footprints_precursor_takes_a_taric_code(reference_data):
    from suppliers.models import Installation, Product
    from tests.suppliers.conftest import Producer, footprint_input

    org, api = _api([OrganisationKind.PRODUCER])
    installation = Installation.objects.create(
        organisation=org, name="唐山钢铁厂", name_latin="Tangshan steel works", country="CN"
    )
    product = Product.objects.create(
        organisation=org, name="Coil", cn_code="72083900", category="Iron or steel products"
    )
    product.installations.add(installation)
    body = footprint_input(Producer(org, {}, installation, product))
    body["precursors"][0]["cn_code"] = "7207 11 14 00"

    response = api.post(f"/api/v1/orgs/{org.slug}/footprints/", body, format="json")

    assert response.status_code == 201, response.content
    assert [p["cn_code"] for p in response.json()["precursors"]] == ["72071114"]
