"""The bad-input corpus: every hostile value a probe found, sent to every write endpoint.

Each endpoint gets a valid body first (it must succeed, so the corpus hits real parsing), then
each hostile value in each of its number or text fields. Every answer must be a 4xx that names
the field, small (no echo of a 10 MB value), and leave every table as it was.
Body-level attacks (nesting, size, duplicate keys, NaN literals) go to every JSON endpoint
discovered from the URL configuration, anonymous ones included.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.roles import OrganisationKind, Role
from suppliers.models import Installation, Product
from tests.factories import MembershipFactory, OrganisationFactory
from tests.suppliers.conftest import Producer, footprint_input

OUR_APPS = (
    "accounts",
    "core",
    "reference",
    "suppliers",
    "exchange",
    "sharing",
    "boms",
    "declarations",
)

# Written into a field as a JSON string (or, for RAW_NUMBERS, as a bare JSON number).
HOSTILE_NUMBERS: dict[str, Any] = {
    "exponent -999999999": "1e-999999999",
    "exponent 999999999": "1e999999999",
    "float overflow": "1e309",
    "1,000 digits": "9" * 1000,
    "1e18": "1e18",
    "Infinity": "Infinity",
    "-Infinity": "-Infinity",
    "NaN": "NaN",
    "Arabic-Indic digits": "١٢٣",
    "underscore": "1_000",
    "int32 overflow": "2147483648000000000000",
}
RAW_NUMBERS: dict[str, str] = {
    "bare 1e309": "1e309",
    "bare 1,000 digits": "9" * 1000,
    "bare -1e309": "-1e309",
}
HOSTILE_TEXT: dict[str, Any] = {
    "a list": ["t"],
    "an object": {"unit": "t"},
    "NUL": "Hengyue\x00Works",
    "lone surrogate": "Hengyue \ud800",
    "bell": "Hengyue\x07",
    "100,000 characters": "x" * 100_000,
}
MARK = "@@HOSTILE@@"


@dataclass
class Endpoint:
    name: str
    method: str
    url: Callable[[], str]
    body: Callable[[], dict[str, Any]]
    numbers: dict[tuple[Any, ...], str] = field(default_factory=dict)  # path -> field named
    texts: dict[tuple[Any, ...], str] = field(default_factory=dict)
    anonymous: bool = False


def _set(body: Any, path: tuple[Any, ...], value: Any) -> Any:
    body = json.loads(json.dumps(body))
    target = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return body


def _counts() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label in OUR_APPS and m._meta.label != "accounts.AuditEvent"
    } | {"audit": apps.get_model("accounts", "AuditEvent").objects.count()}


def _named(response: Any) -> set[str]:
    """Every field the error names, in dotted form (``goods.0.activity_level_t``)."""
    extra = response.json().get("extra", {})
    names = set(extra.get("fields", {}))
    names |= {p["path"] for p in extra.get("problems", [])}
    return {re.sub(r"\[(\d+)\]", r".\1", n) for n in names}


@pytest.fixture
def world(reference_data: None) -> dict[str, Any]:
    org = OrganisationFactory(
        slug="hengyue",
        kinds=[
            OrganisationKind.PRODUCER,
            OrganisationKind.MANUFACTURER,
            OrganisationKind.IMPORTER,
            OrganisationKind.ASSOCIATION,  # runs data pools (issue 16)
        ],
    )
    owner = MembershipFactory(organisation=org, role=Role.OWNER).user
    OrganisationFactory(slug="supplier-co", kinds=[OrganisationKind.PRODUCER])
    installation = Installation.objects.create(
        organisation=org, name="恒岳钢厂", name_latin="Hengyue Works", country="CN"
    )
    product = Product.objects.create(
        organisation=org, name="Coil", cn_code="72083900", category="Iron or steel products"
    )
    product.installations.add(installation)
    api = APIClient()
    api.force_authenticate(owner)
    return {"org": org, "api": api, "installation": installation, "product": product}


def _endpoints(world: dict[str, Any]) -> list[Endpoint]:
    org = f"/api/v1/orgs/{world['org'].slug}/"
    state: dict[str, str] = {}

    def footprint_body() -> dict[str, Any]:
        body = footprint_input(
            Producer(world["org"], {}, world["installation"], world["product"]),
            carbon_price={"instrument": "China ETS", "amount": "80", "currency": "CNY"},
        )
        body["data_quality"]["comments"] = "Measured"
        return body

    footprint_numbers = {
        ("attributed_direct_emissions", "value"): "attributed_direct_emissions",
        ("activity_level", "value"): "activity_level",
        ("electricity", "value"): "electricity",
        ("carbon_price", "amount"): "carbon_price.amount",
        ("precursors", 0, "see_direct"): "precursors.0.see_direct",
        ("precursors", 0, "mass_per_t", "value"): "precursors.0.mass_per_t",
        ("data_quality", "primary_data_share_pct"): "data_quality.primary_data_share_pct",
    }
    footprint_texts = {
        ("verification", "verifier_name"): "verification.verifier_name",
        ("verification", "accreditation_number"): "verification.accreditation_number",
        ("data_quality", "methodology"): "data_quality.methodology",
        ("data_quality", "comments"): "data_quality.comments",
        ("carbon_price", "instrument"): "carbon_price.instrument",
        ("electricity_factor_source",): "electricity_factor_source",
        ("activity_level", "unit"): "activity_level",
        ("precursors", 0, "mass_per_t", "unit"): "precursors.0.mass_per_t",
    }

    def footprint_url() -> str:
        if "footprint" not in state:
            response = world["api"].post(f"{org}footprints/", footprint_body(), format="json")
            assert response.status_code == 201, response.content
            state["footprint"] = response.json()["id"]
        return f"{org}footprints/{state['footprint']}/"

    def buyer_product_url() -> str:
        if "buyer_product" not in state:
            response = world["api"].post(f"{org}buyer-products/", buyer_product(), format="json")
            assert response.status_code == 201, response.content
            state["buyer_product"] = response.json()["id"]
        return f"{org}buyer-products/{state['buyer_product']}/lines/"

    def buyer_product() -> dict[str, Any]:
        return {
            "name": "Washers",
            "cn_code": "73182200",
            "country_of_production": "DE",
            "direct_tco2e_per_t": "0.05",
            "electricity_mwh_per_t": "0.2",
        }

    return [
        Endpoint(
            "calculator: obligation",
            "post",
            lambda: "/api/v1/calculations/cbam-obligation",
            lambda: {
                "year": 2026,
                "cn_code": "72083900",
                "country_of_origin": "CN",
                "quantity_t": "100",
                "certificate_price_eur": "75",
                "see_direct": "2",
                "see_indirect": "0.3",
                "carbon_price_paid_eur_per_tco2e": "10",
            },
            numbers={
                (k,): k
                for k in (
                    "quantity_t",
                    "certificate_price_eur",
                    "see_direct",
                    "see_indirect",
                    "carbon_price_paid_eur_per_tco2e",
                    "cscf",
                    "year",
                )
            },
            texts={("cn_code",): "cn_code", ("country_of_origin",): "country_of_origin"},
            anonymous=True,
        ),
        Endpoint(
            "calculator: embedded emissions",
            "post",
            lambda: "/api/v1/calculations/embedded-emissions",
            lambda: {
                "goods": [
                    {
                        "id": "P1",
                        "cn_code": "72083900",
                        "country_of_origin": "CN",
                        "activity_level_t": "1000",
                        "attributed_direct_tco2e": "2000",
                        "electricity_mwh": "100",
                    }
                ]
            },
            numbers={
                ("goods", 0, k): f"goods.0.{k}"
                for k in ("activity_level_t", "attributed_direct_tco2e", "electricity_mwh")
            },
            texts={("goods", 0, "id"): "goods.0.id"},
            anonymous=True,
        ),
        Endpoint(
            "footprint create",
            "post",
            lambda: f"{org}footprints/",
            footprint_body,
            footprint_numbers,
            footprint_texts,
        ),
        Endpoint(
            "footprint edit",
            "patch",
            footprint_url,
            footprint_body,
            footprint_numbers,
            footprint_texts,
        ),
        Endpoint(
            "installation create",
            "post",
            lambda: f"{org}installations/",
            lambda: {
                "name": "二号厂",
                "name_latin": "Works 2",
                "country": "CN",
                "latitude": "39.6",
                "longitude": "118.2",
            },
            numbers={("latitude",): "latitude", ("longitude",): "longitude"},
            texts={("name",): "name", ("name_latin",): "name_latin", ("address",): "address"},
        ),
        Endpoint(
            "buyer product create",
            "post",
            lambda: f"{org}buyer-products/",
            buyer_product,
            numbers={
                ("direct_tco2e_per_t",): "direct_tco2e_per_t",
                ("electricity_mwh_per_t",): "electricity_mwh_per_t",
            },
            texts={("name",): "name", ("reference",): "reference"},
        ),
        Endpoint(
            "bill-of-materials line create",
            "post",
            buyer_product_url,
            lambda: {
                "cn_code": "72139110",
                "mass_t_per_t": "1.05",
                "country_of_origin": "CN",
                "source": "default_value",
            },
            numbers={("mass_t_per_t",): "mass_t_per_t", ("position",): "position"},
            texts={("description",): "description", ("supplier_name",): "supplier_name"},
        ),
        Endpoint(
            "shipment create",
            "post",
            lambda: f"{org}shipments/",
            lambda: {
                "reference": "MRN26DE0001-1",
                "cn_code": "72083900",
                "quantity": "12.5",
                "unit": "t",
                "country_of_origin": "CN",
                "import_date": "2026-03-10",
                "supplier_name": "Hebei Steel",
            },
            numbers={("quantity",): "quantity"},
            texts={("supplier_name",): "supplier_name", ("reference",): "reference"},
        ),
        Endpoint(
            "footprint request send",
            "post",
            lambda: f"{org}footprint-requests/",
            lambda: {
                "supplier": "supplier-co",
                "cn_code": "72083900",
                "period_start": "2026-01-01",
                "period_end": "2026-12-31",
                "due_date": "2027-01-31",
                "quantity_t": "100",
                "message": "Please share your 2026 coil footprint.",
            },
            numbers={("quantity_t",): "quantity_t"},
            texts={("message",): "message", ("description",): "description"},
        ),
        # --- pools (issue 16) ---
        Endpoint(
            "data pool create",
            "post",
            lambda: f"{org}pools/",
            lambda: {
                "name": "Hot-rolled steel, China",
                "description": "Members' 2026 footprints",
                "settings": {
                    "min_contributors": 5,
                    "max_share_pct": "25",
                    "dominance_n": 2,
                    "dominance_pct": "85",
                },
            },
            numbers={
                ("settings", name): name
                for name in ("min_contributors", "max_share_pct", "dominance_n", "dominance_pct")
            },
            texts={("name",): "name", ("description",): "description"},
        ),
    ]


def _send(client: APIClient, endpoint: Endpoint, body: Any, raw: str | None = None) -> Any:
    cache.clear()  # the anonymous calculator's throttle (20/min) is not what is tested here
    payload = json.dumps(body)
    if raw is not None:
        payload = payload.replace(json.dumps(MARK), raw)
    return getattr(client, endpoint.method)(
        endpoint.url(), payload, content_type="application/json"
    )


def _check(endpoint: Endpoint, client: APIClient, body: Any, named: str, raw: str | None = None):
    before = _counts()
    response = _send(client, endpoint, body, raw)
    problems = []
    if response.status_code != 400:
        problems.append(f"answered {response.status_code}: {response.content[:300]!r}")
    elif not any(n == named or n.startswith(named + ".") for n in _named(response)):
        problems.append(f"did not name {named}: {_named(response)}")
    if len(response.content) > 20_000:
        problems.append(f"answered {len(response.content):,} bytes")
    if _counts() != before:
        problems.append("changed the tables")
    return problems


@pytest.mark.parametrize(
    "index",
    range(10),
    ids=[
        "calculator-obligation",
        "calculator-embedded",
        "footprint-create",
        "footprint-edit",
        "installation-create",
        "buyer-product-create",
        "bom-line-create",
        "shipment-create",
        "request-send",
        "pool-create",
    ],
)
def test_every_hostile_value_in_every_field_answers_400_naming_the_field(world, index):
    endpoint = _endpoints(world)[index]
    client = APIClient() if endpoint.anonymous else world["api"]
    url = endpoint.url()  # creates what the endpoint needs before anything is counted
    baseline = _send(client, endpoint, endpoint.body())
    assert baseline.status_code in (200, 201), (url, baseline.content[:500])

    failures = []
    for path, named in endpoint.numbers.items():
        for label, value in HOSTILE_NUMBERS.items():
            for problem in _check(endpoint, client, _set(endpoint.body(), path, value), named):
                failures.append(f"{named} = {label}: {problem}")
        for label, raw in RAW_NUMBERS.items():
            body = _set(endpoint.body(), path, MARK)
            for problem in _check(endpoint, client, body, named, raw):
                failures.append(f"{named} = {label}: {problem}")
    for path, named in endpoint.texts.items():
        for label, value in HOSTILE_TEXT.items():
            for problem in _check(endpoint, client, _set(endpoint.body(), path, value), named):
                failures.append(f"{named} = {label}: {problem}")
    assert failures == [], f"{endpoint.name}:\n" + "\n".join(failures)


# --- Body-level bounds on every JSON endpoint -------------------------------------------------


def _json_write_routes() -> list[str]:
    from tests.accounts.test_authorisation_matrix import ROUTES

    found = []
    for route in ROUTES:
        if any(m in route.methods() for m in ("POST", "PUT", "PATCH")):
            found.append(route.template)
    return found


@pytest.mark.parametrize("body", ["deep", "nan", "duplicate"])
def test_malformed_bodies_answer_400_on_the_anonymous_endpoints(db, body):
    payload = {
        "deep": "[" * 10_000 + "]" * 10_000,
        "nan": '{"quantity_t": NaN}',
        "duplicate": '{"quantity_t": "1", "quantity_t": "2"}',
    }[body]
    for url in (
        "/api/v1/calculations/cbam-obligation",
        "/api/v1/calculations/embedded-emissions",
        "/api/v1/auth/token/",
    ):
        response = APIClient().post(url, payload, content_type="application/json")
        assert response.status_code == 400, (url, response.content[:200])
        assert response.json()["code"] == "malformed_json", (url, response.json())


def test_a_body_nested_deeper_than_32_levels_is_refused_on_every_write_endpoint(world):
    from tests.accounts.test_authorisation_matrix import PARAM

    deep = "[" * 10_000 + "]" * 10_000
    api = world["api"]
    failures = []
    for template in _json_write_routes():
        url = PARAM.sub(
            lambda m: (
                world["org"].slug
                if m.group("name") == "org_slug"
                else "00000000-0000-0000-0000-000000000000"
            ),
            template,
        )
        for method in ("post", "patch", "put"):
            response = getattr(api, method)(url, deep, content_type="application/json")
            if response.status_code >= 500:
                failures.append(f"{method.upper()} {url}: {response.status_code}")
    assert failures == []


def test_a_body_over_10_mib_answers_413_before_it_is_read_on_every_route(world):
    from tests.accounts.test_authorisation_matrix import PARAM

    api = world["api"]
    body = b"x" * (10 * 1024 * 1024 + 1)
    templates = _json_write_routes()
    assert len(templates) >= 20
    for template in templates:
        url = PARAM.sub("x", template)
        response = api.generic("POST", url, body, content_type="application/json")
        assert response.status_code == 413, (url, response.status_code)
        assert response.json()["code"] == "request_too_large"
    anonymous = APIClient().generic(
        "POST", "/api/v1/calculations/cbam-obligation", body, content_type="application/json"
    )
    assert anonymous.status_code == 413
    assert anonymous.json() == {
        "code": "request_too_large",
        "message": "The request body is 10,485,761 bytes; this address takes at most "
        "10,485,760 bytes.",
        "extra": {},
    }


def test_an_upload_may_be_larger_than_json_but_not_larger_than_21_mib(world):
    url = f"/api/v1/orgs/{world['org'].slug}/shipments/upload/"
    boundary = "b"
    over = b"x" * (21 * 1024 * 1024 + 1)
    response = world["api"].generic(
        "POST", url, over, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413
    assert response.json()["message"].endswith("this address takes at most 22,020,096 bytes.")


def test_hostile_csv_cells_are_reported_by_line_and_column_and_the_good_rows_imported(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    header = "reference,cn_code,quantity,unit,country_of_origin,import_date,supplier_name"
    rows = [
        "MRN-1,72083900,12.5,t,CN,2026-03-10,Hebei Steel",
        "MRN-2,72083900,12.5,t,CN,2026-03-10,Heng\x00yue",
        "MRN-3,72083900,1e-999999999,t,CN,2026-03-10,Hebei Steel",
        "MRN-4,72083900,12.5,t,CN,2026-03-10," + "x" * 100_000,
        "MRN-5,72083900,١٢٣,t,CN,2026-03-10,Hebei Steel",
    ]
    data = "\n".join([header, *rows]).encode()
    before = _counts()

    response = world["api"].post(
        f"/api/v1/orgs/{world['org'].slug}/shipments/upload/",
        {"file": SimpleUploadedFile("hostile.csv", data, content_type="text/csv")},
        format="multipart",
    )

    assert response.status_code == 201, response.content[:500]
    body = response.json()
    assert (body["rows_total"], body["rows_imported"], body["rows_failed"]) == (5, 1, 4)
    problems = [p for row in body["report"]["failed"] for p in row["problems"]]
    assert [(p["line"], p["column"], p["value"], p["message"]) for p in problems] == [
        (
            3,
            "supplier_name",
            "Heng\\u0000yue",
            "line 3, column supplier_name: contains a control character (U+0000) at position "
            "5; expected text without control characters",
        ),
        (
            4,
            "quantity",
            "1e-999999999",
            "line 4, column quantity: '1e-999999999' is too small; expected 0 or a number of "
            "at least 0.00000000000000000001; expected the net mass as a number, e.g. 12.5",
        ),
        (
            5,
            "supplier_name",
            "x" * 100 + "… (100,000 characters)",
            "line 5, column supplier_name: is 100,000 characters long; expected at most 300",
        ),
        (
            6,
            "quantity",
            "١٢٣",
            "line 6, column quantity: '١٢٣' is not a number: use the digits 0-9; expected the "
            "net mass as a number, e.g. 12.5",
        ),
    ]
    after = _counts()
    assert after["declarations.Shipment"] == before["declarations.Shipment"] + 1
