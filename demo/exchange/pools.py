"""The demo data pool (``pools.json``), played by the association's and the members' admins
through ``exchange.pools.services``: the association creates the pool and invites the mills,
each mill's admin accepts and opts its published footprints in, one company is left invited
(it has not answered yet), and the association publishes the first signed release.

Six mills contribute their hot-rolled coil (CN 7208 39 00, route C, China, 2026): that cell is
published. The wire rod is one mill's alone: its cells are suppressed ("not enough
contributors to publish"), as the disclosure control requires.

Idempotent: the pool is found by association and name, memberships by organisation,
contributions by lineage (contributing again changes nothing), and a release is published
only when the pool has none.
"""

from __future__ import annotations

from typing import Any

from accounts.audit import Actor
from demo.exchange.report import DemoExchangeReport
from demo.world import demo_actor, demo_organisation
from exchange.pools.models import MembershipStatus, Pool, PoolMembership
from exchange.pools.services.contributions import pool_contribute
from exchange.pools.services.memberships import pool_invitation_answer, pool_invite
from exchange.pools.services.pools import pool_create
from exchange.pools.services.releases import pool_release_publish
from suppliers.models import Footprint


def _membership(pool: Pool, slug: str, actor: Actor, report: DemoExchangeReport) -> PoolMembership:
    organisation = demo_organisation(slug)
    membership = (
        PoolMembership.objects.filter(pool=pool, organisation=organisation)
        .exclude(status__in=[MembershipStatus.DECLINED, MembershipStatus.ENDED])
        .first()
    )
    if membership is None:
        membership = pool_invite(actor=actor, pool=pool, organisation=organisation)
        report.created.append(f"pool invitation: {slug}")
    return membership


def pool_play(
    spec: dict[str, Any], footprints: dict[str, Footprint], report: DemoExchangeReport
) -> Pool:
    """Play one pool of ``pools.json`` (module docstring)."""
    association = demo_organisation(spec["association"])
    admin = demo_actor(association, "admin")
    pool = Pool.objects.filter(association=association, name=spec["name"]).first()
    if pool is None:
        pool = pool_create(
            actor=admin,
            association=association,
            name=spec["name"],
            description=spec.get("description", ""),
        )
        report.created.append(f"pool: {pool.name}")
    for member in spec["members"]:
        membership = _membership(pool, member["organisation"], admin, report)
        member_admin = demo_actor(membership.organisation, "admin")
        if membership.status == MembershipStatus.INVITED:
            pool_invitation_answer(actor=member_admin, membership=membership, accept=True)
            report.created.append(f"pool member: {member['organisation']}")
        added = pool_contribute(
            actor=member_admin,
            pool=pool,
            organisation=membership.organisation,
            footprints=[footprints[key].pk for key in member["contribute"]],
        )
        report.created.extend(f"pool contribution: {c.lineage}" for c in added)
    for slug in spec.get("invited", []):
        _membership(pool, slug, admin, report)
    if spec.get("release") and not pool.releases.exists():
        release = pool_release_publish(actor=admin, pool=pool)
        report.created.append(f"pool release: {pool.name} #{release.number}")
    return pool
