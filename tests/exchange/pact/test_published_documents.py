"""A footprint published through the real pipeline (API, validation job, review, signing) is
served and filtered by its real PACT document, to a buyer holding a grant."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from accounts.audit import Actor
from accounts.services.api_clients import token_issue
from suppliers.models import FootprintDeprecation
from suppliers.services.workflow import footprint_deprecate
from tests.exchange.sharing.builders import grant_of
from tests.factories import ApiClientFactory, OrganisationFactory
from tests.suppliers.conftest import producer  # noqa: F401  (the real publishing pipeline)
from tests.suppliers.test_export_and_verify import _published_through_the_api

pytestmark = pytest.mark.django_db


def test_a_real_published_footprint_is_served_and_filtered_by_its_document(client, producer):  # noqa: F811
    footprint = _published_through_the_api(producer)
    buyer = OrganisationFactory(slug="screw-maker")
    grant_of(producer.organisation, buyer, footprint)
    machine = ApiClientFactory(organisation=buyer, scopes=["footprints:read"])
    token = token_issue(
        client_id=machine.client_id, client_secret=f"secret-of-{machine.client_id}", scope=None
    ).access_token
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    signed = bytes(footprint.signed_document or b"")
    document = json.loads(signed)

    one = client.get(f"/3/footprints/{footprint.pk}", **bearer)
    assert one.content == b'{"data":' + signed + b"}"

    matching = [
        f"productId={quote(document['productIds'][0])}",
        f"companyId={quote(document['companyIds'][0])}",
        f"geography={document['pcf']['geographyCountry']}",
        f"classification={quote(document['productClassifications'][0])}",
        # No validityPeriodStart in our documents: valid from referencePeriodEnd for 3 years.
        f"validOn={quote(document['pcf']['referencePeriodEnd'])}",
        "validBefore=2100-01-01T00:00:00Z",
        "status=Active",
    ]
    for query in matching:
        response = client.get(f"/3/footprints?{query}", **bearer)
        assert response.content == b'{"data":[' + signed + b"]}", query
    response = client.get("/3/footprints?" + "&".join(matching), **bearer)
    assert response.content == b'{"data":[' + signed + b"]}"
    assert "validityPeriodStart" not in document
    for query in ("geography=DE", "validAfter=2100-01-01T00:00:00Z", "status=Deprecated"):
        assert client.get(f"/3/footprints?{query}", **bearer).content == b'{"data":[]}', query


def test_a_deprecated_footprint_is_served_as_its_signed_deprecated_state(client, producer):  # noqa: F811
    footprint = _published_through_the_api(producer)
    machine = ApiClientFactory(organisation=producer.organisation, scopes=["footprints:read"])
    token = token_issue(
        client_id=machine.client_id, client_secret=f"secret-of-{machine.client_id}", scope=None
    ).access_token
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    footprint_deprecate(
        actor=Actor(user=producer.users["admin"]),
        footprint=footprint,
        reason="The gas meter was read in thousands of Nm³.",
    )

    deprecated = bytes(FootprintDeprecation.objects.get(footprint=footprint).signed_document)
    assert deprecated != bytes(footprint.signed_document or b"")
    one = client.get(f"/3/footprints/{footprint.pk}", **bearer)
    assert one.content == b'{"data":' + deprecated + b"}"
    listed = client.get("/3/footprints?status=Deprecated", **bearer)
    assert listed.content == b'{"data":[' + deprecated + b"]}"
    served = json.loads(one.content)["data"]
    assert (served["status"], served["statusComment"]) == (
        "Deprecated",
        "The gas meter was read in thousands of Nm³.",
    )
    assert client.get("/3/footprints?status=Active", **bearer).content == b'{"data":[]}'
