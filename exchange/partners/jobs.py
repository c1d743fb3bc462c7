"""Background work of the partners app (work-row handlers, see core.jobs): one service call
each. Registered in ``PartnersConfig.ready()``."""

from __future__ import annotations

from typing import Any

from core.jobs import register_job_handler
from core.models import Job
from exchange.partners.services.answers import FETCH_PUBLISHED_JOB, published_fetch_run
from exchange.partners.services.deliveries import DELIVERY_JOB, delivery_attempt
from exchange.partners.services.fetching import FETCH_JOB, partner_fetch_run


@register_job_handler(DELIVERY_JOB)
def deliver_event(job: Job) -> dict[str, Any]:
    """One attempt to deliver an event to a partner (its row records the outcome)."""
    return {"status": delivery_attempt(delivery_id=job.payload["delivery_id"])}


@register_job_handler(FETCH_JOB)
def fetch_footprints(job: Job) -> dict[str, Any]:
    """Every footprint a partner lists, stored (the counts are the result)."""
    return partner_fetch_run(job=job)


@register_job_handler(FETCH_PUBLISHED_JOB)
def fetch_published_footprints(job: Job) -> dict[str, Any]:
    """The footprints a partner announced as published, fetched by id."""
    return published_fetch_run(job=job)
