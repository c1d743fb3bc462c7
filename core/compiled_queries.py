"""An ORM query compiled to SQL once per process and run again with other parameter values.

Django compiles a queryset to SQL each time it is evaluated. For a query with joins and a
subquery that costs 0.3 to 1 ms, more than PostgreSQL takes to answer it (bench/pact.py:
the token lookup and the page of every PACT call). A :class:`CompiledQuery` keeps the SQL
and the column converters of a ``values_list`` queryset built once, by the same selector
code as always, from sentinel values; each run puts the real values where the sentinels
were and converts the rows as the ORM would (JSON, dates, ...). The rule of what is read
stays in the selector: nothing is written twice.

Only for hot read paths whose shape does not depend on the values (the same filters, joins
and LIMIT whatever they are): a value that changes the shape belongs in the key of the
queries (one :class:`CompiledQuery` per shape).

On PostgreSQL the statement is also planned once per connection: it runs on a psycopg
cursor that binds its parameters on the server, and psycopg prepares it from its sixth run
(``prepare_threshold`` in config/settings.py; Django's own cursors bind on the client and
are never prepared). Planning was most of what the PACT page query cost above the bare
view's (0.23 ms of planning against 0.09 ms, bench/pact.py); PostgreSQL keeps a generic
plan only while its estimate is no worse than the plans made for the values, and plans
again after a schema change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models import QuerySet


def _cursor(connection: BaseDatabaseWrapper) -> CursorWrapper:
    """A cursor of ``connection`` that binds parameters on the server (so that psycopg may
    prepare its statements) on PostgreSQL with psycopg 3, else an ordinary one. It is wrapped
    as Django wraps its own: errors, and queries counted and logged as every other."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    import psycopg

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    if not isinstance(connection.connection, psycopg.Connection):  # psycopg2
        return connection.cursor()
    with connection.wrap_database_errors:
        # Any: django-stubs type the wrapped cursor as a CursorWrapper, Django takes the driver's.
        server_binding: Any = psycopg.Cursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(server_binding)
    return connection.make_cursor(server_binding)


@dataclass(frozen=True)
class Param:
    """A named parameter: ``sentinel`` goes into the build, and ``prepare`` turns a value
    into what the driver receives (identity for ints and strings; a field's
    ``get_db_prep_value`` for a UUID on a database without a UUID type)."""

    sentinel: Any
    prepare: Callable[[Any, Any], Any] = field(default=lambda value, connection: value)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    #: For each parameter of ``sql``: the name of a Param, or None with a constant.
    slots: tuple[tuple[str | None, Any], ...]
    #: Column position -> (converters, expression), as the ORM's compiler has them.
    converters: tuple[tuple[int, tuple[list[Any], Any]], ...]


class CompiledQuery:
    def __init__(self, build: Callable[..., QuerySet[Any, Any]], **params: Param) -> None:
        self._build = build
        self._params = params
        self._compiled: dict[str, _Compiled] = {}

    def _compile(self, alias: str) -> _Compiled:
        connection = connections[alias]
        queryset = self._build(**{name: p.sentinel for name, p in self._params.items()})
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        prepared = {name: p.prepare(p.sentinel, connection) for name, p in self._params.items()}
        slots: list[tuple[str | None, Any]] = []
        for value in params:
            names = [n for n, v in prepared.items() if type(v) is type(value) and v == value]
            slots.append((names[0], None) if names else (None, value))
        missing = set(self._params) - {name for name, _ in slots}
        if missing:
            raise ValueError(f"the query does not use the parameters {sorted(missing)}")
        expressions = [s[0] for s in compiler.select[: compiler.col_count]]
        converters = compiler.get_converters(expressions)
        return _Compiled(sql, tuple(slots), tuple(converters.items()))

    def rows(self, **values: Any) -> list[list[Any]]:
        """The rows of the query with ``values`` for its parameters, each a list of the
        values ``values_list`` would give, from the default database."""
        using = DEFAULT_DB_ALIAS
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(using)
        connection = connections[using]
        prepared: Mapping[str, Any] = {
            name: self._params[name].prepare(value, connection) for name, value in values.items()
        }
        params = [prepared[name] if name else constant for name, constant in compiled.slots]
        with _cursor(connection) as cursor:
            cursor.execute(compiled.sql, params)
            rows = [list(row) for row in cursor.fetchall()]
        for position, (functions, expression) in compiled.converters:
            for row in rows:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
        return rows
