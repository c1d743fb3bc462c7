"""The bench scripts' own PostgreSQL database: where it lives, and creating and dropping it.

A bench database lives on the server of ``DATABASE_URL`` (or postgres://postgres@127.0.0.1:5432
when that is not PostgreSQL), next to the project's own, under a name of the bench's; it is
created empty before the run and dropped after it, through the server's ``postgres`` database.
"""

from __future__ import annotations

import os
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
