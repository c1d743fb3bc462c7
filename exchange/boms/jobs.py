"""Background work of the boms app: the recompute handler and what triggers it.

Other apps' events reach us through the audit log: ``BomsConfig.ready()`` registers these
listeners (``accounts.audit.audit_listen``); they run inside the transaction of the change, so
they only create the work row.
"""

from __future__ import annotations

from typing import Any

from accounts.models import AuditEvent
from core.jobs import register_job_handler
from core.models import Job
from exchange.boms.models import BomLine, BuyerProduct
from exchange.boms.services.aggregation import recompute_from_payload
from exchange.boms.services.recompute import RECOMPUTE_JOB, recompute_enqueue


@register_job_handler(RECOMPUTE_JOB)
def recompute(job: Job) -> dict[str, Any]:
    """Recompute the products the payload's change affects (see ``services.recompute``).
    Idempotent: a second run stores the same results."""
    return recompute_from_payload(payload=job.payload, organisation_id=job.organisation_id)


# Each listener first checks, with one indexed read, that some bill of materials uses what
# changed: a supplier's change that no buyer depends on creates no work.


def on_footprint_event(event: AuditEvent) -> None:
    """A footprint published (maybe a newer version of a lineage) or deprecated."""
    from suppliers.models import Footprint

    lineage = Footprint.objects.filter(pk=event.object_id).values_list("lineage", flat=True).first()
    if lineage is not None and BomLine.objects.filter(lineage=lineage).exists():
        recompute_enqueue(reason=event.action, lineages=[lineage])


def on_key_revoked(event: AuditEvent) -> None:
    from suppliers.models import Footprint

    kid = (event.after or {}).get("kid")
    signed = Footprint.objects.filter(signing_kid=kid).values("lineage")
    if kid and BomLine.objects.filter(lineage__in=signed).exists():
        recompute_enqueue(reason=event.action, kids=[kid])


def on_grant_event(event: AuditEvent) -> None:
    after = event.after or {}
    lineages = after.get("lineages") or []
    buyer = after.get("buyer")
    if (
        lineages
        and buyer is not None
        and BomLine.objects.filter(product__organisation_id=buyer, lineage__in=lineages).exists()
    ):
        recompute_enqueue(reason=event.action, organisation_id=buyer, lineages=lineages)


def on_fetched_superseded(event: AuditEvent) -> None:
    """A newer fetch of a partner's footprint superseded the rows lines use: the products
    whose lines use any row of that PACT id (followed to the newest) are recomputed."""
    after = event.after or {}
    products = set(
        BomLine.objects.filter(
            fetched_footprint__partner_id=after.get("partner"),
            fetched_footprint__pf_id=after.get("pf_id"),
        ).values_list("product_id", flat=True)
    )
    if products:
        recompute_enqueue(
            reason=event.action, organisation_id=event.organisation_id, product_ids=products
        )


def on_reference_loaded(event: AuditEvent) -> None:
    if BuyerProduct.objects.exists():
        recompute_enqueue(reason=event.action, everything=True)
