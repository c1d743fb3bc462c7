"""The requests of ``requests.json`` (sent, fulfilled) and the proactive shares of
``shares.json``."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from accounts.models import Organisation
from demo.exchange.report import DemoExchangeReport
from demo.world import DemoSeedError, demo_actor, demo_call, demo_organisation
from exchange.sharing.models import FootprintRequest, Grant, RequestStatus
from exchange.sharing.services.grants import grant_share
from exchange.sharing.services.requests import RequestInput, request_fulfil, request_send
from suppliers.models import Footprint


def request_play(
    spec: dict[str, Any],
    footprints: dict[str, Footprint],
    today: date,
    report: DemoExchangeReport,
) -> tuple[FootprintRequest, Grant | None]:
    """Send the request of ``spec`` unless the buyer sent it before (found by buyer, period
    and supplier product, or by invited address and CN code), and fulfil it when the data
    says so and it is still open."""
    buyer = demo_organisation(spec["buyer"])
    period = (date.fromisoformat(spec["period_start"]), date.fromisoformat(spec["period_end"]))
    sent = FootprintRequest.objects.filter(
        buyer=buyer, period_start=period[0], period_end=period[1]
    ).order_by("created_at", "id")
    common = {
        "period_start": period[0],
        "period_end": period[1],
        "due_date": today + timedelta(days=spec["due_in_days"]),
        "quantity_t": Decimal(spec["quantity_t"]),
        "message": spec["message"],
    }
    supplier: Organisation | None = None
    if spec.get("supplier"):
        supplier = demo_organisation(spec["supplier"])
        asked = footprints[spec["footprint"]]
        request = sent.filter(
            supplier=supplier,
            supplier_product=asked.product,
            status__in=(RequestStatus.OPEN, RequestStatus.FULFILLED),
        ).first()
        data = RequestInput(
            supplier=supplier.slug,
            supplier_product=asked.product_id,
            installation=asked.installation_id,
            **common,
        )
        to = f"{supplier.slug} for {asked.product.name} ({asked.product.cn_code})"
    else:
        request = sent.filter(
            supplier_email=spec["supplier_email"], cn_code=spec["cn_code"]
        ).first()
        data = RequestInput(
            supplier_email=spec["supplier_email"],
            supplier_name=spec["supplier_name"],
            cn_code=spec["cn_code"],
            description=spec["description"],
            **common,
        )
        to = f"{spec['supplier_email']} ({spec['supplier_name']}, invited) for CN {spec['cn_code']}"
    if request is None:
        actor = demo_actor(buyer, "preparer")
        request = demo_call(request_send, actor=actor, buyer=buyer, data=data)
        report.created.append(
            f"{buyer.slug}: request to {to}, {period[0]}..{period[1]}, due {request.due_date}"
        )
    if supplier is None or not spec.get("fulfil_with"):
        return request, None
    if request.status == RequestStatus.OPEN:
        answer = [footprints[key].pk for key in spec["fulfil_with"]]
        request, grant = demo_call(
            request_fulfil,
            actor=demo_actor(supplier, "preparer"),
            request=request,
            footprints=answer,
        )
        report.created.append(
            f"{supplier.slug}: request {request.pk} fulfilled with footprint(s) "
            f"{', '.join(str(pk) for pk in answer)} -> grant {grant.pk}"
        )
        return request, grant
    found = Grant.objects.filter(request=request).order_by("created_at", "id").first()
    if found is None:
        raise DemoSeedError(f"request {request.pk} is fulfilled but has no grant.")
    return request, found


def share_play(
    spec: dict[str, Any], footprints: dict[str, Footprint], report: DemoExchangeReport
) -> None:
    """The supplier's admin shares the footprints unasked, those no live proactive grant to
    the buyer covers yet (a grant covers the later versions of a footprint)."""
    supplier = demo_organisation(spec["supplier"])
    buyer = demo_organisation(spec["buyer"])
    proactive = Grant.objects.filter(
        supplier=supplier, buyer=buyer, request__isnull=True, revoked_at__isnull=True
    ).order_by("created_at", "id")
    grants: dict[Any, Grant] = {}
    missing = []
    for key in spec["footprints"]:
        footprint = footprints[key]
        grant = proactive.filter(footprints__lineage=footprint.lineage).first()
        if grant is None:
            missing.append(footprint)
        else:
            grants[grant.pk] = grant
    if missing:
        grant = demo_call(
            grant_share,
            actor=demo_actor(supplier, "admin"),
            supplier=supplier,
            buyer=buyer,
            footprints=[f.pk for f in missing],
        )
        grants[grant.pk] = grant
        report.created.append(
            f"{supplier.slug}: shared footprint(s) {', '.join(str(f.pk) for f in missing)} "
            f"with {buyer.slug} -> grant {grant.pk}"
        )
    for pk in grants:
        report.grants.append(f"{pk}: {supplier.slug} -> {buyer.slug} (shared proactively)")
