"""The suite's own machinery: the reference data loaded once per session (tests/conftest.py) and
the database snapshot of the authorisation matrix (tests/accounts/test_authorisation_matrix.py).

pytest-django runs the ordinary database tests first, then the ``transaction=True`` ones (in file
order), then the rest: so a flush is followed by other transactional tests, which need the
reference data as much as an ordinary test would (the validation workers read it)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from accounts.models import AuditEvent, Organisation
from reference.events import REFERENCE_VERSION_LOADED
from reference.models import ROW_MODELS, Dataset, ReferenceVersion
from reference.selectors import reference_snapshot_for
from suppliers.models import Installation, Product
from tests.accounts.test_authorisation_matrix import _snapshot, _snapshot_models
from tests.conftest import reference_data_is_loaded
from tests.factories import OrganisationFactory

# The tests of a flush and of the test after it follow each other: one process runs this module.
pytestmark = pytest.mark.xdist_group("suite_fixtures")

FLUSHED_SLUG = "committed-by-a-transactional-test"


def _reference_counts() -> dict[str, int]:
    return {dataset: model.objects.count() for dataset, model in ROW_MODELS.items()}


def _assert_the_shipped_reference_data() -> None:
    """Version 1 of every table, version 2 of the default values (Annex I as replaced by
    IR 2026/1740, shipped from the same date: 1957 rows, RU 720241 dropped) beside its 1958,
    and version 2 of the CN codes (CN 2026: 573 rows, 7308 20 10 added) beside its 572."""
    versions = sorted(ReferenceVersion.objects.values_list("dataset", "number", "row_count"))
    assert [(d, n) for d, n, _ in versions] == sorted(
        [(d, 1) for d in Dataset.values] + [(Dataset.DEFAULT_VALUES, 2), (Dataset.CN_CODES, 2)]
    )
    rows: dict[str, int] = {}
    for dataset, _, count in versions:
        rows[dataset] = rows.get(dataset, 0) + count
    assert _reference_counts() == rows
    assert [(n, c) for d, n, c in versions if d == Dataset.DEFAULT_VALUES] == [
        (1, 1958),
        (2, 1957),
    ]
    assert _reference_counts()[Dataset.DEFAULT_VALUES] == 1958 + 1957


# --- The reference data across a flush --------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_sees_the_committed_reference_data(reference_data):
    _assert_the_shipped_reference_data()
    assert reference_snapshot_for(on=date(2026, 6, 1)) is not None
    # Committed (no test transaction here): the flush after this test removes it, and the
    # reference data with it.
    OrganisationFactory(slug=FLUSHED_SLUG)


@pytest.mark.django_db(transaction=True)
def test_the_next_test_after_the_flush_finds_the_reference_data_again(reference_data):
    _assert_reloaded_after_the_flush()


def _assert_reloaded_after_the_flush() -> None:
    # The flush did run (the organisation committed above is gone) ...
    assert not Organisation.objects.filter(slug=FLUSHED_SLUG).exists()
    # ... and the reference data was loaded again, complete, with its load's audit events.
    _assert_the_shipped_reference_data()
    assert reference_data_is_loaded()
    loaded = AuditEvent.objects.filter(action=REFERENCE_VERSION_LOADED)
    assert sorted(loaded.values_list("object_id", flat=True)) == sorted(
        str(pk) for pk in ReferenceVersion.objects.values_list("pk", flat=True)
    )


def test_an_ordinary_test_finds_it_too(reference_data):
    _assert_reloaded_after_the_flush()


@pytest.mark.django_db
def test_a_test_that_does_not_ask_for_it_sees_the_rows_but_not_the_audit_events():
    _assert_the_shipped_reference_data()
    assert not AuditEvent.objects.exists()


def test_no_reference_data_empties_the_tables_for_one_test(no_reference_data):
    assert _reference_counts() == dict.fromkeys(ROW_MODELS, 0)
    assert not ReferenceVersion.objects.exists()


def test_and_the_rollback_brings_them_back(reference_data):
    _assert_the_shipped_reference_data()


# --- The authorisation matrix's snapshot ------------------------------------------------------


class _DeniedAfterAnUpdate(APIView):
    """A broken view: it renames the organisation, then refuses the request."""

    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []

    def post(self, request: Any, slug: str) -> Response:
        Organisation.objects.filter(slug=slug).update(legal_name_latin="Renamed by a refusal")
        raise PermissionDenied


@pytest.fixture
def producer_org() -> Organisation:
    organisation = OrganisationFactory(slug="snapshot-org", legal_name_latin="Snapshot Org")
    product = Product.objects.create(
        organisation=organisation, name="Coil", cn_code="72083900", category="Iron or steel"
    )
    product.installations.add(
        Installation.objects.create(organisation=organisation, name="Works", country="CN")
    )
    return organisation


@pytest.mark.django_db
def test_the_snapshot_catches_a_denied_view_that_updates_a_row(producer_org):
    before = _snapshot()
    assert _snapshot() == before  # nothing changed, nothing shows

    view = _DeniedAfterAnUpdate.as_view()
    response = view(APIRequestFactory().post("/x/", {}, format="json"), slug=producer_org.slug)

    assert response.status_code == 403
    after = _snapshot()
    assert after != before
    changed = {label for label in before if before[label] != after[label]}
    assert changed == {"accounts.Organisation"}
    # Same number of rows: only the digest of their contents tells.
    assert after["accounts.Organisation"][0] == before["accounts.Organisation"][0]


@pytest.mark.django_db
def test_the_snapshot_catches_a_changed_link_table_and_a_deleted_row(producer_org):
    before = _snapshot()
    product = Product.objects.get(organisation=producer_org)
    product.installations.clear()
    product.installations.add(
        Installation.objects.create(organisation=producer_org, name="Other", country="CN")
    )
    Installation.objects.filter(name="Works").delete()
    after = _snapshot()
    assert {label for label in before if before[label] != after[label]} == {
        "suppliers.Installation",
        "suppliers.Product_installations",
    }


def test_the_snapshot_covers_every_table_a_request_can_change():
    labels = {model._meta.label for model in _snapshot_models()}
    # The exchange's sub-apps (app labels sharing, boms, declarations) and many-to-many tables.
    assert {"accounts.AuditEvent", "core.Job", "suppliers.Product_installations"} <= labels
    assert {label.split(".")[0] for label in labels} >= {"sharing", "boms", "declarations"}
    assert not any(label.startswith("reference.") for label in labels)
