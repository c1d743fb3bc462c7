"""Sharing policies: a supplier's standing answer to one buyer's requests that arrive by PACT
(``RequestCreatedEvent.3``, ``exchange.partners.services.inbound``).

``MANUAL`` (also when no policy is set): a person answers each request in the inbox;
``SHARED_PRODUCTS``: fulfilled at once when the supplier already shares a footprint of that
product with the buyer; ``ALL_PUBLISHED``: fulfilled at once with the matching published
footprints; ``REJECT``: rejected at once with the supplier's standing reason.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import Actor, audit_record
from accounts.models import Organisation
from core.errors import ValidationFailed
from exchange.sharing.models import PolicyRule, SharingPolicy

POLICY_SET = "sharing_policy.set"


def policy_for(supplier: Organisation, buyer: Organisation) -> SharingPolicy:
    """The supplier's policy for ``buyer``; without one, an unsaved ``MANUAL`` policy."""
    policy = SharingPolicy.objects.filter(supplier=supplier, buyer=buyer).first()
    return policy or SharingPolicy(supplier=supplier, buyer=buyer, rule=PolicyRule.MANUAL)


@transaction.atomic
def policy_set(
    *,
    actor: Actor,
    supplier: Organisation,
    buyer: Organisation,
    rule: str,
    reason: str = "",
) -> SharingPolicy:
    """Set (or change) how ``supplier`` answers ``buyer``'s PACT requests. A rejection needs
    a reason (sent to the buyer); every problem is reported at once, by field. Audited as
    ``sharing_policy.set`` with the rule before and after."""
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if rule not in PolicyRule.values:
        errors["rule"] = [
            _("%(rule)r is not a sharing rule; expected one of %(rules)s.")
            % {"rule": rule, "rules": ", ".join(PolicyRule.values)}
        ]
    if buyer.pk == supplier.pk:
        errors["buyer"] = [_("This is your own organisation; expected a buyer organisation.")]
    if rule == PolicyRule.REJECT and not reason:
        errors["reason"] = [
            _("Say why this buyer's requests are rejected; the reason is sent to the buyer.")
        ]
    if errors:
        raise ValidationFailed(_("The sharing policy cannot be saved."), fields=errors)
    policy = (
        SharingPolicy.objects.select_for_update().filter(supplier=supplier, buyer=buyer).first()
    )
    before = {"rule": policy.rule, "reason": policy.reason} if policy else None
    if policy is None:
        policy = SharingPolicy(supplier=supplier, buyer=buyer, created_by=actor.user)
    policy.rule = rule
    policy.reason = reason if rule == PolicyRule.REJECT else ""
    policy.save()
    audit_record(
        actor=actor,
        organisation=supplier,
        action=POLICY_SET,
        obj=policy,
        before=before,
        after={"buyer": str(buyer.pk), "rule": policy.rule, "reason": policy.reason},
    )
    return policy
