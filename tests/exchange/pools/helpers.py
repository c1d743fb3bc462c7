"""Steps of the pool flow through the API, as the association and its members take them."""

from __future__ import annotations

from typing import Any

from tests.exchange.pools.conftest import Party, World, ok


def pool_create(world: World, **body: Any) -> str:
    data = {"name": "Hot-rolled steel, China", "description": "Members' 2026 footprints"}
    data.update(body)
    return str(
        ok(world.association.api().post(world.association.url("pools/"), data, format="json"), 201)[
            "id"
        ]
    )


def invite(world: World, pool_id: str, member: Party) -> dict[str, Any]:
    return ok(
        world.association.api().post(
            world.association.url(f"pools/{pool_id}/members/"),
            {"organisation": member.slug},
            format="json",
        ),
        201,
    )


def accept(member: Party, pool_id: str) -> dict[str, Any]:
    return ok(member.api().post(member.url(f"pool-memberships/{pool_id}/accept/")))


def contribute(member: Party, pool_id: str, *footprints: Any) -> list[dict[str, Any]]:
    chosen = footprints or tuple(member.footprints)
    return ok(
        member.api().post(
            member.url(f"pool-memberships/{pool_id}/contributions/"),
            {"footprints": [str(f.pk) for f in chosen]},
            format="json",
        ),
        201,
    )


def join_and_contribute(world: World, pool_id: str, members: list[Party]) -> None:
    for member in members:
        invite(world, pool_id, member)
        accept(member, pool_id)
        contribute(member, pool_id)


def full_pool(world: World, **body: Any) -> str:
    """The pool with the five coil mills and the four wire-rod mills, each contributing its
    footprint."""
    pool_id = pool_create(world, **body)
    join_and_contribute(world, pool_id, world.members)
    return pool_id


def cells(world: World, pool_id: str, **filters: str) -> list[dict[str, Any]]:
    params = {"page_size": "500", **filters}
    return ok(
        world.association.api("viewer").get(
            world.association.url(f"pools/{pool_id}/cells/"), params
        )
    )["results"]


def publish(world: World, pool_id: str, **body: Any) -> dict[str, Any]:
    return ok(
        world.association.api().post(
            world.association.url(f"pools/{pool_id}/releases/"), body, format="json"
        ),
        201,
    )
