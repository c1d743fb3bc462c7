"""The authorisation matrix of the web pages: every HTML route × every kind of visitor.

Routes are discovered from the URL configuration (everything outside /api/, /admin/ and the
machine endpoints), so a new page is covered without editing this file. Each page derives from
one of ``accounts.pages.base``'s classes, which say who may see it; URL parameters naming
objects get a sample from ``tests/matrix_samples.py``, like the API's matrix.

Expectations:
- anonymous: sent to the login page (302) on person and organisation pages;
- a member of another organisation: 404 (never 403, which would confirm the page exists);
- a role missing from ``role_map[method]``: 403; a role in it: no 401/403/404/405 and no 5xx;
- an object of another organisation in an organisation's own URL: 404, even to an owner;
- a method a page does not implement: 405 for everyone;
- every refused request leaves every table as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from accounts.pages.base import OrganisationPage, Page, PersonPage, PublicPage
from accounts.roles import Role
from tests.accounts.test_authorisation_matrix import PARAM, _snapshot, _walk
from tests.conftest import rows_for_the_module
from tests.factories import MembershipFactory, OrganisationFactory
from tests.matrix_samples import SAMPLES, VALUE_PARAMS

MACHINE_PREFIXES = (
    "/api/",
    "/admin/",
    "/static/",
    "/schemas/",
    "/.well-known/",
    "/3/",
    "/auth/token",
    "/healthz",
    "/readyz",
)
#: The function views of the login flow (before the Page classes): public by nature.
PUBLIC_FUNCTION_VIEWS = {
    "login_view",
    "totp_view",
    "logout_view",
    "admin_login_view",
    "invitation_view",
    "password_reset_request_view",
    "password_reset_sent_view",
    "password_reset_confirm_view",
    "switch_organisation_view",
    "RedirectView",
}


def discover_pages() -> list[tuple[str, Any]]:
    from django.urls import get_resolver

    return sorted(
        (template, callback)
        for template, callback in _walk(get_resolver().url_patterns, "/")
        if not template.startswith(MACHINE_PREFIXES)
    )


PAGES = discover_pages()
CALLERS = ["anonymous", "other_org_owner"] + [f"role:{role}" for role in Role.values]


def _view_class(callback: Any) -> type | None:
    return getattr(callback, "view_class", None)


def _page_routes() -> list[tuple[str, type[Page]]]:
    found = []
    for template, callback in PAGES:
        view = _view_class(callback)
        if view is not None and issubclass(view, Page):
            found.append((template, view))
    return found


def _methods(view: type[Page]) -> list[str]:
    return sorted(
        m.upper()
        for m in view.http_method_names
        if m not in ("head", "options") and hasattr(view, m)
    )


def test_the_matrix_found_the_pages():
    templates = {template for template, _ in _page_routes()}
    assert {"/dashboard/", "/o/<slug:org_slug>/", "/settings/", "/language/"} <= templates


@pytest.mark.parametrize(("template", "callback"), PAGES, ids=[t for t, _ in PAGES])
def test_every_page_derives_from_one_page_class(template, callback):
    view = _view_class(callback)
    name = view.__name__ if view is not None else callback.__name__
    if view is None or not issubclass(view, Page):
        assert name in PUBLIC_FUNCTION_VIEWS, (
            f"{template}: {name} must derive from PublicPage, PersonPage or OrganisationPage "
            "(accounts/pages/base.py)"
        )
        return
    assert issubclass(view, (PublicPage, PersonPage))
    if issubclass(view, OrganisationPage):
        assert template.startswith("/o/<slug:org_slug>/"), (
            f"{template}: pages of an organisation live under /o/<org_slug>/"
        )
        assert set(_methods(view)) == set(view.role_map), (
            f"{name}: role_map {sorted(view.role_map)} must list exactly its methods "
            f"{_methods(view)}"
        )
    for match in PARAM.finditer(template):
        param = match.group("name")
        assert param == "org_slug" or param in SAMPLES, (
            f"{template}: no sample for <{param}>; add one to tests/matrix_samples.py"
        )


class World:
    """The organisations and the visitors of the matrix, built once per module
    (``rows_for_the_module``): each visitor is a session made once; a test gets a fresh
    client holding that session (``client``), so no cookie of one request reaches the next."""

    def __init__(self) -> None:
        self.home = OrganisationFactory(slug="home-org")
        self.other = OrganisationFactory(slug="other-org")
        self.sessions: dict[str, str] = {}  # caller -> session key
        for role in Role.values:
            self.sessions[f"role:{role}"] = self._session(self.home, role)
        self.sessions["other_org_owner"] = self._session(self.other, Role.OWNER)

    @staticmethod
    def _session(organisation: Any, role: str) -> str:
        client = Client()
        client.force_login(MembershipFactory(organisation=organisation, role=role).user)
        return client.cookies[settings.SESSION_COOKIE_NAME].value

    def client(self, caller: str) -> Client:
        client = Client()
        if caller in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[caller]
        return client


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    yield from rows_for_the_module(django_db_blocker, World)


def _url(template: str, organisation: Any, object_owner: Any) -> str:
    def fill(match: Any) -> str:
        name = match.group("name")
        return organisation.slug if name == "org_slug" else SAMPLES[name](object_owner)

    return PARAM.sub(fill, template)


def _cases() -> list[Any]:
    return [
        pytest.param(template, view, method, caller, id=f"{method} {template} as {caller}")
        for template, view in _page_routes()
        if not issubclass(view, PublicPage)
        for method in _methods(view)
        for caller in CALLERS
    ]


def _expected(view: type[Page], method: str, caller: str) -> int | None:
    if caller == "anonymous":
        return 302
    if not issubclass(view, OrganisationPage):
        return None
    if caller == "other_org_owner":
        return 404
    role = caller.split(":", 1)[1]
    return None if role in view.role_map.get(method, frozenset()) else 403


@pytest.mark.django_db
@pytest.mark.parametrize(("template", "view", "method", "caller"), _cases())
def test_page_matrix(world, template, view, method, caller):
    url = _url(template, world.home, world.home)
    before = _snapshot()

    client = world.client(caller)
    response = client.get(url) if method == "GET" else client.post(url, {})

    expected = _expected(view, method, caller)
    body = response.content[:300]
    if expected is None:
        assert response.status_code not in (401, 403, 404, 405), body
        assert response.status_code < 500, body
    else:
        assert response.status_code == expected, body
        if expected == 302:
            assert response["Location"].startswith("/login/?next="), response["Location"]
        assert _snapshot() == before, "a refused request changed the database"


def _object_cases() -> list[Any]:
    return [
        pytest.param(template, method, id=f"{method} {template}")
        for template, view in _page_routes()
        if issubclass(view, OrganisationPage)
        and any(
            p != "org_slug" and p not in VALUE_PARAMS
            for p in (m.group("name") for m in PARAM.finditer(template))
        )
        for method in _methods(view)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("template", "method"), _object_cases())
def test_an_object_of_another_organisation_answers_404_even_to_an_owner(world, template, method):
    url = _url(template, world.home, world.other)
    before = _snapshot()
    client = world.client("role:owner")
    response = client.get(url) if method == "GET" else client.post(url, {})
    assert response.status_code == 404, response.content[:300]
    assert _snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(("template", "view"), _page_routes(), ids=[t for t, _ in _page_routes()])
def test_a_method_a_page_does_not_implement_answers_405(world, template, view):
    url = _url(template, world.home, world.home)
    for method in sorted({"GET", "POST", "PUT", "PATCH", "DELETE"} - set(_methods(view))):
        for caller in CALLERS:
            response = world.client(caller).generic(method, url)
            assert response.status_code == 405, f"{method} as {caller}"
