"""Which partner an incoming event comes from, and where an answer goes.

An event is sent with a token of one of the platform's machine clients, so it belongs to
that client's organisation. Its partner is the organisation's partner registered with that
machine client; failing that, the organisation's only active partner whose host is the host
of the event's ``source``. The specification requires the ``source`` to be validated before
an answer is sent there: the answer goes to ``callback_url(source)`` only when its host is the
partner's registered host.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

from accounts.models import ApiClient, Organisation
from exchange.partners.errors import EventRefused
from exchange.partners.models import PactPartner


def callback_url(source: str) -> str:
    """The Action Events URL named by a CloudEvent ``source``: ``//host/path`` or
    ``https://host/path``; a path that does not end in ``/3/events`` is a base URL and gets
    it appended (the conformance service sends its base URL)."""
    text = source.strip()
    if text.startswith("//"):
        text = "https:" + text
    parts = urlsplit(text)
    allowed = ("https", "http") if settings.PACT_PARTNER_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        raise EventRefused(
            "BadRequest",
            f"source {source!r} names no HTTPS host; expected '//host/path' or "
            "'https://host/path' where the answer can be sent.",
        )
    path = parts.path.rstrip("/")
    if not path.endswith("/3/events"):
        path = f"{path}/3/events"
    return f"{parts.scheme}://{parts.netloc}{path}"


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{(parts.hostname or '').lower()}:{parts.port or 443}"


def partner_for_event(
    *, organisation: Organisation, machine_client: ApiClient | None, source: str
) -> PactPartner:
    """The organisation's partner that sent an event with ``source`` (see the module), or
    ``EventRefused`` naming what to register."""
    partners = PactPartner.objects.filter(organisation=organisation, archived_at__isnull=True)
    source_host = _host(callback_url(source))
    if machine_client is not None:
        linked = [p for p in partners if p.machine_client_id == machine_client.pk]
        for partner in linked:
            if _host(partner.base_url) == source_host:
                return partner
        if linked:
            raise EventRefused(
                "AccessDenied",
                f"source {source!r} is not the host of the partner registered for this "
                f"client ({linked[0].base_url}).",
            )
    matching = [p for p in partners if _host(p.base_url) == source_host]
    if len(matching) == 1:
        return matching[0]
    raise EventRefused(
        "AccessDenied",
        f"source {source!r} is not a partner host registered by {organisation.slug}; "
        "register it as a PACT partner first.",
    )
