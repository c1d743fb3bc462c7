"""Grants: a supplier lets a buyer read some of its published footprints, and later versions
of them, until it revokes the grant.

A grant is created by fulfilling a request or by sharing proactively: both call
``grant_share``. Only the supplier's own **published** footprints can be shared (a draft is
not data yet; a deprecated version has a successor, which is what should be shared). The
grant covers each footprint's ``lineage``, so a correction published later is visible to the
buyer without a new grant; a revoked grant shows nothing (``exchange.sharing.selectors``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.audit import Actor, audit_record
from accounts.models import Organisation
from core.errors import ValidationFailed
from exchange.sharing import events
from exchange.sharing.errors import GrantAlreadyRevoked
from exchange.sharing.models import FootprintRequest, Grant, GrantedFootprint, NotificationKind
from exchange.sharing.services.notifications import notification_create
from exchange.sharing.texts import footprint_name, organisation_facts
from suppliers.models import Footprint, FootprintStatus

#: How many footprints one grant may name (a request or a share is about a few products).
MAX_FOOTPRINTS_PER_GRANT = 200


def footprints_shareable(
    *, supplier: Organisation, footprint_ids: Sequence[object], field: str = "footprints"
) -> list[Footprint]:
    """The footprints named by ``footprint_ids``, in that order, if each is one of
    ``supplier``'s published footprints; otherwise ``ValidationFailed`` naming each bad entry
    (``footprints[i]``). Another organisation's footprint gets the same message as a missing
    one: the answer must not tell whether it exists."""
    if not isinstance(footprint_ids, list | tuple) or not footprint_ids:
        raise ValidationFailed(
            _("Name at least one footprint."),
            fields={field: [_("Expected a non-empty list of your published footprints' ids.")]},
        )
    if len(footprint_ids) > MAX_FOOTPRINTS_PER_GRANT:
        raise ValidationFailed(
            _("Too many footprints."),
            fields={
                field: [
                    _("%(count)s footprints; expected at most %(most)s in one grant.")
                    % {"count": len(footprint_ids), "most": MAX_FOOTPRINTS_PER_GRANT}
                ]
            },
        )
    errors: dict[str, list[str]] = {}
    parsed: dict[int, uuid.UUID] = {}
    for index, raw in enumerate(footprint_ids):
        try:
            parsed[index] = raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw))
        except ValueError:
            errors[f"{field}[{index}]"] = [
                _("%(value)r is not a footprint id; expected a UUID.") % {"value": raw}
            ]
    found = {
        f.pk: f
        for f in Footprint.objects.filter(
            organisation=supplier, pk__in=set(parsed.values())
        ).select_related("product")
    }
    chosen: list[Footprint] = []
    seen_lineages: dict[uuid.UUID, int] = {}
    for index, footprint_id in parsed.items():
        path = f"{field}[{index}]"
        footprint = found.get(footprint_id)
        if footprint is None:
            errors[path] = [
                _(
                    "%(id)s is not one of your organisation's footprints; expected the id of one "
                    "of your published footprints."
                )
                % {"id": footprint_id}
            ]
        elif footprint.status == FootprintStatus.DEPRECATED:
            errors[path] = [
                _(
                    "%(id)s is deprecated (a correction replaced it); share the published "
                    "version of the footprint."
                )
                % {"id": footprint_id}
            ]
        elif footprint.status != FootprintStatus.PUBLISHED:
            errors[path] = [
                _("%(id)s is %(status)s; only a published (signed) footprint can be shared.")
                % {"id": footprint_id, "status": footprint.status}
            ]
        elif footprint.lineage in seen_lineages:
            errors[path] = [
                _(
                    "%(id)s is named twice (or with another version of it, at %(other)s); name "
                    "each footprint once."
                )
                % {"id": footprint_id, "other": f"{field}[{seen_lineages[footprint.lineage]}]"}
            ]
        else:
            seen_lineages[footprint.lineage] = index
            chosen.append(footprint)
    if errors:
        raise ValidationFailed(_("Some footprints cannot be shared."), fields=errors)
    return chosen


def grant_summary(grant: Grant, footprints: Sequence[Footprint]) -> dict[str, object]:
    """The ``after`` of the grant's audit events (listeners elsewhere read these keys)."""
    return {
        "buyer": grant.buyer_id,
        "supplier": grant.supplier_id,
        "lineages": sorted(str(f.lineage) for f in footprints),
        "footprints": [str(f.pk) for f in footprints],
        "request": str(grant.request_id) if grant.request_id else None,
    }


@transaction.atomic
def grant_share(
    *,
    actor: Actor,
    supplier: Organisation,
    buyer: Organisation,
    footprints: Sequence[object],
    request: FootprintRequest | None = None,
) -> Grant:
    """Let ``buyer`` read ``footprints`` (ids or ``Footprint`` rows, the supplier's own
    published ones) and their later versions. Audited as ``grant.created``; a proactive share
    (``request`` None) notifies the buyer (a fulfilled request notifies it itself)."""
    if buyer.pk == supplier.pk:
        raise ValidationFailed(
            "You cannot share with your own organisation.",
            fields={"buyer": ["This is your own organisation; expected another organisation."]},
        )
    ids = [f.pk if isinstance(f, Footprint) else f for f in footprints]
    chosen = footprints_shareable(supplier=supplier, footprint_ids=ids)
    grant = Grant.objects.create(
        supplier=supplier, buyer=buyer, request=request, created_by=actor.user
    )
    GrantedFootprint.objects.bulk_create(
        GrantedFootprint(grant=grant, footprint=f, lineage=f.lineage) for f in chosen
    )
    audit_record(
        actor=actor,
        organisation=supplier,
        action=events.GRANT_CREATED,
        obj=grant,
        after=grant_summary(grant, chosen),
    )
    if request is None:
        notification_create(
            organisation=buyer,
            kind=NotificationKind.FOOTPRINT_SHARED,
            dedupe_key=f"footprint.shared:{grant.pk}",
            obj=grant,
            data={
                "grant": str(grant.pk),
                "footprints": [str(f.pk) for f in chosen],
                "footprint_names": [footprint_name(f.product.name, f.period_start) for f in chosen],
                **organisation_facts("supplier", supplier),
            },
        )
    return grant


@transaction.atomic
def grant_revoke(*, actor: Actor, grant: Grant, reason: str) -> Grant:
    """End a grant: the buyer no longer sees any version of its footprints (404). The reason
    is required and told to the buyer. Revoking twice is a conflict."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            pgettext("grant", "A revocation needs a reason."),
            fields={"reason": [_("Say why the buyer loses access; it is sent to the buyer.")]},
        )
    locked = Grant.objects.select_for_update().select_related("supplier", "buyer").get(pk=grant.pk)
    if locked.revoked_at is not None:
        raise GrantAlreadyRevoked(
            f"This grant was already revoked on {locked.revoked_at:%Y-%m-%d}.",
            extra={"revoked_at": locked.revoked_at.isoformat()},
        )
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor.user
    locked.revocation_reason = reason
    locked.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    footprints = [g.footprint for g in locked.footprints.select_related("footprint")]
    audit_record(
        actor=actor,
        organisation=locked.supplier,
        action=events.GRANT_REVOKED,
        obj=locked,
        before={"revoked": False},
        after={"revoked": True, "reason": reason, **grant_summary(locked, footprints)},
    )
    notification_create(
        organisation=locked.buyer,
        kind=NotificationKind.GRANT_REVOKED,
        dedupe_key=f"grant.revoked:{locked.pk}",
        obj=locked,
        data={
            "grant": str(locked.pk),
            "count": len(footprints),
            "reason": reason,
            **organisation_facts("supplier", locked.supplier),
        },
    )
    return locked
