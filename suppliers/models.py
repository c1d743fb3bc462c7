"""Producers' installations, products and product carbon footprints (PCFs).

A footprint is one product x installation x reference period. Its specific embedded emissions
(SEE) are computed by the calculation engine from its inputs, never typed in. Once published it
is signed and immutable: services refuse changes and, on PostgreSQL, a trigger refuses them too
(migration 0002).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Organisation
from core.workflows import StatusMachine


class Installation(models.Model):
    """A site where CBAM goods are produced (2025/2547 Annex I: the installation)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="installations"
    )
    name = models.CharField(max_length=300, help_text="Name in its original script")
    name_latin = models.CharField(max_length=300)
    address = models.TextField(blank=True)
    country = models.CharField(max_length=2)
    un_locode = models.CharField(max_length=6, blank=True, help_text="e.g. CNTSN (5 chars)")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    cbam_operator_id = models.CharField(max_length=64, blank=True)
    cbam_installation_id = models.CharField(max_length=64, blank=True)
    production_routes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name_latin", "id")

    def __str__(self) -> str:
        return self.name_latin


class Product(models.Model):
    """A CBAM good a producer makes: CN code (-> aggregated goods category) and route."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(max_length=300)
    cn_code = models.CharField(max_length=8)
    category = models.CharField(
        max_length=100, help_text="Aggregated goods category of the CN code"
    )
    production_route = models.CharField(max_length=100, blank=True)
    benchmark_route = models.CharField(
        max_length=3, blank=True, help_text="IR 2025/2620 route qualifier (C, D, E, F ... L)"
    )
    installations = models.ManyToManyField(Installation, related_name="products", blank=True)
    identifiers = models.JSONField(default=list, blank=True, help_text="URNs (GTIN, PACT…)")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name", "id")

    def __str__(self) -> str:
        return f"{self.name} ({self.cn_code})"


class FootprintStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted (validating)")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", pgettext_lazy("footprint status", "Rejected")
    PUBLISHED = "published", _("Published")
    DEPRECATED = "deprecated", _("Deprecated")


#: The explicit workflow of a footprint (``suppliers.services.workflow``). A move not listed
#: raises ``core.workflows.IllegalTransition``.
FOOTPRINT_TRANSITIONS = StatusMachine(
    noun="footprint",
    # A new footprint, and a correction of a published one, start as drafts.
    initial={FootprintStatus.DRAFT},
    transitions={
        FootprintStatus.DRAFT: {FootprintStatus.SUBMITTED},
        # The validation worker moves a submission on, or back to draft with its problems; the
        # preparer may also withdraw a submission to draft (``footprint_withdraw``).
        FootprintStatus.SUBMITTED: {FootprintStatus.IN_REVIEW, FootprintStatus.DRAFT},
        FootprintStatus.IN_REVIEW: {FootprintStatus.APPROVED, FootprintStatus.REJECTED},
        FootprintStatus.APPROVED: {FootprintStatus.PUBLISHED, FootprintStatus.REJECTED},
        FootprintStatus.REJECTED: {FootprintStatus.DRAFT},
        FootprintStatus.PUBLISHED: {FootprintStatus.DEPRECATED},
        FootprintStatus.DEPRECATED: set(),
    },
)

IMMUTABLE_STATUSES = frozenset({FootprintStatus.PUBLISHED, FootprintStatus.DEPRECATED})
#: A footprint naming a platform verifier is shared with it once submitted: not as a draft (or
#: rejected, on its way back to draft).
HIDDEN_FROM_VERIFIER = frozenset({FootprintStatus.DRAFT, FootprintStatus.REJECTED})
#: The statuses in which the verifier answers (before publication: a published footprint is
#: immutable).
VERIFIABLE_STATUSES = frozenset(
    {FootprintStatus.SUBMITTED, FootprintStatus.IN_REVIEW, FootprintStatus.APPROVED}
)


class ElectricityFactorSource(models.TextChoices):
    """Where the electricity emission factor comes from (2025/2547 Annex III, DOMAIN.md).

    Guarantees of origin and green certificates are *not* accepted and cannot be chosen; the
    services explain why when someone tries.
    """

    COUNTRY_DEFAULT = "country_default", _("Country default (IR 2025/2621 Annex II)")
    OFFICIAL_NATIONAL = "official_national", _("Official national factor")
    DIRECT_LINK = "direct_link", _("Direct technical link to the generator (evidence required)")
    PPA = "ppa", _("Power purchase agreement (evidence required)")


class PrecursorSeeSource(models.TextChoices):
    PLATFORM_FOOTPRINT = "platform_footprint", _("A footprint published on this platform")
    DEFAULT_VALUE = "default_value", _("The default value (IR 2025/2621 Annex I)")
    OWN_VERIFIED = "own_verified", _("The producer's own verified figure")


class AssuranceLevel(models.TextChoices):
    REASONABLE = "reasonable", _("Reasonable assurance")
    LIMITED = "limited", _("Limited assurance")


class Footprint(models.Model):
    """A product carbon footprint of one product at one installation for one period."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="footprints"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="footprints")
    installation = models.ForeignKey(
        Installation, on_delete=models.PROTECT, related_name="footprints"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(
        max_length=20, choices=FootprintStatus.choices, default=FootprintStatus.DRAFT
    )
    preceding = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    # The id of the first footprint of its chain of corrections: every version of one
    # footprint shares it, so a grant on one version reaches the later ones (exchange.sharing).
    lineage = models.UUIDField(editable=False, db_index=True)

    # Inputs, normalised (t, tCO2e, MWh, tCO2/MWh, Nm3); as entered in ``inputs_as_entered``.
    attributed_direct_tco2e = models.DecimalField(max_digits=28, decimal_places=10)
    activity_level_t = models.DecimalField(max_digits=28, decimal_places=10)
    electricity_mwh = models.DecimalField(max_digits=28, decimal_places=10, null=True, blank=True)
    electricity_factor_tco2_per_mwh = models.DecimalField(
        max_digits=28, decimal_places=10, null=True, blank=True
    )
    electricity_factor_source = models.CharField(
        max_length=30, choices=ElectricityFactorSource.choices, blank=True
    )
    electricity_factor_reference = models.CharField(max_length=300, blank=True)
    attributed_indirect_tco2e = models.DecimalField(
        max_digits=28, decimal_places=10, null=True, blank=True
    )
    natural_gas_nm3 = models.DecimalField(max_digits=28, decimal_places=10, null=True, blank=True)
    inputs_as_entered = models.JSONField(default=dict, blank=True)
    # Relevant precursors of the product's category (goods-category names) the producer
    # declares not used, so that their absence from ``precursors`` is a statement, not a gap.
    precursors_declared_absent = models.JSONField(default=list, blank=True)

    # Carbon price paid where produced (Art. 9 of Reg. 2023/956).
    carbon_price_instrument = models.CharField(max_length=200, blank=True)
    carbon_price_amount = models.DecimalField(
        max_digits=28, decimal_places=10, null=True, blank=True
    )
    carbon_price_currency = models.CharField(max_length=3, blank=True)

    # Verification.
    verifier_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verifier_name = models.CharField(max_length=300, blank=True)
    verifier_accreditation = models.CharField(max_length=100, blank=True)
    verification_statement_date = models.DateField(null=True, blank=True)
    assurance_level = models.CharField(max_length=20, choices=AssuranceLevel.choices, blank=True)
    verifier_confirmed_at = models.DateTimeField(null=True, blank=True)
    # Set when the platform verifier declines this submission (``VerificationDecision`` keeps
    # the comment); a new submission asks the verifier again and clears both.
    verifier_declined_at = models.DateTimeField(null=True, blank=True)

    # Data quality and method.
    primary_data_share_pct = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True
    )
    methodology = models.CharField(max_length=300, blank=True)
    comments = models.TextField(blank=True)
    valid_until = models.DateField(null=True, blank=True)

    # Computed by the engine (cbam), never typed in.
    see_direct = models.DecimalField(max_digits=20, decimal_places=5, null=True, blank=True)
    see_indirect = models.DecimalField(max_digits=20, decimal_places=5, null=True, blank=True)
    see_total = models.DecimalField(max_digits=20, decimal_places=5, null=True, blank=True)
    indirect_counts = models.BooleanField(default=False)
    calculation = models.JSONField(default=dict, blank=True, help_text="Engine output")
    calculation_problems = models.JSONField(default=list, blank=True)

    # Workflow.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    deprecated_at = models.DateTimeField(null=True, blank=True)

    # Signature: the exact signed bytes (JCS of the PACT document) and the detached JWS.
    signed_document = models.BinaryField(null=True, blank=True, editable=False)
    signature = models.TextField(blank=True, editable=False)
    signing_kid = models.CharField(max_length=100, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "id")
        indexes = [
            models.Index(fields=("organisation", "status"), name="footprint_org_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="footprint_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(activity_level_t__gt=0), name="footprint_activity_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["published", "deprecated"])
                | (models.Q(signed_document__isnull=False) & ~models.Q(signature="")),
                name="footprint_published_is_signed",
            ),
        ]

    def __str__(self) -> str:
        return f"PCF {self.product} {self.period_start:%Y}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.lineage is None:
            self.lineage = self.preceding.lineage if self.preceding is not None else self.id
        super().save(*args, **kwargs)

    @property
    def is_immutable(self) -> bool:
        return self.status in IMMUTABLE_STATUSES

    def snapshot(self) -> dict[str, Any]:
        return {"status": self.status}


class FootprintDeprecation(models.Model):
    """The signed deprecated state of a footprint, PACT's way: the original document with
    ``status`` "Deprecated" and a ``statusComment`` naming its successor, re-signed by the
    owner's key at deprecation (``suppliers.services.deprecation``). The original signed bytes
    and signature on the footprint never change and stay downloadable; this row is written
    once and never changed either."""

    footprint = models.OneToOneField(
        Footprint, primary_key=True, on_delete=models.PROTECT, related_name="deprecation"
    )
    successor = models.ForeignKey(
        Footprint, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_document = models.BinaryField(editable=False)
    signature = models.TextField(editable=False)
    signing_kid = models.CharField(max_length=100, editable=False)
    # The signing time (whole seconds): the footprint's deprecated_at.
    signed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"deprecation of {self.footprint_id}"


class FootprintPrecursor(models.Model):
    """A precursor consumed per tonne of product (total mass incl. scrap and cut-offs)."""

    footprint = models.ForeignKey(Footprint, on_delete=models.CASCADE, related_name="precursors")
    position = models.PositiveIntegerField()
    cn_code = models.CharField(max_length=8)
    mass_t_per_t = models.DecimalField(max_digits=28, decimal_places=10)
    mass_as_entered = models.JSONField(default=dict, blank=True)
    country_of_origin = models.CharField(max_length=5)
    see_source = models.CharField(max_length=30, choices=PrecursorSeeSource.choices)
    source_footprint = models.ForeignKey(
        Footprint, null=True, blank=True, on_delete=models.PROTECT, related_name="used_as_precursor"
    )
    see_direct = models.DecimalField(max_digits=20, decimal_places=5, null=True, blank=True)
    see_indirect = models.DecimalField(max_digits=20, decimal_places=5, null=True, blank=True)

    class Meta:
        ordering = ("footprint_id", "position")
        constraints = [
            models.UniqueConstraint(
                fields=("footprint", "position"), name="footprint_precursor_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cn_code} x {self.mass_t_per_t}"


class EvidenceKind(models.TextChoices):
    ELECTRICITY = "electricity", _("Electricity factor (direct link or PPA)")
    CARBON_PRICE = "carbon_price", _("Carbon price paid")
    VERIFICATION = "verification", _("Verification statement")


def _evidence_path(instance: EvidenceFile, filename: str) -> str:
    return (
        f"evidence/{instance.footprint.organisation_id}/{instance.footprint_id}/{uuid.uuid4().hex}"
    )


class EvidenceFile(models.Model):
    """A document backing a claim of a footprint; kept with its SHA-256 digest."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    footprint = models.ForeignKey(Footprint, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(max_length=20, choices=EvidenceKind.choices)
    file = models.FileField(upload_to=_evidence_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("uploaded_at", "id")

    def __str__(self) -> str:
        return f"{self.kind}: {self.original_name}"


class VerificationOutcome(models.TextChoices):
    CONFIRMED = "confirmed", pgettext_lazy("verification", "Confirmed")
    DECLINED = "declined", pgettext_lazy("verification", "Declined")


class VerificationDecision(models.Model):
    """A platform verifier's answer to one submission of a footprint that names it: confirmed
    or declined (with the reason), by whom and when, and the figures it answered for (the SEE
    as they stood then). Written by ``suppliers.services.verification``, never changed: the
    verifier's record of its work and the producer's record of the answer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    footprint = models.ForeignKey(
        Footprint, on_delete=models.PROTECT, related_name="verification_decisions"
    )
    verifier = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="verification_decisions"
    )
    outcome = models.CharField(max_length=10, choices=VerificationOutcome.choices)
    comment = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    # The submission answered (the footprint's ``submitted_at`` then) and its figures.
    submitted_at = models.DateTimeField(null=True, blank=True)
    footprint_status = models.CharField(max_length=20, choices=FootprintStatus.choices)
    see_direct = models.DecimalField(max_digits=20, decimal_places=5, null=True, blank=True)
    see_indirect = models.DecimalField(max_digits=20, decimal_places=5, null=True, blank=True)
    see_total = models.DecimalField(max_digits=20, decimal_places=5, null=True, blank=True)

    class Meta:
        ordering = ("-decided_at", "id")
        indexes = [
            models.Index(fields=("verifier", "-decided_at"), name="verificationdecision_verifier"),
        ]
        constraints = [
            # One answer per submission: a second confirm or decline of the same one is refused
            # by the service, and by the database should two arrive at once.
            models.UniqueConstraint(
                fields=("footprint", "submitted_at"), name="verification_decision_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} {self.footprint_id} by {self.verifier_id}"


# --------------------------------------------------------------------------- validation


class ValidationBatch(models.Model):
    """Footprints submitted together; its progress is counted from its runs."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="validation_batches"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    total = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "id")

    def __str__(self) -> str:
        return f"Validation batch {self.pk} ({self.total})"


class ValidationRunStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    PASSED = "passed", _("Passed (no errors)")
    FAILED_FINDINGS = "failed_findings", _("Failed (errors found)")
    CRASHED = "crashed", _("Crashed (a rule or the pipeline failed)")


#: The workflow of a validation run (``suppliers.validation``). The chunk moves the runs it has
#: locked through this map; the job's hooks move them with conditional ``UPDATE``\s of the
#: work row's unfinished runs, which tests/core/test_workflows.py checks against it.
#: A ``crashed`` run is final once ``finished_at`` is set (its job gave up); until then it is
#: retried.
VALIDATION_RUN_TRANSITIONS = StatusMachine(
    noun="validation run",
    initial={ValidationRunStatus.PENDING},
    transitions={
        # An attempt starts (the job's hook); or the run is closed without one: executed
        # outside a work row (a replay), withdrawn, or its job gave up before any attempt.
        ValidationRunStatus.PENDING: {
            ValidationRunStatus.RUNNING,
            ValidationRunStatus.PASSED,
            ValidationRunStatus.FAILED_FINDINGS,
            ValidationRunStatus.CRASHED,
        },
        # The outcome; a crash (a rule raised, the attempt failed, withdrawn); back to pending
        # when a database error will be retried; a new attempt after a lost worker.
        ValidationRunStatus.RUNNING: {
            ValidationRunStatus.PASSED,
            ValidationRunStatus.FAILED_FINDINGS,
            ValidationRunStatus.CRASHED,
            ValidationRunStatus.PENDING,
            ValidationRunStatus.RUNNING,
        },
        # Retried (the job's next attempt, or the work row it was handed to); closed for good
        # (crashed again, withdrawn, given up); or executed outside a work row.
        ValidationRunStatus.CRASHED: {
            ValidationRunStatus.RUNNING,
            ValidationRunStatus.CRASHED,
            ValidationRunStatus.PASSED,
            ValidationRunStatus.FAILED_FINDINGS,
        },
        ValidationRunStatus.PASSED: set(),
        ValidationRunStatus.FAILED_FINDINGS: set(),
    },
)


class ValidationRun(models.Model):
    """One validation of one submission of a footprint, run by a worker through a work row.

    ``pending`` → ``running`` (each attempt) → ``passed`` / ``failed_findings``; a rule that
    raises makes it ``crashed`` with the rule's code while its job is retried, and it stays
    ``crashed`` (with ``finished_at``) once the job gives up. ``finished_at`` is set exactly
    when nothing more will happen to the run.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    footprint = models.ForeignKey(
        Footprint, on_delete=models.CASCADE, related_name="validation_runs"
    )
    batch = models.ForeignKey(
        ValidationBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="runs"
    )
    # The work row (core.models.Job) that runs it; a plain id, as core sits beneath suppliers.
    job_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ValidationRunStatus.choices, default=ValidationRunStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rules_version = models.CharField(max_length=64, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    info_count = models.PositiveIntegerField(default=0)
    crashed_rule_code = models.CharField(max_length=50, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "id")
        indexes = [
            models.Index(fields=("footprint", "created_at"), name="validationrun_footprint"),
        ]

    def __str__(self) -> str:
        return f"Validation run {self.pk} [{self.status}]"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


class FindingSeverity(models.TextChoices):
    ERROR = "error", _("Error")
    WARNING = "warning", _("Warning")
    INFO = "info", _("Information")


class ValidationFinding(models.Model):
    """One finding of one rule in one run (``suppliers.validation.types.Finding``, stored).

    ``key`` is the SHA-256 of code, path and English message: unique per run, so a repeated
    write can never store a finding twice (a digest rather than the three columns, because a
    long message would exceed PostgreSQL's limit on the size of an index entry).
    """

    run = models.ForeignKey(ValidationRun, on_delete=models.CASCADE, related_name="findings")
    position = models.PositiveIntegerField(help_text="Order of the rules' output")
    code = models.CharField(max_length=50)
    severity = models.CharField(max_length=10, choices=FindingSeverity.choices)
    path = models.TextField(blank=True)
    message_en = models.TextField()
    message_zh = models.TextField()
    evidence = models.JSONField(default=dict, blank=True)
    default_value_required = models.BooleanField(default=False)
    key = models.CharField(max_length=64)

    class Meta:
        ordering = ("run", "position")
        constraints = [
            models.UniqueConstraint(fields=("run", "key"), name="validationfinding_unique"),
            models.UniqueConstraint(fields=("run", "position"), name="validationfinding_position"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.severity} {self.path}"


class DefaultValueDecisionRecord(models.Model):
    """Whether a footprint's actual data may be used downstream, or the default value must
    be, with every reason and the euro cost per tonne (see
    ``suppliers.calculations.default_value_decision``).

    Recomputed whenever its inputs change: the footprint's state, the signing keys and status
    of footprints it references, the reference data, the year priced. ``inputs_fingerprint``
    is the digest of those inputs, so a refresh recomputes only what changed.
    """

    footprint = models.OneToOneField(
        Footprint, on_delete=models.CASCADE, primary_key=True, related_name="decision"
    )
    actual_data_allowed = models.BooleanField()
    reasons = models.JSONField(default=list)
    warnings = models.JSONField(default=list)
    year = models.PositiveIntegerField()
    certificate_price_eur = models.DecimalField(max_digits=12, decimal_places=2)
    default_see_direct = models.DecimalField(max_digits=20, decimal_places=5, null=True)
    default_see_indirect = models.DecimalField(max_digits=20, decimal_places=5, null=True)
    default_value_row = models.CharField(max_length=300, blank=True)
    mark_up = models.DecimalField(max_digits=8, decimal_places=4, null=True)
    cost_actual_eur_per_t = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    cost_default_eur_per_t = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    cost_difference_eur_per_t = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    note = models.TextField(blank=True)
    inputs_fingerprint = models.CharField(max_length=64)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ("footprint_id",)

    def __str__(self) -> str:
        use = "actual data" if self.actual_data_allowed else "default value"
        return f"decision for {self.footprint_id}: {use}"


class CommunicationTemplateImport(models.Model):
    """An EU communication template uploaded by an organisation, keyed by the file's SHA-256
    and the "import what is valid" choice (``import_valid``): the same file with the same
    choice again returns ``report`` and writes nothing, so a file refused whole may still be
    run once with the choice. Whatever the choice, a file is written at most once
    (``imported``: this run wrote its drafts; one such row per file, a database constraint);
    any later run of it returns that report. ``content`` holds the upload until the work row
    (``job_id``) has read it; ``report`` is null until then."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="communication_template_imports"
    )
    sha256 = models.CharField(max_length=64)
    file_name = models.CharField(max_length=255, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    report = models.JSONField(null=True, blank=True)
    import_valid = models.BooleanField(default=False)
    imported = models.BooleanField(default=False)
    job_id = models.BigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=("organisation", "sha256", "import_valid"),
                name="communication_template_once_per_file_and_choice",
            ),
            models.UniqueConstraint(
                fields=("organisation", "sha256"),
                condition=models.Q(imported=True),
                name="communication_template_written_once",
            ),
        ]

    def __str__(self) -> str:
        return f"communication template {self.sha256[:12]} of {self.organisation_id}"
