"""Work rows: the database, not the broker, is the record of work to do.

A ``Job`` is created in the same transaction as the change that needs it, published to the
broker after commit, claimed by a worker with a conditional UPDATE (a lease), and finished
in the same transaction as the work it did. A killed worker, a lost message or a flushed
Redis leaves the row ``pending`` or ``running`` with an expired lease, and the sweeper
(``core.jobs.jobs_sweep``) publishes it again — up to ``max_attempts``, then it fails.
"""

from __future__ import annotations

from django.db import models

from core.workflows import StatusMachine


class Job(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=100, help_text="Registered handler, e.g. core.selftest")
    payload = models.JSONField(default=dict, blank=True)
    # Plain column, not a foreign key: core sits beneath the accounts app. Domain rows that
    # own a job (a validation run, a recalculation) carry the organisation themselves.
    organisation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    idempotency_key = models.CharField(max_length=200, null=True, blank=True, unique=True)

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=5)
    last_error = models.TextField(blank=True, default="")
    result = models.JSONField(null=True, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("id",)
        indexes = [models.Index(fields=("status", "enqueued_at"), name="job_status_enqueued")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(attempts__lte=models.F("max_attempts")),
                name="job_attempts_within_max",
            ),
        ]

    def __str__(self) -> str:
        return f"Job {self.pk} {self.kind} [{self.status}]"


#: The workflow of a work row. The moves are conditional ``UPDATE``\s in ``core.jobs`` (the
#: ``WHERE`` clause is the concurrency control); tests/core/test_workflows.py checks each of
#: them against this map.
JOB_TRANSITIONS = StatusMachine(
    noun="job",
    initial={Job.Status.PENDING},
    transitions={
        # Claimed by a worker; or given up when its attempts are spent (the sweeper).
        Job.Status.PENDING: {Job.Status.RUNNING, Job.Status.FAILED},
        # Done; retried (transient error, or the lease expired); failed; or claimed again by
        # another worker once the lease expired (a new attempt: running -> running).
        Job.Status.RUNNING: {
            Job.Status.SUCCEEDED,
            Job.Status.PENDING,
            Job.Status.FAILED,
            Job.Status.RUNNING,
        },
        Job.Status.SUCCEEDED: set(),
        Job.Status.FAILED: set(),
    },
)
