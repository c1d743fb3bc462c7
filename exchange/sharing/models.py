"""Requests for footprints, the grants that share them, and notifications.

A **grant** lets one buyer organisation read some of one supplier's footprints: each
``GrantedFootprint`` names the version the supplier chose and its ``lineage`` (the chain of
corrections it belongs to), so later versions of the same footprint are covered too, until
the grant is revoked. Visibility is decided in one place, ``exchange.sharing.selectors``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from core.workflows import StatusMachine


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FULFILLED = "fulfilled", _("Fulfilled")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: The explicit workflow of a request: only an open request moves, and every other status is
#: final. A move not listed raises ``core.workflows.IllegalTransition``.
REQUEST_TRANSITIONS = StatusMachine(
    noun="request",
    verb="become",
    initial={RequestStatus.OPEN},
    transitions={
        RequestStatus.OPEN: {
            RequestStatus.FULFILLED,
            RequestStatus.REJECTED,
            RequestStatus.EXPIRED,
            RequestStatus.WITHDRAWN,
        },
        RequestStatus.FULFILLED: set(),
        RequestStatus.REJECTED: set(),
        RequestStatus.EXPIRED: set(),
        RequestStatus.WITHDRAWN: set(),
    },
)


class FootprintRequest(models.Model):
    """A buyer asks a supplier for the footprint of something it buys.

    The supplier is an organisation on the platform, or (``supplier`` empty) a company invited
    by e-mail (``supplier_email``) that is not on it yet. The product is named by the
    supplier's product, a CN code or a free description (at least one of them).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    buyer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="footprint_requests_sent"
    )
    supplier = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="footprint_requests_received",
    )
    supplier_email = models.EmailField(blank=True)
    supplier_name = models.CharField(max_length=300, blank=True)
    supplier_product = models.ForeignKey(
        "suppliers.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cn_code = models.CharField(max_length=8, blank=True)
    description = models.TextField(blank=True)
    installation = models.ForeignKey(
        "suppliers.Installation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    quantity_t = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    due_date = models.DateField()
    message = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    reason = models.TextField(blank=True, help_text="Why it was rejected or withdrawn")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # The buyer's last manual reminder ("send a reminder now"), at most one a day; every one
    # of them is an audit event (``footprint_request.buyer_reminded``).
    buyer_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "id")
        indexes = [
            models.Index(fields=("buyer", "status"), name="request_buyer_status"),
            models.Index(fields=("supplier", "status"), name="request_supplier_status"),
            models.Index(fields=("status", "due_date"), name="request_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="request_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(supplier__isnull=False) | ~models.Q(supplier_email=""),
                name="request_has_supplier",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity_t__isnull=True) | models.Q(quantity_t__gt=0),
                name="request_quantity_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Request {self.pk} ({self.status})"


class Grant(models.Model):
    """A supplier lets a buyer read some of its footprints (and their later versions)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    supplier = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="grants_given"
    )
    buyer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="grants_received"
    )
    request = models.ForeignKey(
        FootprintRequest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grants",
        help_text="The request it fulfilled; empty for a proactive share",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revocation_reason = models.TextField(blank=True)

    class Meta:
        ordering = ("-created_at", "id")
        indexes = [
            models.Index(fields=("buyer", "revoked_at"), name="grant_buyer_live"),
            models.Index(fields=("supplier", "revoked_at"), name="grant_supplier_live"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(supplier=models.F("buyer")), name="grant_not_to_self"
            ),
        ]

    def __str__(self) -> str:
        return f"Grant {self.pk}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


class GrantedFootprint(models.Model):
    """One footprint of a grant: the version shared and the lineage it covers."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="footprints")
    footprint = models.ForeignKey(
        "suppliers.Footprint", on_delete=models.PROTECT, related_name="grants"
    )
    lineage = models.UUIDField(db_index=True)

    class Meta:
        ordering = ("grant_id", "id")
        constraints = [
            models.UniqueConstraint(fields=("grant", "lineage"), name="grantedfootprint_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.grant_id}: {self.footprint_id}"


class NotificationKind(models.TextChoices):
    REQUEST_RECEIVED = "request.received", _("New footprint request")
    REQUEST_DUE_SOON = "request.due_soon", _("Request due soon")
    REQUEST_REMINDED = "request.reminded", _("Reminder from a buyer")
    REQUEST_FULFILLED = "request.fulfilled", _("Request fulfilled")
    REQUEST_REJECTED = "request.rejected", _("Request rejected")
    REQUEST_EXPIRED = "request.expired", _("Request expired")
    REQUEST_WITHDRAWN = "request.withdrawn", _("Request withdrawn")
    FOOTPRINT_SHARED = "footprint.shared", _("Footprint shared with you")
    FOOTPRINT_DEPRECATED = "footprint.deprecated", _("A shared footprint was deprecated")
    KEY_REVOKED = "signing_key.revoked", _("A signing key of a shared footprint was revoked")
    GRANT_REVOKED = "grant.revoked", _("A grant was revoked")
    VERIFICATION_REQUESTED = "verification.requested", _("Verification requested")
    VERIFICATION_CONFIRMED = "verification.confirmed", _("Verification confirmed")
    VERIFICATION_DECLINED = "verification.declined", _("Verification declined")
    POOL_INVITED = "pool.invited", _("Invitation to a data pool")
    POOL_JOINED = "pool.joined", _("A company joined your data pool")
    POOL_LEFT = "pool.left", _("A data pool membership ended")
    PACT_FULFILLED = "pact.fulfilled", _("A PACT partner answered your request")
    PACT_REJECTED = "pact.rejected", _("A PACT partner rejected your request")


class Notification(models.Model):
    """A message to an organisation, shown in the platform and sent by e-mail to its members."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, choices=NotificationKind.choices)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # One notification per (organisation, kind, event): repeated work cannot duplicate it.
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "id")
        indexes = [
            models.Index(fields=("organisation", "read_at"), name="notification_org_unread"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=("organisation", "dedupe_key"), name="notification_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.organisation_id}"


class PolicyRule(models.TextChoices):
    """How a supplier's requests from one buyer are answered when they arrive by PACT
    (``RequestCreatedEvent.3``)."""

    MANUAL = "manual", _("A person answers each request")
    SHARED_PRODUCTS = (
        "shared_products",
        _("Fulfil with the latest published footprint of a product I already share with them"),
    )
    ALL_PUBLISHED = (
        "all_published",
        _("Fulfil with the latest published footprint of any product they ask for"),
    )
    REJECT = "reject", _("Reject with my standing reason")


class SharingPolicy(models.Model):
    """A supplier's standing answer to one buyer's requests (``PolicyRule``); without one,
    a person answers (``MANUAL``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    supplier = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sharing_policies"
    )
    buyer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    rule = models.CharField(max_length=30, choices=PolicyRule.choices)
    reason = models.TextField(blank=True, help_text="Sent with an automatic rejection")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("supplier_id", "buyer_id")
        constraints = [
            models.UniqueConstraint(fields=("supplier", "buyer"), name="sharingpolicy_unique"),
            models.CheckConstraint(
                condition=~models.Q(supplier=models.F("buyer")), name="sharingpolicy_not_self"
            ),
            models.CheckConstraint(
                condition=~models.Q(rule="reject") | ~models.Q(reason=""),
                name="sharingpolicy_reject_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_id} → {self.buyer_id}: {self.rule}"
