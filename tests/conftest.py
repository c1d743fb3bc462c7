"""Shared fixtures.

Service-backed tests (marker ``services``) need PostgreSQL and Redis. Locally they skip when
a service is unreachable; with ``CBAM_REQUIRE_SERVICES=1`` (CI) they fail instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import Membership, Organisation, User
from accounts.roles import Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

REQUIRE_SERVICES = os.environ.get("CBAM_REQUIRE_SERVICES", "") in {"1", "true", "yes"}
TEST_REDIS_URL = os.environ.get("CBAM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def service_unavailable(reason: str) -> None:
    """Fail in CI, skip on a laptop without the service."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service unavailable: {reason}", pytrace=False)
    pytest.skip(f"service unavailable: {reason}")


@pytest.fixture(scope="session")
def django_db_modify_db_settings() -> None:
    """Give each test run its own test database (test_<name>_<pid>), so that two runs on one
    machine (two terminals, CI beside a developer) never drop each other's database. Worker
    processes started by the tests read the name from ``connection.settings_dict``."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    suffix = f"run{os.getpid()}"
    test = db.setdefault("TEST", {})
    if db["ENGINE"].endswith("sqlite3"):
        test["NAME"] = str(test.get("NAME") or "test-cbam.sqlite3").replace(
            ".sqlite3", f"-{suffix}.sqlite3"
        )
    else:
        test["NAME"] = f"test_{db['NAME']}_{suffix}"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    from django.core.cache import cache

    cache.clear()


def pytest_sessionstart(session: pytest.Session) -> None:
    if REQUIRE_SERVICES:
        from django.conf import settings

        engine = settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in engine:
            raise pytest.UsageError(
                f"CBAM_REQUIRE_SERVICES=1 but the database engine is {engine}: "
                "set DATABASE_URL to PostgreSQL"
            )


@pytest.fixture
def postgres_only() -> None:
    if connection.vendor != "postgresql":
        service_unavailable("this test needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def make_member() -> Callable[..., Membership]:
    def make(
        organisation: Organisation | None = None, role: str = Role.VIEWER, **user: Any
    ) -> Membership:
        return MembershipFactory(
            organisation=organisation or OrganisationFactory(),
            user=UserFactory(**user),
            role=role,
        )

    return make


@pytest.fixture
def organisation() -> Organisation:
    return OrganisationFactory(
        slug="acme-steel", legal_name="阿克米钢铁", legal_name_latin="Acme Steel"
    )


@pytest.fixture
def admin_user(organisation: Organisation) -> User:
    return MembershipFactory(organisation=organisation, role=Role.ADMIN).user


@pytest.fixture
def admin_api(api: APIClient, admin_user: User) -> APIClient:
    api.force_authenticate(admin_user)
    return api


@pytest.fixture
def reference_data(db: None) -> None:
    """The shipped CBAM reference data, loaded as version 1 of every table (about 0.3 s)."""
    from accounts.audit import Actor
    from reference.selectors import reference_snapshot_cache_clear
    from reference.services import reference_data_load_shipped

    reference_snapshot_cache_clear()
    reference_data_load_shipped(actor=Actor.platform("tests"))
