"""Footprint requests: a buyer asks a supplier for the footprint of something it buys.

``open → fulfilled | rejected | expired | withdrawn`` (``REQUEST_TRANSITIONS``; every other
status is final). The buyer sends and withdraws, the supplier fulfils (creating a grant,
``grant_share``) or rejects with a reason, and a periodic task expires requests past their
due date and reminds suppliers of those due soon. Every move locks the row, checks the map,
writes its audit event (``footprint_request.<status>``) and notifies the other party in the
same transaction.

A supplier not on the platform is invited by e-mail (``supplier_email``): the request waits
with no supplier organisation. When an organisation one of whose members has that address
exists (it registers, or the person joins it), the request shows in that organisation's
"invited" list and a notification says so; a writer there **claims** it, which makes the
organisation its supplier (see docs/sharing.md for why this is explicit).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.audit import Actor, audit_record
from accounts.models import Membership, Organisation
from cbam.cn_codes import is_cn_code, normalise_cn_code
from core.errors import ValidationFailed
from core.jobs import job_create
from core.workflows import IllegalTransition
from exchange.sharing import events
from exchange.sharing.errors import ReminderTooSoon
from exchange.sharing.models import (
    REQUEST_TRANSITIONS,
    FootprintRequest,
    Grant,
    NotificationKind,
    RequestStatus,
)
from exchange.sharing.services.grants import grant_share
from exchange.sharing.services.notifications import notification_create
from exchange.sharing.texts import footprint_name, request_facts, request_what
from suppliers.models import Installation, Product

INVITATION_JOB = "sharing.send_request_invitation"
#: The buyer's own reminder ("send a reminder now"); the periodic one is
#: ``footprint_request.reminded`` (``exchange.sharing.services.deadlines``).
REQUEST_BUYER_REMINDED = "footprint_request.buyer_reminded"
SYSTEM = Actor.platform("sharing")


def request_label(request: FootprintRequest) -> str:
    """What is asked for, in words, in English: ``Hot-rolled coil (72083900), 2026``."""
    with translation.override("en"):
        return request_what(request_facts(request))


def request_summary(request: FootprintRequest) -> dict[str, Any]:
    return {
        "status": request.status,
        "buyer": request.buyer_id,
        "supplier": request.supplier_id,
        "supplier_email": request.supplier_email,
        "due_date": request.due_date.isoformat(),
    }


def _request_lock(request: FootprintRequest) -> FootprintRequest:
    """The request's row, locked (``SELECT … FOR UPDATE`` of it alone) and read again with
    its parties, so a check on its status holds until the transaction ends."""
    return (
        FootprintRequest.objects.select_for_update(of=("self",))
        .select_related("buyer", "supplier", "supplier_product")
        .get(pk=request.pk)
    )


def _request_move(
    *,
    actor: Actor,
    request: FootprintRequest,
    to: str,
    organisation: Organisation,
    action: str,
    changes: dict[str, Any] | None = None,
    note: dict[str, Any] | None = None,
) -> FootprintRequest:
    """Lock, check ``REQUEST_TRANSITIONS``, apply, audit ``action`` (``footprint_request.<to>``,
    named by ``exchange.sharing.events`` when another app listens for it). Callers hold the
    transaction."""
    locked = _request_lock(request)
    before = REQUEST_TRANSITIONS.transition(locked, to=to)
    locked.closed_at = timezone.now()
    for name, value in (changes or {}).items():
        setattr(locked, name, value)
    locked.save()
    audit_record(
        actor=actor,
        organisation=organisation,
        action=action,
        obj=locked,
        before={"status": before},
        after={**request_summary(locked), **(note or {})},
    )
    return locked


# --------------------------------------------------------------------------- sending


@dataclass(frozen=True)
class RequestInput:
    """What a buyer sends; ``supplier`` is an organisation's slug on the platform."""

    period_start: date
    period_end: date
    due_date: date
    supplier: str = ""
    supplier_email: str = ""
    supplier_name: str = ""
    supplier_product: uuid.UUID | None = None
    cn_code: str = ""
    description: str = ""
    installation: uuid.UUID | None = None
    quantity_t: Decimal | None = None
    message: str = ""


def _resolve_supplier(
    *, buyer: Organisation, data: RequestInput, errors: dict[str, list[str]]
) -> Organisation | None:
    slug = data.supplier.strip()
    email = data.supplier_email.strip().lower()
    if slug and email:
        errors["supplier"] = [
            _(
                "Give either supplier (an organisation on the platform) or supplier_email (to "
                "invite a company that is not on it), not both."
            )
        ]
        return None
    if not slug and not email:
        errors["supplier"] = [
            _(
                "Name the supplier: the slug of its organisation on the platform (supplier), or "
                "the e-mail address of someone there to invite (supplier_email)."
            )
        ]
        return None
    if email:
        if Membership.objects.filter(organisation=buyer, user__email__iexact=email).exists():
            errors["supplier_email"] = [
                _(
                    "%(email)s belongs to a member of your own organisation; expected someone "
                    "at the supplier."
                )
                % {"email": email}
            ]
        return None
    supplier = Organisation.objects.filter(slug=slug).first()
    if supplier is None:
        errors["supplier"] = [
            _(
                "There is no organisation %(slug)r on the platform; to invite a company that "
                "is not on it, send supplier_email (and supplier_name) instead."
            )
            % {"slug": slug}
        ]
    elif supplier.pk == buyer.pk:
        errors["supplier"] = [
            _("This is your own organisation; a request goes to another organisation.")
        ]
        return None
    return supplier


@transaction.atomic
def request_send(
    *, actor: Actor, buyer: Organisation, data: RequestInput, today: date | None = None
) -> FootprintRequest:
    """Send a request to a supplier on the platform (it is notified), or invite one that is
    not on it by e-mail (a work row sends the invitation after commit). Every problem of the
    input is reported at once, by field; nothing is written then."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    supplier = _resolve_supplier(buyer=buyer, data=data, errors=errors)
    invited = not data.supplier.strip()

    product: Product | None = None
    if data.supplier_product is not None:
        if invited:
            errors["supplier_product"] = [
                "A supplier's product can only be named for a supplier on the platform; "
                "for an invited supplier use cn_code or description."
            ]
        elif supplier is not None:
            product = Product.objects.filter(
                pk=data.supplier_product, organisation=supplier
            ).first()
            if product is None:
                errors["supplier_product"] = [
                    f"{data.supplier_product} is not a product of {supplier}; expected the id "
                    "of one of the supplier's products, or use cn_code or description."
                ]
    cn_code = normalise_cn_code(data.cn_code.strip())
    if cn_code and not is_cn_code(cn_code):
        errors["cn_code"] = [
            _("%(value)r is not a CN code; expected 8 digits, e.g. 72083900.")
            % {"value": data.cn_code}
        ]
    elif cn_code and product is not None and product.cn_code != cn_code:
        errors["cn_code"] = [
            f"{cn_code} is not the CN code of the product named ({product.cn_code}); send the "
            "product's code or leave cn_code empty."
        ]
    description = data.description.strip()
    if data.supplier_product is None and not cn_code and not description:
        errors["product"] = [
            _(
                "Say what you buy: supplier_product (the supplier's product id), cn_code (8 "
                "digits) or description (free text)."
            )
        ]

    installation: Installation | None = None
    if data.installation is not None:
        if invited:
            errors["installation"] = [
                "An installation can only be named for a supplier on the platform; describe it "
                "in the message instead."
            ]
        elif supplier is not None:
            installation = Installation.objects.filter(
                pk=data.installation, organisation=supplier
            ).first()
            if installation is None:
                errors["installation"] = [
                    f"{data.installation} is not an installation of {supplier}; expected the id "
                    "of one of the supplier's installations, or leave it empty."
                ]

    if data.period_end < data.period_start:
        errors["period_end"] = [
            _(
                "The period ends (%(end)s) before it starts (%(start)s); expected %(start)s or "
                "later."
            )
            % {"end": data.period_end, "start": data.period_start}
        ]
    if data.due_date < today:
        errors["due_date"] = [
            _("%(due)s is in the past; expected today (%(today)s) or a later date.")
            % {"due": data.due_date, "today": today}
        ]
    if data.quantity_t is not None and data.quantity_t <= 0:
        errors["quantity_t"] = [
            _(
                "%(quantity)s t is not a quantity bought; expected a positive number of "
                "tonnes, or leave it empty."
            )
            % {"quantity": f"{data.quantity_t.normalize():f}"}
        ]
    if errors:
        raise ValidationFailed(_("The request cannot be sent."), fields=errors)

    request = FootprintRequest.objects.create(
        buyer=buyer,
        supplier=supplier,
        supplier_email=data.supplier_email.strip().lower() if invited else "",
        supplier_name=data.supplier_name.strip(),
        supplier_product=product,
        cn_code=cn_code or (product.cn_code if product else ""),
        description=description,
        installation=installation,
        period_start=data.period_start,
        period_end=data.period_end,
        quantity_t=data.quantity_t,
        due_date=data.due_date,
        message=data.message.strip(),
        created_by=actor.user,
    )
    audit_record(
        actor=actor,
        organisation=buyer,
        action="footprint_request.sent",
        obj=request,
        after=request_summary(request),
    )
    if supplier is not None:
        _notify_received(request)
    else:
        job_create(
            kind=INVITATION_JOB,
            payload={"request_id": str(request.pk)},
            organisation_id=buyer.pk,
            idempotency_key=f"{INVITATION_JOB}:{request.pk}",
        )
    return request


def _notify_received(request: FootprintRequest) -> None:
    assert request.supplier is not None
    notification_create(
        organisation=request.supplier,
        kind=NotificationKind.REQUEST_RECEIVED,
        dedupe_key=f"request.received:{request.pk}",
        obj=request,
        data=request_facts(request),
    )


@transaction.atomic
def request_fulfil(
    *, actor: Actor, request: FootprintRequest, footprints: list[Any]
) -> tuple[FootprintRequest, Grant]:
    """The supplier answers with one or more of its own published footprints: a grant lets
    the buyer read them and their later versions (``grant_share``). The buyer is notified."""
    locked = _request_lock(request)
    REQUEST_TRANSITIONS.check(status=locked.status, to=RequestStatus.FULFILLED)
    assert locked.supplier is not None
    grant = grant_share(
        actor=actor,
        supplier=locked.supplier,
        buyer=locked.buyer,
        footprints=footprints,
        request=locked,
    )
    shared = list(grant.footprints.select_related("footprint__product").order_by("id"))
    fulfilled = _request_move(
        actor=actor,
        request=locked,
        to=RequestStatus.FULFILLED,
        organisation=locked.supplier,
        action=events.REQUEST_FULFILLED,
        note={"grant": str(grant.pk), "footprints": [str(g.footprint_id) for g in shared]},
    )
    notification_create(
        organisation=fulfilled.buyer,
        kind=NotificationKind.REQUEST_FULFILLED,
        dedupe_key=f"request.fulfilled:{fulfilled.pk}",
        obj=fulfilled,
        data={
            **request_facts(fulfilled),
            "grant": str(grant.pk),
            "footprints": [str(g.footprint_id) for g in shared],
            "footprint_names": [
                footprint_name(g.footprint.product.name, g.footprint.period_start) for g in shared
            ],
        },
    )
    return fulfilled, grant


@transaction.atomic
def request_reject(*, actor: Actor, request: FootprintRequest, reason: str) -> FootprintRequest:
    """The supplier declines, saying why (required; the buyer is told)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("A rejection needs a reason."),
            fields={"reason": [_("Say why you cannot answer; it is sent to the buyer.")]},
        )
    assert request.supplier is not None
    rejected = _request_move(
        actor=actor,
        request=request,
        to=RequestStatus.REJECTED,
        organisation=request.supplier,
        action=events.REQUEST_REJECTED,
        changes={"reason": reason},
        note={"reason": reason},
    )
    notification_create(
        organisation=rejected.buyer,
        kind=NotificationKind.REQUEST_REJECTED,
        dedupe_key=f"request.rejected:{rejected.pk}",
        obj=rejected,
        data={**request_facts(rejected), "reason": reason},
    )
    return rejected


@transaction.atomic
def request_withdraw(
    *, actor: Actor, request: FootprintRequest, reason: str = ""
) -> FootprintRequest:
    """The buyer no longer needs the footprint; the supplier (if on the platform) is told."""
    reason = (reason or "").strip()
    withdrawn = _request_move(
        actor=actor,
        request=request,
        to=RequestStatus.WITHDRAWN,
        organisation=request.buyer,
        action="footprint_request.withdrawn",
        changes={"reason": reason},
        note={"reason": reason} if reason else None,
    )
    if withdrawn.supplier is not None:
        notification_create(
            organisation=withdrawn.supplier,
            kind=NotificationKind.REQUEST_WITHDRAWN,
            dedupe_key=f"request.withdrawn:{withdrawn.pk}",
            obj=withdrawn,
            data={**request_facts(withdrawn), "reason": reason},
        )
    return withdrawn


def request_reminder_possible_on(request: FootprintRequest) -> date:
    """The first day the buyer may remind the supplier of ``request`` by hand: today, or
    tomorrow when it already did today (days in ``settings.TIME_ZONE``)."""
    today = timezone.localdate()
    if request.buyer_reminded_at is not None and (
        timezone.localdate(request.buyer_reminded_at) >= today
    ):
        return today + timedelta(days=1)
    return today


@transaction.atomic
def request_remind(*, actor: Actor, request: FootprintRequest) -> FootprintRequest:
    """The buyer reminds the supplier of an open request now, at most once a (calendar) day.

    A supplier on the platform gets a ``request.reminded`` notification (shown and e-mailed
    to each member in their own language, ``exchange.sharing.texts``); a company invited by
    e-mail gets the invitation again, marked as a reminder. Audited in the buyer's log as
    ``footprint_request.buyer_reminded`` (the evidence of efforts counts these). The row is
    locked, so two clicks at once remind once: the second raises ``ReminderTooSoon``."""
    locked = _request_lock(request)
    if locked.status != RequestStatus.OPEN:
        raise IllegalTransition(
            _("This request is %(status)s; only an open request can be reminded.")
            % {"status": locked.get_status_display().lower()},
            extra={"status": locked.status},
        )
    next_day = request_reminder_possible_on(locked)
    if next_day > timezone.localdate():
        raise ReminderTooSoon(
            _(
                "You already reminded the supplier of this request today; the next reminder "
                "can be sent on %(date)s."
            )
            % {"date": date_format(next_day, "DATE_FORMAT")},
            extra={"next_reminder_on": next_day.isoformat()},
        )
    now = timezone.now()
    locked.buyer_reminded_at = now
    locked.save(update_fields=["buyer_reminded_at", "updated_at"])
    audit_record(
        actor=actor,
        organisation=locked.buyer,
        action=REQUEST_BUYER_REMINDED,
        obj=locked,
        after={**request_summary(locked), "reminded_at": now.isoformat()},
    )
    # One notification (or invitation e-mail) per reminder: the lock and the day's check
    # above make each reminder's time unique to it.
    stamp = now.isoformat()
    if locked.supplier is not None:
        notification_create(
            organisation=locked.supplier,
            kind=NotificationKind.REQUEST_REMINDED,
            dedupe_key=f"request.reminded:{locked.pk}:{stamp}",
            obj=locked,
            data=request_facts(locked),
        )
    else:
        job_create(
            kind=INVITATION_JOB,
            payload={"request_id": str(locked.pk), "reminder": True},
            organisation_id=locked.buyer_id,
            idempotency_key=f"{INVITATION_JOB}:{locked.pk}:reminder:{stamp}",
        )
    return locked


@transaction.atomic
def request_claim(
    *, actor: Actor, organisation: Organisation, request: FootprintRequest
) -> FootprintRequest:
    """An organisation one of whose members has the invited e-mail address becomes the
    request's supplier (the invitation reached it). Only an open, unclaimed request can be
    claimed, by an organisation that is not the buyer."""
    locked = _request_lock(request)
    if locked.supplier_id is not None:
        raise IllegalTransition("This request has already been claimed.")
    if locked.status != RequestStatus.OPEN:
        raise IllegalTransition(
            f"This request is {locked.status}; only an open request can be claimed.",
            extra={"status": locked.status},
        )
    if locked.buyer_id == organisation.pk:
        raise ValidationFailed(
            "You sent this request; it cannot be claimed by its buyer.",
            fields={"request": ["A request goes to another organisation."]},
        )
    locked.supplier = organisation
    locked.save(update_fields=["supplier", "updated_at"])
    audit_record(
        actor=actor,
        organisation=organisation,
        action="footprint_request.claimed",
        obj=locked,
        before={"supplier": None},
        after=request_summary(locked),
    )
    _notify_received(locked)
    return locked


# --------------------------------------------------------------------------- periodic
