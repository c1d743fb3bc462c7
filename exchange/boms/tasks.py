"""Celery tasks of the boms app: thin, one service call."""

from __future__ import annotations

from celery import shared_task

from exchange.boms.services.aggregation import results_refresh


@shared_task(name="boms.refresh_results")
def refresh_results() -> dict[str, int]:
    """Periodic (beat): recompute the buyer products whose inputs digest changed (a decision
    record refreshed, a new year or certificate price). Idempotent: unchanged inputs are
    skipped by their digest."""
    return results_refresh()
