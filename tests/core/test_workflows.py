"""Every status field has one transitions map (``core.workflows.StatusMachine``).

For each map: an illegal move raises ``IllegalTransition`` with the exact message, and every
status is reachable from where a row starts. Where a status is moved by a conditional UPDATE
(work rows, validation runs, expiring requests, bulk footprint moves) the UPDATE stays the
concurrency control; here every status such an UPDATE writes, row by row, is checked against
the map while the real services run through their paths.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import OperationalError
from django.db.models import QuerySet
from django.utils import timezone

import core.jobs
from accounts.audit import Actor
from core.jobs import TransientJobError, job_create, job_execute, jobs_sweep, register_job_handler
from core.models import JOB_TRANSITIONS, Job
from core.workflows import IllegalTransition, StatusMachine
from exchange.boms.models import AGGREGATION_TRANSITIONS, AggregationResult, AggregationStatus
from exchange.sharing.models import REQUEST_TRANSITIONS, FootprintRequest, RequestStatus
from exchange.sharing.services.deadlines import requests_expire
from suppliers.models import (
    FOOTPRINT_TRANSITIONS,
    VALIDATION_RUN_TRANSITIONS,
    Footprint,
    FootprintStatus,
    ValidationRun,
    ValidationRunStatus,
)
from suppliers.services.workflow import VALIDATE_JOB, footprint_submit, footprint_withdraw
from suppliers.validation.chunks import validation_run_execute
from suppliers.validation.runs import (
    validation_runs_attempt_failed,
    validation_runs_attempt_started,
)
from tests.exchange.sharing.builders import open_request
from tests.factories import FootprintFactory, OrganisationFactory

MACHINES: dict[type[Any], tuple[StatusMachine, Any]] = {
    Footprint: (FOOTPRINT_TRANSITIONS, FootprintStatus),
    FootprintRequest: (REQUEST_TRANSITIONS, RequestStatus),
    Job: (JOB_TRANSITIONS, Job.Status),
    ValidationRun: (VALIDATION_RUN_TRANSITIONS, ValidationRunStatus),
    AggregationResult: (AGGREGATION_TRANSITIONS, AggregationStatus),
}
SYSTEM = Actor.platform("tests")


# --------------------------------------------------------------------------- the maps


@pytest.mark.parametrize("model", list(MACHINES), ids=lambda m: m.__name__)
def test_every_status_is_in_the_map_and_reachable_from_a_new_row(model):
    machine, statuses = MACHINES[model]

    assert set(machine) == set(statuses.values)
    assert machine.reachable() == set(statuses.values)


@pytest.mark.parametrize(
    ("machine", "status", "to", "message"),
    [
        (
            FOOTPRINT_TRANSITIONS,
            "draft",
            "published",
            "A draft footprint cannot move to published; from draft it can move to submitted.",
        ),
        (
            FOOTPRINT_TRANSITIONS,
            "deprecated",
            "published",
            "A deprecated footprint cannot move to published; from deprecated it can move to "
            "nothing (it is final).",
        ),
        (
            REQUEST_TRANSITIONS,
            "rejected",
            "withdrawn",
            "A rejected request cannot become withdrawn; from rejected it can become nothing "
            "(it is final).",
        ),
        (
            JOB_TRANSITIONS,
            "pending",
            "succeeded",
            "A pending job cannot move to succeeded; from pending it can move to failed, running.",
        ),
        (
            JOB_TRANSITIONS,
            "succeeded",
            "running",
            "A succeeded job cannot move to running; from succeeded it can move to nothing (it "
            "is final).",
        ),
        (
            VALIDATION_RUN_TRANSITIONS,
            "pending",
            "pending",
            "A pending validation run cannot move to pending; from pending it can move to "
            "crashed, failed_findings, passed, running.",
        ),
        (
            VALIDATION_RUN_TRANSITIONS,
            "passed",
            "running",
            "A passed validation run cannot move to running; from passed it can move to nothing "
            "(it is final).",
        ),
        (
            AGGREGATION_TRANSITIONS,
            "ok",
            "pending",
            "A ok aggregation result cannot move to pending; from ok it can move to failed, ok.",
        ),
    ],
    ids=lambda v: v.noun if isinstance(v, StatusMachine) else None,
)
def test_an_illegal_move_raises_a_409_naming_from_to_and_the_allowed_moves(
    machine, status, to, message
):
    with pytest.raises(IllegalTransition) as raised:
        machine.check(status=status, to=to)

    error = raised.value
    assert (error.status, error.code, error.message) == (409, "illegal_transition", message)
    assert error.extra == {"status": status, "requested": to}
    assert (error.from_status, error.to_status) == (status, to)
    assert error.allowed == machine[status]


def test_a_legal_transition_sets_the_status_and_returns_the_old_one():
    footprint = Footprint(status=FootprintStatus.APPROVED)

    before = FOOTPRINT_TRANSITIONS.transition(footprint, to=FootprintStatus.PUBLISHED)

    assert (before, footprint.status) == ("approved", "published")


def test_an_illegal_transition_leaves_the_object_as_it_was():
    footprint = Footprint(status=FootprintStatus.DRAFT)

    with pytest.raises(IllegalTransition):
        FOOTPRINT_TRANSITIONS.transition(footprint, to=FootprintStatus.APPROVED)

    assert footprint.status == "draft"


def test_a_map_naming_a_status_it_does_not_list_is_refused():
    with pytest.raises(ValueError, match=r"thing transitions name unlisted statuses: \['gone'\]"):
        StatusMachine(noun="thing", initial={"new"}, transitions={"new": {"gone"}})


def test_a_map_with_a_status_no_row_can_reach_is_refused():
    with pytest.raises(ValueError, match=r"thing statuses no row can reach: \['orphan'\]"):
        StatusMachine(
            noun="thing",
            initial={"new"},
            transitions={"new": {"old"}, "old": set(), "orphan": {"old"}},
        )


# --------------------------------------------------------------------------- conditional UPDATEs


@pytest.fixture
def status_writes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    """Every status written by ``QuerySet.update`` to a row of a model with a map, as
    ``(model, from, to)`` per row the UPDATE matches (read with the UPDATE's own filter just
    before it runs)."""
    writes: list[tuple[str, str, str]] = []
    update = QuerySet.update

    def spying_update(self: QuerySet[Any], **kwargs: Any) -> int:
        if self.model in MACHINES and "status" in kwargs:
            for status in self.values_list("status", flat=True).order_by("pk"):
                writes.append((self.model.__name__, status, str(kwargs["status"])))
        return update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", spying_update)
    return writes


def illegal(writes: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    machines = {model.__name__: machine for model, (machine, _) in MACHINES.items()}
    return [w for w in writes if not machines[w[0]].allows(status=w[1], to=w[2])]


def test_the_spy_notices_an_update_the_map_does_not_allow(status_writes, db):
    job = Job.objects.create(kind="core.selftest", status=Job.Status.SUCCEEDED)

    Job.objects.filter(pk=job.pk).update(status=Job.Status.PENDING)

    assert illegal(status_writes) == [("Job", "succeeded", "pending")]


@register_job_handler("tests.workflows.transient")
def _transient(job: Job) -> None:
    raise TransientJobError("registry timed out")


@register_job_handler("tests.workflows.crash")
def _crash(job: Job) -> None:
    raise ValueError("CN code 7208 is not in the register")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("core.selftest", [("pending", "running"), ("running", "succeeded")]),
        ("tests.workflows.transient", [("pending", "running"), ("running", "pending")]),
        ("tests.workflows.crash", [("pending", "running"), ("running", "failed")]),
    ],
)
def test_every_update_of_a_job_run_is_a_move_the_map_allows(status_writes, kind, expected):
    job = job_create(kind=kind)

    job_execute(job_id=job.pk)

    assert status_writes == [("Job", before, after) for before, after in expected]
    assert illegal(status_writes) == []


@pytest.mark.django_db
def test_a_job_taken_over_after_its_lease_expired_moves_running_to_running(status_writes):
    expired = timezone.now() - timedelta(seconds=1)
    job = Job.objects.create(
        kind="core.selftest", status=Job.Status.RUNNING, attempts=1, lease_expires_at=expired
    )

    job_execute(job_id=job.pk)

    assert status_writes == [("Job", "running", "running"), ("Job", "running", "succeeded")]
    assert illegal(status_writes) == []


@pytest.mark.django_db
def test_a_delivery_of_a_job_out_of_attempts_moves_pending_to_failed(status_writes):
    job = Job.objects.create(kind="core.selftest", attempts=5, max_attempts=5)

    job_execute(job_id=job.pk)

    assert status_writes == [("Job", "pending", "failed")]
    assert illegal(status_writes) == []


@pytest.mark.django_db
def test_every_update_of_the_sweeper_is_a_move_the_map_allows(status_writes, monkeypatch):
    monkeypatch.setattr(core.jobs, "job_publish", lambda *, job_id, countdown=None: True)
    expired = timezone.now() - timedelta(seconds=1)
    Job.objects.create(
        kind="core.selftest", status=Job.Status.RUNNING, attempts=5, lease_expires_at=expired
    )
    Job.objects.create(
        kind="core.selftest", status=Job.Status.RUNNING, attempts=2, lease_expires_at=expired
    )

    jobs_sweep()

    assert status_writes == [("Job", "running", "failed"), ("Job", "running", "pending")]
    assert illegal(status_writes) == []


def _submitted_run() -> tuple[Footprint, ValidationRun, Job]:
    """A submitted footprint with a pending run and its work row, as a submission leaves them."""
    footprint = FootprintFactory(status=FootprintStatus.SUBMITTED, submitted_at=timezone.now())
    run = ValidationRun(footprint=footprint)
    job = job_create(
        kind=VALIDATE_JOB, payload={"run_id": str(run.pk), "footprint_id": str(footprint.pk)}
    )
    run.job_id = job.pk
    run.save()
    return footprint, run, job


@pytest.mark.django_db
def test_every_update_of_the_validation_hooks_is_a_move_the_map_allows(status_writes):
    _, _, job = _submitted_run()

    validation_runs_attempt_started(job=job)
    validation_runs_attempt_failed(job=job, error=ValueError("rule broke"), retrying=True)
    validation_runs_attempt_started(job=job)
    validation_runs_attempt_failed(job=job, error=OperationalError("gone"), retrying=True)
    validation_runs_attempt_failed(job=job, error=None, retrying=False)

    assert status_writes == [
        ("ValidationRun", "pending", "running"),
        ("ValidationRun", "running", "crashed"),
        ("ValidationRun", "crashed", "running"),
        ("ValidationRun", "running", "pending"),
        ("ValidationRun", "pending", "crashed"),
    ]
    assert illegal(status_writes) == []


@pytest.mark.django_db
def test_a_run_whose_footprint_is_no_longer_submitted_is_closed_crashed(status_writes):
    footprint, run, _ = _submitted_run()
    Footprint.objects.filter(pk=footprint.pk).update(status=FootprintStatus.DRAFT)
    status_writes.clear()

    validation_run_execute(run_id=str(run.pk))

    assert status_writes == [("ValidationRun", "pending", "crashed")]
    assert illegal(status_writes) == []


@pytest.mark.django_db
def test_a_withdrawal_closes_a_retrying_run_with_a_move_the_map_allows(status_writes):
    footprint, _, job = _submitted_run()
    validation_runs_attempt_started(job=job)
    validation_runs_attempt_failed(job=job, error=ValueError("rule broke"), retrying=True)
    status_writes.clear()

    footprint_withdraw(actor=SYSTEM, footprint=footprint)

    assert status_writes == [("ValidationRun", "crashed", "crashed")]
    assert illegal(status_writes) == []


@pytest.mark.django_db
def test_a_submission_moves_its_footprints_with_updates_the_map_allows(status_writes):
    footprint = FootprintFactory()

    footprint_submit(actor=SYSTEM, footprint=footprint)

    assert status_writes == [("Footprint", "draft", "submitted")]
    assert illegal(status_writes) == []


@pytest.mark.django_db
def test_expiring_requests_is_a_move_the_map_allows(status_writes):
    buyer, supplier = OrganisationFactory(), OrganisationFactory()
    open_request(buyer, supplier, due_date=timezone.localdate() - timedelta(days=1))

    requests_expire()

    assert status_writes == [("FootprintRequest", "open", "expired")]
    assert illegal(status_writes) == []
