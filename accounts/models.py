"""Organisations, people, memberships, invitations, machine clients and the audit log."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.roles import MACHINE_ROLE_CHOICES, OrganisationKind, Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in with email; belongs to organisations through memberships."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    # Lockout after repeated failed logins (accounts.services.auth).
    failed_login_count = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    # Optional TOTP second factor; the seed is encrypted at rest (core.crypto).
    totp_secret_encrypted = models.TextField(blank=True, default="")
    totp_confirmed_at = models.DateTimeField(null=True, blank=True)
    totp_last_step = models.BigIntegerField(null=True, blank=True)

    # The language of the pages and e-mails ("" = the browser's); one of settings.LANGUAGES.
    language = models.CharField(max_length=10, blank=True, default="")

    # The organisation the web UI shows; the API names the organisation in its URLs.
    active_organisation = models.ForeignKey(
        "Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]

    class Meta:
        ordering = ("email",)
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def totp_enabled(self) -> bool:
        return self.totp_confirmed_at is not None


class Organisation(models.Model):
    """A company on the platform. Every piece of business data belongs to one."""

    id = models.BigAutoField(primary_key=True)
    slug = models.SlugField(max_length=80, unique=True)
    legal_name = models.CharField(
        max_length=300, help_text="Legal name in its original script, e.g. 河北钢铁有限公司"
    )
    legal_name_latin = models.CharField(max_length=300, help_text="Legal name in Latin script")
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 country code")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("slug",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(country__regex=r"^[A-Z]{2}$"), name="organisation_country_iso2"
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name_latin or self.legal_name

    @property
    def kind_list(self) -> list[str]:
        return sorted(k.kind for k in self.kinds.all())


class OrganisationKindAssignment(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="kinds")
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)

    class Meta:
        ordering = ("organisation_id", "kind")
        constraints = [
            models.UniqueConstraint(fields=("organisation", "kind"), name="org_kind_unique"),
        ]

    def __str__(self) -> str:
        return self.kind


class OrganisationIdentifier(models.Model):
    """An identifier of an organisation in a registry (see accounts.identifiers)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="identifiers"
    )
    scheme = models.CharField(max_length=30)
    value = models.CharField(max_length=64)
    urn = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ("organisation_id", "scheme", "value")
        constraints = [
            models.UniqueConstraint(fields=("scheme", "value"), name="org_identifier_unique"),
        ]

    def __str__(self) -> str:
        return self.urn


class Membership(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("organisation_id", "created_at", "id")
        constraints = [
            models.UniqueConstraint(fields=("user", "organisation"), name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.organisation_id} as {self.role}"


class Invitation(models.Model):
    """An email invitation to join an organisation with a role. Accepted once, before expiry."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "id")

    def __str__(self) -> str:
        return f"invitation of {self.email} to {self.organisation_id}"

    def status_at(self, now: Any) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "pending"


class ApiClient(models.Model):
    """A machine that calls the API with OAuth2 client credentials on behalf of one
    organisation, with a role (never admin) and scopes. Its secret is stored hashed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_clients"
    )
    name = models.CharField(max_length=120)
    client_id = models.CharField(max_length=64, unique=True)
    secret_hash = models.CharField(max_length=64)
    role = models.CharField(max_length=20, choices=MACHINE_ROLE_CHOICES, default=Role.VIEWER)
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AccessToken(models.Model):
    """An OAuth2 bearer token issued to an ApiClient; only its SHA-256 digest is stored."""

    token_hash = models.CharField(max_length=64, primary_key=True)
    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="tokens")
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ("created_at",)

    def __str__(self) -> str:
        return f"token of {self.client_id}"


class PasswordResetToken(models.Model):
    """A link e-mailed to set a new password (accounts.services.password_reset).

    Only the SHA-256 digest of the token is stored. It works once (``used_at``), until
    ``expires_at``, and only while the user's password is the one it was issued against
    (``password_fingerprint``, a digest of the stored password hash): setting a password by
    any path, this link included, kills every older link.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    password_fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"password reset of {self.user_id}"


class AuditEvent(models.Model):
    """Append-only record of a state change, written in the same transaction as the change.

    Updates and deletes are refused here and, on PostgreSQL, by a trigger (migration 0002).
    """

    id = models.BigAutoField(primary_key=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_client = models.ForeignKey(
        ApiClient, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=255, help_text="Who, readable after deletions")
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=80)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=128, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ("-id",)

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("audit events are append-only")


class SigningKey(models.Model):
    """An Ed25519 key an organisation signs its published documents with.

    The public key is published (JWKS) for ever, so that old signatures stay checkable; the
    private key is stored encrypted with ``settings.FIELD_ENCRYPTION_KEY`` (core.crypto) and
    never leaves the platform. Life cycle (accounts.services.signing_keys): active → retired
    by a rotation (no longer signs, still verifies); any key may be revoked with a reason,
    after which signatures dated at or after ``revoked_at`` are invalid. At most one active
    key per organisation (a conditional unique constraint).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="signing_keys"
    )
    kid = models.CharField(
        max_length=120, unique=True, help_text="Key id in JWS headers: <org-slug>-<yyyymmdd>-<hex>"
    )
    public_key = models.CharField(max_length=43, help_text="Raw 32-byte public key, base64url")
    private_key_encrypted = models.TextField(help_text="Raw 32-byte private key, Fernet token")
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ("organisation_id", "created_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("organisation",),
                condition=models.Q(retired_at__isnull=True, revoked_at__isnull=True),
                name="signing_key_one_active_per_organisation",
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | ~models.Q(revocation_reason=""),
                name="signing_key_revocation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.kid

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.retired_at is not None:
            return "retired"
        return "active"
