"""Background work of the declarations app (work-row handlers, see core.jobs)."""

from __future__ import annotations

from typing import Any

from accounts.audit import Actor
from accounts.models import User
from core.jobs import register_job_handler
from core.models import Job
from exchange.declarations.services.imports import IMPORT_JOB, shipments_import_run


@register_job_handler(IMPORT_JOB)
def import_shipments(job: Job) -> dict[str, Any]:
    """Check and write the rows of one kept shipments upload (``payload["import_id"]``), as the
    person who uploaded it (``payload["user_id"]``). Idempotent: a finished import is left as
    it is."""
    user_id = job.payload.get("user_id")
    user = User.objects.filter(pk=user_id).first() if user_id else None
    actor = Actor(user=user) if user is not None else Actor.platform("shipments-upload")
    counts = shipments_import_run(import_id=str(job.payload["import_id"]), actor=actor)
    return {"import_id": str(job.payload["import_id"]), **counts}
