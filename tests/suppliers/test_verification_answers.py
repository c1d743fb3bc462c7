"""A platform verifier confirms, or declines with a comment, each submission of a footprint that
names it: the answer is recorded with the figures answered for, audited in both organisations,
refused when it is not the verifier's to give, and asked again by the next submission."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.audit import Actor
from accounts.models import AuditEvent
from accounts.roles import Role
from core.errors import Conflict, ValidationFailed
from suppliers.models import Footprint, VerificationDecision
from suppliers.selectors import (
    verification_decisions_of,
    verification_requests_open,
    verification_requests_visible_to,
)
from suppliers.services.verification import (
    footprint_verification_confirm,
    footprint_verification_decline,
)
from suppliers.services.workflow import footprint_reject, footprint_reopen, footprint_submit
from tests.suppliers.conftest import Producer
from tests.suppliers.verifiers import SUBMITTED, Verifier, named_footprint, verifier_party

pytestmark = pytest.mark.django_db

REASON = "The natural gas figure does not match the meter readings of our site visit."


@pytest.fixture
def verifier(db: None) -> Verifier:
    return verifier_party()


def _as(verifier: Verifier, role: str = Role.REVIEWER) -> Actor:
    return Actor(user=verifier.users[role])


def _decline(verifier: Verifier, footprint: Footprint, comment: object = REASON):
    return footprint_verification_decline(
        actor=_as(verifier), verifier=verifier.organisation, footprint=footprint, comment=comment
    )


def _state(footprint: Footprint) -> tuple[object, ...]:
    footprint.refresh_from_db()
    return (footprint.status, footprint.verifier_confirmed_at, footprint.verifier_declined_at)


def test_a_decline_is_recorded_with_its_comment_and_the_figures_answered_for(
    producer: Producer, verifier: Verifier
):
    footprint = named_footprint(producer, verifier)
    before = timezone.now()

    decision = _decline(verifier, footprint, comment=f"  {REASON}\n")

    footprint.refresh_from_db()
    assert footprint.status == "in_review"
    assert footprint.verifier_confirmed_at is None
    assert footprint.verifier_declined_at == decision.decided_at
    assert decision.decided_at >= before
    stored = VerificationDecision.objects.get()
    assert (
        stored.footprint_id,
        stored.verifier_id,
        stored.outcome,
        stored.comment,
        stored.decided_by,
        stored.submitted_at,
        stored.footprint_status,
        stored.see_direct,
        stored.see_indirect,
        stored.see_total,
    ) == (
        footprint.pk,
        verifier.organisation.pk,
        "declined",
        REASON,
        verifier.users["reviewer"],
        SUBMITTED,
        "in_review",
        Decimal("1.80000"),
        Decimal("0.00000"),
        Decimal("1.80000"),
    )
    events = AuditEvent.objects.filter(action="footprint.verification_declined").order_by(
        "organisation__slug"
    )
    assert [(e.organisation.slug, e.object_id, e.actor_user_id) for e in events] == [
        ("hebei-steel", str(footprint.pk), verifier.users["reviewer"].pk),
        ("nordic-verification", str(footprint.pk), verifier.users["reviewer"].pk),
    ]
    assert events[0].after == {
        "verifier": "nordic-verification",
        "producer": "hebei-steel",
        "producer_id": producer.organisation.pk,
        "decision": str(stored.pk),
        "statement_date": "2027-02-15",
        "comment": REASON,
    }


def test_a_confirmation_may_carry_a_comment_and_leaves_the_inbox(
    producer: Producer, verifier: Verifier
):
    footprint = named_footprint(producer, verifier)

    confirmed = footprint_verification_confirm(
        actor=_as(verifier, Role.OWNER),
        verifier=verifier.organisation,
        footprint=footprint,
        comment="Site visit of 12 February 2027.",
    )

    assert confirmed.verifier_confirmed_at is not None
    decision = VerificationDecision.objects.get()
    assert (decision.outcome, decision.comment, decision.decided_at) == (
        "confirmed",
        "Site visit of 12 February 2027.",
        confirmed.verifier_confirmed_at,
    )
    assert list(verification_requests_open(organisation=verifier.organisation)) == []
    assert list(verification_decisions_of(organisation=verifier.organisation)) == [decision]


@pytest.mark.parametrize("comment", ["", "   ", None])
def test_a_decline_without_a_comment_is_refused_at_the_comment_and_changes_nothing(
    producer: Producer, verifier: Verifier, comment: object
):
    footprint = named_footprint(producer, verifier)
    before = _state(footprint)

    with pytest.raises(ValidationFailed) as refused:
        _decline(verifier, footprint, comment=comment)

    assert refused.value.message == "A declined verification needs a comment."
    assert refused.value.extra["fields"] == {
        "comment": [
            "Say why the verification is declined and what the producer must change; the "
            "producer reads it."
        ]
    }
    assert _state(footprint) == before
    assert not VerificationDecision.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="footprint.verification").exists()


def test_a_comment_that_is_not_text_is_refused_at_the_comment(
    producer: Producer, verifier: Verifier
):
    footprint = named_footprint(producer, verifier)

    with pytest.raises(ValidationFailed) as refused:
        _decline(verifier, footprint, comment="bad\x00byte")
    with pytest.raises(ValidationFailed) as too_long:
        _decline(verifier, footprint, comment="x" * 2001)

    assert refused.value.extra["fields"] == {
        "comment": [
            "contains a control character (U+0000) at position 4; expected text without "
            "control characters"
        ]
    }
    assert too_long.value.extra["fields"] == {
        "comment": ["is 2,001 characters long; expected at most 2,000"]
    }
    assert not VerificationDecision.objects.exists()


def test_each_submission_is_answered_once(producer: Producer, verifier: Verifier):
    footprint = named_footprint(producer, verifier)
    decision = _decline(verifier, footprint)
    declined_on = f"{timezone.localtime(decision.decided_at):%Y-%m-%d}"

    with pytest.raises(Conflict) as again:
        _decline(verifier, footprint)
    with pytest.raises(Conflict) as confirm:
        footprint_verification_confirm(
            actor=_as(verifier), verifier=verifier.organisation, footprint=footprint
        )

    expected = f"Already declined on {declined_on}; the producer's next submission asks you again."
    assert (again.value.message, confirm.value.message) == (expected, expected)
    assert VerificationDecision.objects.count() == 1


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (
            "published",
            "This footprint is published; a verification is answered while it is submitted, in "
            "review or approved (before publication).",
        ),
        (
            "draft",
            "This footprint is draft; a verification is answered while it is submitted, in "
            "review or approved (before publication).",
        ),
    ],
)
def test_only_a_submission_before_publication_is_answered(
    producer: Producer, verifier: Verifier, status: str, message: str
):
    extra = {"signed_document": b"{}", "signature": "x.y.z"} if status == "published" else {}
    footprint = named_footprint(producer, verifier, status=status, **extra)

    with pytest.raises(Conflict) as refused:
        _decline(verifier, footprint)

    assert refused.value.message == message
    assert not VerificationDecision.objects.exists()


def test_another_verifier_cannot_answer(producer: Producer, verifier: Verifier):
    footprint = named_footprint(producer, verifier)
    other = verifier_party("other-verifier")

    with pytest.raises(Conflict) as refused:
        footprint_verification_decline(
            actor=_as(other), verifier=other.organisation, footprint=footprint, comment=REASON
        )

    assert refused.value.message == (
        "This footprint does not name your organisation as its verifier."
    )
    assert list(verification_requests_visible_to(organisation=other.organisation)) == []


def test_a_new_submission_asks_the_verifier_again(producer: Producer, verifier: Verifier):
    footprint = named_footprint(producer, verifier)
    _decline(verifier, footprint)
    preparer, reviewer = (Actor(user=producer.users[r]) for r in ("preparer", "reviewer2"))

    with transaction.atomic():
        footprint_reject(actor=reviewer, footprint=footprint, comment="Fix the gas figure.")
    assert list(verification_requests_visible_to(organisation=verifier.organisation)) == []
    footprint_reopen(actor=preparer, footprint=footprint)
    footprint_submit(actor=preparer, footprint=footprint)

    footprint.refresh_from_db()
    assert (footprint.status, footprint.verifier_declined_at) == ("submitted", None)
    assert list(verification_requests_open(organisation=verifier.organisation)) == [footprint]
    # The earlier answer stays in the record.
    assert [d.outcome for d in verification_decisions_of(organisation=verifier.organisation)] == [
        "declined"
    ]


def test_the_inbox_holds_open_requests_only_the_longest_waiting_first(
    producer: Producer, verifier: Verifier
):
    later = named_footprint(producer, verifier, day=2)
    first = named_footprint(producer, verifier, day=0, status="approved")
    named_footprint(producer, verifier, day=1, status="draft")
    named_footprint(producer, verifier, day=1, verifier_confirmed_at=timezone.now())
    named_footprint(producer, verifier_party("other-verifier"), day=1)

    assert list(verification_requests_open(organisation=verifier.organisation)) == [first, later]
