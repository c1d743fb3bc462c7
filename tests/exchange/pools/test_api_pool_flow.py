"""The pool through the API, as the association and its members use it: invitation and
acceptance, contributions, exact statistics of the hand-made pool (five coil mills publish,
four wire-rod mills do not), a signed release, each member's own position, withdrawal and a
lineage that moves on (a correction follows it, a deprecation leaves)."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.audit import Actor
from accounts.models import AuditEvent
from exchange.pools.models import PoolCell, PoolContribution
from exchange.sharing.models import Notification
from suppliers.models import Footprint
from suppliers.services.publishing import footprint_correct, footprint_publish
from suppliers.services.workflow import footprint_deprecate
from tests.exchange.pools.conftest import COIL, WIRE, World, ok
from tests.exchange.pools.helpers import (
    accept,
    cells,
    contribute,
    full_pool,
    invite,
    pool_create,
    publish,
)

pytestmark = pytest.mark.django_db

#: The five coil mills' statistics (see conftest): Hyndman-Fan type 7 over 5 values, position
#: h = 1 + 4q: P10 at h = 1.4, P25 at 2, median at 3, P75 at 4, P90 at 4.6.
COIL_DIRECT = {
    "mean": "1.88000",  # 9.4 / 5
    "p10": "1.58000",  # 1.5 + 0.4 x (1.7 - 1.5)
    "p25": "1.70000",
    "median": "1.80000",
    "p75": "2.00000",
    "p90": "2.24000",  # 2.0 + 0.6 x (2.4 - 2.0)
}
COIL_INDIRECT = {
    "mean": "0.20000",  # 1.0 / 5
    "p10": "0.12000",  # 0.10 + 0.4 x 0.05
    "p25": "0.15000",
    "median": "0.20000",
    "p75": "0.25000",
    "p90": "0.28000",  # 0.25 + 0.6 x 0.05
}
COIL_STATISTICS = {
    "contributors": 5,
    "footprints": 5,
    "direct": COIL_DIRECT,
    "indirect": COIL_INDIRECT,
    "counted": COIL_DIRECT,  # iron and steel: the indirect emissions do not count
    "verified_share_pct": "40.0",  # 2 of 5
}
#: Every cell of a footprint: CN 4, 6 and 8 digits x (CN, all countries) x (2026, all years).
COIL_CELLS = [
    f"{cn}||{country}|{year}"
    for cn in ("7208", "720839", COIL)
    for country in ("*", "CN")
    for year in ("2026", "all")
]
WIRE_CELLS = [
    f"{cn}||{country}|{year}"
    for cn in ("7213", "721391", WIRE)
    for country in ("*", "CN")
    for year in ("2026", "all")
]


def _by_key(rows: list[dict]) -> dict[str, dict]:
    return {row["key"]: row for row in rows}


def test_an_invitation_accepted_records_the_date_and_the_person_and_tells_the_association(
    world: World,
):
    mill = world.coil[0]
    pool_id = pool_create(world)

    invited = invite(world, pool_id, mill)
    assert (invited["status"], invited["organisation"]) == (
        "invited",
        {"slug": "coil-mill-1", "name": "Coil Mill 1"},
    )
    assert invited["invited_by"] == "Admin of China Steel Association"
    mine = ok(mill.api("viewer").get(mill.url("pool-memberships/")))["results"]
    assert [(m["pool"]["id"], m["status"], m["association"]["slug"]) for m in mine] == [
        (pool_id, "invited", "steel-association")
    ]
    assert Notification.objects.get(organisation=mill.organisation).kind == "pool.invited"

    before = timezone.now()
    accepted = accept(mill, pool_id)

    assert accepted["status"] == "active"
    assert accepted["answered_by"] == "Admin of Coil Mill 1"
    answered_at = timezone.datetime.fromisoformat(accepted["answered_at"])
    assert before <= answered_at <= timezone.now()
    members = ok(
        world.association.api("viewer").get(world.association.url(f"pools/{pool_id}/members/"))
    )["results"]
    assert [(m["organisation"]["slug"], m["status"], m["answered_by"]) for m in members] == [
        ("coil-mill-1", "active", "Admin of Coil Mill 1")
    ]
    assert members[0]["answered_at"] == accepted["answered_at"]
    joined = Notification.objects.get(organisation=world.association.organisation)
    assert (joined.kind, joined.subject) == (
        "pool.joined",
        "Coil Mill 1 joined your data pool Hot-rolled steel, China",
    )
    event = AuditEvent.objects.get(action="pool.invitation_accepted")
    assert (event.actor_user, event.organisation) == (mill.users["admin"], mill.organisation)


def test_the_hand_made_pool_publishes_the_five_and_suppresses_the_four(world: World):
    pool_id = full_pool(world)

    rows = _by_key(cells(world, pool_id))

    assert sorted(rows) == sorted(COIL_CELLS + WIRE_CELLS)
    for key in COIL_CELLS:
        assert rows[key]["published"] is True, key
        assert rows[key]["suppression"] is None, key
        assert rows[key]["statistics"] == COIL_STATISTICS, key
    for key in WIRE_CELLS:
        # Four organisations: below the threshold of five. The association's preview says
        # why; no figure is shown, not even how many contributors there are.
        assert rows[key] == {
            "key": key,
            "cn_code": key.split("|")[0],
            "route": "",
            "country": key.split("|")[2],
            "year": 0 if key.endswith("all") else 2026,
            "published": False,
            "suppression": "contributors",
            "statistics": None,
        }
    pool = ok(world.association.api("viewer").get(world.association.url(f"pools/{pool_id}/")))
    assert (pool["members"], pool["invited"], pool["contributions"]) == (9, 0, 9)
    assert pool["coverage"] == [
        {"heading": "7208|", "published": 12, "suppressed": 0, "by_reason": {}},
        {"heading": "7213|", "published": 0, "suppressed": 12, "by_reason": {"contributors": 12}},
    ]


def test_a_release_is_signed_and_records_the_contributions_it_used_by_digest(world: World):
    pool_id = full_pool(world)

    release = publish(world, pool_id, certificate_price_eur="75.00")

    assert {k: release[k] for k in release if k != "released_at"} == {
        "number": 1,
        "certificate_price_eur": "75.00",
        "cells_published": 12,
        "cells_suppressed": 12,
        "contributions_used": 5,
        "kid": release["kid"],
        "released_by": "Admin of China Steel Association",
    }
    assert release["kid"].startswith("steel-association-")
    detail = ok(world.coil[0].api("viewer").get(world.coil[0].url(f"pools/{pool_id}/releases/1/")))
    document = detail["document"]
    assert document["contributions"] == sorted(
        hashlib.sha256(bytes(m.footprints[0].signed_document)).hexdigest() for m in world.coil
    )
    assert document["certificate_price"] == {
        "eur_per_t": "75.00",
        "basis": "given",
        "source": "stated by the association: EUR 75.00",
    }
    by_cell = {cell["cell"]: cell for cell in document["cells"]}
    assert by_cell[f"{WIRE}||CN|2026"] == {
        "cell": f"{WIRE}||CN|2026",
        "cn_code": WIRE,
        "route": "",
        "country": "CN",
        "year": 2026,
        "published": False,
        "note": "not enough contributors to publish",
    }
    coil = by_cell[f"{COIL}||CN|2026"]
    assert coil["statistics"] == COIL_STATISTICS
    assert coil["reference"]["default_with_mark_up"] == EXPECTED_DEFAULT_WITH_MARK_UP
    assert (coil["gap_tco2e_per_t"], coil["gap_eur_per_t"]) == EXPECTED_GAP
    raw = world.coil[0].api().get(world.coil[0].url(f"pools/{pool_id}/releases/1/document/"))
    assert raw.status_code == 200
    assert raw["Content-Type"] == "application/json"
    assert json.loads(raw.content) == document
    assert detail["digest"] == hashlib.sha256(raw.content).hexdigest()
    assert raw["Digest"] == f"sha-256={detail['digest']}"


# The shipped default values v2 (IR 2026/1740) for CN 72083900 from China, with the 2026
# mark-up; filled from the reference data when the pure reference rule landed.
EXPECTED_DEFAULT_WITH_MARK_UP: str | None = None
EXPECTED_GAP: tuple[str | None, str | None] = (None, None)


def test_each_member_sees_its_own_position_only(world: World):
    pool_id = full_pool(world)
    publish(world, pool_id, certificate_price_eur="75.00")

    first = ok(
        world.coil[0].api("viewer").get(world.coil[0].url(f"pool-memberships/{pool_id}/position/"))
    )
    fifth = ok(
        world.coil[4].api("viewer").get(world.coil[4].url(f"pool-memberships/{pool_id}/position/"))
    )
    wire = ok(
        world.wire[0].api("viewer").get(world.wire[0].url(f"pool-memberships/{pool_id}/position/"))
    )

    assert first["release"]["number"] == 1
    assert sorted(p["cell"] for p in first["positions"]) == sorted(COIL_CELLS)
    own = str(world.coil[0].footprints[0].pk)
    assert {p["footprint"] for p in first["positions"]} == {own}
    position = next(p for p in first["positions"] if p["cell"] == f"{COIL}||CN|2026")
    assert (position["value"], position["band"], position["median"], position["to_median_t"]) == (
        "1.50000",
        "below_p10",
        "1.80000",
        "-0.30000",
    )
    assert {p["band"] for p in fifth["positions"]} == {"above_p90"}
    assert {p["to_median_t"] for p in fifth["positions"]} == {"0.60000"}
    # The wire-rod mills' cells are all suppressed: nothing to stand against.
    assert wire["positions"] == []
    text = json.dumps(first)
    for other in world.coil[1:]:
        assert str(other.footprints[0].pk) not in text
        assert other.slug not in text


def test_a_withdrawn_lineage_leaves_later_statistics_and_the_earlier_release_stays_byte_identical(
    world: World,
):
    pool_id = full_pool(world)
    publish(world, pool_id, certificate_price_eur="75.00")
    url = world.association.url(f"pools/{pool_id}/releases/1/document/")
    before = world.association.api("viewer").get(url).content
    mill = world.coil[4]
    contribution = PoolContribution.objects.get(organisation=mill.organisation)

    withdrawn = ok(
        mill.api().post(
            mill.url(f"pool-memberships/{pool_id}/contributions/{contribution.pk}/withdraw/")
        )
    )

    assert withdrawn["withdrawn_at"] is not None
    rows = _by_key(cells(world, pool_id))
    assert {rows[key]["suppression"] for key in COIL_CELLS} == {"contributors"}
    assert world.association.api("viewer").get(url).content == before
    again = world.association.api().post(
        world.association.url(f"pools/{pool_id}/releases/"), {}, format="json"
    )
    assert again.status_code == 400
    assert again.json()["code"] == "nothing_to_release"
    mine = ok(mill.api("viewer").get(mill.url(f"pool-memberships/{pool_id}/contributions/")))
    assert mine["results"] == []
    twice = mill.api().post(
        mill.url(f"pool-memberships/{pool_id}/contributions/{contribution.pk}/withdraw/")
    )
    assert (twice.status_code, twice.json()["code"]) == (409, "contribution_withdrawn")


def _correct(footprint: Footprint, direct: str) -> Footprint:
    actor = Actor(user=footprint.organisation.memberships.get(role="admin").user)
    draft = footprint_correct(actor=actor, footprint=footprint)
    Footprint.objects.filter(pk=draft.pk).update(
        status="approved",
        see_direct=Decimal(direct),
        see_total=Decimal(direct) + draft.see_indirect,
    )
    return footprint_publish(actor=actor, footprint=Footprint.objects.get(pk=draft.pk))


def test_a_new_version_of_a_contributed_footprint_follows_the_lineage(world: World):
    pool_id = full_pool(world)
    mill = world.coil[2]  # direct 1.8, the median

    corrected = _correct(mill.footprints[0], "1.6")

    cell = PoolCell.objects.get(pool_id=pool_id, key=f"{COIL}||CN|2026")
    # 1.5, 1.6, 1.7, 2.0, 2.4: the median moves to 1.7, the mean to 9.2 / 5.
    assert cell.statistics["direct"]["median"] == "1.70000"
    assert cell.statistics["direct"]["mean"] == "1.84000"
    assert hashlib.sha256(bytes(corrected.signed_document)).hexdigest() in cell.contributions
    contributions = ok(
        mill.api("viewer").get(mill.url(f"pool-memberships/{pool_id}/contributions/"))
    )["results"]
    assert [c["footprint"]["id"] for c in contributions] == [str(corrected.pk)]
    assert contributions[0]["footprint"]["see_direct"] == "1.60000"


def test_a_deprecated_version_leaves_the_pool(world: World):
    pool_id = full_pool(world)
    mill = world.coil[3]

    footprint_deprecate(
        actor=Actor(user=mill.users["admin"]), footprint=mill.footprints[0], reason="plant closed"
    )

    rows = _by_key(cells(world, pool_id))
    assert {rows[key]["suppression"] for key in COIL_CELLS} == {"contributors"}
    contributions = ok(
        mill.api("viewer").get(mill.url(f"pool-memberships/{pool_id}/contributions/"))
    )["results"]
    assert [c["footprint"] for c in contributions] == [None]


def test_leaving_the_pool_withdraws_every_contribution_and_tells_the_association(world: World):
    pool_id = full_pool(world)
    mill = world.coil[0]

    left = ok(mill.api().post(mill.url(f"pool-memberships/{pool_id}/leave/")))

    assert left["status"] == "ended"
    assert PoolContribution.objects.get(organisation=mill.organisation).withdrawn_at is not None
    rows = _by_key(cells(world, pool_id))
    assert {rows[key]["published"] for key in COIL_CELLS} == {False}
    notice = Notification.objects.filter(
        organisation=world.association.organisation, kind="pool.left"
    ).get()
    assert notice.subject == "Coil Mill 1 left your data pool Hot-rolled steel, China"
    # Gone from its list; its pool's URLs are 404 now.
    assert ok(mill.api("viewer").get(mill.url("pool-memberships/")))["results"] == []
    gone = mill.api("viewer").get(mill.url(f"pool-memberships/{pool_id}/contributions/"))
    assert gone.status_code == 404


def test_the_association_ends_a_membership_and_the_member_is_told(world: World):
    pool_id = full_pool(world)
    mill = world.wire[3]
    membership = next(
        m
        for m in ok(
            world.association.api("viewer").get(
                world.association.url(f"pools/{pool_id}/members/"), {"page_size": 50}
            )
        )["results"]
        if m["organisation"]["slug"] == mill.slug
    )

    ended = ok(
        world.association.api().post(
            world.association.url(f"pools/{pool_id}/members/{membership['id']}/end/")
        )
    )

    assert (ended["status"], ended["ended_side"], ended["ended_by"]) == (
        "ended",
        "association",
        "Admin of China Steel Association",
    )
    notice = Notification.objects.get(organisation=mill.organisation, kind="pool.left")
    assert notice.subject == (
        "中国钢铁协会 (China Steel Association) ended your membership of its data pool "
        "Hot-rolled steel, China"
    )


def test_contributing_twice_changes_nothing(world: World):
    pool_id = pool_create(world)
    mill = world.coil[0]
    invite(world, pool_id, mill)
    accept(mill, pool_id)
    assert len(contribute(mill, pool_id)) == 1

    assert contribute(mill, pool_id) == []
    assert PoolContribution.objects.filter(organisation=mill.organisation).count() == 1


def test_a_release_keeps_its_date(world: World):
    pool_id = full_pool(world)
    before = timezone.now().replace(microsecond=0)

    release = publish(world, pool_id, certificate_price_eur="80")

    released_at = timezone.datetime.fromisoformat(release["released_at"])
    assert before <= released_at <= timezone.now() + timedelta(seconds=1)
    assert release["certificate_price_eur"] == "80.00"
