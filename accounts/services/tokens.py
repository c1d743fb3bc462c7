"""Deleting credentials that can no longer be used."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from accounts.models import PasswordResetToken
from accounts.services.api_clients import tokens_purge_expired


@dataclass(frozen=True)
class TokensPurged:
    access_tokens: int
    password_reset_tokens: int


def tokens_purge(*, now: datetime | None = None) -> TokensPurged:
    """Delete OAuth access tokens expired at ``now`` (default: now) and password-reset tokens
    expired or used by then.

    Neither can authenticate any more (bearer authentication and the reset service check
    expiry and use themselves), so this only keeps the tables small; the audit log keeps the
    history of resets. Idempotent: a second run deletes nothing.
    """
    now = now or timezone.now()
    access_tokens = tokens_purge_expired(now=now)
    reset_tokens, _ = PasswordResetToken.objects.filter(
        Q(expires_at__lte=now) | Q(used_at__isnull=False)
    ).delete()
    return TokensPurged(access_tokens=access_tokens, password_reset_tokens=reset_tokens)
