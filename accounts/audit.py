"""The acting party of a state change and the audit record every change writes."""

from __future__ import annotations

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
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"audit_record({action}) outside a transaction: wrap the change")
    return AuditEvent.objects.create(
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


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Keep only the keys whose values differ: the before/after summary of an update."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
