"""Expired OAuth access tokens and spent password-reset links are deleted by a periodic task."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AccessToken, PasswordResetToken
from accounts.services.tokens import TokensPurged, tokens_purge
from accounts.tasks import purge_expired_tokens
from config.celery import _beat_schedule
from core.crypto import sha256_hex
from tests.factories import ApiClientFactory, UserFactory

pytestmark = pytest.mark.django_db


def _access_token(name: str, expires_in: timedelta) -> AccessToken:
    return AccessToken.objects.create(
        token_hash=sha256_hex(name),
        client=ApiClientFactory(),
        scopes=[],
        expires_at=timezone.now() + expires_in,
    )


def _reset_token(name: str, expires_in: timedelta, used: bool = False) -> PasswordResetToken:
    return PasswordResetToken.objects.create(
        user=UserFactory(),
        token_hash=sha256_hex(name),
        password_fingerprint=sha256_hex("any"),
        expires_at=timezone.now() + expires_in,
        used_at=timezone.now() if used else None,
    )


@pytest.fixture
def tokens() -> None:
    _access_token("expired an hour ago", timedelta(hours=-1))
    _access_token("expired a second ago", timedelta(seconds=-1))
    _access_token("live", timedelta(minutes=30))
    _reset_token("reset expired", timedelta(minutes=-5))
    _reset_token("reset used", timedelta(minutes=50), used=True)
    _reset_token("reset live", timedelta(minutes=50))


def test_the_purge_deletes_expired_access_tokens_and_spent_reset_links_only(tokens):
    purged = tokens_purge()

    assert purged == TokensPurged(access_tokens=2, password_reset_tokens=2)
    assert list(AccessToken.objects.values_list("token_hash", flat=True)) == [sha256_hex("live")]
    assert list(PasswordResetToken.objects.values_list("token_hash", flat=True)) == [
        sha256_hex("reset live")
    ]


def test_a_second_purge_finds_nothing(tokens):
    tokens_purge()

    assert tokens_purge() == TokensPurged(access_tokens=0, password_reset_tokens=0)


def test_the_purge_at_a_later_time_takes_the_tokens_expired_by_then(tokens):
    purged = tokens_purge(now=timezone.now() + timedelta(hours=1))

    assert purged == TokensPurged(access_tokens=3, password_reset_tokens=3)
    assert AccessToken.objects.count() == 0


def test_the_task_runs_the_purge_and_reports_the_counts(tokens):
    assert purge_expired_tokens.name == "accounts.purge_expired_tokens"

    assert purge_expired_tokens() == {"access_tokens": 2, "password_reset_tokens": 2}


def test_beat_runs_the_purge_every_hour(settings):
    assert settings.TOKEN_PURGE_INTERVAL_SECONDS == 3600

    entry = _beat_schedule()["purge-expired-tokens"]

    assert entry == {
        "task": "accounts.purge_expired_tokens",
        "schedule": timedelta(seconds=3600),
    }
