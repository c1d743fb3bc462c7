"""Celery tasks of the partners app: thin, one service call."""

from __future__ import annotations

from celery import shared_task

from exchange.partners.services.deliveries import deliveries_due


@shared_task(name="partners.deliveries_due")
def start_due_deliveries() -> int:
    """Periodic (beat): the next attempt of every event delivery whose time has come."""
    return len(deliveries_due())
