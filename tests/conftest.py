"""Shared fixtures.

Service-backed tests (marker ``services``) need PostgreSQL and Redis. Locally they skip when
a service is unreachable; with ``CBAM_REQUIRE_SERVICES=1`` (CI) they fail instead.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Membership, Organisation, User
from accounts.roles import Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

REQUIRE_SERVICES = os.environ.get("CBAM_REQUIRE_SERVICES", "") in {"1", "true", "yes"}

# --- Parallel runs (pytest-xdist, `make test` runs `-n 2`) ------------------------------------
#
# Each xdist worker is a process with its own test database (``django_db_modify_db_settings``
# below names it after the process) and its own Redis databases, because tests flush them: the
# cache (``_clear_cache``, before every test) and the test broker of the worker tests
# (tests/core/worker.py). Worker ``gwN`` uses:
# - test broker: ``CBAM_TEST_REDIS_URL``'s database + N, or 15 - N when it is not set;
# - cache: ``REDIS_URL``'s database + N (CI: 1 and 2; its broker ``CELERY_BROKER_URL`` is 0).
XDIST_WORKER_NUMBER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)


def _redis_url_with_db(url: str, db: int) -> str:
    """``url`` naming Redis database ``db`` instead of its own."""
    parts = urlsplit(url)
    if not 0 <= db <= 15:
        raise pytest.UsageError(f"no Redis database {db} for xdist worker from {url}")
    return urlunsplit(parts._replace(path=f"/{db}"))


def _redis_db(url: str) -> int:
    return int(urlsplit(url).path.strip("/") or 0)


if "CBAM_TEST_REDIS_URL" in os.environ:
    _base = os.environ["CBAM_TEST_REDIS_URL"]
    TEST_REDIS_URL = _redis_url_with_db(_base, _redis_db(_base) + XDIST_WORKER_NUMBER)
else:
    TEST_REDIS_URL = f"redis://127.0.0.1:6379/{15 - XDIST_WORKER_NUMBER}"
# The cache of this process and of the processes it starts (workers, servers).
if os.environ.get("REDIS_URL") and XDIST_WORKER_NUMBER:
    _base = os.environ["REDIS_URL"]
    os.environ["REDIS_URL"] = _redis_url_with_db(_base, _redis_db(_base) + XDIST_WORKER_NUMBER)
if os.environ.get("REDIS_URL") and _redis_db(os.environ["REDIS_URL"]) == _redis_db(TEST_REDIS_URL):
    raise pytest.UsageError(
        f"the cache (REDIS_URL={os.environ['REDIS_URL']}) and the test broker "
        f"({TEST_REDIS_URL}) must be different Redis databases: both are flushed by tests"
    )


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


@pytest.fixture(autouse=True, scope="session")
def _test_settings() -> Iterator[None]:
    """Settings for the whole session (a test's ``settings`` fixture still changes them):

    - the MD5 password hasher: fast, and a test's passwords need no strength;
    - WhiteNoise finds a static file when it is asked for (``WHITENOISE_AUTOREFRESH``) instead
      of listing every static file of every app each time a test client is made (8 ms each);
      it still serves them (tests/web/test_static_files.py);
    - this xdist worker's cache database (see ``XDIST_WORKER_NUMBER``)."""
    from django.conf import settings
    from django.test import override_settings

    overrides: dict[str, Any] = {
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "WHITENOISE_AUTOREFRESH": True,
    }
    if os.environ.get("REDIS_URL") and "redis" in settings.CACHES["default"]["BACKEND"].lower():
        overrides["CACHES"] = {
            "default": {**settings.CACHES["default"], "LOCATION": os.environ["REDIS_URL"]}
        }
    with override_settings(**overrides):
        yield


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    from django.core.cache import cache

    cache.clear()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give every collected test a node id of its own, and refuse a run where two share one.

    schemathesis names each case of tests/test_api_schema_fuzz.py after its operation
    (``test_…[GET /api/v1/me/]``) but leaves them all the node id of the test function.
    pytest-xdist schedules and reports by node id: with the same id, 121 cases ran as one, and
    the run passed."""
    for item in items:
        if item.parent is None or item.nodeid == f"{item.parent.nodeid}::{item.name}":
            continue
        own = f"{item.parent.nodeid}::{item.name}"
        if hasattr(item, "_id"):  # pytest 9 keeps the node id as a structure
            from _pytest.nodeid import NodeId

            item._id = NodeId.parse(own)
        else:
            item._nodeid = own
    counts = Counter(item.nodeid for item in items)
    shared = sorted(nodeid for nodeid, count in counts.items() if count > 1)
    if shared:
        raise pytest.UsageError(f"tests sharing a node id (xdist would run one of each): {shared}")


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


# --- Reference data: loaded once per session -------------------------------------------------
#
# The shipped reference tables (about 5,100 rows, 0.3 s to load) are loaded once and committed,
# right after the test database is created (``django_db_setup``). A test runs in a transaction
# that is rolled back, so it sees them and drops only its own changes.
#
# The audit events of that load are kept aside rather than committed: the ``reference_data``
# fixture writes them again in the test's transaction, so a test that asks for the reference data
# finds what a load leaves (rows, versions and their audit events), and a test that does not finds
# only its own audit events. The tests of the loader itself (tests/reference) and of the demo seed
# start from empty reference tables where they expect them (``no_reference_data``).
#
# A ``transaction=True`` test ends with a flush that empties every table: after such a test,
# ``pytest_runtest_teardown`` loads the reference data again for the tests after it.

_reference_session: dict[str, Any] = {}


def _reference_tables() -> list[str]:
    """The reference tables, the rows before the versions they point to."""
    from reference.models import ROW_MODELS, ReferenceVersion

    return [model._meta.db_table for model in ROW_MODELS.values()] + [
        ReferenceVersion._meta.db_table
    ]


def reference_data_load_for_session() -> None:
    """Load the shipped reference data and commit it; the audit events of the load are kept in
    ``_reference_session["audit_events"]`` and deleted (append-only in PostgreSQL: its trigger
    is bypassed for that one DELETE)."""
    from django.db import transaction

    from accounts.audit import Actor
    from accounts.models import AuditEvent
    from reference.events import REFERENCE_VERSION_LOADED
    from reference.selectors import reference_snapshot_cache_clear
    from reference.services import reference_data_load_shipped

    postgresql = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        reference_data_load_shipped(actor=Actor.platform("tests"))
        load_events = AuditEvent.objects.filter(action=REFERENCE_VERSION_LOADED).order_by("id")
        _reference_session["audit_events"] = list(load_events.values())
        if postgresql:
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            f"DELETE FROM {AuditEvent._meta.db_table} WHERE action = %s",
            [REFERENCE_VERSION_LOADED],
        )
        if postgresql:
            cursor.execute("SET LOCAL session_replication_role = origin")
    reference_snapshot_cache_clear()


def reference_data_is_loaded() -> bool:
    """Whether the session's reference data is in the database: version 1 of every table (the
    default values also ship a version 2, IR 2026/1740, loaded in the same transaction)."""
    from reference.models import Dataset, ReferenceVersion

    return ReferenceVersion.objects.filter(number=1).count() == len(Dataset.values)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """pytest-django's test database, with the shipped reference data committed in it."""
    with django_db_blocker.unblock():
        reference_data_load_for_session()
    _reference_session["blocker"] = django_db_blocker
    yield
    _reference_session.clear()


def _flushes_the_database(item: pytest.Item) -> bool:
    """Whether pytest-django runs ``item`` as a TransactionTestCase (emptied afterwards)."""
    from pytest_django.fixtures import validate_django_db

    marker = item.get_closest_marker("django_db")
    if marker is not None:
        transactional, reset_sequences, *_ = validate_django_db(marker)
        if transactional or reset_sequences:
            return True
    names = getattr(item, "fixturenames", ())
    return any(
        name in names for name in ("transactional_db", "live_server", "django_db_reset_sequences")
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """After a test whose database was flushed (its fixtures, the flush included, are torn down
    by now), load the reference data again, unless the session is over."""
    result = yield
    blocker = _reference_session.get("blocker")
    if blocker is not None and nextitem is not None and _flushes_the_database(item):
        with blocker.unblock():
            if not reference_data_is_loaded():
                reference_data_load_for_session()
    return result


@pytest.fixture
def reference_data(db: None) -> None:
    """The shipped CBAM reference data, as a load leaves it (version 1 of every table and
    version 2 of the default values, IR 2026/1740, in force from the same date): the rows were
    loaded once per session (see above), their audit events are written here."""
    from accounts.models import AuditEvent
    from reference.selectors import reference_snapshot_cache_clear

    reference_snapshot_cache_clear()
    assert reference_data_is_loaded(), "the session's reference data is missing"
    now = timezone.now()
    AuditEvent.objects.bulk_create(
        AuditEvent(**{**values, "id": None, "created_at": now})
        for values in _reference_session["audit_events"]
    )


@pytest.fixture
def no_reference_data(db: None) -> None:
    """Empty reference tables for this test (its transaction's rollback brings them back): for
    the tests of the loader, that load their own versions."""
    from reference.selectors import reference_snapshot_cache_clear

    with connection.cursor() as cursor:
        for table in _reference_tables():
            cursor.execute(f"DELETE FROM {table}")
    reference_snapshot_cache_clear()


# --- Rows shared by the tests of one module ---------------------------------------------------

T = TypeVar("T")


def rows_for_the_module(django_db_blocker: Any, build: Callable[[], T]) -> Generator[T, None, None]:
    """Build rows once for a module and roll them back at its end: for a module-scoped fixture,
    ``yield from rows_for_the_module(django_db_blocker, World)``.

    ``build`` runs in a transaction left open while the module's tests run; each test's own
    atomic block (pytest-django's) is then a savepoint inside it, so a test sees the rows and
    drops only its own changes. Only for modules whose tests use ``django_db`` without
    ``transaction=True`` (a flush would empty the shared rows). Objects returned by ``build``
    live as long as the module: a test that changes one should read it again from the
    database."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build()
        except BaseException as exc:
            transaction.set_rollback(True)
            outer.__exit__(type(exc), exc, exc.__traceback__)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
