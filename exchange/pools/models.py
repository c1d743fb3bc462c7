"""Data pools run by industry associations (issue 16; the rules in docs/pools.md).

An association (an organisation of kind ``association``) runs pools; companies join by accepting
an invitation (organisation to organisation); a member opts lineages of its published, signed
footprints in. ``PoolCell`` holds the live statistics of every cell with their disclosure
decision (recomputed by ``exchange.pools.services.cells``); ``PoolRelease`` is what the
association published: an immutable, signed document.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Organisation, User
from core.workflows import StatusMachine
from exchange.pools.calculations.disclosure import MIN_CONTRIBUTORS_FLOOR


class Pool(models.Model):
    """A shared data pool and its disclosure settings (defaults as the issue states them)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    association = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="pools")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    min_contributors = models.PositiveSmallIntegerField(default=5)
    max_share_pct = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("25"))
    dominance_n = models.PositiveSmallIntegerField(default=2)
    dominance_pct = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("85"))
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    #: When the live cells were last recomputed (None: never, the pool has no contribution).
    refreshed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_contributors__gte=MIN_CONTRIBUTORS_FLOOR),
                name="pool_min_contributors_floor",
            ),
            models.CheckConstraint(
                condition=Q(max_share_pct__gt=0, max_share_pct__lte=100),
                name="pool_max_share_range",
            ),
            models.CheckConstraint(
                condition=Q(dominance_n__gte=1, dominance_pct__gt=0, dominance_pct__lte=100),
                name="pool_dominance_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipStatus(models.TextChoices):
    INVITED = "invited", pgettext_lazy("pool membership", "Invited")
    ACTIVE = "active", pgettext_lazy("pool membership", "Member")
    DECLINED = "declined", pgettext_lazy("pool membership", "Declined")
    ENDED = "ended", pgettext_lazy("pool membership", "Ended")


#: The explicit workflow of a membership (``exchange.pools.services.memberships``).
MEMBERSHIP_TRANSITIONS = StatusMachine(
    noun="pool membership",
    initial={MembershipStatus.INVITED},
    transitions={
        MembershipStatus.INVITED: {
            MembershipStatus.ACTIVE,
            MembershipStatus.DECLINED,
            MembershipStatus.ENDED,
        },
        MembershipStatus.ACTIVE: {MembershipStatus.ENDED},
        MembershipStatus.DECLINED: set(),
        MembershipStatus.ENDED: set(),
    },
)

#: The statuses in which an organisation is (about to be) in the pool: one at a time.
OPEN_MEMBERSHIP = (MembershipStatus.INVITED, MembershipStatus.ACTIVE)


class EndedBy(models.TextChoices):
    ASSOCIATION = "association", _("The association")
    MEMBER = "member", _("The member")


class PoolMembership(models.Model):
    """An organisation's membership of a pool, from the invitation to its end."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="pool_memberships"
    )
    status = models.CharField(
        max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.INVITED
    )
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    invited_at = models.DateTimeField()
    #: Who accepted or declined the invitation, and when.
    answered_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_side = models.CharField(max_length=12, choices=EndedBy.choices, blank=True)

    class Meta:
        ordering = ["-invited_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pool", "organisation"],
                condition=Q(status__in=["invited", "active"]),
                name="pool_membership_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} in {self.pool_id} ({self.status})"


class PoolContribution(models.Model):
    """A member's footprint lineage opted into a pool: its latest published version counts
    until the member withdraws it (or leaves the pool)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="contributions")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="pool_contributions"
    )
    lineage = models.UUIDField(db_index=True)
    added_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField()
    withdrawn_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pool", "lineage"],
                condition=Q(withdrawn_at__isnull=True),
                name="pool_contribution_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.lineage} in {self.pool_id}"


class PoolCell(models.Model):
    """The live statistics of one cell and its disclosure decision (a cache of the pure
    calculation over the current contributions; never shown to a member as such)."""

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="cells")
    #: ``CellKey.text``: "7208|C|CN|2026"; ``*`` all countries, ``0`` all years.
    key = models.CharField(max_length=40)
    cn_code = models.CharField(max_length=8)
    route = models.CharField(max_length=3, blank=True)
    country = models.CharField(max_length=2)
    year = models.PositiveSmallIntegerField()
    #: ``cn_code[:4] + "|" + route``: the cells that share observations (recomputed together).
    component = models.CharField(max_length=8)
    published = models.BooleanField()
    suppression = models.CharField(max_length=20, blank=True)
    #: ``CellStatistics`` as strings (empty when suppressed).
    statistics = models.JSONField(default=dict, blank=True)
    #: The digests of the contributions in the cell (what a release records it used).
    contributions = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["cn_code", "route", "country", "year"]
        constraints = [
            models.UniqueConstraint(fields=["pool", "key"], name="pool_cell_unique"),
        ]
        indexes = [models.Index(fields=["pool", "component"], name="pool_cell_component")]

    def __str__(self) -> str:
        return self.key


class PoolRelease(models.Model):
    """Statistics as the association published them: dated, numbered, signed, immutable."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="releases")
    number = models.PositiveIntegerField()
    released_at = models.DateTimeField()
    released_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    certificate_price_eur = models.DecimalField(max_digits=12, decimal_places=2)
    cells_published = models.PositiveIntegerField()
    cells_suppressed = models.PositiveIntegerField()
    contributions_used = models.PositiveIntegerField()
    #: The exact signed bytes (RFC 8785 JSON), the detached JWS and its key id.
    payload = models.BinaryField(editable=False)
    jws = models.TextField(editable=False)
    kid = models.CharField(max_length=100, editable=False)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["pool", "number"], name="pool_release_number"),
        ]

    def __str__(self) -> str:
        return f"{self.pool_id} release {self.number}"
