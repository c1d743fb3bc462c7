"""The rows of instance A, the supplier's PACT host, of test_two_instances.py (beside it).

Run in A's environment (its own database), after ``manage.py migrate``::

    PEER_BUYER_URL=https://127.0.0.1:<port of B> PEER_BUYER_CLIENT_ID=… PEER_BUYER_SECRET=… \\
    python manage.py shell -c "from tests.exchange.partners.peer_seed import main; main()"

It creates the steel mill (supplier) with one published, signed footprint carrying the CBAM
extension (the hot-rolled coil of the examples, verified), the screw maker as A knows it (the
organisation standing for instance B's company), a grant of that footprint to it, the screw
maker's machine client on A (what B calls A with) and the screw maker's partner on A (instance
B's base URL and B's credentials for A, so that A can answer B's requests). It prints one JSON
line: what B needs to register A as its partner and what the test asserts.
"""

from __future__ import annotations

import base64
import json
import os
import sys
from typing import Any

from django.db import transaction

from accounts.audit import Actor
from exchange.partners.services.partners import partner_create
from tests.exchange.pact.conftest import signed_footprint, stored
from tests.exchange.partners.conftest import full_document_fields
from tests.exchange.sharing.builders import grant_of
from tests.factories import ApiClientFactory, OrganisationFactory

#: The client id of the screw maker's machine client on A; its secret is the factory's.
BUYER_CLIENT_ID_ON_A = "cbx_screw_maker_at_steel_mill"


@transaction.atomic
def seed(*, buyer_url: str, buyer_client_id: str, buyer_secret: str) -> dict[str, Any]:
    supplier = OrganisationFactory(slug="steel-mill")
    buyer = OrganisationFactory(slug="screw-maker")
    footprint = signed_footprint(supplier, 1, **full_document_fields())
    grant_of(supplier, buyer, footprint)
    machine = ApiClientFactory(
        organisation=buyer, client_id=BUYER_CLIENT_ID_ON_A, scopes=["footprints:read"]
    )
    partner = partner_create(
        actor=Actor.platform("tests"),
        organisation=buyer,
        name="Screw maker's platform",
        base_url=buyer_url,
        auth_base_url="",
        client_id=buyer_client_id,
        secret=buyer_secret,
        machine_client_id=machine.pk,
    )
    document = json.loads(stored(footprint))
    return {
        "footprint_id": str(footprint.pk),
        "document_b64": base64.b64encode(stored(footprint)).decode(),
        "product_id": document["productIds"][0],
        "client_id": machine.client_id,
        "secret": f"secret-of-{machine.client_id}",
        "partner_id": str(partner.pk),
    }


def main() -> None:
    result = seed(
        buyer_url=os.environ["PEER_BUYER_URL"],
        buyer_client_id=os.environ["PEER_BUYER_CLIENT_ID"],
        buyer_secret=os.environ["PEER_BUYER_SECRET"],
    )
    sys.stdout.write(json.dumps(result) + "\n")
