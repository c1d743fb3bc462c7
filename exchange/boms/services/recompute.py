"""Enqueue the recompute of buyer products' aggregation (work rows ``boms.recompute``).

The payload names what changed, so the handler recomputes only the products affected
(``exchange.boms.services.aggregation.recompute_from_payload``):

- ``product_ids``: products edited (and, transitively, the products made from them);
- ``lineages``: supplier footprint lineages (a new version, a deprecation, a grant);
- ``kids``: signing keys revoked (the lineages of the footprints they signed);
- ``all``: every product (new reference data).

``organisation_id`` limits the work to one buyer (None: every buyer).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from accounts.audit import Actor, audit_record
from core.jobs import job_create
from core.models import Job
from exchange.boms.models import BuyerProduct

RECOMPUTE_JOB = "boms.recompute"


def recompute_enqueue(
    *,
    reason: str,
    organisation_id: int | None = None,
    product_ids: Iterable[Any] = (),
    lineages: Iterable[Any] = (),
    kids: Iterable[str] = (),
    everything: bool = False,
) -> Job:
    """Create the work row (published after commit). Cheap: safe inside other apps'
    transactions (audit listeners)."""
    payload: dict[str, Any] = {"reason": reason}
    if product_ids:
        payload["product_ids"] = sorted(str(p) for p in product_ids)
    if lineages:
        payload["lineages"] = sorted(str(lineage) for lineage in lineages)
    if kids:
        payload["kids"] = sorted(kids)
    if everything:
        payload["all"] = True
    return job_create(kind=RECOMPUTE_JOB, payload=payload, organisation_id=organisation_id)


@transaction.atomic
def buyer_product_recompute_request(*, actor: Actor, product: BuyerProduct) -> Job:
    """A person asks for ``product`` to be computed again now, on the reference data and
    footprints in force (e.g. after a new reference version: the result says until then which
    version it used). Audited with who asked; the work row carries the reason."""
    job = recompute_enqueue(
        reason="requested", organisation_id=product.organisation_id, product_ids=[product.pk]
    )
    audit_record(
        actor=actor,
        organisation=product.organisation,
        action="buyer_product.recompute_requested",
        obj=product,
        after={"job": job.pk},
    )
    return job
