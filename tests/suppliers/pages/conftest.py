"""The producer of tests/suppliers/conftest.py (people in every role, an installation and a
product), seen through the pages: a signed-in client per role, and the page language."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from suppliers.models import Footprint, FootprintStatus
from tests.factories import FootprintFactory
from tests.suppliers.conftest import Producer

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_url(producer: Producer, path: str = "") -> str:
    return f"/o/{producer.organisation.slug}/{path}"


@pytest.fixture
def preparer(producer: Producer) -> Client:
    return client_of(producer.users["preparer"])


@pytest.fixture
def viewer(producer: Producer) -> Client:
    return client_of(producer.users["viewer"])


def published(producer: Producer, **fields: Any) -> Footprint:
    """A published footprint of the producer's product (signed bytes stand-ins: no key)."""
    values: dict[str, Any] = {
        "organisation": producer.organisation,
        "product": producer.product,
        "installation": producer.installation,
        "status": FootprintStatus.PUBLISHED,
        "signed_document": b'{"id":"pcf"}',
        "signature": "eyJhbGciOiJFZERTQSJ9..c2lnbmF0dXJl",
        **fields,
    }
    return FootprintFactory(**values)
