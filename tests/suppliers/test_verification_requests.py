"""A platform verifier sees the footprints that name it and confirms them in its own account."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import AuditEvent
from accounts.roles import OrganisationKind, Role
from suppliers.models import Footprint
from tests.factories import FootprintFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def verifier():
    organisation = OrganisationFactory(
        slug="nordic-verification", kinds=[OrganisationKind.VERIFIER]
    )
    return organisation


def _client(organisation, role):
    api = APIClient()
    api.force_authenticate(MembershipFactory(organisation=organisation, role=role).user)
    return api


def test_a_verifier_sees_only_submitted_footprints_that_name_it(verifier):
    named = FootprintFactory(verifier_organisation=verifier, status="in_review")
    FootprintFactory(verifier_organisation=verifier, status="draft")  # not shared yet
    FootprintFactory(status="in_review")  # names nobody

    response = _client(verifier, Role.VIEWER).get(
        "/api/v1/orgs/nordic-verification/verification-requests/"
    )

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(named.pk)]
    assert response.json()["results"][0]["producer"] == named.organisation.slug


def test_a_verifier_reviewer_confirms_and_both_organisations_audit_it(verifier):
    footprint = FootprintFactory(verifier_organisation=verifier, status="in_review")

    response = _client(verifier, Role.REVIEWER).post(
        f"/api/v1/orgs/nordic-verification/verification-requests/{footprint.pk}/confirm/"
    )

    assert response.status_code == 200
    assert response.json()["verifier_confirmed_at"] is not None
    footprint.refresh_from_db()
    assert footprint.verifier_confirmed_at is not None
    events = AuditEvent.objects.filter(action="footprint.verification_confirmed")
    assert sorted(e.organisation.slug for e in events) == sorted(
        ["nordic-verification", footprint.organisation.slug]
    )


def test_a_second_confirmation_is_a_conflict(verifier):
    footprint = FootprintFactory(verifier_organisation=verifier, status="in_review")
    api = _client(verifier, Role.REVIEWER)
    url = f"/api/v1/orgs/nordic-verification/verification-requests/{footprint.pk}/confirm/"
    api.post(url)

    response = api.post(url)

    assert response.status_code == 409
    assert response.json()["message"].startswith("Already confirmed on ")


def test_the_producer_cannot_reach_the_verifiers_inbox(verifier):
    footprint = FootprintFactory(verifier_organisation=verifier, status="in_review")
    producer_api = _client(footprint.organisation, Role.OWNER)

    response = producer_api.post(
        f"/api/v1/orgs/nordic-verification/verification-requests/{footprint.pk}/confirm/"
    )

    assert response.status_code == 404
    assert Footprint.objects.get(pk=footprint.pk).verifier_confirmed_at is None


def test_a_verifier_declines_with_a_comment_over_the_api(verifier):
    footprint = FootprintFactory(verifier_organisation=verifier, status="in_review")
    api = _client(verifier, Role.REVIEWER)
    url = f"/api/v1/orgs/nordic-verification/verification-requests/{footprint.pk}/decline/"

    refused = api.post(url, {}, format="json")
    declined = api.post(url, {"comment": "The gas figure is wrong."}, format="json")

    assert refused.status_code == 400
    assert refused.json() == {
        "code": "invalid",
        "message": "A declined verification needs a comment.",
        "extra": {
            "fields": {
                "comment": [
                    "Say why the verification is declined and what the producer must change; "
                    "the producer reads it."
                ]
            }
        },
    }
    assert declined.status_code == 200
    body = declined.json()
    assert body["verifier_confirmed_at"] is None
    assert body["verifier_declined_at"] is not None
    history = api.get("/api/v1/orgs/nordic-verification/verification-decisions/").json()
    assert [
        (row["footprint"], row["outcome"], row["comment"], row["see_total"])
        for row in history["results"]
    ] == [(str(footprint.pk), "declined", "The gas figure is wrong.", "1.80000")]


def test_a_viewer_of_the_verifier_cannot_decline(verifier):
    footprint = FootprintFactory(verifier_organisation=verifier, status="in_review")

    response = _client(verifier, Role.VIEWER).post(
        f"/api/v1/orgs/nordic-verification/verification-requests/{footprint.pk}/decline/",
        {"comment": "No."},
        format="json",
    )

    assert response.status_code == 403
    assert Footprint.objects.get(pk=footprint.pk).verifier_declined_at is None
