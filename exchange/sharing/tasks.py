"""Celery tasks of the sharing app: thin, one service call each (beat entries in
docs/sharing.md)."""

from __future__ import annotations

from celery import shared_task

from exchange.sharing.services.deadlines import requests_expire, requests_remind_due


@shared_task(name="sharing.expire_requests")
def expire_requests() -> list[str]:
    """Periodic (beat): expire open requests past their due date. Idempotent: an expired
    request is no longer open; each is claimed by a conditional UPDATE."""
    return requests_expire().request_ids


@shared_task(name="sharing.remind_due_requests")
def remind_due_requests() -> list[str]:
    """Periodic (beat): remind suppliers, once per request, of open requests due within
    ``SHARING_REQUEST_REMINDER_DAYS``. Idempotent: ``reminder_sent_at`` is set once."""
    return requests_remind_due().request_ids
