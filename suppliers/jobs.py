"""Background work of the suppliers app (work-row handlers, see core.jobs)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from core.jobs import register_job_handler
from core.models import Job
from suppliers.models import Footprint, FootprintStatus
from suppliers.services.footprints import footprint_recompute
from suppliers.services.workflow import VALIDATE_JOB, footprint_validation_finish


@register_job_handler(VALIDATE_JOB)
def validate_footprint(job: Job) -> dict[str, Any]:
    """Check a submitted footprint and move it to review or back to draft. Idempotent: a
    footprint no longer in the submission this job was made for is left alone."""
    with transaction.atomic():
        footprint = (
            Footprint.objects.select_for_update()
            .select_related("product", "installation")
            .filter(pk=job.payload["footprint_id"])
            .first()
        )
        if footprint is None:
            return {"skipped": "footprint deleted"}
        submitted_at = footprint.submitted_at.isoformat() if footprint.submitted_at else None
        if footprint.status != FootprintStatus.SUBMITTED or submitted_at != job.payload.get(
            "submitted_at"
        ):
            return {"skipped": f"footprint is {footprint.status}"}
        problems = footprint_recompute(footprint=footprint)
        footprint = footprint_validation_finish(footprint=footprint, problems=problems)
    return {"status": footprint.status, "problems": sum(len(m) for m in problems.values())}
