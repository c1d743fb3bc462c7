"""Invitations and memberships: an association invites a company to a pool, the company's
administrator accepts (or declines), and either side can end the membership later. Ending it
withdraws every contribution of the member from later statistics."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import Actor, audit_record
from accounts.models import Organisation
from core.errors import ValidationFailed
from exchange.pools import events
from exchange.pools.errors import AlreadyInPool
from exchange.pools.models import (
    MEMBERSHIP_TRANSITIONS,
    OPEN_MEMBERSHIP,
    EndedBy,
    MembershipStatus,
    Pool,
    PoolContribution,
    PoolMembership,
)
from exchange.sharing.models import NotificationKind
from exchange.sharing.services.notifications import notification_create
from exchange.sharing.texts import organisation_facts


def _facts(membership: PoolMembership, side: str) -> dict[str, str]:
    pool = membership.pool
    return {
        "pool": str(pool.pk),
        "pool_name": pool.name,
        "membership": str(membership.pk),
        # Which side receives the notification: it decides the page its link opens.
        "side": side,
        **organisation_facts("association", pool.association),
        **organisation_facts("member", membership.organisation),
    }


@transaction.atomic
def pool_invite(*, actor: Actor, pool: Pool, organisation: Organisation) -> PoolMembership:
    """Invite ``organisation`` to ``pool``; its administrators are notified. An organisation
    already invited or a member is a conflict; one that declined or left may be invited
    again."""
    if organisation.pk == pool.association_id:
        raise ValidationFailed(
            _("The association cannot be a member of its own pool."),
            fields={"organisation": [_("Expected a member company, not the association.")]},
        )
    open_one = (
        PoolMembership.objects.filter(
            pool=pool, organisation=organisation, status__in=OPEN_MEMBERSHIP
        )
        .values_list("status", flat=True)
        .first()
    )
    if open_one is not None:
        raise AlreadyInPool(
            _("This organisation is already invited to the pool or a member of it."),
            extra={"status": open_one},
        )
    try:
        with transaction.atomic():
            membership = PoolMembership.objects.create(
                pool=pool,
                organisation=organisation,
                invited_by=actor.user,
                invited_at=timezone.now(),
            )
    except IntegrityError:  # a concurrent invitation won the race
        raise AlreadyInPool(
            _("This organisation is already invited to the pool or a member of it.")
        ) from None
    audit_record(
        actor=actor,
        organisation=pool.association,
        action=events.POOL_MEMBER_INVITED,
        obj=membership,
        after={"pool": str(pool.pk), "organisation": organisation.pk},
    )
    notification_create(
        organisation=organisation,
        kind=NotificationKind.POOL_INVITED,
        dedupe_key=f"pool.invited:{membership.pk}",
        obj=membership,
        data=_facts(membership, "member"),
    )
    return membership


def _locked(membership: PoolMembership) -> PoolMembership:
    return (
        PoolMembership.objects.select_for_update()
        .select_related("pool__association", "organisation")
        .get(pk=membership.pk)
    )


@transaction.atomic
def pool_invitation_answer(
    *, actor: Actor, membership: PoolMembership, accept: bool
) -> PoolMembership:
    """The invited company's answer, with the date and the person who gave it. Accepting
    notifies the association; answering twice is an illegal move."""
    locked = _locked(membership)
    to = MembershipStatus.ACTIVE if accept else MembershipStatus.DECLINED
    before = MEMBERSHIP_TRANSITIONS.transition(locked, to=to)
    locked.answered_by = actor.user
    locked.answered_at = timezone.now()
    locked.save(update_fields=["status", "answered_by", "answered_at"])
    audit_record(
        actor=actor,
        organisation=locked.organisation,
        action=events.POOL_INVITATION_ACCEPTED if accept else events.POOL_INVITATION_DECLINED,
        obj=locked,
        before={"status": before},
        after={"status": locked.status, "pool": str(locked.pool_id)},
    )
    notification_create(
        organisation=locked.pool.association,
        kind=NotificationKind.POOL_JOINED if accept else NotificationKind.POOL_LEFT,
        dedupe_key=f"pool.answered:{locked.pk}",
        obj=locked,
        data={**_facts(locked, "association"), **({} if accept else {"declined": True})},
    )
    return locked


@transaction.atomic
def pool_membership_end(*, actor: Actor, membership: PoolMembership, side: str) -> PoolMembership:
    """End a membership (or withdraw an invitation) from ``side`` ("association" or
    "member"). The member's contributions are withdrawn: they leave every later statistic
    (releases already published stay as released). The other side is notified."""
    if side not in EndedBy.values:
        raise ValueError(f"side {side!r}: expected one of {EndedBy.values}")
    from exchange.pools.services.contributions import contributions_withdraw

    locked = _locked(membership)
    before = MEMBERSHIP_TRANSITIONS.transition(locked, to=MembershipStatus.ENDED)
    locked.ended_by = actor.user
    locked.ended_at = timezone.now()
    locked.ended_side = side
    locked.save(update_fields=["status", "ended_by", "ended_at", "ended_side"])
    open_contributions = PoolContribution.objects.filter(
        pool=locked.pool, organisation=locked.organisation, withdrawn_at__isnull=True
    )
    withdrawn = contributions_withdraw(
        actor=actor, pool=locked.pool, contributions=list(open_contributions)
    )
    audit_record(
        actor=actor,
        organisation=locked.pool.association
        if side == EndedBy.ASSOCIATION
        else locked.organisation,
        action=events.POOL_MEMBERSHIP_ENDED,
        obj=locked,
        before={"status": before},
        after={
            "status": locked.status,
            "side": side,
            "pool": str(locked.pool_id),
            "organisation": locked.organisation_id,
            "contributions_withdrawn": withdrawn,
        },
    )
    if before == MembershipStatus.ACTIVE:
        recipient = locked.organisation if side == EndedBy.ASSOCIATION else locked.pool.association
        notification_create(
            organisation=recipient,
            kind=NotificationKind.POOL_LEFT,
            dedupe_key=f"pool.ended:{locked.pk}",
            obj=locked,
            data=_facts(locked, "member" if side == EndedBy.ASSOCIATION else "association"),
        )
    return locked
