"""An ORM query compiled once and run again with other values (core.compiled_queries): the
same rows as the ORM gives, converted the same way, counted as a query."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import DEFAULT_DB_ALIAS, connection

from accounts.models import ApiClient
from core.compiled_queries import CompiledQuery, Param
from tests.factories import ApiClientFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def clients_of(organisation_id: int, name: str):
    return (
        ApiClient.objects.filter(organisation_id=organisation_id)
        .exclude(name=name)
        .order_by("name")
        .values_list("name", "scopes", "created_at", "organisation__slug")
    )


QUERY = CompiledQuery(clients_of, organisation_id=Param(-991), name=Param("\x00name"))


def test_it_returns_the_rows_the_orm_returns_for_each_set_of_values():
    first, second = OrganisationFactory(slug="first"), OrganisationFactory(slug="second")
    ApiClientFactory(organisation=first, name="a", scopes=["footprints:read"])
    ApiClientFactory(organisation=first, name="b", scopes=[])
    ApiClientFactory(organisation=second, name="c", scopes=["organisation:read"])

    for organisation, name in [(first, "b"), (first, "z"), (second, "z"), (second, "c")]:
        compiled = QUERY.rows(organisation_id=organisation.pk, name=name)
        assert compiled == [list(row) for row in clients_of(organisation.pk, name)]


def test_json_and_dates_come_back_as_the_orm_converts_them():
    organisation = OrganisationFactory()
    ApiClientFactory(organisation=organisation, name="a", scopes=["footprints:read"])

    [(name, scopes, created_at, slug)] = QUERY.rows(organisation_id=organisation.pk, name="")

    assert scopes == ["footprints:read"]
    assert isinstance(created_at, datetime)
    assert created_at.tzinfo is not None
    assert created_at.utcoffset() == UTC.utcoffset(created_at)
    assert (name, slug) == ("a", organisation.slug)


def test_a_run_is_one_query(django_assert_num_queries):
    organisation = OrganisationFactory()
    QUERY.rows(organisation_id=organisation.pk, name="")

    with django_assert_num_queries(1):
        QUERY.rows(organisation_id=organisation.pk, name="")


def test_a_parameter_the_query_does_not_use_is_refused():
    unused = CompiledQuery(
        lambda organisation_id, name: ApiClient.objects.filter(organisation_id=organisation_id),
        organisation_id=Param(-991),
        name=Param("\x00name"),
    )

    with pytest.raises(ValueError, match=r"does not use the parameters \['name'\]"):
        unused.rows(organisation_id=1, name="x")


def prepared_plans(sql: str) -> list[tuple[int, int]]:
    """(generic plans, custom plans) of the statements of this connection with ``sql``'s text
    (as the server has it: ``$1`` ... for the parameters)."""
    numbered = iter(range(1, 100))
    server_sql = "".join(
        part + (f"${next(numbered)}" if i < sql.count("%s") else "")
        for i, part in enumerate(sql.split("%s"))
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = %s",
            [server_sql],
        )
        return [tuple(row) for row in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_on_postgresql_the_statement_is_prepared_from_its_sixth_run_and_keeps_its_rows():
    organisation = OrganisationFactory()
    ApiClientFactory(organisation=organisation, name="a", scopes=["footprints:read"])
    query = CompiledQuery(clients_of, organisation_id=Param(-992), name=Param("\x00other"))
    query.rows(organisation_id=organisation.pk, name="")
    sql = query._compiled[DEFAULT_DB_ALIAS].sql
    for _ in range(4):
        query.rows(organisation_id=organisation.pk, name="")
    assert prepared_plans(sql) == []

    runs = [query.rows(organisation_id=organisation.pk, name="") for _ in range(10)]

    [(generic, custom)] = prepared_plans(sql)
    assert generic + custom == 10  # prepared at the sixth run, and run by name since
    assert all(rows == [list(r) for r in clients_of(organisation.pk, "")] for rows in runs)
