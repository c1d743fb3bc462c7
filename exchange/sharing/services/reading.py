"""What a buyer reads beside a shared footprint: whether its signature holds, and the
"default value must be used" decision of its supplier's data."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

from accounts.selectors import published_keys_by_kid
from accounts.services.signing_keys import document_verify
from accounts.signing import JwsMalformed, VerificationResult, parse_jws, verify_document
from suppliers.models import DefaultValueDecisionRecord, Footprint
from suppliers.services.decision_records import footprint_decision_refresh
from suppliers.validation.registry import RuleCrashed

logger = logging.getLogger(__name__)


def shared_footprint_verification(*, footprint: Footprint) -> VerificationResult:
    """Check the detached JWS over the exact stored bytes with the platform's published
    keys, now: a key revoked since publication shows here (invalid, or valid with
    ``revoked_later``). One query (the key)."""
    return document_verify(
        payload=bytes(footprint.signed_document or b""),
        jws=footprint.signature,
        signed_at=footprint.published_at,
    )


def shared_footprint_decision(*, footprint: Footprint) -> DefaultValueDecisionRecord | None:
    """The footprint's current decision record, recomputed first if its inputs changed (the
    record is a cache of a pure function of the footprint's state, as the supplier's own
    endpoint treats it). A rule that crashes keeps the stored record."""
    try:
        return footprint_decision_refresh(footprint_id=footprint.pk)
    except RuleCrashed:
        logger.exception("decision of footprint %s not refreshed", footprint.pk)
        return DefaultValueDecisionRecord.objects.filter(footprint_id=footprint.pk).first()


def shared_footprints_verification(
    *, footprints: Sequence[Footprint]
) -> dict[uuid.UUID, VerificationResult]:
    """``shared_footprint_verification`` for a page of footprints: the platform's published
    keys they name are read in one query, then each signature is checked by the same rule
    (``accounts.signing.verify_document``)."""
    kids = set()
    for footprint in footprints:
        try:
            kids.add(parse_jws(footprint.signature)[0]["kid"])
        except JwsMalformed:
            continue
    keys = published_keys_by_kid(kids=kids) if kids else {}
    return {
        footprint.pk: verify_document(
            payload=bytes(footprint.signed_document or b""),
            jws=footprint.signature,
            keys=keys,
            signed_at=footprint.published_at,
        )
        for footprint in footprints
    }


#: What a buyer reads of a signature at a glance.
SIGNATURE_VALID = "valid"
SIGNATURE_KEY_REVOKED_LATER = "key_revoked_later"
SIGNATURE_KEY_REVOKED = "key_revoked"
SIGNATURE_INVALID = "invalid"


def signature_state(result: VerificationResult) -> str:
    """``valid``; ``key_revoked_later`` (valid, but its key was revoked after signing: use
    with care); ``key_revoked`` (signed at or after the key's revocation: invalid);
    ``invalid`` (altered, unknown key, malformed)."""
    if result.valid:
        return SIGNATURE_KEY_REVOKED_LATER if result.revoked_later else SIGNATURE_VALID
    return SIGNATURE_KEY_REVOKED if result.key_revoked_at is not None else SIGNATURE_INVALID
