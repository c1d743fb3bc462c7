"""Organisations' Ed25519 signing keys, and signing and verifying documents with them.

Life cycle of a key (one organisation has at most one *active* key, a database constraint):

- **created** on first use (``signing_key_active``) or by a rotation;
- **retired** by a rotation: the new key signs from then on; the old one no longer signs but
  stays published, and its signatures keep verifying;
- **revoked** (any key, with a reason, once): signatures whose signing time is at or after
  the revocation are invalid; earlier ones verify as "signed by a key revoked later".
  Revoking the *active* key creates its successor in the same transaction, so that an
  organisation that has signed once always has exactly one active key and the successor is
  published (and audited under the revoking person) at once rather than at the next signing.

Every write locks the organisation row first, which serialises key creation, rotation,
revocation and the lazy creation of the first key (two concurrent first signatures create one
key); signing locks the active key row, so a revocation cannot slip between reading the key
and dating the signature. The private key is decrypted only to sign and never returned.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts import events
from accounts.audit import Actor, audit_record
from accounts.models import Organisation, SigningKey
from accounts.selectors import published_keys_by_kid
from accounts.signing import (
    JwsMalformed,
    PublishedKey,
    VerificationResult,
    b64url_encode,
    canonicalize,
    parse_jws,
    public_key_raw,
    published_keys_from_jwks,
    sign_detached,
    verify_document,
)
from core.crypto import decrypt, encrypt
from core.errors import Conflict, ValidationFailed

SIGNING_ACTOR = Actor.platform("signing")
REVOCATION_REASON_MAX_LENGTH = 500


def _active(organisation: Organisation) -> Any:
    return SigningKey.objects.filter(
        organisation=organisation, retired_at__isnull=True, revoked_at__isnull=True
    )


def _lock_organisation(organisation: Organisation) -> None:
    Organisation.objects.select_for_update().only("pk").get(pk=organisation.pk)


def _key_create(
    *, actor: Actor, organisation: Organisation, action: str, before: dict[str, Any] | None
) -> SigningKey:
    """A new active key. The caller holds the organisation lock and has retired or revoked
    the previous active key."""
    private_key = Ed25519PrivateKey.generate()
    now = timezone.now()
    key = SigningKey.objects.create(
        organisation=organisation,
        kid=f"{organisation.slug}-{now:%Y%m%d}-{secrets.token_hex(4)}",
        public_key=b64url_encode(public_key_raw(private_key.public_key())),
        private_key_encrypted=encrypt(
            private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        ),
        created_at=now,
        activated_at=now,
    )
    audit_record(
        actor=actor,
        organisation=organisation,
        action=action,
        obj=key,
        before=before,
        after={"kid": key.kid, "public_key": key.public_key},
    )
    return key


def _active_key_locked(*, organisation: Organisation, actor: Actor) -> SigningKey:
    """The active key, row-locked; created (audited) when the organisation has none. Runs
    inside the caller's transaction."""
    key = _active(organisation).select_for_update().first()
    if key is None:
        _lock_organisation(organisation)
        key = _active(organisation).first()  # another transaction may have created it
        if key is None:
            key = _key_create(
                actor=actor, organisation=organisation, action="signing_key.created", before=None
            )
    return key


def signing_key_active(*, organisation: Organisation, actor: Actor | None = None) -> SigningKey:
    """The key that signs for ``organisation`` now. The first one is created on first use
    (audited as the platform's, or ``actor``'s); concurrent first calls create one key."""
    with transaction.atomic():
        return _active_key_locked(organisation=organisation, actor=actor or SIGNING_ACTOR)


@transaction.atomic
def signing_key_rotate(*, actor: Actor, organisation: Organisation) -> SigningKey:
    """Retire the active key (it keeps verifying) and create the key that signs from now on."""
    _lock_organisation(organisation)
    previous = _active(organisation).first()
    if previous is not None:
        previous.retired_at = timezone.now()
        previous.save(update_fields=["retired_at"])
    return _key_create(
        actor=actor,
        organisation=organisation,
        action="signing_key.rotated",
        before={"active_kid": previous.kid if previous is not None else None},
    )


@transaction.atomic
def signing_key_revoke(*, actor: Actor, key: SigningKey, reason: str) -> SigningKey:
    """Revoke ``key`` now, with a reason (required, kept for ever, published in the JWKS).

    Signatures dated at or after this moment become invalid; earlier ones verify with the
    warning "signed by a key revoked later". A key is revoked once: the time and reason of a
    revocation never change (they decide the fate of every signature). Revoking the active
    key creates its successor at once (``signing_key.created`` by the same actor).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            gettext("A revocation needs a reason."),
            fields={"reason": [gettext("Must not be blank: say why, e.g. 'private key exposed'.")]},
        )
    if len(reason) > REVOCATION_REASON_MAX_LENGTH:
        raise ValidationFailed(
            gettext("The revocation reason is too long."),
            fields={
                "reason": [
                    gettext("%(length)d characters; expected at most %(max)d.")
                    % {"length": len(reason), "max": REVOCATION_REASON_MAX_LENGTH}
                ]
            },
        )
    organisation = key.organisation
    _lock_organisation(organisation)
    key = SigningKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is not None:
        raise Conflict(
            gettext(
                "The key %(kid)s was already revoked on %(revoked_at)s; a revocation is never "
                "changed."
            )
            % {"kid": key.kid, "revoked_at": key.revoked_at.isoformat()},
            extra={"kid": key.kid},
        )
    was_active = key.retired_at is None
    key.revoked_at = timezone.now()
    key.revocation_reason = reason
    key.save(update_fields=["revoked_at", "revocation_reason"])
    audit_record(
        actor=actor,
        organisation=organisation,
        action=events.SIGNING_KEY_REVOKED,
        obj=key,
        before={"status": "active" if was_active else "retired"},
        after={"status": "revoked", "kid": key.kid, "reason": reason},
    )
    if was_active:
        _key_create(
            actor=actor,
            organisation=organisation,
            action="signing_key.created",
            before={"revoked_kid": key.kid},
        )
    return key


@dataclass(frozen=True)
class SignedDocument:
    """What publishing stores: the exact signed bytes (JCS of the document), the detached
    JWS, the key id and the signing time (whole seconds; the caller stores it beside the
    signature, and the document should declare it: ``accounts.signing`` module doc)."""

    payload: bytes
    jws: str
    kid: str
    signed_at: datetime


def document_sign(
    *,
    organisation: Organisation,
    document: dict[str, Any],
    signed_at: datetime | None = None,
    actor: Actor | None = None,
) -> SignedDocument:
    """Canonicalise ``document`` (RFC 8785) and sign it with the organisation's active key.

    ``signed_at`` is the signing time (timezone-aware, whole seconds): the time the document
    declares (a footprint's ``created``, a release's ``released_at``), which is what an
    offline verifier reads as the signing time; default: now, whole seconds. The key is the
    one active when the row lock is taken, so a key revoked before that never signs.

    Store ``payload`` and ``jws`` as they are and serve ``payload`` byte for byte: the
    signature is over those bytes. Runs in (or joins) a transaction that holds the key's row
    lock while signing, so a concurrent revocation comes strictly after it.
    Raises ``ValidationFailed`` when the document cannot be canonicalised exactly (an
    integer beyond 2**53, NaN, a non-string key).
    """
    if signed_at is not None and signed_at.tzinfo is None:
        raise ValueError("signed_at must be timezone-aware")
    try:
        payload = canonicalize(document)
    except ValueError as exc:
        raise ValidationFailed(
            f"The document cannot be canonicalised (RFC 8785): {exc}.",
            fields={"document": [f"{exc}; use strings for exact decimals and big numbers."]},
        ) from None
    with transaction.atomic():
        key = _active_key_locked(organisation=organisation, actor=actor or SIGNING_ACTOR)
        private_key = Ed25519PrivateKey.from_private_bytes(decrypt(key.private_key_encrypted))
        if signed_at is None:
            signed_at = timezone.now().replace(microsecond=0)
        jws = sign_detached(payload, private_key, key.kid)
    return SignedDocument(payload=payload, jws=jws, kid=key.kid, signed_at=signed_at)


def document_verify(
    *,
    payload: bytes,
    jws: str,
    jwks: dict[str, Any] | None = None,
    at: datetime | None = None,
    signed_at: datetime | None = None,
) -> VerificationResult:
    """Does ``jws`` sign exactly ``payload``? With the platform's keys, or only those of
    ``jwks`` when given (offline checks; no database query then).

    The rule is ``accounts.signing.verify_document``: unknown key, bad signature, a malformed
    JWS and a signature dated at or after its key's revocation are invalid; a signature made
    before its key's revocation is valid with ``revoked_later``; a retired key verifies.
    ``at`` (default now) ignores revocations recorded after it; ``signed_at`` is the signing
    time stored beside the signature (legacy signatures carry theirs). Raises
    ``accounts.signing.JwksInvalid`` for an unusable JWKS.
    """
    keys: dict[str, PublishedKey]
    if jwks is not None:
        keys = published_keys_from_jwks(jwks)
        hint = "not in the given JWKS"
    else:
        try:
            kid = parse_jws(jws)[0]["kid"]
        except JwsMalformed:
            kid = None
        keys = published_keys_by_kid(kids=[kid]) if kid else {}
        hint = "not published by this platform"
    return verify_document(
        payload=payload, jws=jws, keys=keys, at=at, signed_at=signed_at, unknown_key_hint=hint
    )
