"""Signing keys of organisations (accounts.services.signing_keys): lazy creation, encryption at
rest, rotation, revocation, signing and verifying documents with the platform's keys or a
JWKS."""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.audit import Actor
from accounts.models import AuditEvent, SigningKey
from accounts.selectors import jwks_published
from accounts.services.signing_keys import (
    document_sign,
    document_verify,
    signing_key_active,
    signing_key_revoke,
    signing_key_rotate,
)
from accounts.signing import (
    SIGNATURE_MISMATCH,
    JwksInvalid,
    b64url_encode,
    canonicalize,
    sign_detached,
)
from core.crypto import decrypt
from core.errors import Conflict, ValidationFailed
from tests.accounts.legacy_jws import sign_legacy
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 21, 10, 0, 0, 400_000, tzinfo=UTC)
FOOTPRINT = {
    "created": "2026-11-21T10:00:00Z",
    "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "specVersion": "2.3.0",
    "productIds": ["urn:gtin:4712345678904"],
    "pcf": {"declaredUnit": "kilogram", "pCfExcludingBiogenic": "1.63"},
}


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Django's clock, stopped at T0 and moved by the test."""
    clock = Clock(T0)
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


@pytest.fixture
def admin_actor() -> Actor:
    return Actor(user=UserFactory(email="admin@acme.example"))


def _active_keys(organisation) -> list[str]:
    return list(
        SigningKey.objects.filter(
            organisation=organisation, retired_at__isnull=True, revoked_at__isnull=True
        ).values_list("kid", flat=True)
    )


def _audit(organisation) -> list[tuple]:
    return list(
        AuditEvent.objects.filter(organisation=organisation)
        .order_by("id")
        .values_list("actor_label", "action", "object_id", "before", "after")
    )


def _private_key_of(key: SigningKey) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(decrypt(key.private_key_encrypted))


# --- creation and storage ---------------------------------------------------------------------


def test_the_first_use_creates_the_organisations_key_and_audits_it(organisation, clock):
    key = signing_key_active(organisation=organisation)

    assert re.fullmatch(r"acme-steel-20261121-[0-9a-f]{8}", key.kid)
    assert (key.created_at, key.activated_at) == (T0, T0)
    assert (key.retired_at, key.revoked_at, key.revocation_reason) == (None, None, "")
    assert key.status == "active"
    assert _audit(organisation) == [
        (
            "system:signing",
            "signing_key.created",
            str(key.pk),
            None,
            {"kid": key.kid, "public_key": key.public_key},
        )
    ]


def test_later_uses_return_the_same_key_and_write_nothing(organisation):
    first = signing_key_active(organisation=organisation)

    again = signing_key_active(organisation=organisation)

    assert again.pk == first.pk
    assert SigningKey.objects.count() == 1
    assert AuditEvent.objects.count() == 1


def test_the_private_key_is_stored_encrypted_and_matches_the_public_key(organisation):
    key = signing_key_active(organisation=organisation)
    private_key = _private_key_of(key)
    raw = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())

    stored = SigningKey.objects.values_list("private_key_encrypted", flat=True).get(pk=key.pk)

    assert len(raw) == 32
    assert stored.startswith("gAAAAA")  # a Fernet token
    assert stored != raw.hex()
    for encoding in (raw.hex(), b64url_encode(raw), raw.decode("latin-1")):
        assert encoding not in stored
    public_raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert b64url_encode(public_raw) == key.public_key


def test_the_database_refuses_a_second_active_key(organisation):
    key = signing_key_active(organisation=organisation)

    with pytest.raises(IntegrityError), transaction.atomic():
        SigningKey.objects.create(
            organisation=organisation,
            kid=key.kid + "-2",
            public_key=key.public_key,
            private_key_encrypted=key.private_key_encrypted,
        )


def test_the_database_refuses_a_revocation_without_a_reason(organisation):
    key = signing_key_active(organisation=organisation)

    with pytest.raises(IntegrityError), transaction.atomic():
        SigningKey.objects.filter(pk=key.pk).update(revoked_at=T0)


def test_two_organisations_have_separate_keys(organisation):
    other = OrganisationFactory(slug="other-steel")

    ours = signing_key_active(organisation=organisation)
    theirs = signing_key_active(organisation=other)

    assert ours.pk != theirs.pk
    assert theirs.kid.startswith("other-steel-")


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_uses_create_exactly_one_key():
    organisation = OrganisationFactory(slug="race-steel")
    callers = 6
    barrier = threading.Barrier(callers)
    kids: list[str] = []
    errors: list[BaseException] = []

    def first_signature() -> None:
        try:
            barrier.wait(timeout=10)
            kids.append(signing_key_active(organisation=organisation).kid)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first_signature) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(kids) == callers
    assert len(set(kids)) == 1
    assert SigningKey.objects.filter(organisation=organisation).count() == 1
    assert AuditEvent.objects.filter(action="signing_key.created").count() == 1


# --- signing ----------------------------------------------------------------------------------


def test_document_sign_signs_the_jcs_bytes_with_the_active_key(organisation, clock):
    signed = document_sign(organisation=organisation, document=FOOTPRINT)
    key = SigningKey.objects.get(organisation=organisation)

    assert signed.payload == canonicalize(FOOTPRINT)
    assert signed.payload == (
        b'{"created":"2026-11-21T10:00:00Z",'
        b'"id":"3fa85f64-5717-4562-b3fc-2c963f66afa6","pcf":{"declaredUnit":"kilogram",'
        b'"pCfExcludingBiogenic":"1.63"},"productIds":["urn:gtin:4712345678904"],'
        b'"specVersion":"2.3.0"}'
    )
    assert signed.kid == key.kid
    assert signed.signed_at == datetime(2026, 11, 21, 10, 0, 0, tzinfo=UTC)
    assert signed.jws == sign_detached(signed.payload, _private_key_of(key), key.kid)


def test_a_signed_document_verifies_with_the_platforms_keys(organisation, clock):
    signed = document_sign(organisation=organisation, document=FOOTPRINT)

    result = document_verify(payload=signed.payload, jws=signed.jws)

    assert result.valid is True
    assert result.reason == "valid"
    assert result.kid == signed.kid
    assert (result.organisation, result.organisation_name) == ("acme-steel", "Acme Steel")
    assert result.signed_at == signed.signed_at
    assert result.revoked_later is False


def test_verifying_with_the_platforms_keys_costs_one_query(organisation, django_assert_num_queries):
    signed = document_sign(organisation=organisation, document=FOOTPRINT)

    with django_assert_num_queries(1):
        result = document_verify(payload=signed.payload, jws=signed.jws)

    assert result.valid is True


def test_a_document_that_json_cannot_carry_exactly_is_refused(organisation):
    with pytest.raises(ValidationFailed) as exc:
        document_sign(organisation=organisation, document={"mass": 2**60})

    assert exc.value.extra["fields"] == {
        "document": [
            "1152921504606846976 exceeds safe integer domain for JSON floats; use strings for "
            "exact decimals and big numbers."
        ]
    }
    assert SigningKey.objects.count() == 0


def test_a_tampered_document_does_not_verify(organisation):
    signed = document_sign(organisation=organisation, document=FOOTPRINT)
    tampered = signed.payload.replace(b'"1.63"', b'"1.53"')

    result = document_verify(payload=tampered, jws=signed.jws)

    assert (result.valid, result.reason, result.kid) == (False, SIGNATURE_MISMATCH, signed.kid)


def test_a_key_unknown_to_the_platform_is_invalid(organisation):
    stranger = Ed25519PrivateKey.generate()
    payload = canonicalize(FOOTPRINT)
    jws = sign_legacy(payload, stranger, "acme-steel-20261121-deadbeef", T0)

    result = document_verify(payload=payload, jws=jws)

    assert (result.valid, result.reason) == (
        False,
        "unknown key 'acme-steel-20261121-deadbeef': not published by this platform",
    )


# --- rotation ---------------------------------------------------------------------------------


def test_rotation_retires_the_old_key_and_the_new_one_signs_from_now_on(
    organisation, clock, admin_actor
):
    before = document_sign(organisation=organisation, document=FOOTPRINT)
    old = SigningKey.objects.get(kid=before.kid)
    clock.advance(days=30)

    new = signing_key_rotate(actor=admin_actor, organisation=organisation)
    after = document_sign(organisation=organisation, document={**FOOTPRINT, "version": 2})

    old.refresh_from_db()
    assert old.retired_at == T0 + timedelta(days=30)
    assert old.status == "retired"
    assert new.status == "active"
    assert after.kid == new.kid != before.kid
    assert _active_keys(organisation) == [new.kid]
    assert document_verify(payload=before.payload, jws=before.jws).valid is True
    assert document_verify(payload=after.payload, jws=after.jws).valid is True
    assert _audit(organisation)[-1] == (
        "admin@acme.example",
        "signing_key.rotated",
        str(new.pk),
        {"active_kid": old.kid},
        {"kid": new.kid, "public_key": new.public_key},
    )


def test_rotating_before_any_key_exists_creates_the_first(organisation, admin_actor):
    key = signing_key_rotate(actor=admin_actor, organisation=organisation)

    assert _active_keys(organisation) == [key.kid]
    assert _audit(organisation)[0][1:4] == (
        "signing_key.rotated",
        str(key.pk),
        {"active_kid": None},
    )


def test_repeated_rotations_keep_exactly_one_active_key(organisation, admin_actor):
    for _ in range(3):
        signing_key_rotate(actor=admin_actor, organisation=organisation)

    statuses = sorted(key.status for key in SigningKey.objects.filter(organisation=organisation))
    assert statuses == ["active", "retired", "retired"]


# --- revocation -------------------------------------------------------------------------------


def test_signatures_made_before_a_revocation_verify_as_signed_by_a_key_revoked_later(
    organisation, clock, admin_actor
):
    signed = document_sign(organisation=organisation, document=FOOTPRINT)
    key = SigningKey.objects.get(kid=signed.kid)
    clock.advance(days=2)

    signing_key_revoke(actor=admin_actor, key=key, reason="private key exposed")
    result = document_verify(payload=signed.payload, jws=signed.jws)

    assert result.valid is True
    assert result.revoked_later is True
    assert result.key_revoked_at == T0 + timedelta(days=2)
    assert result.reason == (
        "signed by a key revoked later (on 2026-11-23T10:00:00.400000Z: private key exposed)"
    )


def test_signatures_made_after_a_revocation_are_invalid(organisation, clock, admin_actor):
    key = signing_key_active(organisation=organisation)
    thief_has = _private_key_of(key)
    signing_key_revoke(actor=admin_actor, key=key, reason="private key exposed")
    payload = canonicalize(FOOTPRINT)
    # Whoever holds the stolen key signs now (and also one second before the revocation).
    after = sign_legacy(payload, thief_has, key.kid, T0 + timedelta(seconds=1))
    backdated = sign_legacy(payload, thief_has, key.kid, T0 - timedelta(seconds=1))

    result = document_verify(payload=payload, jws=after)

    assert (result.valid, result.revoked_later) == (False, False)
    assert result.reason == (
        "signed after the key was revoked on 2026-11-21T10:00:00.400000Z: private key exposed"
    )
    # The signing time is the signer's claim: that is why "revoked later" is only a warning.
    assert document_verify(payload=payload, jws=backdated).revoked_later is True


def test_revocation_is_judged_at_the_moment_of_the_check(organisation, clock, admin_actor):
    key = signing_key_active(organisation=organisation)
    payload = canonicalize(FOOTPRINT)
    jws = sign_legacy(payload, _private_key_of(key), key.kid, T0 + timedelta(hours=1))
    clock.advance(days=1)
    signing_key_revoke(actor=admin_actor, key=key, reason="lost laptop")

    then = document_verify(payload=payload, jws=jws, at=T0 + timedelta(hours=2))
    now = document_verify(payload=payload, jws=jws)

    assert (then.valid, then.reason) == (True, "valid")
    assert (now.valid, now.revoked_later) == (True, True)


def test_revoking_the_active_key_creates_its_successor_at_once(organisation, clock, admin_actor):
    key = signing_key_active(organisation=organisation)
    clock.advance(minutes=5)

    revoked = signing_key_revoke(actor=admin_actor, key=key, reason="  private key exposed ")

    assert (revoked.status, revoked.revoked_at) == ("revoked", T0 + timedelta(minutes=5))
    assert revoked.revocation_reason == "private key exposed"
    assert revoked.retired_at is None
    [successor] = _active_keys(organisation)
    assert successor != key.kid
    successor_key = SigningKey.objects.get(kid=successor)
    assert _audit(organisation)[1:] == [
        (
            "admin@acme.example",
            "signing_key.revoked",
            str(key.pk),
            {"status": "active"},
            {"status": "revoked", "kid": key.kid, "reason": "private key exposed"},
        ),
        (
            "admin@acme.example",
            "signing_key.created",
            str(successor_key.pk),
            {"revoked_kid": key.kid},
            {"kid": successor, "public_key": successor_key.public_key},
        ),
    ]
    assert document_sign(organisation=organisation, document=FOOTPRINT).kid == successor


def test_revoking_a_retired_key_leaves_the_active_key_alone(organisation, admin_actor):
    old = signing_key_active(organisation=organisation)
    new = signing_key_rotate(actor=admin_actor, organisation=organisation)

    signing_key_revoke(actor=admin_actor, key=old, reason="found in a backup")

    assert _active_keys(organisation) == [new.kid]
    assert _audit(organisation)[-1][1:4] == (
        "signing_key.revoked",
        str(old.pk),
        {"status": "retired"},
    )


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_revocation_needs_a_reason(organisation, admin_actor, reason):
    key = signing_key_active(organisation=organisation)
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationFailed) as exc:
        signing_key_revoke(actor=admin_actor, key=key, reason=reason)

    assert exc.value.extra["fields"] == {
        "reason": ["Must not be blank: say why, e.g. 'private key exposed'."]
    }
    key.refresh_from_db()
    assert key.revoked_at is None
    assert AuditEvent.objects.count() == events


def test_a_revocation_reason_has_at_most_500_characters(organisation, admin_actor):
    key = signing_key_active(organisation=organisation)

    with pytest.raises(ValidationFailed) as exc:
        signing_key_revoke(actor=admin_actor, key=key, reason="x" * 501)

    assert exc.value.extra["fields"] == {"reason": ["501 characters; expected at most 500."]}


def test_a_revocation_is_never_changed(organisation, clock, admin_actor):
    key = signing_key_active(organisation=organisation)
    signing_key_revoke(actor=admin_actor, key=key, reason="private key exposed")
    clock.advance(days=1)
    events = AuditEvent.objects.count()

    with pytest.raises(Conflict) as exc:
        signing_key_revoke(actor=admin_actor, key=key, reason="second thoughts")

    assert exc.value.message == (
        f"The key {key.kid} was already revoked on 2026-11-21T10:00:00.400000+00:00; "
        "a revocation is never changed."
    )
    key.refresh_from_db()
    assert (key.revoked_at, key.revocation_reason) == (T0, "private key exposed")
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db(transaction=True)
def test_a_revocation_waits_for_a_signature_in_progress(postgres_only):
    organisation = OrganisationFactory(slug="slow-steel")
    key = signing_key_active(organisation=organisation)
    signed: list = []
    signing_started = threading.Event()

    def publish_slowly() -> None:
        try:
            with transaction.atomic():
                signed.append(document_sign(organisation=organisation, document=FOOTPRINT))
                signing_started.set()
                time.sleep(0.5)  # the rest of a publication's transaction
        finally:
            connection.close()

    publisher = threading.Thread(target=publish_slowly)
    publisher.start()
    assert signing_started.wait(timeout=10)
    started = time.monotonic()
    revoked = signing_key_revoke(
        actor=Actor.platform("tests"), key=key, reason="private key exposed"
    )
    waited = time.monotonic() - started
    publisher.join(timeout=10)

    assert waited >= 0.3
    assert signed[0].kid == key.kid
    assert signed[0].signed_at < revoked.revoked_at
    result = document_verify(payload=signed[0].payload, jws=signed[0].jws)
    assert (result.valid, result.revoked_later) == (True, True)


# --- verifying with a JWKS (offline) ----------------------------------------------------------


def test_document_verify_with_a_jwks_reads_no_database(organisation, django_assert_num_queries):
    signed = document_sign(organisation=organisation, document=FOOTPRINT)
    jwks = jwks_published()

    with django_assert_num_queries(0):
        result = document_verify(payload=signed.payload, jws=signed.jws, jwks=jwks)

    assert (result.valid, result.kid, result.organisation) == (True, signed.kid, "acme-steel")


def test_document_verify_with_a_jwks_uses_only_its_keys(organisation):
    signed = document_sign(organisation=organisation, document=FOOTPRINT)

    result = document_verify(payload=signed.payload, jws=signed.jws, jwks={"keys": []})

    assert (result.valid, result.reason) == (
        False,
        f"unknown key {signed.kid!r}: not in the given JWKS",
    )


def test_a_jwks_carries_the_revocation_to_offline_checks(organisation, clock, admin_actor):
    signed = document_sign(organisation=organisation, document=FOOTPRINT)
    key = SigningKey.objects.get(kid=signed.kid)
    clock.advance(seconds=30)
    signing_key_revoke(actor=admin_actor, key=key, reason="private key exposed")
    stolen = sign_legacy(
        signed.payload, _private_key_of(key), key.kid, clock.now + timedelta(seconds=1)
    )
    jwks = jwks_published()

    earlier = document_verify(payload=signed.payload, jws=signed.jws, jwks=jwks)
    later = document_verify(payload=signed.payload, jws=stolen, jwks=jwks)

    assert (earlier.valid, earlier.reason) == (
        True,
        "signed by a key revoked later (on 2026-11-21T10:00:30.400000Z: private key exposed)",
    )
    assert (later.valid, later.reason) == (
        False,
        "signed after the key was revoked on 2026-11-21T10:00:30.400000Z: private key exposed",
    )
    # The platform's own check says the same.
    assert document_verify(payload=signed.payload, jws=stolen).reason == later.reason


def test_an_unusable_jwks_raises(organisation):
    signed = document_sign(organisation=organisation, document=FOOTPRINT)

    with pytest.raises(JwksInvalid, match='a JWKS is a JSON object with a "keys" list'):
        document_verify(payload=signed.payload, jws=signed.jws, jwks={"kid": "x"})
