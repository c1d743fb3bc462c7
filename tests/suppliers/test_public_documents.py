"""The JSON Schema of the CBAM extension is published where documents say it is."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from django.test import Client

from accounts.audit import Actor
from suppliers.pact.document import extension_schema_url
from suppliers.services.publishing import footprint_publish
from tests.factories import FootprintFactory


def test_the_extension_schema_is_served_at_the_url_documents_name(settings):
    settings.PLATFORM_HOST = "cbam.example.com"

    response = Client().get("/schemas/cbam-exchange/cbam-footprint-v1.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    schema = json.loads(response.content)
    assert schema["$id"] == extension_schema_url("cbam.example.com")
    assert schema["$id"] == "https://cbam.example.com/schemas/cbam-exchange/cbam-footprint-v1.json"
    assert schema["type"] == "object"


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_schema_is_read_only(method):
    assert (
        getattr(Client(), method)("/schemas/cbam-exchange/cbam-footprint-v1.json").status_code
        == 405
    )


@pytest.mark.django_db
def test_the_data_schema_a_published_footprint_names_resolves_at_the_public_address(
    settings, producer
):
    """Follow the ``dataSchema`` URL out of the signed bytes, as a PACT client would: over
    https, at the host it names, which is the platform's configured public address."""
    settings.SITE_URL = "https://cbam.example.com"
    settings.PLATFORM_HOST = "cbam.example.com"
    settings.ALLOWED_HOSTS = ["cbam.example.com"]
    footprint = FootprintFactory(
        organisation=producer.organisation,
        product=producer.product,
        installation=producer.installation,
        status="approved",
    )
    published = footprint_publish(actor=Actor(user=producer.users["admin"]), footprint=footprint)
    document = json.loads(bytes(published.signed_document))
    url = document["extensions"][0]["dataSchema"]
    parts = urlsplit(url)

    response = Client().get(parts.path, secure=True, HTTP_HOST=parts.netloc)

    assert url == "https://cbam.example.com/schemas/cbam-exchange/cbam-footprint-v1.json"
    assert f"{parts.scheme}://{parts.netloc}" == settings.SITE_URL
    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    assert json.loads(response.content)["$id"] == url
