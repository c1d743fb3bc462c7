"""Sharing policies: a supplier's standing answer to one buyer's PACT requests."""

from __future__ import annotations

import pytest

from accounts.audit import Actor
from accounts.models import AuditEvent
from core.errors import ValidationFailed
from exchange.sharing.models import PolicyRule, SharingPolicy
from exchange.sharing.services.policies import policy_for, policy_set
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties():
    return OrganisationFactory(slug="steel-mill"), OrganisationFactory(slug="screw-maker")


def test_without_a_policy_a_person_answers(parties):
    supplier, buyer = parties

    policy = policy_for(supplier, buyer)

    assert (policy.rule, policy.supplier, policy.buyer) == (PolicyRule.MANUAL, supplier, buyer)
    assert policy._state.adding  # not saved: no policy row until the supplier sets one
    assert SharingPolicy.objects.count() == 0


def test_it_sets_and_changes_a_policy_and_audits_each_change(parties):
    supplier, buyer = parties
    user = UserFactory()

    policy_set(
        actor=Actor(user=user),
        supplier=supplier,
        buyer=buyer,
        rule=PolicyRule.REJECT,
        reason="  Only under contract. ",
    )
    changed = policy_set(
        actor=Actor(user=user), supplier=supplier, buyer=buyer, rule=PolicyRule.ALL_PUBLISHED
    )

    assert SharingPolicy.objects.count() == 1
    assert (changed.rule, changed.reason, changed.created_by) == ("all_published", "", user)
    assert policy_for(supplier, buyer) == changed
    events = list(AuditEvent.objects.filter(action="sharing_policy.set").order_by("id"))
    assert [(e.organisation, e.before, e.after) for e in events] == [
        (
            supplier,
            None,
            {"buyer": str(buyer.pk), "rule": "reject", "reason": "Only under contract."},
        ),
        (
            supplier,
            {"rule": "reject", "reason": "Only under contract."},
            {"buyer": str(buyer.pk), "rule": "all_published", "reason": ""},
        ),
    ]


def test_a_rejection_needs_a_reason_and_every_problem_is_named(parties):
    supplier, _buyer = parties

    with pytest.raises(ValidationFailed) as failed:
        policy_set(
            actor=Actor(user=UserFactory()),
            supplier=supplier,
            buyer=supplier,
            rule=PolicyRule.REJECT,
            reason=" ",
        )

    assert failed.value.extra["fields"] == {
        "buyer": ["This is your own organisation; expected a buyer organisation."],
        "reason": ["Say why this buyer's requests are rejected; the reason is sent to the buyer."],
    }
    assert SharingPolicy.objects.count() == 0
    assert AuditEvent.objects.filter(action="sharing_policy.set").count() == 0


def test_an_unknown_rule_is_refused_naming_the_rules(parties):
    supplier, buyer = parties

    with pytest.raises(ValidationFailed) as failed:
        policy_set(actor=Actor(user=UserFactory()), supplier=supplier, buyer=buyer, rule="always")

    assert failed.value.extra["fields"] == {
        "rule": [
            "'always' is not a sharing rule; expected one of manual, shared_products, "
            "all_published, reject."
        ]
    }
