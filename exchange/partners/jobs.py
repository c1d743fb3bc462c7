"""Background work of the partners app (work-row handlers, see core.jobs): one service call
each. Registered in ``PartnersConfig.ready()``."""

from __future__ import annotations

from typing import Any

from core.jobs import register_job_handler
from core.models import Job
from exchange.partners.services.deliveries import DELIVERY_JOB, delivery_attempt


@register_job_handler(DELIVERY_JOB)
def deliver_event(job: Job) -> dict[str, Any]:
    """One attempt to deliver an event to a partner (its row records the outcome)."""
    return {"status": delivery_attempt(delivery_id=job.payload["delivery_id"])}
