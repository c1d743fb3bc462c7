"""CloudEvents of PACT v3 Action Events (``POST /3/events``), as pure functions: no framework,
no database.

A body in CloudEvents structured mode (``application/cloudevents+json``) is one JSON object
with ``specversion`` "1.0", non-empty string ``id``, ``source`` and ``type``, ``type`` one of
the four PACT v3 event types, and an object ``data`` (spec/v3/openapi.yaml,
components.schemas.BaseEvent and the four *Event schemas). The criteria of a
``RequestCreatedEvent.3`` are the ListFootprints filters (``suppliers.pact.filters``) plus an
optional ``comment``.
"""

from __future__ import annotations

import json
from typing import Any

from suppliers.pact.filters import FilterError, FootprintFilter, criteria_parse
from suppliers.pact.formats import is_uuid

#: PACT v3 CloudEvents types (spec/v3/openapi.yaml, components.schemas.*Event).
EVENT_REQUEST_CREATED = "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3"
EVENT_REQUEST_FULFILLED = "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3"
EVENT_REQUEST_REJECTED = "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3"
EVENT_PUBLISHED = "org.wbcsd.pact.ProductFootprint.PublishedEvent.3"
EVENT_TYPES = (
    EVENT_REQUEST_CREATED,
    EVENT_REQUEST_FULFILLED,
    EVENT_REQUEST_REJECTED,
    EVENT_PUBLISHED,
)
SPEC_VERSION = "1.0"
#: The one key of a RequestCreatedEvent's ``data`` that is not a criterion.
COMMENT = "comment"


class EventMalformed(ValueError):
    """The body is no acceptable PACT event; ``field`` names what is wrong (``body``,
    ``specversion``, ``data.productId``…)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _text(event: dict[str, Any], name: str) -> str:
    value = event.get(name)
    if not isinstance(value, str) or not value.strip():
        raise EventMalformed(name, f"{name} must be a non-empty string, not {value!r}.")
    return value


def event_parse(body: bytes) -> dict[str, Any]:
    """The event of a structured-mode body, checked as the module says, or EventMalformed
    naming the first field at fault. A RequestCreatedEvent's criteria are checked too
    (``request_criteria``)."""
    try:
        event = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise EventMalformed("body", "The body must be a JSON object (a CloudEvent).") from None
    if not isinstance(event, dict):
        raise EventMalformed("body", "The body must be a JSON object (a CloudEvent).")
    if event.get("specversion") != SPEC_VERSION:
        raise EventMalformed(
            "specversion", f"specversion must be '1.0', not {event.get('specversion')!r}."
        )
    for name in ("id", "source", "type"):
        _text(event, name)
    if event["type"] not in EVENT_TYPES:
        raise EventMalformed(
            "type",
            f"Unknown event type {event['type']!r}; expected one of {', '.join(EVENT_TYPES)}.",
        )
    if not isinstance(event.get("data"), dict):
        raise EventMalformed("data", "data must be a JSON object.")
    if event["type"] == EVENT_REQUEST_CREATED:
        request_criteria(event["data"])
    if event["type"] == EVENT_PUBLISHED:
        published_ids(event["data"])
    return event


def published_ids(data: dict[str, Any]) -> list[str]:
    """The ``pfIds`` of a PublishedEvent's ``data``: a non-empty list of ProductFootprint ids,
    which are UUIDs (spec/v3 "PF Update Event"; conformance case 40 sends a URN and expects
    400), or EventMalformed naming the first one at fault."""
    pf_ids = data.get("pfIds")
    if not isinstance(pf_ids, list) or not pf_ids:
        raise EventMalformed(
            "data.pfIds", f"pfIds must be a non-empty list of footprint ids, not {pf_ids!r}."
        )
    for index, pf_id in enumerate(pf_ids):
        if not is_uuid(pf_id):
            raise EventMalformed(
                f"data.pfIds[{index}]",
                f"{pf_id!r} is not a footprint id; expected a UUID such as "
                "'3a6c14a7-4deb-498a-b5ea-16ce2535b576'.",
            )
    return list(pf_ids)


def request_criteria(data: dict[str, Any]) -> tuple[FootprintFilter, str]:
    """The criteria and the comment of a RequestCreatedEvent's ``data``, or EventMalformed
    naming ``data.<key>``."""
    comment = data.get(COMMENT, "")
    if not isinstance(comment, str):
        raise EventMalformed("data.comment", f"comment must be a string, not {comment!r}.")
    try:
        return criteria_parse(data, ignored=(COMMENT,)), comment
    except FilterError as error:
        raise EventMalformed(f"data.{error.field}", error.message) from None


def request_criteria_json(data: dict[str, Any]) -> dict[str, Any]:
    """The criteria as received (``data`` without ``comment``), for storing."""
    return {k: v for k, v in data.items() if k != COMMENT}
