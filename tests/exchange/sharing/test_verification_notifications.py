"""The platform verifier hears of a submission that names it once it passes validation (a link
to the request in its inbox), and the producer hears of the verifier's answer (a link to the
footprint): through the audit events of the suppliers app, the sharing app's listeners and work
rows, once each, with e-mails on SITE_URL."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from accounts.audit import Actor
from accounts.models import User
from core.jobs import job_execute
from core.models import Job
from exchange.sharing.models import Notification
from exchange.sharing.services.reactions import (
    VERIFICATION_ANSWERED_JOB,
    VERIFICATION_REQUESTED_JOB,
)
from exchange.sharing.texts import notification_page
from suppliers.models import Footprint
from suppliers.services.verification import (
    footprint_verification_confirm,
    footprint_verification_decline,
)
from tests.exchange.sharing.conftest import run_jobs
from tests.suppliers.conftest import Producer, footprint_input
from tests.suppliers.verifiers import Verifier, named_footprint, verifier_party

pytestmark = pytest.mark.django_db

SITE = "https://cbam.example.org"


@pytest.fixture
def verifier(db: None) -> Verifier:
    return verifier_party()


def _submitted(producer: Producer, **verification: Any) -> str:
    data = footprint_input(producer)
    data["verification"] = {**data["verification"], **verification}
    api = producer.api("preparer")
    created = api.post(producer.url("footprints/"), data, format="json")
    assert created.status_code == 201, created.content
    footprint_id = created.json()["id"]
    submitted = api.post(producer.url(f"footprints/{footprint_id}/submit/"), {}, format="json")
    assert submitted.status_code == 200, submitted.content
    return footprint_id


def test_the_verifier_is_asked_once_the_submission_naming_it_is_in_review(
    producer: Producer, verifier: Verifier, settings: Any
):
    settings.SITE_URL = SITE
    User.objects.filter(email="owner@nordic-verification.example").update(language="zh-hans")
    footprint_id = _submitted(producer, verifier_organisation="nordic-verification")

    outcomes = run_jobs()
    run_jobs()  # a second run finds nothing new

    assert Footprint.objects.get(pk=footprint_id).status == "in_review"
    assert (VERIFICATION_REQUESTED_JOB, "succeeded") in outcomes
    (notification,) = Notification.objects.filter(organisation=verifier.organisation)
    assert notification.kind == "verification.requested"
    assert notification.subject == (
        f"{producer.organisation.legal_name} (Hebei Steel) asks you to confirm a verification: "
        "Hot-rolled coil (72083900), 2026"
    )
    assert notification.data["footprint"] == footprint_id
    link = f"/o/nordic-verification/verification/{footprint_id}/"
    assert notification_page(notification, organisation_slug="nordic-verification") == link
    to_verifier = {
        m.to[0]: m for m in mail.outbox if m.to[0].endswith("@nordic-verification.example")
    }
    assert sorted(to_verifier) == sorted(u.email for u in verifier.users.values())
    chinese = to_verifier["owner@nordic-verification.example"]
    english = to_verifier["viewer@nordic-verification.example"]  # in Sweden, no language chosen
    assert chinese.subject == (
        f"{producer.organisation.legal_name} (Hebei Steel) 请您确认核查："
        "Hot-rolled coil (72083900)，2026年"
    )
    assert f"查看：{SITE}{link}\n" in chinese.body
    assert f"Open it: {SITE}{link}\n" in english.body
    # The link opens the request for the verifier's people.
    assert verifier.client("viewer").get(link).status_code == 200


def test_a_submission_without_a_platform_verifier_creates_no_work(producer: Producer):
    _submitted(producer)  # an external verifier, named by name

    run_jobs()

    assert not Job.objects.filter(kind=VERIFICATION_REQUESTED_JOB).exists()
    assert not Notification.objects.filter(kind="verification.requested").exists()


def test_a_request_answered_before_the_work_row_runs_is_not_announced(
    producer: Producer, verifier: Verifier
):
    footprint_id = _submitted(producer, verifier_organisation="nordic-verification")
    validation = Job.objects.get(kind="suppliers.validate_footprint")
    job_execute(job_id=validation.pk)
    footprint_verification_confirm(
        actor=Actor(user=verifier.users["reviewer"]),
        verifier=verifier.organisation,
        footprint=Footprint.objects.get(pk=footprint_id),
    )

    run_jobs()

    assert not Notification.objects.filter(kind="verification.requested").exists()
    assert Notification.objects.filter(kind="verification.confirmed").count() == 1


def test_a_decline_tells_the_producer_with_its_comment_and_a_link_to_the_footprint(
    producer: Producer, verifier: Verifier, settings: Any
):
    settings.SITE_URL = SITE
    footprint = named_footprint(producer, verifier)
    comment = "The natural gas figure does not match the meter readings."
    footprint_verification_decline(
        actor=Actor(user=verifier.users["reviewer"]),
        verifier=verifier.organisation,
        footprint=footprint,
        comment=comment,
    )

    outcomes = run_jobs()

    assert outcomes.count((VERIFICATION_ANSWERED_JOB, "succeeded")) == 1
    (notification,) = Notification.objects.filter(organisation=producer.organisation)
    assert notification.kind == "verification.declined"
    assert notification.subject == (
        "Nordic Emissions Verification AB declined the verification: "
        "Hot-rolled coil (72083900), 2026"
    )
    assert notification.body == (
        "Nordic Emissions Verification AB declined to confirm the verification of your "
        "footprint of Hot-rolled coil (72083900), 2026.\n"
        f"Comment: {comment}\n"
        "Until a new submission is confirmed, buyers must use the default value instead of its "
        "figures. Correct the footprint and submit it again: the verifier is asked again."
    )
    link = f"/o/hebei-steel/footprints/{footprint.pk}/"
    assert notification_page(notification, organisation_slug="hebei-steel") == link
    producer_mail = [m for m in mail.outbox if m.to[0] == producer.users["viewer"].email]
    assert len(producer_mail) == 1
    assert f"{SITE}{link}" in producer_mail[0].body
    assert not Notification.objects.filter(organisation=verifier.organisation).exists()


def test_a_confirmation_tells_the_producer(producer: Producer, verifier: Verifier):
    footprint = named_footprint(producer, verifier)
    footprint_verification_confirm(
        actor=Actor(user=verifier.users["owner"]),
        verifier=verifier.organisation,
        footprint=footprint,
        comment="Site visit of 12 February 2027.",
    )

    run_jobs()

    (notification,) = Notification.objects.filter(organisation=producer.organisation)
    assert (notification.kind, notification.subject) == (
        "verification.confirmed",
        "Nordic Emissions Verification AB confirmed the verification: "
        "Hot-rolled coil (72083900), 2026",
    )
    assert notification.body == (
        "Nordic Emissions Verification AB confirmed the verification of your footprint of "
        "Hot-rolled coil (72083900), 2026.\n"
        "Comment: Site visit of 12 February 2027."
    )
