"""The buyers' products and bills of materials of ``boms.json``, their recompute jobs run
in-process, and what the stored results say (SEE, exposure, chase list)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from accounts.audit import Actor
from accounts.models import Organisation
from cbam.rounding import round_money
from core.jobs import job_execute
from core.models import Job
from demo.exchange.report import DemoExchangeReport, LineRow, ProductRow
from demo.world import DemoSeedError, data_list, demo_actor, demo_call
from exchange.boms.models import AggregationResult, AggregationStatus, BomLine, BuyerProduct
from exchange.boms.selectors import chase_list
from exchange.boms.services.lines import bom_line_create, bom_line_update
from exchange.boms.services.products import buyer_product_create
from exchange.boms.services.recompute import RECOMPUTE_JOB
from suppliers.models import Footprint

#: Data keys that describe a record for people and are not service input.
_NOT_INPUT = ("key", "organisation", "notes", "lines", "granted_footprint")


def recompute_jobs_run(buyer: Organisation, report: DemoExchangeReport) -> None:
    """Run the buyer's pending ``boms.recompute`` work rows here (a worker may not be running
    yet), oldest first, exactly as a worker would."""
    pending = Job.objects.filter(
        kind=RECOMPUTE_JOB, organisation_id=buyer.pk, status=Job.Status.PENDING
    ).order_by("id")
    for job_id in list(pending.values_list("pk", flat=True)):
        outcome = job_execute(job_id=job_id)
        if outcome.status != Job.Status.SUCCEEDED:
            job = Job.objects.get(pk=job_id)
            raise DemoSeedError(
                f"the recompute job {job_id} ended {outcome.status}: {job.last_error or '?'}"
            )
        report.jobs_run += 1


def product_figures(product: BuyerProduct) -> tuple[Decimal | None, str | None]:
    """(counted SEE, EUR per tonne now) of the stored result, or Nones."""
    result = AggregationResult.objects.filter(product=product).first()
    if result is None or result.status != AggregationStatus.OK:
        return None, None
    if result.see_direct is None or result.see_indirect_counted is None:
        return None, None
    current = (result.exposure or {}).get("current") or {}
    return result.see_direct + result.see_indirect_counted, current.get("cost_eur_per_t")


def _optional(raw: Any) -> Decimal | None:
    return None if raw is None else Decimal(str(raw))


def product_row(
    product: BuyerProduct, before: tuple[Decimal | None, str | None] | None
) -> ProductRow:
    result = AggregationResult.objects.filter(product=product).first()
    if result is None:
        raise DemoSeedError(f"{product.name} has no aggregation result after its recompute.")
    current = (result.exposure or {}).get("current") or {}
    lines = tuple(
        LineRow(
            position=line["position"],
            cn_code=line["cn_code"],
            supplier_name=line.get("supplier_name") or "",
            use=line["use"],
            reasons=tuple(str(r.get("code", "")) for r in line["decision"]["reasons"]),
            cost_eur_per_t=_optional(line.get("cost_eur_per_t")),
            saving_sure_eur_per_t=_optional((line.get("saving") or {}).get("sure_eur_per_t")),
            saving_estimate_eur_per_t=_optional(
                (line.get("saving") or {}).get("estimate_eur_per_t")
            ),
        )
        for line in result.lines
    )
    counted = (
        result.see_direct + result.see_indirect_counted
        if result.see_direct is not None and result.see_indirect_counted is not None
        else None
    )
    return ProductRow(
        organisation=product.organisation.slug,
        product_id=str(product.pk),
        name=product.name,
        cn_code=product.cn_code,
        status=result.status,
        see_direct=result.see_direct,
        see_indirect_counted=result.see_indirect_counted,
        see_counted=counted,
        default_share=result.default_share,
        year=result.year,
        certificate_price_eur=result.certificate_price_eur,
        certificate_price_label=(result.versions.get("certificate_price") or {}).get("label", ""),
        cost_eur_per_t=current.get("cost_eur_per_t"),
        cost_all_defaults_eur_per_t=current.get("cost_all_defaults_eur_per_t"),
        lines=lines,
        before=before,
    )


def products_enter(
    buyer: Organisation,
    specs: list[dict[str, Any]],
    actor: Actor,
    products: dict[str, BuyerProduct],
    report: DemoExchangeReport,
) -> None:
    """Create the buyer's products and lines that do not exist yet (granted lines on the
    default value for now); ``products`` gets each by its key."""
    for spec in specs:
        product = BuyerProduct.objects.filter(
            organisation=buyer, name=spec["name"], cn_code=spec["cn_code"]
        ).first()
        if product is None:
            data = {k: v for k, v in spec.items() if k not in _NOT_INPUT}
            product = demo_call(buyer_product_create, actor=actor, organisation=buyer, data=data)
            report.created.append(f"{buyer.slug}: product {product.name} ({product.cn_code})")
        products[spec["key"]] = product
        for line_spec in spec["lines"]:
            if BomLine.objects.filter(product=product, position=line_spec["position"]).exists():
                continue
            data = {k: v for k, v in line_spec.items() if k not in _NOT_INPUT}
            if "own_product" in data:
                data["own_product"] = str(products[data["own_product"].lstrip("@")].pk)
            line = demo_call(bom_line_create, actor=actor, product=product, data=data)
            report.created.append(
                f"{buyer.slug}: line {line.position} of {product.name}: {line.cn_code}, "
                f"{line.mass_t_per_t.normalize():f} t/t, {line.source}"
            )


def granted_lines_switch(
    products: dict[str, BuyerProduct],
    footprints: dict[str, Footprint],
    report: DemoExchangeReport,
) -> None:
    """Each ``granted_footprint`` line still on the default value now uses that footprint."""
    for spec in data_list("boms.json"):
        product = products[spec["key"]]
        for line_spec in spec["lines"]:
            key = line_spec.get("granted_footprint")
            if key is None:
                continue
            line = BomLine.objects.get(product=product, position=line_spec["position"])
            if line.source != "default_value":
                continue
            footprint = footprints[key]
            demo_call(
                bom_line_update,
                actor=demo_actor(product.organisation, "preparer"),
                line=line,
                data={"source": "supplier_footprint", "footprint": str(footprint.pk)},
            )
            report.created.append(
                f"{product.organisation.slug}: line {line.position} of {product.name} now "
                f"uses the granted footprint {footprint.pk}"
            )


def chase_rows(buyer: Organisation) -> list[str]:
    return [
        f"{entry.product_name} line {entry.position} ({entry.cn_code}, "
        f"{entry.supplier_name or 'no supplier named'}, {entry.use}): saves "
        f"{round_money(entry.saving_eur_per_t)} EUR/t"
        + (
            f" (estimate {round_money(entry.saving_estimate_eur_per_t)})"
            if entry.saving_estimate_eur_per_t is not None and entry.use == "default"
            else ""
        )
        for entry in chase_list(organisation=buyer)[:5]
    ]
