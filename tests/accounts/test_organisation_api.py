from __future__ import annotations

import pytest

from accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_an_admin_renames_the_organisation_and_the_change_is_audited(admin_api, organisation):
    response = admin_api.patch(
        "/api/v1/orgs/acme-steel/",
        {"legal_name_latin": "Acme Steel Works", "country": "cn"},
        format="json",
        HTTP_X_REQUEST_ID="req-12345678",
    )

    assert response.status_code == 200
    assert response.json()["legal_name_latin"] == "Acme Steel Works"
    assert response.json()["country"] == "CN"
    event = AuditEvent.objects.get(action="organisation.updated")
    assert event.before == {"legal_name_latin": "Acme Steel"}
    assert event.after == {"legal_name_latin": "Acme Steel Works"}
    assert event.request_id == "req-12345678"
    assert event.organisation == organisation


def test_bad_fields_are_named_and_nothing_is_written(admin_api, organisation):
    response = admin_api.patch(
        "/api/v1/orgs/acme-steel/",
        {"country": "XX", "kinds": ["smelter"], "identifiers": [{"scheme": "lei", "value": "123"}]},
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["extra"]["fields"]) == {"kinds.0"}
    assert AuditEvent.objects.count() == 0


def test_service_level_errors_name_each_field(admin_api, organisation):
    response = admin_api.patch(
        "/api/v1/orgs/acme-steel/",
        {"country": "XX", "identifiers": [{"scheme": "lei", "value": "5299000CBAMDEMO00199"}]},
        format="json",
    )

    assert response.status_code == 400
    fields = response.json()["extra"]["fields"]
    assert fields["country"] == [
        "'XX' is not an ISO 3166-1 alpha-2 country code; expected e.g. CN, DE."
    ]
    assert fields["identifiers.0"] == [
        "'5299000CBAMDEMO00199': LEI check digits do not match (ISO 7064 MOD 97-10); it is mistyped"
    ]
    organisation.refresh_from_db()
    assert organisation.country == "CN"


def test_malformed_json_gets_the_envelope(admin_api):
    response = admin_api.generic(
        "PATCH", "/api/v1/orgs/acme-steel/", "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"
