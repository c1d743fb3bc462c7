"""A PACT world: a buyer's machine client, its own footprint, a supplier's footprints
(granted or not), each signed as a small PACT ProductFootprint whose fields the tests set."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from accounts.models import AccessToken, ApiClient, Organisation
from accounts.services.api_clients import token_issue
from accounts.services.signing_keys import document_sign
from suppliers.models import Footprint, Product
from tests.exchange.sharing.builders import grant_of
from tests.factories import ApiClientFactory, FootprintFactory, OrganisationFactory
from tests.pact_tls import pact_tls_server

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def pact_document(footprint: Footprint, **fields: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": str(footprint.pk),
        "specVersion": "3.0.0",
        "status": "Active",
        "companyName": footprint.organisation.legal_name_latin,
        "companyIds": ["urn:pact:company:supplier"],
        "productIds": ["urn:gtin:1234567890123"],
        "productClassifications": ["urn:pact:productclassification:cn:72083900"],
        "productNameCompany": footprint.product.name,
        "validityPeriodStart": "2026-01-01T00:00:00Z",
        "validityPeriodEnd": "2027-01-01T00:00:00Z",
        "pcf": {"geographyCountry": "CN", "referencePeriodEnd": "2026-01-01T00:00:00Z"},
    }
    document.update(fields)
    return {k: v for k, v in document.items() if v is not None}


def signed_footprint(
    organisation: Organisation,
    minute: int,
    db_status: str = "published",
    product: Product | None = None,
    **fields: Any,
) -> Footprint:
    """A published (or deprecated) footprint whose stored document has ``fields``, created at
    T0 + ``minute`` (of ``product``, else of a new product)."""
    footprint = FootprintFactory(
        organisation=organisation, **({"product": product} if product is not None else {})
    )
    with transaction.atomic():
        signed = document_sign(
            organisation=organisation, document=pact_document(footprint, **fields)
        )
    Footprint.objects.filter(pk=footprint.pk).update(
        status=db_status,
        signed_document=signed.payload,
        signature=signed.jws,
        signing_kid=signed.kid,
        published_at=signed.signed_at,
        created_at=T0 + timedelta(minutes=minute),
    )
    footprint.refresh_from_db()
    return footprint


def stored(footprint: Footprint) -> bytes:
    return bytes(footprint.signed_document or b"")


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


@dataclass
class PactWorld:
    buyer: Organisation
    supplier: Organisation
    machine: ApiClient
    secret: str
    token: str

    def bearer(self) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}


class HttpsClient(Client):
    """Django's test client, every call made as ``secure=True`` (https)."""

    def generic(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["secure"] = True
        return super().generic(*args, **kwargs)


@pytest.fixture
def client() -> Client:
    """The PACT host refuses plain HTTP (exchange.pact.middleware): the tests call it over
    https (test_tls_only.py calls it over http)."""
    return HttpsClient()


@pytest.fixture
def world(db: None) -> PactWorld:
    buyer = OrganisationFactory(slug="screw-maker")
    supplier = OrganisationFactory(slug="steel-mill")
    machine = ApiClientFactory(organisation=buyer, scopes=["footprints:read"])
    secret = f"secret-of-{machine.client_id}"
    issued = token_issue(client_id=machine.client_id, client_secret=secret, scope=None)
    return PactWorld(buyer, supplier, machine, secret, issued.access_token)


def expire_all_tokens() -> None:
    AccessToken.objects.update(expires_at=T0)


__all__ = [
    "basic",
    "expire_all_tokens",
    "grant_of",
    "pact_tls_server",
    "signed_footprint",
    "stored",
]
