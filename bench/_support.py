"""The bench scripts' own PostgreSQL database: where it lives, and creating and dropping it.

A bench database lives on the server of ``DATABASE_URL`` (or postgres://postgres@127.0.0.1:5432
when that is not PostgreSQL), next to the project's own, under a name of the bench's; it is
created empty before the run and dropped after it, through the server's ``postgres`` database.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"


def database_urls(name: str) -> tuple[str, str]:
    """(admin URL on the ``postgres`` database, the URL of the bench database ``name``)."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        base = DEFAULT_SERVER
    parts = urlsplit(base)
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    bench = urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
    return admin, bench


def admin_sql(admin_url: str, *statements: str) -> None:
    """Run ``statements`` outside a transaction (``CREATE``/``DROP DATABASE`` need that)."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        for statement in statements:
            conn.execute(statement.encode())


def database_create(admin_url: str, name: str) -> None:
    """Create the bench database ``name`` empty, dropping what a previous run left."""
    admin_sql(
        admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'
    )


def database_drop(admin_url: str, name: str) -> None:
    """Drop the bench database ``name``, closing any connection still open to it."""
    admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def machine_token(organisation: Any, scopes: list[str]) -> str:
    """A bearer token of a new viewer machine client of ``organisation`` with ``scopes``,
    valid an hour (the benches that time an API call as a machine makes it). Django must be
    set up."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import AccessToken, ApiClient
    from core.crypto import sha256_hex

    client = ApiClient.objects.create(
        organisation=organisation,
        name="bench",
        client_id="cbx_bench",
        secret_hash=sha256_hex("x"),
        role="viewer",
        scopes=scopes,
    )
    raw = secrets.token_urlsafe(32)
    AccessToken.objects.create(
        token_hash=sha256_hex(raw),
        client=client,
        scopes=scopes,
        expires_at=timezone.now() + timedelta(hours=1),
    )
    return raw


def timed_gets(client: Any, url: str, repeat: int, **headers: Any) -> tuple[list[float], bytes]:
    """Milliseconds of ``repeat`` GETs of ``url`` after 20 to warm up, each answered 200, and
    the last body. ``headers`` are the test client's keyword arguments (``secure=True``)."""
    for _ in range(20):
        assert client.get(url, **headers).status_code == 200
    samples = []
    body = b""
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, **headers)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:200]
        body = response.content
    return samples, body


@contextmanager
def bench_site(module_name: str, urlpatterns: list[Any]) -> Iterator[None]:
    """Serve the bench module's own views (its floors) beside the platform's URLs, on an empty
    test database of the configured kind, created here and dropped afterwards."""
    from django.conf import settings
    from django.db import connection

    settings.ROOT_URLCONF = module_name
    from config import urls as config_urls

    urlpatterns.extend(config_urls.urlpatterns)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
