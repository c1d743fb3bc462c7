"""The whole demo seed (``make seed``) run twice in a row gives the same world: every step
finds what it made and creates nothing, also after a supplier corrected a demo footprint."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from accounts.audit import Actor
from accounts.models import Membership, User
from accounts.services.memberships import membership_change_role
from core.jobs import job_execute
from core.models import Job
from exchange.declarations.models import Shipment
from exchange.sharing.models import Grant
from suppliers.models import Footprint
from suppliers.services.publishing import footprint_correct, footprint_publish
from suppliers.services.workflow import VALIDATE_JOB, footprint_approve, footprint_submit
from tests.demo.counts import (
    ACCOUNT_MODELS,
    EXCHANGE_MODELS,
    FOOTPRINT_MODELS,
    SIDE_MODELS,
    model_counts,
)

pytestmark = pytest.mark.django_db

STEPS = ("seed_demo", "seed_demo_footprints", "seed_demo_exchange")

#: What one seed makes on an empty database (after the reference data).
SEEDED = {
    # 6 + the five mills of the association's pool (5 people each).
    "Organisation": 11,
    "User": 55,
    "Membership": 55,
    "Installation": 8,
    "Product": 9,
    "Footprint": 13,
    "FootprintPrecursor": 14,
    # The two producers, the five mills and the association (its release is signed).
    "SigningKey": 8,
    "FootprintRequest": 2,
    "Grant": 2,
    "GrantedFootprint": 2,
    # 3 + 7 pool invitations + 6 acceptances told to the association.
    "Notification": 16,
    "BuyerProduct": 2,
    "BomLine": 3,
    "AggregationResult": 2,
    "Shipment": 6,
    "ShipmentImport": 1,
    "Pool": 1,
    # Six mills in, one company invited.
    "PoolMembership": 7,
    # The hebei mill's coil and wire rod, one coil of each other mill.
    "PoolContribution": 7,
    # 12 cells of the coil (CN 4/6/8 x CN/all countries x 2026/all years), 12 of the wire rod.
    "PoolCell": 24,
    "PoolRelease": 1,
    # 3 of them tell the platform verifier of the submissions naming it (run by the worker);
    # 5 validations of the mills' coils; 13 e-mails of the pool's notifications.
    "Job": 37,
    # 12 reference.version_loaded (10 tables, default_values v2 (IR 2026/1740), cn_codes v2
    # (CN 2026)) + 183 of the seed.
    "AuditEvent": 195,
}


@pytest.fixture
def seed_settings(settings: Any, reference_data: None, today: date) -> None:
    settings.DEBUG = True
    settings.CBAM_CERTIFICATE_PRICE_EUR = "75.00"


def _seed() -> dict[str, str]:
    outputs = {}
    for step in STEPS:
        out = StringIO()
        call_command(step, stdout=out)
        outputs[step] = out.getvalue()
    return outputs


def _counts() -> dict[str, int]:
    return model_counts(*ACCOUNT_MODELS, *FOOTPRINT_MODELS, *EXCHANGE_MODELS, *SIDE_MODELS)


def _hrc() -> Footprint:
    return Footprint.objects.get(
        organisation__slug="hebei-steel", product__cn_code="72083900", status="published"
    )


def _actor(email: str) -> Actor:
    return Actor(user=User.objects.get(email=email))


def _correct_and_publish(footprint: Footprint) -> Footprint:
    """The mill corrects its footprint the way its people would: a new version through the
    four-eyes workflow, published; the original becomes deprecated."""
    correction = footprint_correct(
        actor=_actor("preparer@hebei-steel.example"), footprint=footprint
    )
    correction = footprint_submit(
        actor=_actor("preparer@hebei-steel.example"), footprint=correction
    )
    assert correction.submitted_at is not None
    job_execute(
        job_id=Job.objects.get(
            idempotency_key=f"{VALIDATE_JOB}:{correction.pk}:{correction.submitted_at.isoformat()}"
        ).pk
    )
    correction.refresh_from_db()
    correction = footprint_approve(
        actor=_actor("reviewer@hebei-steel.example"), footprint=correction
    )
    return footprint_publish(actor=_actor("admin@hebei-steel.example"), footprint=correction)


def test_seeding_twice_in_a_row_gives_the_same_world(seed_settings):
    _seed()
    first = _counts()

    outputs = _seed()

    assert _counts() == first
    assert first == SEEDED
    assert "created:" not in outputs["seed_demo"]
    assert "nothing created" in outputs["seed_demo_footprints"]
    assert "nothing created" in outputs["seed_demo_exchange"]


def test_seeding_again_after_the_mill_corrected_its_coil_creates_nothing(seed_settings):
    _seed()
    original = _hrc()
    correction = _correct_and_publish(original)
    before = _counts()

    outputs = _seed()

    assert _counts() == before
    original.refresh_from_db()
    assert (original.status, _hrc()) == ("deprecated", correction)
    assert f"    {correction.pk}  published  Hot-rolled coil" in outputs["seed_demo_footprints"]
    assert "nothing created" in outputs["seed_demo_exchange"]
    assert (
        "uploaded before: nothing imported again): 6 of 6 rows imported"
        in (outputs["seed_demo_exchange"])
    )
    # The story still stands: the importer's shipments name the footprint it was given.
    assert Shipment.objects.filter(footprint=original).count() == 2
    assert Grant.objects.filter(buyer__slug="rhein-import", footprints__lineage=original.lineage)


def test_a_demo_person_whose_role_changed_gets_it_back(seed_settings):
    _seed()
    membership = Membership.objects.get(user__email="preparer@hebei-steel.example")
    membership_change_role(
        actor=_actor("owner@hebei-steel.example"),
        acting_role="owner",
        membership=membership,
        role="viewer",
    )

    output = StringIO()
    call_command("seed_demo", stdout=output)

    membership.refresh_from_db()
    assert membership.role == "preparer"
    assert (
        "created: role of preparer@hebei-steel.example in hebei-steel back to preparer"
        in output.getvalue().splitlines()
    )
