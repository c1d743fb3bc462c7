"""Requests the platform sends to a partner for an organisation (``RequestCreatedEvent.3``).

The criteria are PACT's eight ListFootprints filters, checked by the same rules as the host
applies (``suppliers.pact.filters``): ``productId``, ``companyId``, ``geography``,
``classification`` (lists of strings), ``validOn``, ``validAfter``, ``validBefore`` (RFC 3339
date-times) and ``status`` (Active or Deprecated); at least one. The event (its id is the
request's ``event_id``, its ``source`` the platform's ``/3/events``) is delivered to
``{partner}/3/events`` as a ``PactDelivery``; when the partner accepts it the request is
``sent``, when the delivery gives up ``undeliverable`` (``outbound_status``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import Actor, audit_record
from accounts.models import Organisation
from core.errors import NotFound, ValidationFailed
from exchange.partners import client
from exchange.partners.models import (
    EVENT_REQUEST_CREATED,
    OutboundRequest,
    PactPartner,
)
from exchange.partners.services.deliveries import cloud_event, delivery_enqueue
from suppliers.pact.filters import FilterError, filter_parse

#: The criteria, as PACT spells them: the list criteria, then the date-times, then status.
LIST_CRITERIA = ("productId", "companyId", "geography", "classification")
DATE_CRITERIA = ("validOn", "validAfter", "validBefore")
CRITERIA = (*LIST_CRITERIA, *DATE_CRITERIA, "status")
STATUSES = ("Active", "Deprecated")
COMMENT_MAX_CHARS = 2000


def criteria_pairs(criteria: dict[str, Any]) -> list[tuple[str, str]]:
    """A request's criteria as (PACT name, its values joined by ", "), in the specification's
    order (unknown names last)."""
    return [
        (name, ", ".join(value) if isinstance(value, list) else str(value))
        for name, value in sorted(
            criteria.items(),
            key=lambda item: CRITERIA.index(item[0]) if item[0] in CRITERIA else len(CRITERIA),
        )
    ]


def criteria_text(criteria: dict[str, Any]) -> str:
    """A request's criteria on one line, as PACT names them: ``geography: CN, DE; status:
    Active``."""
    return "; ".join(f"{name}: {values}" for name, values in criteria_pairs(criteria))


def _list_values(name: str, value: Any, errors: dict[str, list[str]]) -> list[str]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        errors[name] = [_('Expected a list of texts, e.g. ["urn:gtin:4712345060507"].')]
        return []
    cleaned = [v.strip() for v in values if v.strip()]
    if len(set(cleaned)) != len(cleaned):
        errors[name] = [_("A value is given twice; give each value once.")]
    return cleaned


def criteria_clean(criteria: dict[str, Any]) -> dict[str, Any]:
    """The criteria as sent (PACT names, empty ones left out), or ``ValidationFailed`` naming
    each wrong field and what is expected."""
    if not isinstance(criteria, dict):
        raise ValidationFailed(
            _("The criteria are not valid."),
            fields={"criteria": [_("Expected an object of PACT criteria.")]},
        )
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, value in criteria.items():
        if name not in CRITERIA:
            errors[str(name)[:40]] = [
                _("Unknown criterion; expected one of: %(names)s.") % {"names": ", ".join(CRITERIA)}
            ]
        elif value is None or value == "" or value == []:
            continue
        elif name in LIST_CRITERIA:
            values = _list_values(name, value, errors)
            if values:
                cleaned[name] = values
        elif name == "status":
            if value not in STATUSES:
                errors[name] = [_("Expected Active or Deprecated.")]
            else:
                cleaned[name] = value
        elif not isinstance(value, str):
            errors[name] = [_("Expected a date-time such as 2026-01-01T00:00:00Z.")]
        else:
            cleaned[name] = value.strip()
    for name in DATE_CRITERIA:
        if name in cleaned and name not in errors:
            try:
                filter_parse([(name, [cleaned[name]])])
            except FilterError:
                errors[name] = [_("Expected a date-time such as 2026-01-01T00:00:00Z.")]
    if not errors and not cleaned:
        errors["criteria"] = [
            _(
                "Give at least one criterion: a product id, a company id, a geography, a "
                "classification, a validity date or a status."
            )
        ]
    if errors:
        raise ValidationFailed(_("The criteria of the request are not valid."), fields=errors)
    return cleaned


def outbound_request_send(
    *,
    actor: Actor,
    organisation: Organisation,
    partner: PactPartner,
    criteria: dict[str, Any],
    comment: str,
) -> OutboundRequest:
    """Send a ``RequestCreatedEvent.3`` to ``partner`` for ``organisation``: the request row,
    its delivery (first attempt after commit) and audit ``pact_request.created``."""
    if partner.organisation_id != organisation.pk or not partner.is_active:
        raise NotFound(_("No such partner."))
    cleaned = criteria_clean(criteria)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_CHARS:
        raise ValidationFailed(
            _("The comment is too long."),
            fields={
                "comment": [_("Expected at most %(max)s characters.") % {"max": COMMENT_MAX_CHARS}]
            },
        )
    data: dict[str, Any] = dict(cleaned)
    if comment:
        data["comment"] = comment
    event = cloud_event(event_type=EVENT_REQUEST_CREATED, data=data)
    with transaction.atomic():
        request = OutboundRequest.objects.create(
            organisation=organisation,
            partner=partner,
            event_id=event["id"],
            criteria=cleaned,
            comment=comment,
            created_by=actor.user,
        )
        delivery_enqueue(
            partner=partner,
            target_url=client.api_url(partner, "events"),
            event=event,
            outbound_request=request,
        )
        audit_record(
            actor=actor,
            organisation=organisation,
            action="pact_request.created",
            obj=request,
            after={
                "partner": str(partner.pk),
                "event_id": request.event_id,
                "criteria": cleaned,
                "comment": comment,
            },
        )
    return request
