"""The OpenAPI schema (/api/schema/) says what the API really answers.

- a list that pages answers ``{count, next, previous, results}`` and is documented so;
- every operation documents the error envelope ``{code, message, extra}`` for the error
  statuses its base class can produce (401, 403, 404, 400, 409, 429);
- nullable output fields are documented nullable.

The schemathesis run (tests/test_api_schema_fuzz.py) checks many answers against the schema;
these tests pin the specific promises, fast and with readable failures.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

from accounts.api.base import OrganisationAPIView, PublicAPIView, UserAPIView
from accounts.roles import Role
from tests.accounts.test_authorisation_matrix import PARAM, ROUTES, Route
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.matrix_samples import SAMPLES

UNSAFE = {"post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _openapi_path(route: Route) -> str:
    return PARAM.sub(lambda m: "{" + m.group("name") + "}", route.template)


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _json_schema(schema: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    return _resolve(schema, response["content"]["application/json"]["schema"])


def _org_get_routes() -> list[Any]:
    return [
        pytest.param(route, id=route.template)
        for route in ROUTES
        if issubclass(route.view_class, OrganisationAPIView) and "GET" in route.methods()
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("route", _org_get_routes())
def test_a_read_is_documented_with_the_shape_it_answers(api, schema, route):
    organisation = OrganisationFactory()
    owner = MembershipFactory(organisation=organisation, role=Role.OWNER).user
    api.force_authenticate(owner)
    url = PARAM.sub(
        lambda m: (
            organisation.slug
            if m.group("name") == "org_slug"
            else SAMPLES[m.group("name")](organisation)
        ),
        route.template,
    )

    response = api.get(url)

    if response.status_code != 200:
        pytest.skip(f"{route.template} answers {response.status_code} to a plain GET")
    ok = schema["paths"][_openapi_path(route)]["get"]["responses"]["200"]
    media_type = response["Content-Type"].split(";")[0]
    assert media_type in ok["content"], f"answers {media_type}, documents {sorted(ok['content'])}"
    if media_type != "application/json":
        return
    documented = _json_schema(schema, ok)
    body = response.json()
    if isinstance(body, list):
        assert documented["type"] == "array", documented
    elif set(body) == {"count", "next", "previous", "results"}:
        assert documented["type"] == "object", documented
        assert set(documented["required"]) == {"count", "next", "previous", "results"}
        assert documented["properties"]["results"]["type"] == "array"
        assert documented["properties"]["next"]["nullable"] is True
        parameters = {
            p["name"] for p in schema["paths"][_openapi_path(route)]["get"].get("parameters", [])
        }
        assert {"page", "page_size"} <= parameters
    else:
        assert documented.get("type") == "object", documented
        assert "results" not in documented.get("properties", {}), documented


def test_the_error_envelope_is_a_component(schema):
    error = schema["components"]["schemas"]["Error"]

    assert error["type"] == "object"
    assert set(error["required"]) == {"code", "message", "extra"}
    assert error["properties"]["extra"]["type"] == "object"


def _operations() -> list[Any]:
    return [
        pytest.param(route, method.lower(), id=f"{method} {route.template}")
        for route in ROUTES
        for method in route.methods()
    ]


def _expected_errors(route: Route, method: str, operation: dict[str, Any]) -> set[str]:
    view = route.view_class
    expected: set[str] = set()
    if method in UNSAFE or operation.get("parameters"):
        expected.add("400")
    if not issubclass(view, PublicAPIView):
        expected |= {"401", "403"}
    if issubclass(view, OrganisationAPIView):
        expected.add("404")
        if method in UNSAFE:
            expected.add("409")
    if issubclass(view, UserAPIView) and method in UNSAFE:
        expected.add("409")
    if len(route.params) > 0:
        expected.add("404")
    if view().get_throttles():
        expected.add("429")
    return expected


@pytest.mark.parametrize(("route", "method"), _operations())
def test_every_operation_documents_the_error_envelope_for_its_errors(schema, route, method):
    operation = schema["paths"][_openapi_path(route)][method]

    for code in sorted(_expected_errors(route, method, operation)):
        assert code in operation["responses"], f"{code} undocumented"
        documented = operation["responses"][code]["content"]["application/json"]["schema"]
        if documented.get("$ref", "").endswith("/Error"):
            continue
        # The token endpoint answers the envelope plus RFC 6749's error fields.
        assert "code" in _resolve(schema, documented)["properties"], documented


@pytest.mark.django_db
def test_me_documents_that_a_person_may_have_no_active_organisation(api, schema):
    person = UserFactory()
    api.force_authenticate(person)

    body = api.get("/api/v1/me/").json()

    assert body["active_organisation"] is None
    me = _json_schema(schema, schema["paths"]["/api/v1/me/"]["get"]["responses"]["200"])
    assert me["properties"]["active_organisation"]["nullable"] is True


def test_operation_paths_match_the_url_configuration(schema):
    # The helpers above translate URL templates to OpenAPI paths; a mismatch would make
    # every test here look up nothing.
    documented = set(schema["paths"])
    assert {_openapi_path(r) for r in ROUTES} - documented == set()
    assert all(re.fullmatch(r"[^<>]+", p) for p in documented)
