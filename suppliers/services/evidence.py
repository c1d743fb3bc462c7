"""Evidence files backing a footprint's claims (direct link / PPA, carbon price, verification)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction

from accounts.audit import Actor, audit_record
from cbam.messages import gettext_noop
from core.errors import ValidationFailed
from suppliers.errors import FootprintImmutable
from suppliers.messages import status_word
from suppliers.models import EvidenceFile, EvidenceKind, Footprint, FootprintStatus

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
ACCEPTED_TYPES = {"application/pdf", "image/png", "image/jpeg", "text/plain", "text/csv"}


@transaction.atomic
def evidence_add(*, actor: Actor, footprint: Footprint, kind: str, upload: Any) -> EvidenceFile:
    """Attach a file to a draft footprint; stored with its SHA-256 digest."""
    errors: dict[str, list[str]] = {}
    if kind not in EvidenceKind.values:
        errors["kind"] = [
            gettext_noop(
                "%(kind)s: expected one of %(kinds)s.",
                kind=repr(kind),
                kinds=", ".join(EvidenceKind.values),
            )
        ]
    if upload is None:
        errors["file"] = [gettext_noop("Attach the file as multipart form field 'file'.")]
    else:
        if upload.size > MAX_EVIDENCE_BYTES:
            errors["file"] = [
                gettext_noop(
                    "%(size)s bytes; the limit is %(limit)s bytes.",
                    size=upload.size,
                    limit=MAX_EVIDENCE_BYTES,
                )
            ]
        elif (upload.content_type or "") not in ACCEPTED_TYPES:
            errors["file"] = [
                gettext_noop(
                    "%(type)s files are not accepted; expected PDF, PNG, JPEG, plain text or CSV.",
                    type=repr(upload.content_type),
                )
            ]
    if errors:
        raise ValidationFailed(gettext_noop("The evidence upload is invalid."), fields=errors)
    footprint = Footprint.objects.select_for_update().get(pk=footprint.pk)
    if footprint.status != FootprintStatus.DRAFT:
        raise FootprintImmutable(
            gettext_noop(
                "This footprint is %(status)s; evidence is added to drafts.",
                status=status_word(footprint.status),
            )
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = EvidenceFile(
        footprint=footprint,
        kind=kind,
        original_name=str(upload.name)[:255],
        content_type=upload.content_type,
        size_bytes=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor.user,
    )
    evidence.file.save(evidence.original_name, upload, save=False)
    evidence.save()
    audit_record(
        actor=actor,
        organisation=footprint.organisation,
        action="footprint.evidence_added",
        obj=footprint,
        after={"kind": kind, "sha256": evidence.sha256, "name": evidence.original_name},
    )
    return evidence
