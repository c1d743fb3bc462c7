"""Text as people and machines send it: one rule for every string that enters (pure).

Refused everywhere (JSON bodies, CSV cells, form fields):
- control characters other than tab, line feed and carriage return (a NUL cannot be stored by
  PostgreSQL and breaks CSV readers; the others are invisible and never meant);
- unpaired UTF-16 surrogates (``"\\ud800"`` in JSON decodes to a string that cannot be encoded
  as UTF-8, so the database driver fails on it);
- more than :data:`MAX_TEXT_CHARS` characters in one value (a field's own, smaller limit is
  checked by :func:`clean_text`).
"""

from __future__ import annotations

import re

from cbam.inputs import MAX_TEXT_CHARS  # the longest string accepted anywhere
from cbam.messages import Message, gettext_noop

__all__ = ["MAX_TEXT_CHARS", "TextError", "clean_text", "text_problem"]

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class TextError(ValueError):
    """Why a text is refused; ``str(exc)`` says what is expected, ``message`` is that text as a
    translatable ``cbam.messages.Message``."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message


def text_problem(value: str, max_length: int = MAX_TEXT_CHARS) -> Message | None:
    """What is wrong with ``value``, or None when it is acceptable text."""
    if len(value) > max_length:
        return gettext_noop(
            "is %(length)s characters long; expected at most %(limit)s",
            length=f"{len(value):,}",
            limit=f"{max_length:,}",
        )
    bad = _FORBIDDEN.search(value)
    if bad is None:
        return None
    char = bad.group()
    if "\ud800" <= char <= "\udfff":
        return gettext_noop(
            "contains an unpaired surrogate (U+%(code)s) at position %(position)s; "
            "expected Unicode text",
            code=f"{ord(char):04X}",
            position=bad.start() + 1,
        )
    return gettext_noop(
        "contains a control character (U+%(code)s) at position %(position)s; "
        "expected text without control characters",
        code=f"{ord(char):04X}",
        position=bad.start() + 1,
    )


def clean_text(value: object, *, max_length: int = MAX_TEXT_CHARS) -> str:
    """``value`` as stripped text within ``max_length``; ``TextError`` naming what is wrong.
    ``None`` is the empty text; numbers are their text."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TextError(gettext_noop("expected text, got %(type)s", type=type(value).__name__))
    text = str(value).strip()
    problem = text_problem(text, max_length)
    if problem:
        raise TextError(problem)
    return text
