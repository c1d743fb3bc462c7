"""Celery tasks of the accounts app: thin, one service call."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from accounts.services.tokens import tokens_purge


@shared_task(name="accounts.purge_expired_tokens")
def purge_expired_tokens() -> dict[str, int]:
    """Periodic (beat): delete expired access tokens and spent password-reset tokens."""
    return asdict(tokens_purge())
