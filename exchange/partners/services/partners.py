"""An organisation's registry of partner PACT hosts: register, change, archive.

A partner is another PACT host: its base URL (``https://host[:port][/path]``, the actions
are ``{base_url}/3/footprints`` and ``/3/events``), where its ``/auth/token`` is when it
publishes no OpenID configuration (``auth_base_url``, empty: the base URL), the client id and
secret the platform uses there, and the platform's own machine client it calls us with. The
secret is stored encrypted (``PactPartner.secret_set``) and never shown back nor written to
the audit log; an update with an empty secret keeps the stored one.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import Actor, audit_record, changes
from accounts.models import ApiClient, Organisation
from cbam.messages import gettext_noop
from core.errors import Conflict, ValidationFailed
from exchange.partners.models import PactPartner

#: What the audit log records of a partner (never the secret).
AUDITED_FIELDS = ("name", "base_url", "auth_base_url", "client_id", "machine_client_id")

_REQUIRED = gettext_noop("This field is required.")


def _url_clean(value: Any, field: str, errors: dict[str, list[str]], *, required: bool) -> str:
    """``https://host[:port][/path]`` without query or fragment (``http`` only where
    ``PACT_PARTNER_ALLOW_HTTP`` is set), with no trailing slash."""
    text = str(value or "").strip()
    if not text:
        if required:
            errors[field] = [_REQUIRED]
        return ""
    schemes = ("https", "http") if settings.PACT_PARTNER_ALLOW_HTTP else ("https",)
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in schemes
        or not parts.hostname
        or parts.username
        or parts.password
    ):
        errors[field] = [
            gettext_noop(
                "%(value)s is not an HTTPS address; expected https://host[:port][/path], "
                "e.g. https://pact.example.com.",
                value=text[:200],
            )
        ]
        return ""
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        errors[field] = [
            gettext_noop(
                "%(value)s has a query or fragment; expected https://host[:port][/path] only.",
                value=text[:200],
            )
        ]
        return ""
    if len(text) > 500:
        errors[field] = [gettext_noop("Ensure this value has at most 500 characters.")]
        return ""
    return text.rstrip("/")


def _text_clean(value: Any, field: str, errors: dict[str, list[str]], *, max_length: int) -> str:
    text = str(value or "").strip()
    if not text:
        errors[field] = [_REQUIRED]
    elif len(text) > max_length:
        errors[field] = [
            gettext_noop(
                "Ensure this value has at most %(limit)s characters (it has %(length)s).",
                limit=str(max_length),
                length=str(len(text)),
            )
        ]
    return text


def _machine_client_clean(
    organisation: Organisation, value: Any, errors: dict[str, list[str]]
) -> ApiClient | None:
    """One of the organisation's own active machine clients, or None when not given."""
    if value in (None, ""):
        return None
    key = str(value).strip()
    try:
        client = ApiClient.objects.filter(
            pk=key, organisation=organisation, revoked_at__isnull=True
        ).first()
    except (TypeError, ValueError, DjangoValidationError):
        client = None
    if client is None:
        errors["machine_client"] = [
            gettext_noop(
                "%(value)s is not one of your organisation's active machine clients; expected a "
                "client registered under Administration → Machine clients, or none.",
                value=str(key)[:100],
            )
        ]
    return client


def _clean(
    organisation: Organisation,
    data: dict[str, Any],
    partner: PactPartner | None,
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {
        "name": _text_clean(data.get("name"), "name", errors, max_length=200),
        "base_url": _url_clean(data.get("base_url"), "base_url", errors, required=True),
        "auth_base_url": _url_clean(
            data.get("auth_base_url"), "auth_base_url", errors, required=False
        ),
        "client_id": _text_clean(data.get("client_id"), "client_id", errors, max_length=300),
        "machine_client": _machine_client_clean(organisation, data.get("machine_client"), errors),
    }
    secret = str(data.get("secret") or "")
    if secret.strip():
        values["secret"] = secret.strip()
    elif partner is None:
        errors["secret"] = [_REQUIRED]
    if values["base_url"] and "base_url" not in errors:
        taken = PactPartner.objects.filter(
            organisation=organisation, base_url=values["base_url"], archived_at__isnull=True
        )
        if partner is not None:
            taken = taken.exclude(pk=partner.pk)
        if taken.exists():
            errors["base_url"] = [_duplicate(values["base_url"])]
    if errors:
        first = next(iter(errors))
        raise ValidationFailed(
            f"The PACT partner is invalid: {first}: {errors[first][0]}", fields=errors
        )
    return values


def _duplicate(base_url: str) -> str:
    return gettext_noop(
        "A partner with the base URL %(url)s is already registered; expected another host, or "
        "edit that partner.",
        url=base_url,
    )


def _snapshot(partner: PactPartner) -> dict[str, Any]:
    return {f: str(getattr(partner, f) or "") for f in AUDITED_FIELDS}


def _save(partner: PactPartner) -> None:
    try:
        with transaction.atomic():
            partner.save()
    except IntegrityError:
        # Two registrations of one host at the same moment: the constraint decides.
        message = _duplicate(partner.base_url)
        raise Conflict(message, extra={"fields": {"base_url": [message]}}) from None


@transaction.atomic
def partner_create(
    *,
    actor: Actor,
    organisation: Organisation,
    name: str,
    base_url: str,
    auth_base_url: str,
    client_id: str,
    secret: str,
    machine_client_id: Any = None,
) -> PactPartner:
    """Register a partner PACT host for ``organisation``; audit ``pact_partner.created``
    (without the secret)."""
    values = _clean(
        organisation,
        {
            "name": name,
            "base_url": base_url,
            "auth_base_url": auth_base_url,
            "client_id": client_id,
            "secret": secret,
            "machine_client": machine_client_id,
        },
        None,
    )
    partner = PactPartner(
        organisation=organisation,
        name=values["name"],
        base_url=values["base_url"],
        auth_base_url=values["auth_base_url"],
        client_id=values["client_id"],
        machine_client=values["machine_client"],
        created_by=actor.user,
    )
    partner.secret_set(values["secret"])
    _save(partner)
    audit_record(
        actor=actor,
        organisation=organisation,
        action="pact_partner.created",
        obj=partner,
        after=_snapshot(partner),
    )
    return partner


@transaction.atomic
def partner_update(
    *,
    actor: Actor,
    partner: PactPartner,
    name: str,
    base_url: str,
    auth_base_url: str,
    client_id: str,
    secret: str = "",
    machine_client_id: Any = None,
) -> PactPartner:
    """Change a partner; an empty ``secret`` keeps the stored one. Audit
    ``pact_partner.updated`` with what changed (a new secret as ``secret_changed``, never its
    value). An archived partner cannot be changed."""
    partner = PactPartner.objects.select_for_update().get(pk=partner.pk)
    if partner.archived_at is not None:
        raise Conflict(
            gettext_noop("This partner is archived; register the host again to use it."),
            code="archived",
        )
    values = _clean(
        partner.organisation,
        {
            "name": name,
            "base_url": base_url,
            "auth_base_url": auth_base_url,
            "client_id": client_id,
            "secret": secret,
            "machine_client": machine_client_id,
        },
        partner,
    )
    before = _snapshot(partner)
    for field in ("name", "base_url", "auth_base_url", "client_id", "machine_client"):
        setattr(partner, field, values[field])
    new_secret = "secret" in values
    if new_secret:
        partner.secret_set(values["secret"])
    _save(partner)
    old, new = changes(before, _snapshot(partner))
    if new_secret:
        new["secret_changed"] = True
    audit_record(
        actor=actor,
        organisation=partner.organisation,
        action="pact_partner.updated",
        obj=partner,
        before=old,
        after=new,
    )
    return partner


@transaction.atomic
def partner_archive(*, actor: Actor, partner: PactPartner) -> PactPartner:
    """Archive a partner: no more fetches or events with it; its fetched footprints stay
    (BOM lines may use them). Archiving twice changes nothing."""
    partner = PactPartner.objects.select_for_update().get(pk=partner.pk)
    if partner.archived_at is not None:
        return partner
    partner.archived_at = timezone.now()
    partner.save(update_fields=["archived_at", "updated_at"])
    audit_record(
        actor=actor,
        organisation=partner.organisation,
        action="pact_partner.archived",
        obj=partner,
        after={"archived_at": partner.archived_at.isoformat()},
    )
    return partner
