"""Reads of the suppliers app; every selector takes ``organisation=``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from accounts.models import AuditEvent, Organisation
from cbam.cn_codes import normalise_cn_code
from core.text import TextError, clean_text
from reference.models import CnCode, Dataset
from reference.selectors import reference_version_valid_on
from suppliers.events import FOOTPRINT_DEPRECATED
from suppliers.models import (
    HIDDEN_FROM_VERIFIER,
    VERIFIABLE_STATUSES,
    EvidenceFile,
    Footprint,
    FootprintDeprecation,
    FootprintStatus,
    Installation,
    Product,
    VerificationDecision,
)
from suppliers.validation.selectors import latest_validation_prefetch


def installations_visible_to(*, organisation: Organisation) -> QuerySet[Installation]:
    return Installation.objects.filter(organisation=organisation).order_by("name_latin", "id")


def products_visible_to(*, organisation: Organisation) -> QuerySet[Product]:
    return (
        Product.objects.filter(organisation=organisation)
        .prefetch_related("installations")
        .order_by("name", "id")
    )


def footprints_owned_by(
    *,
    organisation: Organisation,
    status: str | None = None,
    cn_code: str | None = None,
    period_year: int | None = None,
) -> QuerySet[Footprint]:
    """The footprints the organisation owns (never those shared with it), filtered; each with
    its newest validation run and that run's findings (``latest_validation_runs``).

    Not called ``footprints_visible_to``: that name is the exchange's visibility rule
    (``exchange.sharing.selectors``: own footprints and those shared by a live grant)."""
    queryset = (
        Footprint.objects.filter(organisation=organisation)
        .select_related("product", "installation", "verifier_organisation", "preceding")
        .prefetch_related("precursors", "evidence", latest_validation_prefetch())
        .order_by("-created_at", "id")
    )
    if status:
        queryset = queryset.filter(status=status)
    if cn_code:
        queryset = queryset.filter(product__cn_code__startswith=cn_code)
    if period_year:
        queryset = queryset.filter(
            period_start__lte=date(period_year, 12, 31), period_end__gte=date(period_year, 1, 1)
        )
    return queryset


def evidence_visible_to(*, organisation: Organisation) -> QuerySet[EvidenceFile]:
    return EvidenceFile.objects.filter(footprint__organisation=organisation).order_by(
        "uploaded_at", "id"
    )


# --------------------------------------------------------------------------- verification


def verification_requests_visible_to(*, organisation: Organisation) -> QuerySet[Footprint]:
    """Footprints of any producer that name ``organisation`` as their platform verifier, once
    submitted (``HIDDEN_FROM_VERIFIER``: the producer shares a footprint with its verifier by
    submitting it), newest first."""
    return (
        Footprint.objects.filter(verifier_organisation=organisation)
        .exclude(status__in=HIDDEN_FROM_VERIFIER)
        .select_related("organisation", "product", "installation")
        .order_by("-created_at", "id")
    )


def verification_request_is_visible(footprint: Footprint, *, organisation: Organisation) -> bool:
    """Whether ``organisation`` sees ``footprint`` as a verification request now (the rule of
    :func:`verification_requests_visible_to`, for a row already loaded)."""
    return (
        footprint.verifier_organisation_id == organisation.pk
        and footprint.status not in HIDDEN_FROM_VERIFIER
    )


def verification_requests_open(*, organisation: Organisation) -> QuerySet[Footprint]:
    """The verifier's inbox: requests it can answer now (submitted, in review or approved, this
    submission neither confirmed nor declined), the longest waiting first."""
    return (
        verification_requests_visible_to(organisation=organisation)
        .filter(
            status__in=VERIFIABLE_STATUSES,
            verifier_confirmed_at__isnull=True,
            verifier_declined_at__isnull=True,
        )
        .order_by("submitted_at", "created_at", "id")
    )


def verification_decisions_of(*, organisation: Organisation) -> QuerySet[VerificationDecision]:
    """Every answer ``organisation`` gave as a verifier, newest first, with the footprint, its
    producer, product and installation, and the person who answered."""
    return (
        VerificationDecision.objects.filter(verifier=organisation)
        .select_related(
            "footprint__organisation", "footprint__product", "footprint__installation", "decided_by"
        )
        .order_by("-decided_at", "id")
    )


def verification_decisions_of_footprint(*, footprint: Footprint) -> QuerySet[VerificationDecision]:
    """The verifier's answers to ``footprint``'s submissions, newest first (the producer's
    record of them)."""
    return (
        VerificationDecision.objects.filter(footprint=footprint)
        .select_related("verifier", "decided_by")
        .order_by("-decided_at", "id")
    )


def verification_evidence_visible_to(*, organisation: Organisation) -> QuerySet[EvidenceFile]:
    """The evidence files of the footprints ``organisation`` sees as their verifier."""
    return EvidenceFile.objects.filter(
        footprint__in=verification_requests_visible_to(organisation=organisation).values("pk")
    ).order_by("uploaded_at", "id")


@dataclass(frozen=True)
class FootprintVersion:
    """One version of a footprint's chain of corrections, with the reason it was deprecated
    (as the deprecation recorded it; "" when none was given or it is not deprecated)."""

    footprint: Footprint
    number: int
    deprecation_reason: str


def footprint_versions(
    *, organisation: Organisation, footprint: Footprint
) -> list[FootprintVersion]:
    """Every version of ``footprint``'s lineage (the footprint it corrects, the corrections
    made of it, and theirs), oldest first, numbered from 1: two queries."""
    versions = list(
        Footprint.objects.filter(organisation=organisation, lineage=footprint.lineage)
        .select_related("published_by")
        .order_by("created_at", "id")
    )
    deprecated = [str(v.pk) for v in versions if v.deprecated_at is not None]
    reasons: dict[str, str] = {}
    if deprecated:
        for event in AuditEvent.objects.filter(
            organisation=organisation,
            action=FOOTPRINT_DEPRECATED,
            object_type=Footprint._meta.label_lower,
            object_id__in=deprecated,
        ).order_by("created_at", "id"):
            reasons[event.object_id] = str((event.after or {}).get("reason", ""))
    return [
        FootprintVersion(footprint=v, number=n, deprecation_reason=reasons.get(str(v.pk), ""))
        for n, v in enumerate(versions, start=1)
    ]


#: At most this many CN codes answer a search (the list of Annex I has about 570).
CN_SEARCH_LIMIT = 20
_CN_SEARCH_WORDS = 8


def cn_codes_search(*, text: str, on: date) -> list[CnCode]:
    """CN codes of the CBAM list valid on ``on`` (Annex I of Reg. 2023/956) matching ``text``:
    digits (spaces and points allowed) as a code prefix, otherwise every word in the
    description (English in the reference data: a Chinese word matches nothing). At most
    ``CN_SEARCH_LIMIT``, in code order; text that is not text (control characters, floods) or
    no CN list valid on ``on`` finds nothing."""
    try:
        cleaned = clean_text(text, max_length=200)
    except TextError:
        return []
    version = reference_version_valid_on(dataset=Dataset.CN_CODES, on=on)
    if not cleaned or version is None:
        return []
    codes = CnCode.objects.filter(version=version)
    prefix = normalise_cn_code(cleaned)
    if prefix.isascii() and prefix.isdigit():
        codes = codes.filter(cn_code__startswith=prefix[:8])
    else:
        for word in cleaned.split()[:_CN_SEARCH_WORDS]:
            codes = codes.filter(description__icontains=word)
    return list(codes.order_by("cn_code")[:CN_SEARCH_LIMIT])


def footprint_signed_current(footprint: Footprint) -> tuple[bytes, str]:
    """The signed document and JWS a reader gets now: the signed deprecated state of a
    deprecated footprint that has one (``suppliers.services.deprecation``), else the original
    bytes (one query, only for a deprecated footprint)."""
    if footprint.status == FootprintStatus.DEPRECATED:
        deprecation = FootprintDeprecation.objects.filter(footprint=footprint).first()
        if deprecation is not None:
            return bytes(deprecation.signed_document), deprecation.signature
    return bytes(footprint.signed_document or b""), footprint.signature
