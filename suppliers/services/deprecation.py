"""Deprecation the PACT way: the deprecated state of a published footprint is itself signed.

PACT v3 lets a footprint change after its creation in one way only: its ``status`` becomes
"Deprecated" (with a ``statusComment`` saying why, e.g. naming the footprint that supersedes
it). The original signed bytes are immutable, so the platform signs a second document, the
original with that status and comment, at the moment of deprecation, and stores it beside
the footprint (``FootprintDeprecation``). Readers of a deprecated footprint get that signed
deprecated document; the original stays downloadable as history (``?version=original``).
"""

from __future__ import annotations

import json
from datetime import datetime

from accounts.audit import Actor
from accounts.services.signing_keys import document_sign
from suppliers.models import Footprint, FootprintDeprecation
from suppliers.pact.document import deprecate_product_footprint

STATUS_COMMENT_SUPERSEDED = "Superseded by the footprint urn:uuid:{successor}."
STATUS_COMMENT_WITHDRAWN = "Withdrawn by its owner."


def footprint_deprecation_sign(
    *,
    actor: Actor,
    footprint: Footprint,
    deprecated_at: datetime,
    successor: Footprint | None = None,
    reason: str = "",
) -> FootprintDeprecation:
    """Sign and store the deprecated state of ``footprint`` (caller's transaction, row
    locked): its signed document with ``status`` "Deprecated" and a ``statusComment`` naming
    ``successor`` (else the owner's ``reason``), signed at ``deprecated_at`` (whole seconds)
    with the organisation's active key."""
    original = json.loads(bytes(footprint.signed_document or b"{}"))
    document = deprecate_product_footprint(original)
    if successor is not None:
        comment = STATUS_COMMENT_SUPERSEDED.format(successor=successor.pk)
    else:
        comment = reason.strip() or STATUS_COMMENT_WITHDRAWN
    document["statusComment"] = comment
    signed = document_sign(
        organisation=footprint.organisation,
        document=document,
        signed_at=deprecated_at,
        actor=actor,
    )
    return FootprintDeprecation.objects.create(
        footprint=footprint,
        successor=successor,
        signed_document=signed.payload,
        signature=signed.jws,
        signing_kid=signed.kid,
        signed_at=signed.signed_at,
    )
