"""A buyer and a Chinese supplier with a person in every role, and a browser-like client for
any of them in a chosen language (their own setting, as on the settings page)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from accounts.models import User
from exchange.sharing.models import FootprintRequest
from suppliers.models import Footprint

# The EU importer of the importer's pages (tests/exchange/pages/importer.py).
from tests.exchange.pages.importer import importer  # noqa: F401
from tests.exchange.sharing.builders import open_request, published_footprint

# The buyer (in Germany) and the Chinese supplier of the sharing tests.
from tests.exchange.sharing.conftest import Party, buyer, supplier  # noqa: F401

# The steel producer whose imported template names suppliers (tests/exchange/sharing).
from tests.exchange.sharing.template_world import workbook, world  # noqa: F401
from tests.factories import InstallationFactory, ProductFactory
from tests.suppliers.conftest import producer  # noqa: F401


def person(party: Party, role: str, language: str = "zh-hans") -> Client:
    """A signed-in client of ``party``'s person in ``role``, who chose ``language``."""
    user = party.users[role]
    User.objects.filter(pk=user.pk).update(language=language)
    client = Client()
    client.force_login(user)
    return client


def page_url(party: Party, path: str = "") -> str:
    return f"/o/{party.organisation.slug}/{path}"


def wire_rod(seller: Party, **fields: Any) -> Footprint:
    """A published footprint of the supplier's wire rod (CN 7213 91 10), 2026."""
    product = ProductFactory(organisation=seller.organisation, name="线材 Q195", cn_code="72139110")
    installation = InstallationFactory(
        organisation=seller.organisation, name="一号轧钢厂", name_latin="Rolling mill no. 1"
    )
    return published_footprint(
        seller.organisation, product=product, installation=installation, **fields
    )


def wire_rod_request(purchaser: Party, seller: Party, **fields: Any) -> FootprintRequest:
    values: dict[str, Any] = {
        "cn_code": "72139110",
        "description": "Wire rod 5.5 mm, SAE 1008",
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 12, 31),
        "due_date": timezone.localdate() + timedelta(days=30),
    }
    values.update(fields)
    return open_request(purchaser.organisation, seller.organisation, **values)
