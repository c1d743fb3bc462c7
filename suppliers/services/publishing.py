"""Publishing: build the PACT v3 ProductFootprint document, canonicalise (RFC 8785), sign it
(detached JWS, Ed25519) and store the exact signed bytes; correcting a published footprint.

A published footprint never changes (services refuse; on PostgreSQL a trigger refuses). A
correction is a new footprint whose ``precedingPfIds`` names the old one; publishing the
correction deprecates the old one in the same transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.audit import Actor, audit_record
from accounts.services.signing_keys import document_sign
from cbam.messages import gettext_noop
from core.errors import ValidationFailed
from core.workflows import IllegalTransition
from suppliers import events
from suppliers.models import (
    FOOTPRINT_TRANSITIONS,
    EvidenceFile,
    Footprint,
    FootprintPrecursor,
    FootprintStatus,
)
from suppliers.pact.errors import FootprintDocumentError
from suppliers.services.deprecation import footprint_deprecation_sign
from suppliers.services.document import footprint_document
from suppliers.services.workflow import footprint_move


@transaction.atomic
def footprint_publish(*, actor: Actor, footprint: Footprint) -> Footprint:
    """Approved → published: sign the PACT document and store its exact bytes and JWS."""
    locked = (
        Footprint.objects.select_for_update(of=("self",))
        .select_related("product", "installation", "organisation", "preceding")
        .get(pk=footprint.pk)
    )
    FOOTPRINT_TRANSITIONS.check(status=locked.status, to=FootprintStatus.PUBLISHED)
    published_at = timezone.now().replace(microsecond=0)
    try:
        document = footprint_document(
            locked, platform_host=settings.PLATFORM_HOST, published_at=published_at
        )
    except FootprintDocumentError as exc:
        fields: dict[str, list[str]] = {}
        for problem in exc.problems:
            fields.setdefault(problem.path, []).append(problem.message)
        raise ValidationFailed(
            gettext_noop(
                "The footprint cannot be published as a PACT document: %(problem)s",
                problem=exc.message,
            ),
            code=exc.code,
            fields=fields,
            extra=exc.extra,
        ) from None
    signed = document_sign(
        organisation=locked.organisation, document=document, signed_at=published_at, actor=actor
    )
    published = footprint_move(
        actor=actor,
        footprint=locked,
        to=FootprintStatus.PUBLISHED,
        action=events.FOOTPRINT_PUBLISHED,
        changes={
            "signed_document": signed.payload,
            "signature": signed.jws,
            "signing_kid": signed.kid,
            "published_by": actor.user,
            "published_at": published_at,
        },
        note={"kid": signed.kid, "bytes": len(signed.payload)},
    )
    preceding = locked.preceding
    if preceding is not None and preceding.status == FootprintStatus.PUBLISHED:
        footprint_move(
            actor=actor,
            footprint=preceding,
            to=FootprintStatus.DEPRECATED,
            action=events.FOOTPRINT_DEPRECATED,
            changes={"deprecated_at": signed.signed_at},
            note={"superseded_by": str(published.pk)},
        )
        footprint_deprecation_sign(
            actor=actor, footprint=preceding, deprecated_at=signed.signed_at, successor=published
        )
    return published


_COPIED_FIELDS = (
    "product",
    "installation",
    "period_start",
    "period_end",
    "attributed_direct_tco2e",
    "activity_level_t",
    "electricity_mwh",
    "electricity_factor_tco2_per_mwh",
    "electricity_factor_source",
    "electricity_factor_reference",
    "attributed_indirect_tco2e",
    "natural_gas_nm3",
    "inputs_as_entered",
    "carbon_price_instrument",
    "carbon_price_amount",
    "carbon_price_currency",
    "verifier_organisation",
    "verifier_name",
    "verifier_accreditation",
    "verification_statement_date",
    "assurance_level",
    "primary_data_share_pct",
    "methodology",
    "comments",
    "valid_until",
    "see_direct",
    "see_indirect",
    "see_total",
    "indirect_counts",
    "calculation",
)


@transaction.atomic
def footprint_correct(*, actor: Actor, footprint: Footprint) -> Footprint:
    """A new draft copying a published footprint's inputs, precursors and evidence, with
    ``preceding`` pointing at it. The original stays published until the correction is."""
    original = Footprint.objects.select_for_update().get(pk=footprint.pk)
    if original.status != FootprintStatus.PUBLISHED:
        FOOTPRINT_TRANSITIONS.check(status=original.status, to=FootprintStatus.DEPRECATED)
    existing = Footprint.objects.filter(preceding=original).exclude(
        status__in=(FootprintStatus.PUBLISHED, FootprintStatus.DEPRECATED)
    )
    if existing.exists():
        raise IllegalTransition(
            gettext_noop(
                "A correction of this footprint is already in progress (%(id)s).",
                id=existing.first().pk,  # type: ignore[union-attr]
            )
        )
    copy = Footprint(
        organisation=original.organisation,
        preceding=original,
        created_by=actor.user,
        **{name: getattr(original, name) for name in _COPIED_FIELDS},
    )
    copy.save()
    FootprintPrecursor.objects.bulk_create(
        FootprintPrecursor(
            footprint=copy,
            position=p.position,
            cn_code=p.cn_code,
            mass_t_per_t=p.mass_t_per_t,
            mass_as_entered=p.mass_as_entered,
            country_of_origin=p.country_of_origin,
            see_source=p.see_source,
            source_footprint=p.source_footprint,
            see_direct=p.see_direct,
            see_indirect=p.see_indirect,
        )
        for p in original.precursors.all()
    )
    EvidenceFile.objects.bulk_create(
        EvidenceFile(
            footprint=copy,
            kind=e.kind,
            file=e.file.name,
            original_name=e.original_name,
            content_type=e.content_type,
            size_bytes=e.size_bytes,
            sha256=e.sha256,
            uploaded_by=e.uploaded_by,
        )
        for e in original.evidence.all()
    )
    audit_record(
        actor=actor,
        organisation=original.organisation,
        action=events.FOOTPRINT_CORRECTION_STARTED,
        obj=copy,
        after={"preceding": str(original.pk)},
    )
    return copy
