"""PACT partner hosts, the footprints fetched from them, and the events exchanged with them.

An organisation registers a **partner** (another PACT host: its base URL, the client id and
secret the platform uses there, stored encrypted; and the platform's own machine client the
partner uses here, by which its events are recognised). Through it the platform

- fetches footprints (``FetchedFootprint``: the bytes as received, schema-checked, marked with
  their origin; usable as a BOM line like a granted platform footprint);
- sends ``RequestCreatedEvent.3`` (``OutboundRequest``) and receives the answer;
- receives ``RequestCreatedEvent.3`` from it (``InboundRequest``: answered by a person in the
  supplier's inbox, or automatically under a sharing policy) and answers it.

Every event the platform sends is a ``PactDelivery``: a work row retried with back-off until
the partner accepts it (2xx) or ``deadline`` (72 h, the specification's "no more than 3
days") passes.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiClient, Organisation
from core.crypto import decrypt, encrypt
from core.workflows import StatusMachine

# The PACT v3 event types are defined once, in the pure module of the PACT adapter.
from suppliers.pact.events import (
    EVENT_PUBLISHED,
    EVENT_REQUEST_CREATED,
    EVENT_REQUEST_FULFILLED,
    EVENT_REQUEST_REJECTED,
    EVENT_TYPES,
)

__all__ = [
    "EVENT_PUBLISHED",
    "EVENT_REQUEST_CREATED",
    "EVENT_REQUEST_FULFILLED",
    "EVENT_REQUEST_REJECTED",
    "EVENT_TYPES",
]


class PactPartner(models.Model):
    """Another PACT host an organisation exchanges footprints with."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="pact_partners"
    )
    name = models.CharField(max_length=200)
    # https://host[:port][/subpath]: the actions are {base_url}/3/footprints, /3/events.
    base_url = models.URLField(max_length=500)
    # Where {auth base}/auth/token is when the partner publishes no OpenID configuration;
    # empty: the base URL.
    auth_base_url = models.URLField(max_length=500, blank=True)
    client_id = models.CharField(max_length=300)
    secret_encrypted = models.TextField()
    # The platform's machine client this partner calls the platform with: its events
    # (answers, published footprints, requests) are recognised by it.
    machine_client = models.ForeignKey(
        ApiClient, null=True, blank=True, on_delete=models.SET_NULL, related_name="pact_partners"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("name", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("organisation", "base_url"),
                condition=models.Q(archived_at__isnull=True),
                name="pactpartner_base_url_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.base_url})"

    def secret(self) -> str:
        return decrypt(self.secret_encrypted).decode("utf-8")

    def secret_set(self, secret: str) -> None:
        self.secret_encrypted = encrypt(secret.encode("utf-8"))

    @property
    def is_active(self) -> bool:
        return self.archived_at is None


class FetchedOrigin(models.TextChoices):
    LIST = "list", _("Listed from the partner (ListFootprints)")
    GET = "get", _("Fetched by id (GetFootprint)")
    FULFILLED = "fulfilled", _("Sent in answer to a request (RequestFulfilledEvent)")
    PUBLISHED = "published", _("Fetched after a published event (PublishedEvent)")


class FetchedFootprint(models.Model):
    """A PACT ProductFootprint received from a partner, stored as received.

    ``document`` holds the exact bytes of the footprint's JSON; ``sha256`` their digest. A
    footprint received again with the same bytes is the same row; with other bytes (a new
    status, a correction) it is a new row, and ``superseded_by`` links the older one.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="fetched_footprints"
    )
    partner = models.ForeignKey(PactPartner, on_delete=models.PROTECT, related_name="footprints")
    pf_id = models.CharField(max_length=100, help_text="The footprint's PACT id")
    document = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    origin = models.CharField(max_length=20, choices=FetchedOrigin.choices)
    source_url = models.URLField(max_length=1000)
    received_at = models.DateTimeField(auto_now_add=True)
    # Schema check (PACT v3 and, where present, the CBAM extension): the problems found,
    # each {"path", "code", "message_en", "message_zh"}; empty when valid.
    schema_valid = models.BooleanField()
    problems = models.JSONField(default=list, blank=True)
    has_cbam_extension = models.BooleanField(default=False)
    # Facts read from the document for lists and BOM lines (the document stays the record).
    pact_status = models.CharField(max_length=20, blank=True)
    company_name = models.CharField(max_length=300, blank=True)
    product_name = models.CharField(max_length=300, blank=True)
    cn_code = models.CharField(max_length=8, blank=True)
    country = models.CharField(max_length=2, blank=True)
    see_direct = models.DecimalField(max_digits=20, decimal_places=10, null=True, blank=True)
    see_indirect = models.DecimalField(max_digits=20, decimal_places=10, null=True, blank=True)
    production_route = models.CharField(max_length=3, blank=True)
    verification_statement_date = models.DateField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-received_at", "id")
        indexes = [
            models.Index(fields=("organisation", "pf_id"), name="fetched_org_pfid"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=("partner", "pf_id", "sha256"), name="fetchedfootprint_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pf_id} from {self.partner_id}"


class OutboundRequestStatus(models.TextChoices):
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent, waiting for the answer")
    FULFILLED = "fulfilled", _("Fulfilled")
    REJECTED = "rejected", _("Rejected")
    UNDELIVERABLE = "undeliverable", _("Could not be delivered")


OUTBOUND_REQUEST_TRANSITIONS = StatusMachine(
    noun="request",
    verb="become",
    initial={OutboundRequestStatus.SENDING},
    transitions={
        OutboundRequestStatus.SENDING: {
            OutboundRequestStatus.SENT,
            OutboundRequestStatus.UNDELIVERABLE,
            # A fast partner may answer before the delivery is marked done.
            OutboundRequestStatus.FULFILLED,
            OutboundRequestStatus.REJECTED,
        },
        OutboundRequestStatus.SENT: {
            OutboundRequestStatus.FULFILLED,
            OutboundRequestStatus.REJECTED,
        },
        OutboundRequestStatus.FULFILLED: set(),
        OutboundRequestStatus.REJECTED: set(),
        OutboundRequestStatus.UNDELIVERABLE: set(),
    },
)


class OutboundRequest(models.Model):
    """A ``RequestCreatedEvent.3`` the platform sent to a partner for an organisation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="pact_requests_sent"
    )
    partner = models.ForeignKey(PactPartner, on_delete=models.PROTECT, related_name="requests")
    event_id = models.CharField(max_length=200, unique=True)
    # The criteria as sent (the event's ``data`` without ``comment``).
    criteria = models.JSONField(default=dict)
    comment = models.TextField(blank=True)
    status = models.CharField(
        max_length=20,
        choices=OutboundRequestStatus.choices,
        default=OutboundRequestStatus.SENDING,
    )
    error_code = models.CharField(max_length=40, blank=True)
    error_message = models.TextField(blank=True)
    footprints = models.ManyToManyField(FetchedFootprint, blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "id")

    def __str__(self) -> str:
        return f"PACT request {self.event_id} ({self.status})"


class InboundRequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the supplier")
    FULFILLED = "fulfilled", _("Fulfilled")
    REJECTED = "rejected", _("Rejected")


INBOUND_REQUEST_TRANSITIONS = StatusMachine(
    noun="request",
    verb="become",
    initial={
        InboundRequestStatus.OPEN,
        InboundRequestStatus.FULFILLED,
        InboundRequestStatus.REJECTED,
    },
    transitions={
        InboundRequestStatus.OPEN: {InboundRequestStatus.FULFILLED, InboundRequestStatus.REJECTED},
        InboundRequestStatus.FULFILLED: set(),
        InboundRequestStatus.REJECTED: set(),
    },
)


class InboundRequest(models.Model):
    """A ``RequestCreatedEvent.3`` a partner sent to the platform.

    ``requester`` is the organisation whose machine client sent it; ``partner`` the host the
    answer goes to (validated against the event's ``source``). Matched footprints the
    requester can already read answer it at once; otherwise each supplier on the platform
    whose footprints match gets a ``FootprintRequest`` in its inbox (``footprint_requests``),
    answered by a person or by its sharing policy.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requester = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="pact_requests_received"
    )
    partner = models.ForeignKey(
        PactPartner, on_delete=models.PROTECT, related_name="inbound_requests"
    )
    machine_client = models.ForeignKey(
        ApiClient, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event_id = models.CharField(max_length=200)
    source = models.CharField(max_length=500)
    callback_url = models.URLField(max_length=1000)
    criteria = models.JSONField(default=dict)
    comment = models.TextField(blank=True)
    event = models.JSONField(help_text="The event as received")
    status = models.CharField(
        max_length=20, choices=InboundRequestStatus.choices, default=InboundRequestStatus.OPEN
    )
    footprint_requests = models.ManyToManyField(
        "sharing.FootprintRequest", blank=True, related_name="pact_inbound"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-received_at", "id")
        constraints = [
            # The same event sent twice (a retry) is one request.
            models.UniqueConstraint(
                fields=("requester", "source", "event_id"), name="inboundrequest_event_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"PACT request {self.event_id} from {self.partner_id} ({self.status})"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be delivered")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Given up (not accepted within 72 hours)")


DELIVERY_TRANSITIONS = StatusMachine(
    noun="delivery",
    verb="become",
    initial={DeliveryStatus.PENDING},
    transitions={
        DeliveryStatus.PENDING: {DeliveryStatus.DELIVERED, DeliveryStatus.FAILED},
        DeliveryStatus.DELIVERED: set(),
        DeliveryStatus.FAILED: set(),
    },
)


class PactDelivery(models.Model):
    """One CloudEvent the platform sends to a partner's ``/3/events``, as a work row.

    ``body`` is the exact JSON sent (its ``id`` is ``event_id``); each attempt takes a token
    from the partner and POSTs it; a 2xx ends it, anything else is retried with back-off until
    ``deadline``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="pact_deliveries"
    )
    partner = models.ForeignKey(PactPartner, on_delete=models.PROTECT, related_name="deliveries")
    event_type = models.CharField(max_length=100)
    event_id = models.CharField(max_length=200, unique=True)
    target_url = models.URLField(max_length=1000)
    body = models.BinaryField()
    outbound_request = models.ForeignKey(
        OutboundRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries"
    )
    inbound_request = models.ForeignKey(
        InboundRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries"
    )
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    deadline = models.DateTimeField()
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "id")
        indexes = [models.Index(fields=("status", "deadline"), name="delivery_status_deadline")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} → {self.target_url} ({self.status})"
