"""Footprints fetched from a partner: stored as received, schema-checked, superseded.

``fetched_store`` keeps one row per (partner, footprint id, SHA-256 of the bytes): the same
bytes again are the same row; other bytes for a known id (a new status, a correction) are a
new row that supersedes the older ones. A document that breaks the PACT rules is stored all
the same, ``schema_valid`` False with its problems listed: the organisation sees what its
partner sent and why it cannot be used.

``partner_fetch`` lists every page of the partner's footprints (ListFootprints);
``partner_fetch_one`` gets one by id (GetFootprint). The work row ``partners.fetch`` runs
``partner_fetch`` for a page that shows its progress (``fetch_progress``).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.audit import Actor, audit_record
from accounts.models import User
from core.errors import Conflict
from core.jobs import TransientJobError, job_create
from core.models import Job
from exchange.partners import client, events
from exchange.partners.facts import footprint_facts
from exchange.partners.models import FetchedFootprint, FetchedOrigin, PactPartner

logger = logging.getLogger(__name__)

FETCH_JOB = "partners.fetch"
#: Footprints asked for per page of ListFootprints.
PAGE_LIMIT = 100
#: Seconds a progress count stays readable after its last update.
PROGRESS_TTL_SECONDS = 3600

#: What became of one received document.
NEW, UNCHANGED, UPDATED = "new", "unchanged", "updated"


@dataclass
class FetchReport:
    """Counts of one fetch: ``new`` ids, ``unchanged`` documents (the same bytes as stored),
    ``updated`` ids (other bytes: the older row superseded); ``invalid`` counts the documents
    among them that break the PACT rules (stored all the same)."""

    new: int = 0
    unchanged: int = 0
    updated: int = 0
    invalid: int = 0
    pages: int = 0
    fetched_ids: list[str] = field(default_factory=list)

    @property
    def received(self) -> int:
        return self.new + self.unchanged + self.updated

    def count(self, row: FetchedFootprint, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)
        if not row.schema_valid:
            self.invalid += 1
        self.fetched_ids.append(str(row.pk))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _store(
    *, actor: Actor, partner: PactPartner, document: bytes, origin: str, source_url: str
) -> tuple[FetchedFootprint, str]:
    digest = hashlib.sha256(document).hexdigest()
    facts = footprint_facts(document, fallback_id=f"sha256:{digest[:32]}")
    existing = FetchedFootprint.objects.filter(
        partner=partner, pf_id=facts.pf_id, sha256=digest
    ).first()
    if existing is not None:
        return existing, UNCHANGED
    known = FetchedFootprint.objects.filter(partner=partner, pf_id=facts.pf_id).exists()
    try:
        with transaction.atomic():
            row = FetchedFootprint.objects.create(
                organisation_id=partner.organisation_id,
                partner=partner,
                pf_id=facts.pf_id,
                document=document,
                sha256=digest,
                origin=origin,
                source_url=source_url[:1000],
                schema_valid=facts.schema_valid,
                problems=facts.problems,
                has_cbam_extension=facts.has_cbam_extension,
                pact_status=facts.pact_status,
                company_name=facts.company_name,
                product_name=facts.product_name,
                cn_code=facts.cn_code,
                country=facts.country,
                see_direct=facts.see_direct,
                see_indirect=facts.see_indirect,
                production_route=facts.production_route,
                verification_statement_date=facts.verification_statement_date,
            )
    except IntegrityError:
        # The same bytes stored meanwhile by another fetch: that row is this one.
        return FetchedFootprint.objects.get(
            partner=partner, pf_id=facts.pf_id, sha256=digest
        ), UNCHANGED
    older = FetchedFootprint.objects.filter(
        partner=partner, pf_id=facts.pf_id, superseded_by__isnull=True
    ).exclude(pk=row.pk)
    superseded = sorted(str(pk) for pk in older.values_list("pk", flat=True))
    if superseded:
        older.update(superseded_by=row)
        audit_record(
            actor=actor,
            organisation=partner.organisation,
            action=events.FETCHED_SUPERSEDED,
            obj=row,
            after={"partner": str(partner.pk), "pf_id": facts.pf_id, "superseded": superseded},
        )
    return row, UPDATED if known else NEW


def fetched_store(
    *,
    partner: PactPartner,
    document: bytes,
    origin: str,
    source_url: str,
    actor: Actor | None = None,
) -> FetchedFootprint:
    """Store one footprint received from ``partner`` (idempotent: the same bytes are the same
    row; other bytes for a known id supersede the older rows, audited
    ``pact_fetched.superseded`` with ``actor``, the platform when None)."""
    with transaction.atomic():
        return _store(
            actor=actor or Actor.platform("pact"),
            partner=partner,
            document=document,
            origin=origin,
            source_url=source_url,
        )[0]


def _progress_key(job_id: object) -> str:
    return f"partners:fetch:{job_id}:received"


def fetch_progress_set(*, job_id: object, received: int, pages: int) -> None:
    """How far a fetch has got, for the page that polls it. The work row holds its writes in
    one transaction until it ends, so the count goes to the cache (a display only); a cache
    outage is only logged."""
    try:
        cache.set(
            _progress_key(job_id), {"received": received, "pages": pages}, PROGRESS_TTL_SECONDS
        )
    except Exception:  # the cache's client raises many connection error types
        logger.warning("could not record the progress of fetch %s", job_id, exc_info=True)


def fetch_progress(*, job: Job) -> dict[str, int] | None:
    """Footprints received and pages read so far by the fetch ``job``: from its row once it
    is over, else from the cache (None when no count is known)."""
    if job.status == Job.Status.SUCCEEDED and isinstance(job.result, dict):
        return {"received": job.progress_done, "pages": int(job.result.get("pages") or 0)}
    try:
        value = cache.get(_progress_key(job.pk))
    except Exception:
        logger.warning("could not read the progress of fetch %s", job.pk, exc_info=True)
        return None
    return value if isinstance(value, dict) else None


def partner_fetch(
    *,
    actor: Actor,
    partner: PactPartner,
    query: str = "",
    limit: int = PAGE_LIMIT,
    progress: Callable[[FetchReport], None] | None = None,
) -> FetchReport:
    """ListFootprints from ``partner``, every page (``Link: rel="next"``), each footprint
    stored by ``fetched_store`` (origin "list"); audit ``pact_partner.fetched`` with the
    counts. A partner that cannot be reached or refuses raises ``client.PartnerError``; each
    page is stored in a transaction of its own (a savepoint in the caller's), so the pages
    read before stay stored unless the caller rolls back."""
    report = FetchReport()
    for page in client.list_pages(partner, query=query, limit=limit):
        with transaction.atomic():
            for document in page.documents:
                row, outcome = _store(
                    actor=actor,
                    partner=partner,
                    document=document,
                    origin=FetchedOrigin.LIST,
                    source_url=page.url,
                )
                report.count(row, outcome)
        report.pages += 1
        if progress is not None:
            progress(report)
    with transaction.atomic():
        audit_record(
            actor=actor,
            organisation=partner.organisation,
            action="pact_partner.fetched",
            obj=partner,
            after={
                "query": query,
                "pages": report.pages,
                "new": report.new,
                "unchanged": report.unchanged,
                "updated": report.updated,
                "invalid": report.invalid,
            },
        )
    return report


def partner_fetch_one(
    *, actor: Actor, partner: PactPartner, pf_id: str, origin: str = FetchedOrigin.GET
) -> FetchedFootprint:
    """GetFootprint ``pf_id`` from ``partner`` and store it; audit ``pact_partner.fetched``."""
    document, url = client.get_footprint(partner, pf_id)
    with transaction.atomic():
        row, outcome = _store(
            actor=actor, partner=partner, document=document, origin=origin, source_url=url
        )
        audit_record(
            actor=actor,
            organisation=partner.organisation,
            action="pact_partner.fetched",
            obj=partner,
            after={"pf_id": pf_id, "origin": origin, "outcome": outcome, "fetched": str(row.pk)},
        )
    return row


def partner_fetch_start(*, actor: Actor, partner: PactPartner) -> Job:
    """Start fetching every footprint of ``partner`` in the background (work row
    ``partners.fetch``); the page polls the returned job. An archived partner is not called."""
    if not partner.is_active:
        raise Conflict(_("This partner is archived: nothing is fetched from it."))
    with transaction.atomic():
        return job_create(
            kind=FETCH_JOB,
            payload={
                "partner_id": str(partner.pk),
                "user_id": str(actor.user.pk) if actor.user is not None else None,
            },
            organisation_id=partner.organisation_id,
        )


def partner_fetch_run(*, job: Job) -> dict[str, Any]:
    """The work row ``partners.fetch``: ``partner_fetch`` with its progress told to the page.
    A partner out of reach is retried (``TransientJobError``); a refusal ends the work with
    the partner's answer in the result, for the page to show."""
    partner = PactPartner.objects.select_related("organisation").get(pk=job.payload["partner_id"])
    user_id = job.payload.get("user_id")
    user = User.objects.filter(pk=user_id).first() if user_id else None
    actor = Actor(user=user) if user is not None else Actor.platform("pact-fetch")
    try:
        report = partner_fetch(
            actor=actor,
            partner=partner,
            progress=lambda r: fetch_progress_set(
                job_id=job.pk, received=r.received, pages=r.pages
            ),
        )
    except client.PartnerUnreachable as error:
        raise TransientJobError(error.message) from error
    except client.PartnerRefused as error:
        return {"error": error.message, "status": error.status}
    Job.objects.filter(pk=job.pk).update(
        progress_done=report.received, progress_total=report.received
    )
    result = report.as_dict()
    result.pop("fetched_ids")
    return result
