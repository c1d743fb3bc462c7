"""The JSON Schema of the CBAM extension is published where documents say it is."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from suppliers.pact.document import extension_schema_url


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
