"""Who sees what of a pool: the association never gets an individual footprint, a member
only its own, an outsider nothing (404 everywhere); denied writes change nothing; list
endpoints read in a fixed number of queries."""

from __future__ import annotations

import hashlib

import pytest

from exchange.pools.models import PoolMembership
from tests.accounts.test_authorisation_matrix import _snapshot
from tests.exchange.pools.conftest import World, ok, published
from tests.exchange.pools.helpers import (
    accept,
    cells,
    full_pool,
    invite,
    pool_create,
    publish,
)

pytestmark = pytest.mark.django_db


def _association_reads(world: World, pool_id: str) -> list[str]:
    base = f"pools/{pool_id}/"
    return [
        "pools/",
        base,
        f"{base}members/?page_size=50",
        f"{base}cells/?page_size=500",
        f"{base}releases/",
        f"{base}releases/1/",
        f"{base}releases/1/document/",
        f"{base}releases/1/csv/",
    ]


def test_the_association_never_gets_an_individual_footprint(world: World):
    pool_id = full_pool(world)
    publish(world, pool_id, certificate_price_eur="75")
    footprints = [f for member in world.members for f in member.footprints]
    secrets = {str(f.pk) for f in footprints} | {str(f.lineage) for f in footprints}
    # Figures of one footprint that no statistic equals (the mills' own values appear only
    # as order statistics of five: 1.5 is nobody's P10).
    secrets |= {"1.50000", "2.40000", "2.10000", "2.50000"}
    api = world.association.api("owner")

    for path in _association_reads(world, pool_id):
        response = api.get(world.association.url(path))
        assert response.status_code == 200, (path, response.content[:300])
        text = response.content.decode("utf-8-sig")
        assert [s for s in secrets if s in text] == [], path

    # A suppressed cell says nothing of its contributors, and the live cells carry no digest.
    wire = next(c for c in cells(world, pool_id) if c["key"] == "72139110||CN|2026")
    assert wire["statistics"] is None
    digests = {hashlib.sha256(bytes(f.signed_document)).hexdigest() for f in footprints}
    text = api.get(world.association.url(f"pools/{pool_id}/cells/?page_size=500")).content
    assert [d for d in digests if d in text.decode()] == []
    # The member's side of the pool does not exist for the association.
    for path in (
        f"pool-memberships/{pool_id}/contributions/",
        f"pool-memberships/{pool_id}/position/",
    ):
        assert api.get(world.association.url(path)).status_code == 404, path


def test_an_outsider_gets_404_everywhere(world: World):
    pool_id = full_pool(world)
    publish(world, pool_id, certificate_price_eur="75")
    membership = PoolMembership.objects.filter(pool_id=pool_id).first()
    outsider = world.outsider
    reads = [
        f"pools/{pool_id}/",
        f"pools/{pool_id}/members/",
        f"pools/{pool_id}/cells/",
        f"pools/{pool_id}/releases/",
        f"pools/{pool_id}/releases/1/",
        f"pools/{pool_id}/releases/1/document/",
        f"pools/{pool_id}/releases/1/signature/",
        f"pools/{pool_id}/releases/1/csv/",
        f"pool-memberships/{pool_id}/contributions/",
        f"pool-memberships/{pool_id}/position/",
    ]
    writes = [
        (f"pools/{pool_id}/", "patch", {"settings": {"min_contributors": 3}}),
        (f"pools/{pool_id}/members/", "post", {"organisation": outsider.slug}),
        (f"pools/{pool_id}/members/{membership.pk}/end/", "post", {}),
        (f"pools/{pool_id}/releases/", "post", {}),
        (f"pool-memberships/{pool_id}/accept/", "post", {}),
        (f"pool-memberships/{pool_id}/decline/", "post", {}),
        (f"pool-memberships/{pool_id}/leave/", "post", {}),
        (
            f"pool-memberships/{pool_id}/contributions/",
            "post",
            {"footprints": [str(outsider.footprints[0].pk)]},
        ),
    ]
    api = outsider.api("owner")
    before = _snapshot()

    for path in reads:
        response = api.get(outsider.url(path))
        assert (response.status_code, response.json()["code"]) == (404, "not_found"), path
    for path, method, body in writes:
        response = getattr(api, method)(outsider.url(path), body, format="json")
        assert (response.status_code, response.json()["code"]) == (404, "not_found"), path
    assert ok(api.get(outsider.url("pools/")))["results"] == []
    assert ok(api.get(outsider.url("pool-memberships/")))["results"] == []
    assert _snapshot() == before


def test_a_member_reads_the_releases_but_not_the_associations_side(world: World):
    pool_id = full_pool(world)
    publish(world, pool_id, certificate_price_eur="75")
    member = world.coil[0]
    api = member.api("viewer")

    for path in (f"pools/{pool_id}/", f"pools/{pool_id}/members/", f"pools/{pool_id}/cells/"):
        assert api.get(member.url(path)).status_code == 404, path
    releases = ok(api.get(member.url(f"pools/{pool_id}/releases/")))["results"]
    assert [r["number"] for r in releases] == [1]
    assert "released_by" not in releases[0]  # the association's people are its own affair
    for path in ("", "document/", "signature/", "csv/"):
        assert api.get(member.url(f"pools/{pool_id}/releases/1/{path}")).status_code == 200
    assert api.get(member.url(f"pools/{pool_id}/releases/2/")).status_code == 404
    assert api.get(member.url(f"pools/{pool_id}/releases/x/")).status_code == 404


def test_an_invited_company_sees_no_release_yet(world: World):
    pool_id = full_pool(world)
    publish(world, pool_id, certificate_price_eur="75")
    invite(world, pool_id, world.outsider)
    api = world.outsider.api("viewer")

    assert api.get(world.outsider.url(f"pools/{pool_id}/releases/1/")).status_code == 404
    position = ok(api.get(world.outsider.url(f"pool-memberships/{pool_id}/position/")))
    assert position == {"release": None, "positions": []}


@pytest.mark.parametrize("role", ["preparer", "reviewer", "viewer"])
def test_denied_writes_change_nothing(world: World, role: str):
    pool_id = pool_create(world)
    mill = world.coil[0]
    invite(world, pool_id, mill)
    association = world.association.api(role)
    member = mill.api(role)
    writes = [
        (association, "post", world.association.url("pools/"), {"name": "Another"}),
        (
            association,
            "patch",
            world.association.url(f"pools/{pool_id}/"),
            {"settings": {"min_contributors": 3}},
        ),
        (
            association,
            "post",
            world.association.url(f"pools/{pool_id}/members/"),
            {"organisation": world.coil[1].slug},
        ),
        (association, "post", world.association.url(f"pools/{pool_id}/releases/"), {}),
        (member, "post", mill.url(f"pool-memberships/{pool_id}/accept/"), {}),
        (member, "post", mill.url(f"pool-memberships/{pool_id}/decline/"), {}),
        (member, "post", mill.url(f"pool-memberships/{pool_id}/leave/"), {}),
        (
            member,
            "post",
            mill.url(f"pool-memberships/{pool_id}/contributions/"),
            {"footprints": [str(mill.footprints[0].pk)]},
        ),
    ]
    before = _snapshot()

    for api, method, url, body in writes:
        response = getattr(api, method)(url, body, format="json")
        assert (response.status_code, response.json()["code"]) == (403, "permission_denied"), url

    assert _snapshot() == before


def test_a_member_cannot_contribute_another_organisations_footprint(world: World):
    pool_id = pool_create(world)
    mill = world.coil[0]
    invite(world, pool_id, mill)
    accept(mill, pool_id)
    foreign = world.coil[1].footprints[0]
    before = _snapshot()

    response = mill.api().post(
        mill.url(f"pool-memberships/{pool_id}/contributions/"),
        {"footprints": [str(foreign.pk)]},
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "not_contributable"
    assert list(body["extra"]["fields"]) == ["footprints[0]"]
    assert _snapshot() == before


def test_list_endpoints_read_in_a_fixed_number_of_queries(world: World, django_assert_num_queries):
    pool_id = full_pool(world)
    publish(world, pool_id, certificate_price_eur="75")
    extra = published(world.coil[0], "72083900", "1.55", "0.2")
    association = world.association.api("viewer")
    member = world.coil[0].api("viewer")
    ok(
        world.coil[0]
        .api()
        .post(
            world.coil[0].url(f"pool-memberships/{pool_id}/contributions/"),
            {"footprints": [str(extra.pk)]},
            format="json",
        ),
        201,
    )
    base = world.association.url(f"pools/{pool_id}/")
    mine = world.coil[0].url(f"pool-memberships/{pool_id}/")
    reads = {
        # The caller's membership 1, the pool 1, then a count and a page (lists) or what the
        # answer joins (the pool's coverage, the release and the footprints of a position).
        world.association.url("pools/"): (association, 3),
        base: (association, 3),
        f"{base}members/": (association, 4),
        f"{base}cells/": (association, 4),
        f"{base}releases/": (association, 4),
        world.coil[0].url("pool-memberships/"): (member, 3),
        f"{mine}contributions/": (member, 4),
        f"{mine}position/": (member, 5),
    }
    for url, (api, queries) in reads.items():
        with django_assert_num_queries(queries):
            assert api.get(url).status_code == 200, url
