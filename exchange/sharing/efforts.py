"""Evidence of efforts: what a buyer did to obtain a supplier's actual emissions data, and
what came of it.

Where a supplier's data is missing, buyers and importers fall back on EU default values; they
must be able to show that they asked first. This module is the one place that says what that
proof holds. It reads stored records only, never a clock or a guess:

- the requests (``FootprintRequest``: sent, due date, status, reason, the supplier);
- their audit events (``footprint_request.sent``, ``.claimed``, ``.reminded`` — the periodic
  reminder —, ``.buyer_reminded`` — the buyer's own —, ``.fulfilled``, ``.rejected``,
  ``.withdrawn``, ``.expired``), which carry the time and the acting person;
- the supplier's "new request" notifications (e-mailed to its members at ``emailed_at``,
  marked read at ``read_at``: what the platform knows of the request being seen);
- the work rows that e-mailed the invitation of a company not on the platform (and its
  repetitions as the buyer's reminders).

A request made before its audit event existed (or loaded without one) still counts: its
``created_at``, ``reminder_sent_at`` and ``closed_at`` stand in for the missing events.

Who acted: the buyer's own people by name and address (from the audit event); the supplier
as an organisation (its staff's addresses are the supplier's to give, not ours); the
platform for what it did by itself (e-mails, the periodic reminder, expiry).

The request page's timeline (``request_timeline``), the evidence pages, and the CSV and PDF
exports (``exchange.sharing.effort_exports``) all read it here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEvent, Organisation
from core.models import Job
from exchange.sharing.models import (
    FootprintRequest,
    Notification,
    NotificationKind,
    RequestStatus,
)
from exchange.sharing.services.requests import INVITATION_JOB, REQUEST_BUYER_REMINDED
from exchange.sharing.texts import footprint_name, organisation_display
from suppliers.models import Footprint

# --------------------------------------------------------------------------- what counts

SENT = "sent"
INVITATION_EMAILED = "invitation_emailed"
NOTIFIED = "notified"
SEEN = "seen"
CLAIMED = "claimed"
REMINDED = "reminded"
BUYER_REMINDED = "buyer_reminded"
FULFILLED = "fulfilled"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
EXPIRED = "expired"

#: Each kind of event and how a person reads it, in the order events of the same instant are
#: listed.
EVENT_LABELS: dict[str, Promise] = {
    SENT: _("Request sent"),
    INVITATION_EMAILED: _("Invitation e-mailed"),
    NOTIFIED: _("Supplier notified by e-mail"),
    SEEN: _("Seen by the supplier"),
    CLAIMED: _("Taken up by the supplier after joining"),
    REMINDED: _("Automatic reminder: due date near"),
    BUYER_REMINDED: _("Reminder sent by the buyer"),
    FULFILLED: _("Answered with footprints"),
    REJECTED: _("Refused by the supplier"),
    WITHDRAWN: _("Withdrawn by the buyer"),
    EXPIRED: _("Expired unanswered"),
}
_ORDER = {kind: position for position, kind in enumerate(EVENT_LABELS)}

#: The audit action of each event kind (see the module's docstring).
_ACTIONS = {
    "footprint_request.sent": SENT,
    "footprint_request.claimed": CLAIMED,
    "footprint_request.reminded": REMINDED,
    REQUEST_BUYER_REMINDED: BUYER_REMINDED,
    "footprint_request.fulfilled": FULFILLED,
    "footprint_request.rejected": REJECTED,
    "footprint_request.withdrawn": WITHDRAWN,
    "footprint_request.expired": EXPIRED,
}
_CLOSING = {
    RequestStatus.FULFILLED: FULFILLED,
    RequestStatus.REJECTED: REJECTED,
    RequestStatus.WITHDRAWN: WITHDRAWN,
    RequestStatus.EXPIRED: EXPIRED,
}
#: Whose act each kind is.
BUYER, SUPPLIER, PLATFORM = "buyer", "supplier", "platform"
_PARTY = {
    SENT: BUYER,
    INVITATION_EMAILED: PLATFORM,
    NOTIFIED: PLATFORM,
    SEEN: SUPPLIER,
    CLAIMED: SUPPLIER,
    REMINDED: PLATFORM,
    BUYER_REMINDED: BUYER,
    FULFILLED: SUPPLIER,
    REJECTED: SUPPLIER,
    WITHDRAWN: BUYER,
    EXPIRED: PLATFORM,
}
_REQUEST_TYPE = FootprintRequest._meta.label_lower


@dataclass(frozen=True)
class EffortEvent:
    """One dated step of one request. ``by`` is the buyer's person (``Name <address>`` or
    the address; a machine client by its id) for the buyer's acts, empty otherwise (the
    supplier's acts are the supplier's, the platform's its own: ``party`` says which).
    ``reason``: of a refusal or withdrawal; ``footprints``: the names of those shared;
    ``address``: where an invitation went; ``again``: an invitation e-mailed as a reminder."""

    at: datetime
    kind: str
    request: FootprintRequest
    party: str
    by: str = ""
    reason: str = ""
    footprints: tuple[str, ...] = ()
    address: str = ""
    again: bool = False

    @property
    def label(self) -> str:
        return str(EVENT_LABELS[self.kind])

    @property
    def detail(self) -> str:
        """What else the event says, in the active language: the due date of a request
        sent, where an invitation went, the footprints shared, the reason given."""
        parts = []
        if self.kind == SENT:
            parts.append(gettext("due %(date)s") % {"date": self.request.due_date.isoformat()})
        if self.address:
            parts.append(gettext("to %(address)s") % {"address": self.address})
        if self.again:
            parts.append(str(gettext("again, as a reminder")))
        if self.footprints:
            parts.append(gettext("shared: %(names)s") % {"names": ", ".join(self.footprints)})
        if self.reason:
            parts.append(gettext("reason: %(reason)s") % {"reason": self.reason})
        return "; ".join(parts)


def supplier_display(request: FootprintRequest) -> str:
    """The supplier of a request as the pages name it: the organisation (original script,
    Latin name in brackets when it differs), or the invited company and its address."""
    return supplier_named(request.supplier, request.supplier_name, request.supplier_email)


def supplier_named(organisation: Organisation | None, name: str, email: str) -> str:
    """An organisation's name (``texts.organisation_display``), else ``Name <address>`` of
    a company invited by e-mail (the address alone when it was given no name)."""
    if organisation is not None:
        return organisation_display(organisation)
    return f"{name} <{email}>" if name else email


def _person(event: AuditEvent) -> str:
    user = event.actor_user
    if user is not None and user.full_name:
        return f"{user.full_name} <{user.email}>"
    return event.actor_label


def effort_events(requests: Iterable[FootprintRequest]) -> list[EffortEvent]:
    """Every event of ``requests`` (loaded with ``effort_requests``), oldest first. Four
    queries whatever their number (audit events, notifications, invitation work rows, the
    names of the footprints shared), three when nothing was shared."""
    by_id = {str(r.pk): r for r in requests}
    if not by_id:
        return []
    events: list[EffortEvent] = []
    seen_kinds: set[tuple[str, str]] = set()

    audit = (
        AuditEvent.objects.filter(
            object_type=_REQUEST_TYPE, object_id__in=list(by_id), action__in=list(_ACTIONS)
        )
        .select_related("actor_user")
        .order_by("created_at", "id")
    )
    shared: dict[str, list[str]] = {}
    for event in audit:
        request = by_id[event.object_id]
        kind = _ACTIONS[event.action]
        after: dict[str, Any] = event.after or {}
        party = _PARTY[kind]
        if kind == FULFILLED:
            shared[event.object_id] = [str(f) for f in after.get("footprints") or []]
        events.append(
            EffortEvent(
                at=event.created_at,
                kind=kind,
                request=request,
                party=party,
                by=_person(event) if party == BUYER else "",
                reason=str(after.get("reason") or ""),
            )
        )
        seen_kinds.add((event.object_id, kind))

    events += _fallbacks(by_id.values(), seen_kinds)
    events += _notification_events(by_id)
    events += _invitation_events(by_id)
    events = _with_footprint_names(events, shared)
    return sorted(events, key=lambda e: (e.at, _ORDER[e.kind], str(e.request.pk)))


def _fallbacks(
    requests: Iterable[FootprintRequest], recorded: set[tuple[str, str]]
) -> list[EffortEvent]:
    """The request's own dates for the steps no audit event records."""
    events = []
    for r in requests:
        key = str(r.pk)
        if (key, SENT) not in recorded:
            by = r.created_by.email if r.created_by is not None else ""
            events.append(EffortEvent(at=r.created_at, kind=SENT, request=r, party=BUYER, by=by))
        if r.reminder_sent_at is not None and (key, REMINDED) not in recorded:
            events.append(
                EffortEvent(at=r.reminder_sent_at, kind=REMINDED, request=r, party=PLATFORM)
            )
        closing = _CLOSING.get(RequestStatus(r.status))
        if closing is not None and (key, closing) not in recorded:
            events.append(
                EffortEvent(
                    at=r.closed_at or r.updated_at,
                    kind=closing,
                    request=r,
                    party=_PARTY[closing],
                    reason=r.reason,
                )
            )
    return events


def _notification_events(by_id: dict[str, FootprintRequest]) -> list[EffortEvent]:
    """The supplier's "new request" notifications: e-mailed, then marked read."""
    notifications = (
        Notification.objects.filter(
            object_type=_REQUEST_TYPE,
            object_id__in=list(by_id),
            kind=NotificationKind.REQUEST_RECEIVED,
        )
        .only("object_id", "organisation_id", "emailed_at", "read_at")
        .order_by("created_at", "id")
    )
    events = []
    for n in notifications:
        request = by_id[n.object_id]
        if n.organisation_id == request.buyer_id:
            continue
        if n.emailed_at is not None:
            events.append(
                EffortEvent(at=n.emailed_at, kind=NOTIFIED, request=request, party=PLATFORM)
            )
        if n.read_at is not None:
            events.append(EffortEvent(at=n.read_at, kind=SEEN, request=request, party=SUPPLIER))
    return events


def _invitation_events(by_id: dict[str, FootprintRequest]) -> list[EffortEvent]:
    """The invitation e-mails the work rows sent (first, and as the buyer's reminders)."""
    jobs = Job.objects.filter(
        kind=INVITATION_JOB, status=Job.Status.SUCCEEDED, payload__request_id__in=list(by_id)
    ).only("payload", "result", "finished_at", "created_at")
    events = []
    for job in jobs:
        if not (job.result or {}).get("sent"):
            continue
        request = by_id[str(job.payload["request_id"])]
        events.append(
            EffortEvent(
                at=job.finished_at or job.created_at,
                kind=INVITATION_EMAILED,
                request=request,
                party=PLATFORM,
                address=request.supplier_email,
                again=bool(job.payload.get("reminder")),
            )
        )
    return events


def _with_footprint_names(
    events: list[EffortEvent], shared: dict[str, list[str]]
) -> list[EffortEvent]:
    """Name the footprints of each fulfilment (product and year), as the notification did."""
    ids = {f for footprints in shared.values() for f in footprints}
    if not ids:
        return events
    names = {
        str(f.pk): footprint_name(f.product.name, f.period_start)
        for f in Footprint.objects.filter(pk__in=ids)
        .select_related("product")
        .only("pk", "period_start", "product__name")
    }
    named = []
    for e in events:
        if e.kind == FULFILLED and str(e.request.pk) in shared:
            footprints = tuple(names.get(f, f) for f in shared[str(e.request.pk)])
            e = EffortEvent(**{**e.__dict__, "footprints": footprints})
        named.append(e)
    return named


# --------------------------------------------------------------------------- reads


def effort_requests(*, buyer: Organisation) -> QuerySet[FootprintRequest]:
    """The requests ``buyer`` sent, with what the log names (supplier, product, sender),
    oldest first."""
    return (
        FootprintRequest.objects.filter(buyer=buyer)
        .select_related("buyer", "supplier", "supplier_product", "created_by")
        .order_by("created_at", "id")
    )


def request_timeline(*, request: FootprintRequest) -> list[EffortEvent]:
    """The steps of one request, oldest first (the request page's timeline)."""
    return effort_events([request])


def supplier_key_of(request: FootprintRequest) -> str:
    """Which supplier a request counts for: the organisation's slug, or (a company invited by
    e-mail that has not taken the request up) the address; slugs never hold an ``@``."""
    return request.supplier.slug if request.supplier is not None else request.supplier_email


def _for_supplier(requests: QuerySet[FootprintRequest], key: str) -> QuerySet[FootprintRequest]:
    if "@" in key:
        return requests.filter(supplier__isnull=True, supplier_email=key.strip().lower())
    return requests.filter(supplier__slug=key)


@dataclass(frozen=True)
class EffortLog:
    """The evidence for one buyer and one supplier over a period: every event of the
    requests sent to it, dated within ``start``–``end`` (inclusive; empty = unbounded), oldest
    first. ``covered_from``/``covered_to`` say what the log covers: the bounds asked for, or
    the first event and the day it was made."""

    buyer: Organisation
    supplier: Organisation | None
    supplier_email: str
    supplier_name: str
    key: str
    requests: list[FootprintRequest]
    events: list[EffortEvent]
    start: date | None
    end: date | None
    generated_at: datetime

    @property
    def covered_from(self) -> date | None:
        if self.start is not None:
            return self.start
        return timezone.localdate(self.events[0].at) if self.events else None

    @property
    def covered_to(self) -> date:
        return self.end or timezone.localdate(self.generated_at)

    @property
    def counts(self) -> dict[str, int]:
        """How many events of each kind (every kind, zero included), in the labels' order."""
        found = Counter(e.kind for e in self.events)
        return {kind: found[kind] for kind in EVENT_LABELS}


def effort_log(
    *, buyer: Organisation, key: str, start: date | None = None, end: date | None = None
) -> EffortLog | None:
    """The evidence of efforts of ``buyer`` towards the supplier ``key`` (see
    ``supplier_key_of``), events dated from ``start`` to ``end`` inclusive (days in
    ``settings.TIME_ZONE``); None when ``buyer`` sent that supplier no request (the page's
    404). Five queries."""
    requests = list(_for_supplier(effort_requests(buyer=buyer), key))
    if not requests:
        return None
    events = [
        e
        for e in effort_events(requests)
        if (start is None or timezone.localdate(e.at) >= start)
        and (end is None or timezone.localdate(e.at) <= end)
    ]
    first = requests[0]
    return EffortLog(
        buyer=buyer,
        supplier=first.supplier,
        supplier_email="" if first.supplier is not None else first.supplier_email,
        supplier_name=_invited_name(requests) if first.supplier is None else "",
        key=supplier_key_of(first),
        requests=requests,
        events=events,
        start=start,
        end=end,
        generated_at=timezone.now(),
    )


def _invited_name(requests: list[FootprintRequest]) -> str:
    """The latest name the buyer gave an invited company."""
    names = [r.supplier_name for r in requests if r.supplier_name]
    return names[-1] if names else ""


@dataclass
class SupplierEfforts:
    """One line of the evidence index: a supplier and what was done towards it."""

    key: str
    organisation: Organisation | None
    email: str
    name: str
    requests: int = 0
    reminders: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    first_sent: datetime | None = None
    last_activity: datetime | None = None

    @property
    def open(self) -> int:
        return self.by_status[RequestStatus.OPEN]

    @property
    def fulfilled(self) -> int:
        return self.by_status[RequestStatus.FULFILLED]

    @property
    def rejected(self) -> int:
        return self.by_status[RequestStatus.REJECTED]

    @property
    def unanswered(self) -> int:
        """Closed without an answer: expired or withdrawn."""
        return self.by_status[RequestStatus.EXPIRED] + self.by_status[RequestStatus.WITHDRAWN]


def effort_suppliers(*, buyer: Organisation) -> list[SupplierEfforts]:
    """Every supplier ``buyer`` asked for data, with its counts: requests, reminders (the
    periodic one and the buyer's own), requests by status, first request, last activity;
    the latest activity first. Two queries."""
    reminded_by_buyer = Counter(
        AuditEvent.objects.filter(
            organisation=buyer, action=REQUEST_BUYER_REMINDED, object_type=_REQUEST_TYPE
        ).values_list("object_id", flat=True)
    )
    index: dict[str, SupplierEfforts] = {}
    for r in effort_requests(buyer=buyer).select_related(None).select_related("supplier"):
        key = supplier_key_of(r)
        line = index.get(key)
        if line is None:
            line = index[key] = SupplierEfforts(
                key=key,
                organisation=r.supplier,
                email="" if r.supplier is not None else r.supplier_email,
                name=organisation_display(r.supplier) if r.supplier is not None else "",
            )
        if r.supplier is None and r.supplier_name:
            line.name = r.supplier_name
        line.requests += 1
        line.by_status[r.status] += 1
        line.reminders += (r.reminder_sent_at is not None) + reminded_by_buyer[str(r.pk)]
        line.first_sent = min(filter(None, (line.first_sent, r.created_at)))
        dates = [r.created_at, r.closed_at, r.reminder_sent_at, r.buyer_reminded_at]
        line.last_activity = max(filter(None, [line.last_activity, *dates]))
    return sorted(
        index.values(),
        key=lambda line: (line.last_activity or timezone.now(), line.key),
        reverse=True,
    )


def requests_to_supplier(
    requests: QuerySet[FootprintRequest], key: str
) -> QuerySet[FootprintRequest]:
    """``requests`` narrowed to the supplier ``key`` (see ``supplier_key_of``)."""
    return _for_supplier(requests, key)


def supplier_choices(*, buyer: Organisation) -> list[tuple[str, str]]:
    """(key, name) of every supplier ``buyer`` sent a request to, by name: a filter's
    choices. One query."""
    rows = (
        FootprintRequest.objects.filter(buyer=buyer)
        .values_list(
            "supplier__slug",
            "supplier__legal_name",
            "supplier__legal_name_latin",
            "supplier_email",
            "supplier_name",
        )
        .distinct()
    )
    choices: dict[str, str] = {}
    for slug, name, latin, email, invited_name in rows:
        if slug:
            shown = name or latin
            choices[slug] = f"{shown} ({latin})" if latin and latin != shown else shown
        else:
            choices.setdefault(email, f"{invited_name} <{email}>" if invited_name else email)
    return sorted(choices.items(), key=lambda item: (item[1].lower(), item[0]))
