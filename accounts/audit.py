"""The acting party of a state change and the audit record every change writes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from accounts.models import ApiClient, AuditEvent, Organisation, User
from core.request_context import current_request_id


@dataclass(frozen=True)
class Actor:
    """Who acts: a person, a machine client, or the platform itself (workers, commands)."""

    user: User | None = None
    client: ApiClient | None = None
    system: str | None = None

    @property
    def label(self) -> str:
        if self.user is not None:
            return self.user.email
        if self.client is not None:
            return f"client:{self.client.client_id}"
        return f"system:{self.system or 'platform'}"

    @classmethod
    def platform(cls, name: str) -> Actor:
        return cls(system=name)


#: What runs when an event of an action is recorded: in the change's transaction, so it must
#: only enqueue work (``core.jobs.job_create``), never do it. See ``audit_listen``.
AuditListener = Callable[[AuditEvent], None]
_LISTENERS: dict[str, list[AuditListener]] = {}


def audit_listen(*actions: str) -> Callable[[AuditListener], AuditListener]:
    """Register a listener for audit actions, named by the emitting app's ``events`` module
    (``suppliers.events.FOOTPRINT_PUBLISHED``…).

    The audit log is the platform's record of domain events: an app that must react to a
    change made elsewhere (a buyer's results when a supplier deprecates a footprint) listens
    to its action instead of the changing service importing it. Listeners are registered in
    their app's ``ready()`` and run inside the transaction that records the event, so the work
    they enqueue commits with the change or not at all."""

    def register(listener: AuditListener) -> AuditListener:
        for action in actions:
            registered = _LISTENERS.setdefault(action, [])
            if listener not in registered:
                registered.append(listener)
        return listener

    return register


def audit_listened_actions() -> dict[str, list[AuditListener]]:
    """Every action some listener is registered for, with its listeners (a copy): what other
    apps rely on being recorded (``tests/test_events.py``)."""
    return {action: list(listeners) for action, listeners in _LISTENERS.items() if listeners}


def _notify(events: list[AuditEvent]) -> None:
    for event in events:
        for listener in _LISTENERS.get(event.action, ()):
            listener(event)


def _require_transaction(action: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"audit_record({action}) outside a transaction: wrap the change")


def audit_event(
    *,
    actor: Actor,
    organisation: Organisation | None,
    action: str,
    obj: Any,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """An unsaved audit event (for ``audit_record_many``)."""
    return AuditEvent(
        organisation=organisation,
        actor_user=actor.user,
        actor_client=actor.client,
        actor_label=actor.label,
        action=action,
        object_type=obj._meta.label_lower if hasattr(obj, "_meta") else type(obj).__name__,
        object_id=str(obj.pk) if hasattr(obj, "pk") else str(obj),
        before=before,
        after=after,
        request_id=current_request_id() or "",
    )


def audit_record(
    *,
    actor: Actor,
    organisation: Organisation | None,
    action: str,
    obj: Any,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an audit event. Must run inside the transaction of the change it records."""
    _require_transaction(action)
    event = audit_event(
        actor=actor, organisation=organisation, action=action, obj=obj, before=before, after=after
    )
    event.save()
    _notify([event])
    return event


def audit_record_many(events: list[AuditEvent]) -> list[AuditEvent]:
    """Append many events (built by ``audit_event``) in one statement; listeners run as for
    ``audit_record``."""
    if not events:
        return []
    _require_transaction(events[0].action)
    created = AuditEvent.objects.bulk_create(events)
    _notify(created)
    return created


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Keep only the keys whose values differ: the before/after summary of an update."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
