"""The authorisation matrix: every API route × every method × every kind of caller.

Routes are discovered from the URL configuration, so a new endpoint is covered without
editing this file: it only has to derive from one of the base classes in
``accounts.api.base`` and, if organisation-scoped, declare ``role_map``. URL parameters naming
objects get a sample from ``tests/matrix_samples.py``.

Expectations:
- anonymous: 401 everywhere but public endpoints;
- a member (or machine client) of another organisation: 404, never 403;
- a role missing from ``role_map[method]``: 403; a role in it: neither 401, 403, 404 nor 5xx;
- machine clients (holding every scope) follow their role; on person-only endpoints: 403;
- an object of another organisation in an organisation's own URL: 404;
- a method the view does not implement: 405 with ``Allow`` naming the methods it does, for
  every caller, anonymous included (before authentication: it reveals nothing);
- every denied request leaves every table exactly as it was.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.api.base import OrganisationAPIView, PlatformAPIView, PublicAPIView, UserAPIView
from accounts.models import AccessToken, Organisation, User
from accounts.roles import MACHINE_ROLES, Role
from accounts.scopes import ALL_SCOPES
from core.crypto import sha256_hex
from tests.conftest import rows_for_the_module
from tests.factories import ApiClientFactory, MembershipFactory, OrganisationFactory
from tests.matrix_samples import SAMPLES, VALUE_PARAMS

PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
OUR_APPS = ("accounts", "core", "suppliers", "exchange")


@dataclass(frozen=True)
class Route:
    template: str  # e.g. "/api/v1/orgs/<slug:org_slug>/memberships/<str:membership_id>/"
    view_class: type

    @property
    def params(self) -> list[str]:
        return [m.group("name") for m in PARAM.finditer(self.template)]

    def methods(self) -> list[str]:
        return sorted(
            m.upper()
            for m in self.view_class.http_method_names
            if m not in ("options", "head") and hasattr(self.view_class, m)
        )


def _walk(patterns: list[Any], prefix: str) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for entry in patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            found.extend(_walk(entry.url_patterns, prefix + route))
        elif isinstance(entry, URLPattern):
            found.append((prefix + route, entry.callback))
    return found


def discover_api_routes() -> list[Route]:
    routes = []
    for template, callback in _walk(get_resolver().url_patterns, "/"):
        if template.startswith("/api/v1/"):
            routes.append(Route(template=template, view_class=callback.view_class))
    return sorted(routes, key=lambda r: r.template)


ROUTES = discover_api_routes()

CALLERS = (
    ["anonymous", "other_org_owner", "other_org_machine"]
    + [f"role:{role}" for role in Role.values]
    + [f"machine:{role}" for role in sorted(MACHINE_ROLES)]
)


def _cases() -> list[Any]:
    cases = []
    for route in ROUTES:
        for method in route.methods():
            for caller in CALLERS:
                cases.append(
                    pytest.param(route, method, caller, id=f"{method} {route.template} as {caller}")
                )
    return cases


def test_the_matrix_found_the_api():
    templates = {r.template for r in ROUTES}
    # A floor, so that a broken discovery cannot pass silently with zero cases.
    assert "/api/v1/orgs/<slug:org_slug>/memberships/" in templates
    assert "/api/v1/auth/token/" in templates
    assert len(ROUTES) >= 15


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.template)
def test_every_api_view_derives_from_one_base_class_and_maps_its_methods(route):
    view = route.view_class
    bases = [b for b in (PublicAPIView, UserAPIView, OrganisationAPIView) if issubclass(view, b)]
    assert issubclass(view, PlatformAPIView)
    assert len(bases) == 1, (
        f"{view.__name__} must derive from exactly one of PublicAPIView, UserAPIView, "
        "OrganisationAPIView"
    )
    if issubclass(view, OrganisationAPIView):
        assert "org_slug" in route.params, f"{view.__name__}: URL must name the organisation"
        assert set(route.methods()) == set(view.role_map), (
            f"{view.__name__}: role_map {sorted(view.role_map)} must list exactly its methods "
            f"{route.methods()}"
        )
    for param in route.params:
        assert param == "org_slug" or param in SAMPLES, (
            f"{route.template}: no sample for <{param}>; add one to tests/matrix_samples.py"
        )


def _snapshot_models() -> list[type[Model]]:
    """The models of every table of our apps (exchange's sub-apps and the many-to-many tables
    included): the tables a request can change (reference data is loaded by commands only)."""
    return sorted(
        (
            model
            for model in apps.get_models(include_auto_created=True)
            if model._meta.app_config.name.split(".")[0] in OUR_APPS
            and model._meta.managed
            and not model._meta.proxy
        ),
        key=lambda model: model._meta.label,
    )


def _snapshot() -> dict[str, Any]:
    """The state of every table of our apps: compared before and after a denied request.

    On PostgreSQL one query gives, per table, its row count and an md5 digest of all its rows
    (each row as text, in primary-key order), so any added, removed or changed row shows;
    elsewhere every row is read."""
    models = _snapshot_models()
    if connection.vendor != "postgresql":
        return {m._meta.label: list(m.objects.order_by("pk").values()) for m in models}
    quote = connection.ops.quote_name
    query = " UNION ALL ".join(
        f"SELECT %s, count(*), md5(coalesce(string_agg(t::text, chr(10) "
        f"ORDER BY t.{quote(m._meta.pk.column)}), '')) FROM {quote(m._meta.db_table)} AS t"
        for m in models
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [m._meta.label for m in models])
        return {label: (count, digest) for label, count, digest in cursor.fetchall()}


@dataclass
class World:
    """The organisations and the callers of the matrix, built once per module
    (``rows_for_the_module``): a test gets a fresh client per caller (``client``), so no cookie
    or state of one request reaches the next."""

    home: Organisation
    other: Organisation
    tokens: dict[str, str]  # caller -> raw bearer token (machine clients)
    users: dict[str, int]  # caller -> user id (people)

    def client(self, caller: str) -> APIClient:
        api = APIClient()
        if caller in self.tokens:
            api.credentials(HTTP_AUTHORIZATION=f"Bearer {self.tokens[caller]}")
        elif caller in self.users:
            api.force_authenticate(User.objects.get(pk=self.users[caller]))
        return api


def _bearer_token(organisation: Organisation, role: str) -> str:
    """A raw access token of a new machine client holding every scope, valid for 12 hours:
    longer than any module of the matrix takes, so it never expires mid-module."""
    client_row = ApiClientFactory(organisation=organisation, role=role, scopes=sorted(ALL_SCOPES))
    raw = secrets.token_urlsafe(16)
    AccessToken.objects.create(
        token_hash=sha256_hex(raw),
        client=client_row,
        scopes=sorted(ALL_SCOPES),
        expires_at=timezone.now() + timezone.timedelta(hours=12),
    )
    return raw


def _member_id(organisation: Organisation, role: str) -> int:
    return MembershipFactory(organisation=organisation, role=role).user_id


def _world_build() -> World:
    home = OrganisationFactory(slug="home-org")
    other = OrganisationFactory(slug="other-org")
    users = {f"role:{role}": _member_id(home, role) for role in Role.values}
    users["other_org_owner"] = _member_id(other, Role.OWNER)
    tokens = {f"machine:{role}": _bearer_token(home, role) for role in sorted(MACHINE_ROLES)}
    tokens["other_org_machine"] = _bearer_token(other, Role.PREPARER)
    return World(home=home, other=other, tokens=tokens, users=users)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    yield from rows_for_the_module(django_db_blocker, _world_build)


def _url(route: Route, organisation: Organisation, object_owner: Organisation) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group("name")
        if name == "org_slug":
            return organisation.slug
        return SAMPLES[name](object_owner)

    return PARAM.sub(fill, route.template)


def _call(api: APIClient, method: str, url: str) -> Any:
    if method in ("GET", "DELETE"):
        return getattr(api, method.lower())(url)
    return getattr(api, method.lower())(url, {}, format="json")


def _expected_denial(route: Route, method: str, caller: str) -> int | None:
    """The status a caller must get, or None when the caller is allowed."""
    view = route.view_class
    if issubclass(view, PublicAPIView):
        return None
    if caller == "anonymous":
        return 401
    if issubclass(view, UserAPIView):
        return 403 if "machine" in caller else None
    assert issubclass(view, OrganisationAPIView)
    if caller.startswith("other_org"):
        return 404
    if view.people_only and caller.startswith("machine:"):
        return 403
    role = caller.split(":", 1)[1]
    return None if role in view.role_map.get(method, frozenset()) else 403


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "method", "caller"), _cases())
def test_authorisation_matrix(world, route, method, caller):
    url = _url(route, world.home, world.home)
    before = _snapshot()

    response = _call(world.client(caller), method, url)

    expected = _expected_denial(route, method, caller)
    body = response.content[:300]
    if expected is None:
        assert response.status_code not in (401, 403, 404, 405), body
        assert response.status_code < 500, body
    else:
        assert response.status_code == expected, body
        assert (
            response.json()["code"]
            in {
                401: {"not_authenticated", "authentication_failed"},
                403: {"permission_denied"},
                404: {"not_found"},
            }[expected]
        )
        assert _snapshot() == before, "a denied request changed the database"


UNIMPLEMENTABLE = ("GET", "POST", "PUT", "PATCH", "DELETE", "TRACE")


def _routes_missing_methods() -> list[Any]:
    return [
        pytest.param(route, id=route.template)
        for route in ROUTES
        if set(UNIMPLEMENTABLE) - set(route.methods())
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("route", _routes_missing_methods())
def test_a_method_the_view_does_not_implement_answers_405_to_every_caller(world, route):
    url = _url(route, world.home, world.home)
    implemented = (
        set(route.methods()) | {"OPTIONS"} | ({"HEAD"} if "GET" in route.methods() else set())
    )
    before = _snapshot()

    for method in sorted(set(UNIMPLEMENTABLE) - set(route.methods())):
        for caller in CALLERS:
            response = world.client(caller).generic(method, url, "{}", "application/json")

            where = f"{method} as {caller}: {response.content[:300]!r}"
            assert response.status_code == 405, where
            assert response.json()["code"] == "method_not_allowed", where
            assert set(response["Allow"].split(", ")) == implemented, where
    assert _snapshot() == before, "a refused method changed the database"


def _object_routes() -> list[Any]:
    return [
        pytest.param(route, method, id=f"{method} {route.template}")
        for route in ROUTES
        if issubclass(route.view_class, OrganisationAPIView)
        and any(p != "org_slug" and p not in VALUE_PARAMS for p in route.params)
        for method in route.methods()
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "method"), _object_routes())
def test_an_object_of_another_organisation_answers_404_even_to_an_owner(world, route, method):
    # The owner of home-org addresses an object of other-org through home-org's URL.
    url = _url(route, world.home, world.other)
    before = _snapshot()

    response = _call(world.client("role:owner"), method, url)

    assert response.status_code == 404, response.content[:300]
    assert response.json()["code"] == "not_found"
    assert _snapshot() == before


def _list_routes() -> list[Any]:
    return [
        pytest.param(route, id=route.template)
        for route in ROUTES
        if issubclass(route.view_class, OrganisationAPIView)
        and [p for p in route.params if p not in VALUE_PARAMS] == ["org_slug"]
        and "GET" in route.methods()
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("route", _list_routes())
def test_reads_of_an_organisation_never_show_another_organisations_objects(world, route):
    # Objects of every kind exist in other-org; home-org's owner reads home-org's endpoints.
    foreign_ids = [make(world.other) for name, make in SAMPLES.items() if name not in VALUE_PARAMS]
    foreign_ids += [str(m.pk) for m in world.other.memberships.all()]
    foreign_ids += [world.other.slug]
    # A work row's id is a small integer that any text contains ("1"): such ids are checked by
    # the 404 test above, not searched for here.
    foreign_ids = [i for i in foreign_ids if not i.isdigit()]

    response = world.client("role:owner").get(_url(route, world.home, world.home))

    assert response.status_code == 200, response.content[:300]
    text = response.content.decode()
    leaked = [i for i in foreign_ids if i in text]
    assert leaked == [], f"{route.template} shows objects of another organisation: {leaked}"
