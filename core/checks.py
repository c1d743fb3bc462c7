"""System checks of the deployment (``manage.py check --deploy``, run by the release step and
``make deploy-check``).

``SITE_URL`` is the address every e-mail link starts with (``core.links``): in production it
must be the public https address people open, whose host the platform answers for
(``ALLOWED_HOSTS``), without a path, so that a link in an invitation, a password reset or a
notification opens the page it names. A missing ``SITE_URL`` stops production at start
(``config.settings``); these checks catch one that is set but wrong.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.http.request import validate_host

HINT = "Set SITE_URL to the address people open the platform at, e.g. https://cbam.example.com"


@register(Tags.security, deploy=True)
def site_url_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """cbam.E001: SITE_URL is an https address; cbam.E002: it has no path, query or fragment;
    cbam.E003: its host is one of ALLOWED_HOSTS; cbam.E004: PLATFORM_HOST (the host of the
    PACT documents' ``dataSchema`` URL) is SITE_URL's host."""
    url = settings.SITE_URL
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return [
            Error(
                f"SITE_URL={url!r} is not an https address: the links of every e-mail start "
                "with it.",
                hint=HINT,
                id="cbam.E001",
            )
        ]
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return [
            Error(
                f"SITE_URL={url!r} has a path, query or fragment; expected the address alone.",
                hint=HINT,
                id="cbam.E002",
            )
        ]
    if not validate_host(parts.hostname, settings.ALLOWED_HOSTS):
        return [
            Error(
                f"SITE_URL's host {parts.hostname!r} is not in ALLOWED_HOSTS "
                f"{settings.ALLOWED_HOSTS!r}: its links would be refused.",
                hint="Add the host to ALLOWED_HOSTS, or correct SITE_URL.",
                id="cbam.E003",
            )
        ]
    if parts.netloc != settings.PLATFORM_HOST:
        return [
            Error(
                f"PLATFORM_HOST={settings.PLATFORM_HOST!r} is not SITE_URL's host "
                f"{parts.netloc!r}: every signed PACT document names "
                f"https://{settings.PLATFORM_HOST}/schemas/cbam-exchange/cbam-footprint-v1.json "
                "as its extension's dataSchema, which must resolve at the public address.",
                hint="Leave PLATFORM_HOST unset (it defaults to SITE_URL's host) or make the two "
                "agree.",
                id="cbam.E004",
            )
        ]
    return []
