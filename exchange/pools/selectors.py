"""Reads of the pools, scoped by organisation: an association sees its own pools (members,
coverage, releases; never an individual footprint through the pool); a member sees the pools
it is invited to or in, its own contributions, the releases and its own position; anyone else
gets ``NotFound`` (404) for every pool object."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Organisation
from core.errors import NotFound, ValidationFailed
from exchange.pools.calculations.cells import CellKey, cells_of
from exchange.pools.calculations.position import band_of, differences
from exchange.pools.calculations.statistics import Distribution
from exchange.pools.models import (
    OPEN_MEMBERSHIP,
    MembershipStatus,
    Pool,
    PoolCell,
    PoolContribution,
    PoolMembership,
    PoolRelease,
)
from exchange.pools.services.cells import observation_of
from exchange.pools.services.releases import release_content
from suppliers.models import Footprint, FootprintStatus


def _not_found(what: str) -> NotFound:
    return NotFound(_("No such %(what)s.") % {"what": what})


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


# ----------------------------------------------------------------- the association's side


def pools_run_by(*, organisation: Organisation) -> QuerySet[Pool]:
    """The association's pools, each with ``members``, ``invited`` and ``contributions``."""
    return (
        Pool.objects.filter(association=organisation)
        .select_related("association")
        .annotate(
            members=Count(
                "memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE), distinct=True
            ),
            invited=Count(
                "memberships", filter=Q(memberships__status=MembershipStatus.INVITED), distinct=True
            ),
            open_contributions=Count(
                "contributions", filter=Q(contributions__withdrawn_at__isnull=True), distinct=True
            ),
        )
        # A grouped query drops the model's ordering: the pages need a stable one.
        .order_by("name", "id")
    )


def pool_run_by(*, organisation: Organisation, pool_id: object) -> Pool:
    """One of the association's pools, or ``NotFound``."""
    pk = _uuid(pool_id)
    pool = pools_run_by(organisation=organisation).filter(pk=pk).first() if pk else None
    if pool is None:
        raise _not_found(_("pool"))
    return pool


def pool_memberships(*, pool: Pool) -> QuerySet[PoolMembership]:
    """Every membership of the pool, newest first, with its organisation and people."""
    return pool.memberships.select_related(
        "organisation", "invited_by", "answered_by", "ended_by"
    ).order_by("status", "-invited_at")


def pool_membership_run_by(
    *, organisation: Organisation, pool_id: object, membership_id: object
) -> PoolMembership:
    pool = pool_run_by(organisation=organisation, pool_id=pool_id)
    pk = _uuid(membership_id)
    membership = (
        PoolMembership.objects.select_related("pool", "organisation")
        .filter(pool=pool, pk=pk)
        .first()
        if pk
        else None
    )
    if membership is None:
        raise _not_found(_("membership"))
    return membership


@dataclass(frozen=True)
class Coverage:
    """How much of the pool can be published: per CN heading, the cells published and
    suppressed (by reason) — counts of cells, never of contributors."""

    heading: str
    published: int
    suppressed: int
    by_reason: dict[str, int]


def pool_coverage(*, pool: Pool) -> list[Coverage]:
    rows = (
        PoolCell.objects.filter(pool=pool)
        .values("component", "published", "suppression")
        .annotate(n=Count("id"))
        .order_by("component")
    )
    by_heading: dict[str, dict[str, Any]] = {}
    for row in rows:
        heading = row["component"]
        entry = by_heading.setdefault(heading, {"published": 0, "suppressed": 0, "reasons": {}})
        if row["published"]:
            entry["published"] += row["n"]
        else:
            entry["suppressed"] += row["n"]
            entry["reasons"][row["suppression"]] = (
                entry["reasons"].get(row["suppression"], 0) + row["n"]
            )
    return [
        Coverage(heading, e["published"], e["suppressed"], dict(sorted(e["reasons"].items())))
        for heading, e in sorted(by_heading.items())
    ]


def pool_cells(
    *,
    pool: Pool,
    cn_code: str = "",
    route: str | None = None,
    country: str = "",
    year: int | None = None,
) -> QuerySet[PoolCell]:
    """The live cells, filtered (CN prefix, route, country or ``*``, year or 0)."""
    cells = PoolCell.objects.filter(pool=pool)
    if cn_code:
        cells = cells.filter(cn_code__startswith=cn_code)
    if route is not None:
        cells = cells.filter(route=route)
    if country:
        cells = cells.filter(country=country)
    if year is not None:
        cells = cells.filter(year=year)
    return cells.order_by("cn_code", "route", "country", "year")


def organisation_to_invite(*, reference: str) -> Organisation:
    """The organisation an association names to invite: by slug (or numeric id); else
    ``ValidationFailed`` naming the field ``organisation``."""
    reference = reference.strip()
    found = Organisation.objects.filter(slug=reference).first()
    if found is None and reference.isascii() and reference.isdigit() and len(reference) < 12:
        found = Organisation.objects.filter(pk=int(reference)).first()
    if found is None:
        raise ValidationFailed(
            _("Unknown organisation."),
            fields={
                "organisation": [
                    _(
                        "There is no organisation %(reference)s on the platform; expected the "
                        "slug of the company to invite."
                    )
                    % {"reference": repr(reference[:100])}
                ]
            },
        )
    return found


# ----------------------------------------------------------------------- the member's side


def pool_memberships_of(*, organisation: Organisation) -> QuerySet[PoolMembership]:
    """The organisation's open memberships (invited or member), with pool and association."""
    return (
        PoolMembership.objects.filter(organisation=organisation, status__in=OPEN_MEMBERSHIP)
        .select_related("pool__association", "answered_by", "invited_by")
        .order_by("-invited_at")
    )


def open_membership_exists() -> Exists:
    """Whether the organisation of a page's membership row is invited to or in a pool: the
    navigation fact ``pool_member``, answered inside the page's one membership query
    (``accounts.selectors.NAVIGATION_FLAGS``)."""
    return Exists(
        PoolMembership.objects.filter(
            organisation=OuterRef("organisation"), status__in=OPEN_MEMBERSHIP
        )
    )


def pool_membership_of(*, organisation: Organisation, pool_id: object) -> PoolMembership:
    """The organisation's open membership of the pool, or ``NotFound`` (an outsider, or a
    former member)."""
    pk = _uuid(pool_id)
    membership = (
        pool_memberships_of(organisation=organisation).filter(pool_id=pk).first() if pk else None
    )
    if membership is None:
        raise _not_found(_("pool"))
    return membership


def contributions_of(*, pool: Pool, organisation: Organisation) -> list[PoolContribution]:
    """The member's open contributions, each with ``footprint``: its lineage's published
    version now (None when it has none left, e.g. deprecated without a successor)."""
    contributions = list(
        PoolContribution.objects.filter(
            pool=pool, organisation=organisation, withdrawn_at__isnull=True
        )
        .select_related("added_by")
        .order_by("-added_at", "id")
    )
    current = {
        f.lineage: f
        for f in Footprint.objects.filter(
            organisation=organisation,
            lineage__in=[c.lineage for c in contributions],
            status=FootprintStatus.PUBLISHED,
        ).select_related("product", "installation")
    }
    for contribution in contributions:
        contribution.footprint = current.get(contribution.lineage)  # type: ignore[attr-defined]
    return contributions


def contribution_of(
    *, pool: Pool, organisation: Organisation, contribution_id: object
) -> PoolContribution:
    pk = _uuid(contribution_id)
    found = (
        PoolContribution.objects.filter(pool=pool, organisation=organisation, pk=pk).first()
        if pk
        else None
    )
    if found is None:
        raise _not_found(_("contribution"))
    return found


def contributable_footprints(*, pool: Pool, organisation: Organisation) -> QuerySet[Footprint]:
    """The member's published, signed footprints whose lineage is not in the pool yet."""
    inside = PoolContribution.objects.filter(
        pool=pool, organisation=organisation, withdrawn_at__isnull=True
    ).values("lineage")
    return (
        Footprint.objects.filter(
            organisation=organisation,
            status=FootprintStatus.PUBLISHED,
            see_direct__isnull=False,
            see_indirect__isnull=False,
        )
        .exclude(signature="")
        .exclude(lineage__in=inside)
        .select_related("product", "installation")
        .order_by("product__cn_code", "-period_end", "id")
    )


# ------------------------------------------------------------------------------ releases


def pool_releases(*, pool: Pool) -> QuerySet[PoolRelease]:
    return pool.releases.select_related("released_by").defer("payload").order_by("-number")


def releases_of_association(*, organisation: Organisation) -> QuerySet[PoolRelease]:
    """Every release of the association's pools, newest first (the dashboard's last one)."""
    return (
        PoolRelease.objects.filter(pool__association=organisation)
        .select_related("pool")
        .defer("payload")
        .order_by("-released_at", "-number")
    )


def pool_release(*, pool: Pool, number: object) -> PoolRelease:
    try:
        wanted = int(str(number))
    except ValueError:
        wanted = -1
    release = pool.releases.select_related("pool__association").filter(number=wanted).first()
    if release is None:
        raise _not_found(_("release"))
    return release


def pool_visible_to(*, organisation: Organisation, pool_id: object) -> Pool:
    """A pool whose releases the organisation may read: its own (association) or one it is a
    member of; else ``NotFound``."""
    pk = _uuid(pool_id)
    pool = (
        Pool.objects.select_related("association")
        .filter(pk=pk)
        .filter(
            Q(association=organisation)
            | Q(
                memberships__organisation=organisation,
                memberships__status=MembershipStatus.ACTIVE,
            )
        )
        .distinct()
        .first()
        if pk
        else None
    )
    if pool is None:
        raise _not_found(_("pool"))
    return pool


# ----------------------------------------------------------------------------- my position


@dataclass(frozen=True)
class Position:
    """Where one of the member's own footprints stands in one published cell of a release."""

    footprint: Footprint
    cell: str
    key: CellKey
    value: Decimal  # counted SEE, tCO2e/t
    band: str
    median: Decimal
    to_median_t: Decimal
    to_default_t: Decimal | None
    to_default_eur: Decimal | None
    default_with_mark_up: Decimal | None


def _distribution(data: dict[str, str]) -> Distribution:
    return Distribution(
        **{name: Decimal(data[name]) for name in ("mean", "p10", "p25", "median", "p75", "p90")}
    )


def my_position(
    *, pool: Pool, organisation: Organisation
) -> tuple[PoolRelease | None, list[Position]]:
    """The member's own footprints against the latest release: for each published cell it
    falls in, its percentile band and its differences to the median and to the default value
    (EUR/t at the release's certificate price). Its own only; the association's and other
    members' figures are never part of it."""
    release = pool.releases.order_by("-number").first()
    if release is None:
        return None, []
    document = release_content(release)
    price = Decimal(document["certificate_price"]["eur_per_t"])
    cells = {cell["cell"]: cell for cell in document["cells"] if cell.get("published")}
    positions: list[Position] = []
    for contribution in contributions_of(pool=pool, organisation=organisation):
        footprint = getattr(contribution, "footprint", None)
        if footprint is None:
            continue
        observation = observation_of(footprint)
        for key in cells_of(observation):
            cell = cells.get(key.text)
            if cell is None:
                continue
            counted = _distribution(cell["statistics"]["counted"])
            default = cell["reference"].get("default_with_mark_up")
            default_value = Decimal(default) if default is not None else None
            to_median, to_default, to_default_eur = differences(
                observation.see_counted, counted, default_value, price
            )
            positions.append(
                Position(
                    footprint=footprint,
                    cell=key.text,
                    key=key,
                    value=observation.see_counted,
                    band=band_of(observation.see_counted, counted),
                    median=counted.median,
                    to_median_t=to_median,
                    to_default_t=to_default,
                    to_default_eur=to_default_eur,
                    default_with_mark_up=default_value,
                )
            )
    return release, positions
