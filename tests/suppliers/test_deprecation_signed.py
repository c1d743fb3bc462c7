"""Deprecation the PACT way: a deprecated footprint is served with status "Deprecated" and a
statusComment naming its successor, signed at deprecation; the original bytes stay as they
were and downloadable with ``?version=original``."""

from __future__ import annotations

import json

import pytest

from accounts.audit import Actor
from accounts.services.signing_keys import document_verify
from suppliers.models import Footprint, FootprintDeprecation, FootprintStatus
from suppliers.services.publishing import footprint_correct, footprint_publish
from suppliers.services.workflow import footprint_deprecate
from tests.factories import FootprintFactory
from tests.suppliers.conftest import Producer

pytestmark = pytest.mark.django_db


def _published(producer: Producer) -> Footprint:
    footprint = FootprintFactory(
        organisation=producer.organisation,
        product=producer.product,
        installation=producer.installation,
        status="approved",
    )
    return footprint_publish(actor=Actor(user=producer.users["admin"]), footprint=footprint)


def _corrected(producer: Producer) -> tuple[Footprint, bytes, str, Footprint]:
    """A published footprint, its original bytes and JWS, and its published correction."""
    original = _published(producer)
    payload, jws = bytes(original.signed_document), original.signature
    actor = Actor(user=producer.users["admin"])
    correction = footprint_correct(actor=actor, footprint=original)
    Footprint.objects.filter(pk=correction.pk).update(status=FootprintStatus.APPROVED)
    successor = footprint_publish(actor=actor, footprint=Footprint.objects.get(pk=correction.pk))
    return Footprint.objects.get(pk=original.pk), payload, jws, successor


def _url(producer: Producer, footprint: Footprint, what: str) -> str:
    slug = producer.organisation.slug
    return f"/api/v1/orgs/{slug}/footprints/{footprint.pk}/{what}/"


def test_publishing_a_correction_signs_the_deprecated_state_naming_the_successor(producer):
    original, payload, jws, successor = _corrected(producer)

    deprecation = FootprintDeprecation.objects.get(footprint=original)
    document = json.loads(bytes(deprecation.signed_document))
    before = json.loads(payload)

    assert original.status == FootprintStatus.DEPRECATED
    assert (bytes(original.signed_document), original.signature) == (payload, jws)
    assert before["status"] == "Active"
    assert document["status"] == "Deprecated"
    assert document["statusComment"] == f"Superseded by the footprint urn:uuid:{successor.pk}."
    assert {k: v for k, v in document.items() if k not in ("status", "statusComment")} == {
        k: v for k, v in before.items() if k != "status"
    }
    assert deprecation.successor == successor
    assert deprecation.signed_at == original.deprecated_at
    result = document_verify(
        payload=bytes(deprecation.signed_document),
        jws=deprecation.signature,
        signed_at=deprecation.signed_at,
    )
    assert (result.valid, result.reason, result.kid) == (True, "valid", deprecation.signing_kid)


def test_the_owners_api_serves_the_deprecated_document_and_the_original_on_request(producer):
    original, payload, jws, _successor = _corrected(producer)
    deprecation = FootprintDeprecation.objects.get(footprint=original)
    api = producer.api("viewer")

    current = api.get(_url(producer, original, "document"))
    current_jws = api.get(_url(producer, original, "signature"))
    first = api.get(_url(producer, original, "document") + "?version=original")
    first_jws = api.get(_url(producer, original, "signature") + "?version=original")

    assert current.status_code == 200
    assert current.content == bytes(deprecation.signed_document)
    assert json.loads(current.content)["status"] == "Deprecated"
    assert current_jws.content.decode() == deprecation.signature
    assert (first.content, first_jws.content.decode()) == (payload, jws)


def test_an_owners_deprecation_signs_its_reason_as_the_status_comment(producer):
    footprint = _published(producer)

    footprint_deprecate(
        actor=Actor(user=producer.users["admin"]),
        footprint=footprint,
        reason="The gas meter was read in thousands of Nm³.",
    )

    deprecation = FootprintDeprecation.objects.get(footprint=footprint)
    document = json.loads(bytes(deprecation.signed_document))
    assert (document["status"], document["statusComment"]) == (
        "Deprecated",
        "The gas meter was read in thousands of Nm³.",
    )
    assert deprecation.successor is None


def test_a_published_footprint_is_served_as_published_without_a_deprecation(producer):
    footprint = _published(producer)

    response = producer.api("viewer").get(_url(producer, footprint, "document"))

    assert response.content == bytes(footprint.signed_document)
    assert json.loads(response.content)["status"] == "Active"
    assert not FootprintDeprecation.objects.filter(footprint=footprint).exists()
