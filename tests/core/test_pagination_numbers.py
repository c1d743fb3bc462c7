"""Page numbers are read like every number of the platform: ASCII digits only."""

from __future__ import annotations

import pytest

from tests.factories import MembershipFactory


@pytest.fixture
def member_api(api, db):
    member = MembershipFactory()
    MembershipFactory.create_batch(2, organisation=member.organisation)
    api.force_authenticate(member.user)
    return api, f"/api/v1/orgs/{member.organisation.slug}/memberships/"


def test_a_page_in_other_scripts_digits_is_not_a_page(member_api):
    api, url = member_api

    assert api.get(url, {"page": "1"}).status_code == 200
    response = api.get(url, {"page": "١"})

    assert response.status_code == 404
    assert response.json()["message"] == "'١' is not a page number; expected 1, 2, 3, …"


def test_a_page_size_in_other_scripts_digits_gives_the_default_size(member_api):
    api, url = member_api

    assert len(api.get(url, {"page_size": "١"}).json()["results"]) == 3
    assert len(api.get(url, {"page_size": "1"}).json()["results"]) == 1
