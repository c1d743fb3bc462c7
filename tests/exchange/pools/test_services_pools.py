"""The pools' services behind the API: disclosure settings (parsed with the declared inputs,
checked by the pure rule, every cell decided again), the threshold edges of the hand-made
pool (4 vs 5 organisations; one organisation at 24.9 % vs 25.1 % of the production),
invitations and their answers, contributions refused with the field named, and the stated
certificate price of a release."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from accounts.audit import Actor
from accounts.models import AuditEvent
from core.errors import ValidationFailed
from exchange.pools.errors import NotAnAssociation
from exchange.pools.models import Pool, PoolCell
from exchange.pools.services.pools import pool_create, pool_settings_update
from exchange.pools.services.releases import pool_release_publish
from tests.accounts.test_authorisation_matrix import _snapshot
from tests.exchange.pools.conftest import COIL, WIRE, World, ok, published
from tests.exchange.pools.helpers import (
    accept,
    contribute,
    full_pool,
    invite,
    join_and_contribute,
)
from tests.exchange.pools.helpers import (
    pool_create as pool_create_through_the_api,
)

pytestmark = pytest.mark.django_db

COLD_ROLLED = "72091500"


def _published(pool_id: str, key: str) -> tuple[bool, str]:
    cell = PoolCell.objects.get(pool_id=pool_id, key=key)
    return cell.published, cell.suppression


# --- disclosure settings ------------------------------------------------------------------


def test_a_pool_starts_with_the_issues_defaults(world: World):
    pool = pool_create(
        actor=Actor(user=world.association.users["admin"]),
        association=world.association.organisation,
        name="  Hot-rolled steel  ",
    )

    assert (pool.name, pool.min_contributors, pool.max_share_pct) == (
        "Hot-rolled steel",
        5,
        Decimal("25"),
    )
    assert (pool.dominance_n, pool.dominance_pct) == (2, Decimal("85"))
    event = AuditEvent.objects.get(action="pool.created")
    assert event.after == {
        "name": "Hot-rolled steel",
        "min_contributors": "5",
        "max_share_pct": "25.00",
        "dominance_n": "2",
        "dominance_pct": "85.00",
    }


def test_only_an_association_runs_a_pool(world: World):
    mill = world.coil[0]
    before = _snapshot()

    response = mill.api().post(mill.url("pools/"), {"name": "Our own pool"}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "not_an_association"
    assert list(body["extra"]["fields"]) == ["organisation"]
    assert _snapshot() == before
    with pytest.raises(NotAnAssociation):
        pool_create(actor=Actor(user=mill.users["admin"]), association=mill.organisation, name="x")


@pytest.mark.parametrize(
    ("given", "field", "message"),
    [
        (
            {"min_contributors": 2},
            "min_contributors",
            "Expected a whole number of organisations, at least 3 (a cell is never published "
            "with fewer, whatever the setting).",
        ),
        (
            {"max_share_pct": "0"},
            "max_share_pct",
            "Expected a percentage above 0 and at most 100, e.g. 25.",
        ),
        (
            {"dominance_n": 0},
            "dominance_n",
            "Expected a whole number of organisations, at least 1, e.g. 2.",
        ),
        (
            {"dominance_pct": "100.5"},
            "dominance_pct",
            None,  # out of the declared bounds: the input layer's message
        ),
        ({"min_contributors": "five"}, "min_contributors", None),
        (
            {"quorum": 5},
            "quorum",
            "Expected one of: min_contributors, max_share_pct, dominance_n, dominance_pct.",
        ),
        (
            {"max_share_pct": "24.999"},
            "max_share_pct",
            "24.999 has more than two decimals; expected e.g. 24.5.",
        ),
    ],
    ids=["min-2", "share-0", "n-0", "k-100.5", "min-text", "unknown", "share-3-decimals"],
)
def test_bad_settings_are_refused_naming_the_field_and_change_nothing(
    world: World, given: dict, field: str, message: str | None
):
    pool_id = pool_create_through_the_api(world)
    before = _snapshot()

    response = world.association.api().patch(
        world.association.url(f"pools/{pool_id}/"), {"settings": given}, format="json"
    )

    assert response.status_code == 400, response.content
    fields = response.json()["extra"]["fields"]
    assert list(fields) == [field]
    if message is not None:
        assert fields[field] == [message]
    assert _snapshot() == before


def test_a_pool_created_with_bad_settings_is_not_created(world: World):
    before = _snapshot()

    response = world.association.api().post(
        world.association.url("pools/"),
        {"name": "Steel", "settings": {"min_contributors": 1}},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["min_contributors"]
    assert _snapshot() == before


def test_new_settings_decide_every_cell_again(world: World):
    pool_id = full_pool(world)
    assert _published(pool_id, f"{WIRE}||CN|2026") == (False, "contributors")

    pool = ok(
        world.association.api().patch(
            world.association.url(f"pools/{pool_id}/"),
            {"settings": {"min_contributors": 4}},
            format="json",
        )
    )

    # Four wire-rod mills of 25 % each: not above 25 % (strictly), (2, 85 %) holds
    # ((2.5 + 2.3) / 9.1 = 52.7 %): published now.
    assert pool["settings"] == {
        "min_contributors": 4,
        "max_share_pct": "25.00",
        "dominance_n": 2,
        "dominance_pct": "85.00",
    }
    assert _published(pool_id, f"{WIRE}||CN|2026") == (True, "")
    event = AuditEvent.objects.get(action="pool.settings_changed")
    assert (event.before["min_contributors"], event.after["min_contributors"]) == ("5", "4")


def test_the_same_settings_again_record_nothing(world: World):
    pool = Pool.objects.get(pk=pool_create_through_the_api(world))

    pool_settings_update(
        actor=Actor(user=world.association.users["admin"]),
        pool=pool,
        settings={"min_contributors": 5, "max_share_pct": "25"},
    )

    assert not AuditEvent.objects.filter(action="pool.settings_changed").exists()


# --- threshold edges ----------------------------------------------------------------------


def test_four_organisations_are_not_published_five_are(world: World):
    pool_id = full_pool(world)

    assert _published(pool_id, f"{COIL}||CN|2026") == (True, "")
    assert _published(pool_id, f"{WIRE}||CN|2026") == (False, "contributors")


@pytest.mark.parametrize(
    ("largest_t", "others_t", "expected"),
    [("249", "187.75", (True, "")), ("251", "187.25", (False, "share"))],
    ids=["24.9 percent", "25.1 percent"],
)
def test_the_share_rule_at_its_edge(world: World, largest_t: str, others_t: str, expected):
    # Five mills of cold-rolled coil, equal SEE; the first makes 249 (251) of 1,000 t.
    pool_id = pool_create_through_the_api(world)
    for index, mill in enumerate(world.coil):
        footprint = published(
            mill, COLD_ROLLED, "2.0", "0.1", activity_t=largest_t if index == 0 else others_t
        )
        invite(world, pool_id, mill)
        accept(mill, pool_id)
        contribute(mill, pool_id, footprint)

    assert _published(pool_id, f"{COLD_ROLLED}||CN|2026") == expected
    assert _published(pool_id, "7209||*|all") == expected


# --- invitations --------------------------------------------------------------------------


def test_invitations_refused_name_the_problem(world: World):
    pool_id = pool_create_through_the_api(world)
    api = world.association.api()
    url = world.association.url(f"pools/{pool_id}/members/")
    invite(world, pool_id, world.coil[0])

    twice = api.post(url, {"organisation": world.coil[0].slug}, format="json")
    itself = api.post(url, {"organisation": world.association.slug}, format="json")
    unknown = api.post(url, {"organisation": "no-such-mill"}, format="json")
    missing = api.post(url, {}, format="json")

    assert (twice.status_code, twice.json()["code"]) == (409, "already_in_pool")
    assert twice.json()["extra"] == {"status": "invited"}
    assert (itself.status_code, list(itself.json()["extra"]["fields"])) == (400, ["organisation"])
    assert unknown.status_code == 400
    assert unknown.json()["extra"]["fields"] == {
        "organisation": [
            "There is no organisation 'no-such-mill' on the platform; expected the slug of the "
            "company to invite."
        ]
    }
    assert (missing.status_code, list(missing.json()["extra"]["fields"])) == (
        400,
        ["organisation"],
    )


def test_an_organisation_is_invited_by_its_id_too(world: World):
    pool_id = pool_create_through_the_api(world)

    response = world.association.api().post(
        world.association.url(f"pools/{pool_id}/members/"),
        {"organisation": str(world.wire[0].organisation.pk)},
        format="json",
    )

    assert ok(response, 201)["organisation"]["slug"] == "wire-mill-1"


def test_an_answered_invitation_cannot_be_answered_again_and_a_declined_one_can_be_renewed(
    world: World,
):
    pool_id = pool_create_through_the_api(world)
    mill = world.coil[0]
    invite(world, pool_id, mill)
    declined = ok(mill.api().post(mill.url(f"pool-memberships/{pool_id}/decline/")))
    assert (declined["status"], declined["answered_by"]) == ("declined", "Admin of Coil Mill 1")

    again = mill.api().post(mill.url(f"pool-memberships/{pool_id}/accept/"))
    assert again.status_code == 404  # a declined invitation is no longer open

    invite(world, pool_id, mill)
    accept(mill, pool_id)
    twice = mill.api().post(mill.url(f"pool-memberships/{pool_id}/accept/"))
    assert (twice.status_code, twice.json()["code"]) == (409, "illegal_transition")


# --- contributions ------------------------------------------------------------------------


def test_an_invited_company_cannot_contribute_yet(world: World):
    pool_id = pool_create_through_the_api(world)
    mill = world.coil[0]
    invite(world, pool_id, mill)

    response = mill.api().post(
        mill.url(f"pool-memberships/{pool_id}/contributions/"),
        {"footprints": [str(mill.footprints[0].pk)]},
        format="json",
    )

    assert (response.status_code, response.json()["code"]) == (400, "not_a_pool_member")


@pytest.mark.parametrize(
    ("footprints", "field"),
    [
        ([], "footprints"),
        ("not a list", "footprints"),
        (["not-a-uuid"], "footprints[0]"),
        (["00000000-0000-0000-0000-000000000000"], "footprints[0]"),
    ],
    ids=["empty", "text", "not-an-id", "unknown-id"],
)
def test_contributions_refused_name_the_field(world: World, footprints, field):
    pool_id = pool_create_through_the_api(world)
    mill = world.coil[0]
    invite(world, pool_id, mill)
    accept(mill, pool_id)
    before = _snapshot()

    response = mill.api().post(
        mill.url(f"pool-memberships/{pool_id}/contributions/"),
        {"footprints": footprints},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert list(response.json()["extra"]["fields"]) == [field]
    assert _snapshot() == before


def test_a_draft_footprint_cannot_be_contributed(world: World):
    from tests.factories import FootprintFactory

    pool_id = pool_create_through_the_api(world)
    mill = world.coil[0]
    invite(world, pool_id, mill)
    accept(mill, pool_id)
    draft = FootprintFactory(organisation=mill.organisation)

    response = mill.api().post(
        mill.url(f"pool-memberships/{pool_id}/contributions/"),
        {"footprints": [str(draft.pk)]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {
        "footprints[0]": [
            f"{draft.pk} is Draft; only a published, signed footprint can be contributed (a "
            "deprecated one: contribute its newer version)."
        ]
    }


# --- releases -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("price", "field_message"),
    [
        ("abc", None),
        ("0", "Expected EUR per certificate, e.g. 75.28."),
        ("1e999999999", None),
    ],
    ids=["text", "zero", "huge"],
)
def test_a_bad_certificate_price_is_refused(world: World, price: str, field_message):
    pool_id = full_pool(world)
    before = _snapshot()

    response = world.association.api().post(
        world.association.url(f"pools/{pool_id}/releases/"),
        {"certificate_price_eur": price},
        format="json",
    )

    assert response.status_code == 400, response.content
    fields = response.json()["extra"]["fields"]
    assert list(fields) == ["certificate_price_eur"]
    if field_message:
        assert fields["certificate_price_eur"] == [field_message]
    assert _snapshot() == before


def test_without_a_price_a_release_uses_the_last_published_one(world: World):
    pool = Pool.objects.get(pk=full_pool(world))

    release = pool_release_publish(actor=Actor(user=world.association.users["admin"]), pool=pool)

    document_price = json.loads(bytes(release.payload))["certificate_price"]
    assert document_price["basis"] != "given"
    assert Decimal(document_price["eur_per_t"]) == release.certificate_price_eur


def test_nothing_to_release_while_every_cell_is_suppressed(world: World):
    pool_id = pool_create_through_the_api(world)
    join_and_contribute(world, pool_id, world.wire)

    with pytest.raises(ValidationFailed) as refused:
        pool_release_publish(
            actor=Actor(user=world.association.users["admin"]),
            pool=Pool.objects.get(pk=pool_id),
            certificate_price_eur="75",
        )

    assert refused.value.code == "nothing_to_release"
