"""Contributions: a member's administrator opts lineages of its published, signed footprints
into a pool, and may withdraw them. A lineage counts with its latest published version (a
correction follows it; a deprecated version without a successor leaves). Every change updates
the cells of the components it touches, in the same transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import Actor, audit_record
from accounts.models import Organisation
from core.errors import ValidationFailed
from core.inputs import Parsed
from exchange.pools import events
from exchange.pools.errors import AlreadyWithdrawn, NotAMember, NotContributable
from exchange.pools.inputs import POOL_CONTRIBUTE_INPUT
from exchange.pools.models import MembershipStatus, Pool, PoolContribution, PoolMembership
from exchange.pools.services.cells import component_of_footprint, pool_cells_refresh
from suppliers.models import Footprint, FootprintStatus

#: How many footprints one call may opt in (a member's products, not a bulk load).
MAX_FOOTPRINTS_PER_CALL = 500


def _member_or_error(pool: Pool, organisation: Organisation) -> None:
    if not PoolMembership.objects.filter(
        pool=pool, organisation=organisation, status=MembershipStatus.ACTIVE
    ).exists():
        raise NotAMember(
            _("Only a member of the pool contributes to it."),
            fields={"pool": [_("Accept the pool's invitation first.")]},
        )


def _footprints(organisation: Organisation, footprint_ids: object, field: str) -> list[Footprint]:
    if not isinstance(footprint_ids, list | tuple) or not footprint_ids:
        raise ValidationFailed(
            _("Name at least one footprint."),
            fields={field: [_("Expected a non-empty list of your published footprints' ids.")]},
        )
    if len(footprint_ids) > MAX_FOOTPRINTS_PER_CALL:
        raise ValidationFailed(
            _("Too many footprints."),
            fields={
                field: [
                    _("%(count)s footprints; expected at most %(most)s at once.")
                    % {"count": len(footprint_ids), "most": MAX_FOOTPRINTS_PER_CALL}
                ]
            },
        )
    item = POOL_CONTRIBUTE_INPUT.field("footprints").item
    assert item is not None
    reading = Parsed()
    parsed: dict[int, uuid.UUID] = {}
    for index, raw in enumerate(footprint_ids):
        value = raw if isinstance(raw, uuid.UUID) else reading.take(item, raw, f"{field}[{index}]")
        if value is not None:
            parsed[index] = value
    errors: dict[str, list[str]] = dict(reading.errors)
    found = {
        f.pk: f
        for f in Footprint.objects.filter(
            organisation=organisation, pk__in=set(parsed.values())
        ).select_related("product")
    }
    chosen: dict[uuid.UUID, Footprint] = {}
    for index, footprint_id in parsed.items():
        path = f"{field}[{index}]"
        footprint = found.get(footprint_id)
        if footprint is None:
            # Another organisation's footprint reads as a missing one.
            errors[path] = [
                _(
                    "%(id)s is not one of your organisation's footprints; expected the id of "
                    "one of your published footprints."
                )
                % {"id": footprint_id}
            ]
        elif footprint.status != FootprintStatus.PUBLISHED or not footprint.signature:
            errors[path] = [
                _(
                    "%(id)s is %(status)s; only a published, signed footprint can be "
                    "contributed (a deprecated one: contribute its newer version)."
                )
                % {"id": footprint_id, "status": footprint.get_status_display()}
            ]
        elif footprint.see_direct is None or footprint.see_indirect is None:
            errors[path] = [
                _("%(id)s has no calculated emissions; it cannot count in statistics.")
                % {"id": footprint_id}
            ]
        else:
            chosen.setdefault(footprint.lineage, footprint)
    if errors:
        raise NotContributable(_("Some footprints cannot be contributed."), fields=errors)
    return list(chosen.values())


@transaction.atomic
def pool_contribute(
    *,
    actor: Actor,
    pool: Pool,
    organisation: Organisation,
    footprints: object,
) -> list[PoolContribution]:
    """Opt the lineages of ``footprints`` (ids of the member's published footprints) into
    ``pool``. A lineage already in the pool is left as it is (calling twice changes nothing).
    Returns the contributions created."""
    Pool.objects.select_for_update().filter(pk=pool.pk).first()
    _member_or_error(pool, organisation)
    chosen = _footprints(organisation, footprints, "footprints")
    already = set(
        PoolContribution.objects.filter(
            pool=pool, lineage__in=[f.lineage for f in chosen], withdrawn_at__isnull=True
        ).values_list("lineage", flat=True)
    )
    now = timezone.now()
    created = PoolContribution.objects.bulk_create(
        PoolContribution(
            pool=pool,
            organisation=organisation,
            lineage=f.lineage,
            added_by=actor.user,
            added_at=now,
        )
        for f in chosen
        if f.lineage not in already
    )
    if created:
        audit_record(
            actor=actor,
            organisation=organisation,
            action=events.POOL_CONTRIBUTION_ADDED,
            obj=pool,
            after={"pool": str(pool.pk), "lineages": sorted(str(c.lineage) for c in created)},
        )
        pool_cells_refresh(
            pool=pool,
            components={component_of_footprint(f) for f in chosen if f.lineage not in already},
        )
    return created


def contributions_withdraw(
    *, actor: Actor, pool: Pool, contributions: Sequence[PoolContribution]
) -> int:
    """Withdraw open ``contributions`` (rows of ``pool``; the caller holds the transaction)
    and update their cells. Returns how many were withdrawn."""
    open_ids = [c.pk for c in contributions if c.withdrawn_at is None]
    if not open_ids:
        return 0
    lineages = list(
        PoolContribution.objects.filter(pk__in=open_ids).values_list("lineage", flat=True)
    )
    PoolContribution.objects.filter(pk__in=open_ids, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_by=actor.user
    )
    touched = Footprint.objects.filter(lineage__in=lineages).select_related("product")
    pool_cells_refresh(pool=pool, components={component_of_footprint(f) for f in touched})
    return len(open_ids)


@transaction.atomic
def pool_contribution_withdraw(*, actor: Actor, contribution: PoolContribution) -> PoolContribution:
    """Withdraw one lineage from the pool: it leaves every later statistic; releases already
    published stay as released. Withdrawing twice is a conflict."""
    locked = (
        PoolContribution.objects.select_for_update()
        .select_related("pool", "organisation")
        .get(pk=contribution.pk)
    )
    if locked.withdrawn_at is not None:
        raise AlreadyWithdrawn(
            _("This contribution was already withdrawn on %(date)s.")
            % {"date": f"{locked.withdrawn_at:%Y-%m-%d}"},
            extra={"withdrawn_at": locked.withdrawn_at.isoformat()},
        )
    contributions_withdraw(actor=actor, pool=locked.pool, contributions=[locked])
    locked.refresh_from_db()
    audit_record(
        actor=actor,
        organisation=locked.organisation,
        action=events.POOL_CONTRIBUTION_WITHDRAWN,
        obj=locked,
        after={"pool": str(locked.pool_id), "lineage": str(locked.lineage)},
    )
    return locked
