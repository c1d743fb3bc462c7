"""E-mails of the sharing app in their reader's language.

A person who chose a language (``User.language``) gets that language. For anyone else the
language is a guess, so the e-mail carries both, Chinese first, when the person is likely to
read Chinese (their organisation is in China, or we know nothing about them: an invited
supplier), else English.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.conf import settings
from django.utils import translation

LANGUAGE_CODES = frozenset(code for code, _ in settings.LANGUAGES)
CHINESE = "zh-hans"
ENGLISH = "en"
#: Between the Chinese and the English text of one e-mail.
LANGUAGE_SEPARATOR = "\n\n====================\n\n"


def email_languages(*, language: str, country: str | None) -> tuple[str, ...]:
    """The languages of an e-mail to a person who chose ``language`` ("" = not chosen) and
    whose organisation is in ``country`` (None: no organisation known)."""
    if language in LANGUAGE_CODES:
        return (language,)
    if country is None or country == "CN":
        return (CHINESE, ENGLISH)
    return (ENGLISH,)


def email_written(
    languages: Sequence[str], write: Callable[[], tuple[str, str]]
) -> tuple[str, str]:
    """Subject and body written by ``write`` in each of ``languages``, in that order: the
    subjects joined by " / ", the bodies one after the other."""
    parts = []
    for code in languages:
        with translation.override(code):
            parts.append(write())
    return " / ".join(s for s, _ in parts), LANGUAGE_SEPARATOR.join(b for _, b in parts)
