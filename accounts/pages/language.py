"""The language cookie the switcher and the settings page set (read by LocaleMiddleware)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseBase


def language_cookie_set(response: HttpResponseBase, code: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
