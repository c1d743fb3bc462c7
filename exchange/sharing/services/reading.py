"""What a buyer reads beside a shared footprint: whether its signature holds, and the
"default value must be used" decision of its supplier's data."""

from __future__ import annotations

import logging

from accounts.services.signing_keys import document_verify
from accounts.signing import VerificationResult
from suppliers.models import DefaultValueDecisionRecord, Footprint
from suppliers.services.decision_records import footprint_decision_refresh
from suppliers.validation.registry import RuleCrashed

logger = logging.getLogger(__name__)


def shared_footprint_verification(*, footprint: Footprint) -> VerificationResult:
    """Check the detached JWS over the exact stored bytes with the platform's published
    keys, now: a key revoked since publication shows here (invalid, or valid with
    ``revoked_later``). One query (the key)."""
    return document_verify(payload=bytes(footprint.signed_document or b""), jws=footprint.signature)


def shared_footprint_decision(*, footprint: Footprint) -> DefaultValueDecisionRecord | None:
    """The footprint's current decision record, recomputed first if its inputs changed (the
    record is a cache of a pure function of the footprint's state, as the supplier's own
    endpoint treats it). A rule that crashes keeps the stored record."""
    try:
        return footprint_decision_refresh(footprint_id=footprint.pk)
    except RuleCrashed:
        logger.exception("decision of footprint %s not refreshed", footprint.pk)
        return DefaultValueDecisionRecord.objects.filter(footprint_id=footprint.pk).first()
