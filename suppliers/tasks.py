"""Celery tasks of the suppliers app: thin, one service call."""

from __future__ import annotations

from celery import shared_task

from suppliers.services.decision_records import decisions_refresh


@shared_task(name="suppliers.refresh_decisions")
def refresh_decisions() -> dict[str, int]:
    """Periodic (beat): recompute the "default value must be used" decisions whose inputs
    changed (a key revoked, a footprint deprecated, a verification added, reference data
    updated, a new year). Idempotent: unchanged inputs are skipped by their digest."""
    return decisions_refresh()
