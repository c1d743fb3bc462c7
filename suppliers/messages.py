"""Words the suppliers' messages are made of, translatable (``cbam.messages``).

A footprint's status appears in messages by its value (``"This footprint is published; …"``:
the text the API has always answered); as a ``Message`` it reads in a page's language too."""

from __future__ import annotations

from cbam.messages import Message, gettext_noop

STATUS_WORDS: dict[str, Message] = {
    "draft": gettext_noop("draft"),
    "submitted": gettext_noop("submitted"),
    "in_review": gettext_noop("in_review"),
    "approved": gettext_noop("approved"),
    "rejected": gettext_noop("rejected"),
    "published": gettext_noop("published"),
    "deprecated": gettext_noop("deprecated"),
}


def status_word(status: str) -> str:
    """``status`` as a word of a message (the value itself when it is not a status)."""
    return STATUS_WORDS.get(status, status)
