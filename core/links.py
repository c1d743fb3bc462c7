"""Links that leave the platform in e-mails: absolute, on its public address (``SITE_URL``).

A page links with paths; an e-mail is read elsewhere, so each of its links starts with the
address people open the platform at, which only the deployment knows (``config.settings``
requires it in production; ``make demo`` sets it from the address it serves on)."""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    """``path`` (``/o/…/``, from ``reverse``) on the platform's public address:
    ``https://cbam.example.com/o/…/``."""
    if not path.startswith("/"):
        raise ValueError(f"{path!r}: expected a path starting with '/'")
    return f"{settings.SITE_URL}{path}"
