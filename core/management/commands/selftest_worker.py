"""Check that a worker is consuming: enqueue a ``core.selftest`` job and wait for it."""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.jobs import job_create
from core.models import Job


class Command(BaseCommand):
    help = "Enqueue a self-test job and wait until a worker has run it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--timeout", type=float, default=30.0)

    def handle(self, *args: Any, timeout: float, **options: Any) -> None:
        token = uuid.uuid4().hex
        with transaction.atomic():
            job = job_create(kind="core.selftest", payload={"value": token})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status == Job.Status.SUCCEEDED and job.result == {"echo": token, "attempt": 1}:
                self.stdout.write(self.style.SUCCESS(f"worker ok: job {job.pk} done"))
                return
            if job.status == Job.Status.FAILED:
                raise CommandError(f"job {job.pk} failed: {job.last_error}")
            time.sleep(0.2)
        raise CommandError(f"no worker ran job {job.pk} within {timeout} s (status {job.status})")
