"""A data pool for the page tests: the China Iron and Steel Association, five Chinese steel
producers that joined its pool and each contributed one published, signed footprint of hot-rolled
coil (CN 7208 39 00, route C, 2026), and an outsider."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from accounts.audit import Actor
from accounts.roles import OrganisationKind
from exchange.pools.models import Pool
from exchange.pools.services.contributions import pool_contribute
from exchange.pools.services.memberships import pool_invitation_answer, pool_invite
from exchange.pools.services.pools import pool_create
from suppliers.models import Footprint
from tests.exchange.sharing.builders import published_footprint
from tests.exchange.sharing.conftest import Party, party
from tests.factories import InstallationFactory, ProductFactory

#: The members' direct SEE (tCO2e/t), one footprint each, 1,000 t each, indirect 0.1 (not
#: counted for iron and steel): counted = direct.
MEMBER_SEE = ("1.60000", "1.70000", "1.80000", "1.90000", "2.00000")
MEMBER_NAMES = (
    ("hebei-steel", "Hebei Steel Works", "河北钢铁厂"),
    ("jiangsu-steel", "Jiangsu Steel Works", "江苏钢铁厂"),
    ("shandong-steel", "Shandong Steel Works", "山东钢铁厂"),
    ("liaoning-steel", "Liaoning Steel Works", "辽宁钢铁厂"),
    ("shanxi-steel", "Shanxi Steel Works", "山西钢铁厂"),
    ("hubei-steel", "Hubei Steel Works", "湖北钢铁厂"),
)


@dataclass
class PoolWorld:
    association: Party
    members: list[Party]
    outsider: Party
    pool: Pool
    footprints: list[Footprint]


def association_party() -> Party:
    return party(
        "steel-association",
        "China Iron and Steel Association",
        OrganisationKind.ASSOCIATION,
        legal_name="中国钢铁工业协会",
    )


def producer_party(index: int) -> Party:
    slug, name, chinese = MEMBER_NAMES[index]
    return party(slug, name, OrganisationKind.PRODUCER, legal_name=chinese)


def coil_footprint(
    member: Party, see_direct: str, activity_t: str = "1000", cn_code: str = "72083900"
) -> Footprint:
    """A published, signed footprint of the member's hot-rolled coil, 2026."""
    organisation = member.organisation
    product = ProductFactory(
        organisation=organisation, name="热轧卷 Q235", cn_code=cn_code, benchmark_route="C"
    )
    installation = InstallationFactory(organisation=organisation, country="CN")
    direct = Decimal(see_direct)
    return published_footprint(
        organisation,
        product=product,
        installation=installation,
        see_direct=direct,
        see_indirect=Decimal("0.10000"),
        see_total=direct + Decimal("0.10000"),
        activity_level_t=Decimal(activity_t),
        attributed_direct_tco2e=direct * Decimal(activity_t),
    )


def join(pool: Pool, association: Party, member: Party) -> None:
    membership = pool_invite(
        actor=Actor(user=association.users["admin"]), pool=pool, organisation=member.organisation
    )
    pool_invitation_answer(
        actor=Actor(user=member.users["admin"]), membership=membership, accept=True
    )


def contribute(pool: Pool, member: Party, footprint: Footprint) -> None:
    pool_contribute(
        actor=Actor(user=member.users["admin"]),
        pool=pool,
        organisation=member.organisation,
        footprints=[str(footprint.pk)],
    )


def pool_world(members: int = 5) -> PoolWorld:
    """The association's pool "Hot-rolled steel, China" with ``members`` producers that joined
    and contributed (the first five with ``MEMBER_SEE``)."""
    association = association_party()
    pool = pool_create(
        actor=Actor(user=association.users["admin"]),
        association=association.organisation,
        name="Hot-rolled steel, China",
    )
    parties, footprints = [], []
    for index in range(members):
        member = producer_party(index)
        join(pool, association, member)
        footprint = coil_footprint(member, MEMBER_SEE[index % len(MEMBER_SEE)])
        contribute(pool, member, footprint)
        parties.append(member)
        footprints.append(footprint)
    outsider = party("outside-steel", "Outside Steel Co", OrganisationKind.PRODUCER)
    return PoolWorld(association, parties, outsider, pool, footprints)
