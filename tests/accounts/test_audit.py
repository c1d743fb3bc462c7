"""The audit log: append-only (model and, on PostgreSQL, a trigger), written in the same
transaction as the change it records, and readable per organisation through the API."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from rest_framework.test import APIClient

from accounts.audit import Actor, audit_record
from accounts.models import AuditEvent, Organisation
from accounts.roles import Role
from accounts.services import organisations as organisation_services
from accounts.services.api_clients import api_client_create, token_issue
from accounts.services.organisations import organisation_update
from core.errors import ValidationFailed
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

AUDIT_URL = "/api/v1/orgs/acme-steel/audit-events/"
APPEND_ONLY = "audit events are append-only"


@pytest.fixture
def event(organisation) -> AuditEvent:
    with transaction.atomic():
        return audit_record(
            actor=Actor.platform("test"),
            organisation=organisation,
            action="organisation.updated",
            obj=organisation,
            before={"legal_name_latin": "Acme Steel"},
            after={"legal_name_latin": "Acme Steel Works"},
        )


def _stored(event: AuditEvent) -> tuple[str, object]:
    return AuditEvent.objects.values_list("action", "after").get(pk=event.pk)


# --- append-only ------------------------------------------------------------------------------


def test_saving_an_existing_event_is_refused(event):
    event.action = "organisation.deleted"

    with pytest.raises(RuntimeError, match=f"^{APPEND_ONLY}$"):
        event.save()

    assert _stored(event) == ("organisation.updated", {"legal_name_latin": "Acme Steel Works"})


def test_deleting_an_event_is_refused(event):
    with pytest.raises(RuntimeError, match=f"^{APPEND_ONLY}$"):
        event.delete()

    assert AuditEvent.objects.filter(pk=event.pk).count() == 1


def test_the_database_refuses_a_raw_update(postgres_only, event):
    refused = r"audit events are append-only \(UPDATE refused\)"
    with (
        pytest.raises(DatabaseError, match=refused),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE accounts_auditevent SET action = 'rewritten'")

    assert _stored(event)[0] == "organisation.updated"


def test_the_database_refuses_a_raw_delete(postgres_only, event):
    refused = r"audit events are append-only \(DELETE refused\)"
    with (
        pytest.raises(DatabaseError, match=refused),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM accounts_auditevent")

    assert AuditEvent.objects.count() == 1


def test_the_database_refuses_a_queryset_update(postgres_only, event):
    with pytest.raises(DatabaseError, match=r"\(UPDATE refused\)"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(after={"legal_name_latin": "Forged"})

    assert _stored(event)[1] == {"legal_name_latin": "Acme Steel Works"}


def test_the_database_refuses_a_queryset_delete(postgres_only, event):
    with pytest.raises(DatabaseError, match=r"\(DELETE refused\)"), transaction.atomic():
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.count() == 1


def test_an_organisation_with_audit_events_cannot_be_deleted(event, organisation):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError), transaction.atomic():
        organisation.delete()

    assert Organisation.objects.filter(pk=organisation.pk).exists()


# --- one transaction with the change ------------------------------------------------------------


def test_a_service_that_fails_after_writing_leaves_neither_the_change_nor_its_event(
    organisation, monkeypatch
):
    real_audit_record = organisation_services.audit_record

    def audit_then_fail(**kwargs):
        real_audit_record(**kwargs)  # the change and its event are written...
        assert AuditEvent.objects.count() == 1
        raise RuntimeError("disk full")  # ...then the service fails

    monkeypatch.setattr(organisation_services, "audit_record", audit_then_fail)

    with pytest.raises(RuntimeError, match="disk full"):
        organisation_update(
            actor=Actor.platform("test"),
            organisation=organisation,
            legal_name_latin="Renamed Steel",
            kinds=["importer"],
        )

    organisation.refresh_from_db()
    assert organisation.legal_name_latin == "Acme Steel"
    assert organisation.kind_list == ["producer"]
    assert AuditEvent.objects.count() == 0


def test_an_invalid_field_refuses_the_whole_update(organisation):
    with pytest.raises(ValidationFailed) as exc:
        organisation_update(
            actor=Actor.platform("test"),
            organisation=organisation,
            legal_name_latin="Renamed Steel",
            country="ZZ",
        )

    assert exc.value.extra == {
        "fields": {
            "country": ["'ZZ' is not an ISO 3166-1 alpha-2 country code; expected e.g. CN, DE."]
        }
    }
    organisation.refresh_from_db()
    assert organisation.legal_name_latin == "Acme Steel"
    assert AuditEvent.objects.count() == 0


def test_an_identifier_listed_twice_is_refused_before_anything_is_written(admin_api, organisation):
    response = admin_api.patch(
        "/api/v1/orgs/acme-steel/",
        {
            "legal_name_latin": "Renamed Steel",
            "identifiers": [
                {"scheme": "lei", "value": "5493001KJTIIGC8Y1R12"},
                {"scheme": "lei", "value": "5493001kjtiigc8y1r12"},
            ],
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {
        "identifiers.1": ["urn:lei:5493001KJTIIGC8Y1R12 is listed twice."]
    }
    organisation.refresh_from_db()
    assert organisation.legal_name_latin == "Acme Steel"
    assert organisation.identifiers.count() == 0
    assert AuditEvent.objects.count() == 0


def test_an_unchanged_update_writes_no_event(organisation):
    organisation_update(
        actor=Actor.platform("test"), organisation=organisation, legal_name_latin="Acme Steel"
    )

    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_audit_record_outside_a_transaction_raises():
    organisation = OrganisationFactory()

    with pytest.raises(RuntimeError) as exc:
        audit_record(
            actor=Actor.platform("test"),
            organisation=organisation,
            action="organisation.updated",
            obj=organisation,
        )

    assert str(exc.value) == (
        "audit_record(organisation.updated) outside a transaction: wrap the change"
    )
    assert AuditEvent.objects.count() == 0


# --- the audit log API --------------------------------------------------------------------------


@pytest.fixture
def history(organisation, admin_user) -> list[AuditEvent]:
    """Three events of acme-steel (oldest first) and one of another organisation."""
    other = OrganisationFactory(slug="other-steel")
    actor = Actor(user=admin_user)
    events = []
    for action, name in (
        ("organisation.updated", "Acme Steel 2"),
        ("organisation.updated", "Acme Steel 3"),
    ):
        with transaction.atomic():
            events.append(
                audit_record(
                    actor=actor,
                    organisation=organisation,
                    action=action,
                    obj=organisation,
                    after={"legal_name_latin": name},
                )
            )
    api_client_create(actor=actor, organisation=organisation, name="ERP", scopes=["audit:read"])
    events.append(AuditEvent.objects.get(action="api_client.created"))
    with transaction.atomic():
        audit_record(
            actor=Actor.platform("test"),
            organisation=other,
            action="organisation.updated",
            obj=other,
            after={"legal_name_latin": "Secret of another organisation"},
        )
    return events


def test_admins_read_their_organisations_events_newest_first(admin_api, history, admin_user):
    response = admin_api.get(AUDIT_URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [r["id"] for r in body["results"]] == [e.pk for e in reversed(history)]
    newest = body["results"][0]
    assert newest == {
        "id": history[2].pk,
        "created_at": newest["created_at"],
        "actor": admin_user.email,
        "action": "api_client.created",
        "object_type": "accounts.apiclient",
        "object_id": history[2].object_id,
        "before": None,
        "after": {"name": "ERP", "role": "viewer", "scopes": ["audit:read"]},
        "request_id": "",
    }
    assert "Secret of another organisation" not in response.content.decode()


def test_the_audit_log_filters_by_action(admin_api, history):
    response = admin_api.get(AUDIT_URL, {"action": "organisation.updated"})

    assert response.status_code == 200
    assert [r["after"] for r in response.json()["results"]] == [
        {"legal_name_latin": "Acme Steel 3"},
        {"legal_name_latin": "Acme Steel 2"},
    ]
    assert admin_api.get(AUDIT_URL, {"action": "no.such"}).json()["count"] == 0


def test_another_organisations_admin_sees_only_their_own_events(history):
    other_admin = MembershipFactory(
        organisation=Organisation.objects.get(slug="other-steel"), role=Role.ADMIN
    ).user
    api = APIClient()
    api.force_authenticate(other_admin)

    theirs = api.get("/api/v1/orgs/other-steel/audit-events/")
    ours = api.get(AUDIT_URL)

    assert theirs.json()["count"] == 1
    assert theirs.json()["results"][0]["after"] == {
        "legal_name_latin": "Secret of another organisation"
    }
    assert ours.status_code == 404


def test_members_below_admin_cannot_read_the_audit_log(organisation, history):
    for role in (Role.PREPARER, Role.REVIEWER, Role.VIEWER):
        api = APIClient()
        api.force_authenticate(MembershipFactory(organisation=organisation, role=role).user)
        response = api.get(AUDIT_URL)
        assert response.status_code == 403, role


def test_a_non_member_cannot_read_the_audit_log(history):
    api = APIClient()
    api.force_authenticate(UserFactory())

    assert api.get(AUDIT_URL).status_code == 404


def test_a_machine_client_cannot_read_the_audit_log_even_with_audit_read(
    organisation, admin_user, history
):
    # audit:read is the scope, but the role must be an admin one, which machines never hold.
    client, secret = api_client_create(
        actor=Actor(user=admin_user), organisation=organisation, name="SIEM", scopes=["audit:read"]
    )
    token = token_issue(client_id=client.client_id, client_secret=secret, scope=None)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token.access_token}")

    response = api.get(AUDIT_URL)

    assert response.status_code == 403
    assert response.json()["message"] == "Your role (viewer) may not GET here."
