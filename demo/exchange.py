"""The demo exchange (``boms.json``, ``requests.json``, ``shares.json``, ``shipments.json`` and
the shipment CSVs), played through the services by the demo users.

``manage.py seed_demo_exchange`` (after ``seed_demo`` and ``seed_demo_footprints``) plays the
story the way the people would through the API:

1. Each buyer's preparer (the screw maker ``ningbo-fasteners``) defines its products and bills
   of materials (``boms.json``: flat washers stamped from hot-rolled coil; hexagon bolts made
   from bought wire rod and its own washers, two tiers). A line with ``granted_footprint``
   starts on the EU default value, since the supplier has not answered yet; the aggregation
   runs (the ``boms.recompute`` work rows the services enqueue, executed here in-process) and
   stores SEE and exposure: the "before" figures.
2. The buyer's preparer sends the requests of ``requests.json``: to a supplier on the platform
   for the product and installation of one of its demo footprints (``footprint``), or by
   e-mail to a supplier that is not on the platform (an open request and an invitation).
3. The supplier's preparer fulfils a request with the published footprints of ``fulfil_with``:
   a grant.
4. The buyer switches each ``granted_footprint`` line to the granted footprint; the
   aggregation runs again: the SEE and EUR per tonne drop, and a line still on the default
   value shows what it costs and what its data would save (the chase list).
5. A supplier's admin shares footprints unasked (``shares.json``, the mill's coil with the
   importer ``rhein-import``); the importer's preparer uploads its shipments
   (``shipments.json``; in a CSV, ``@<key>`` names a demo footprint and is replaced by its id,
   as an importer would paste the id of the shared footprint) and reads its de minimis status
   and declaration summary for the year.

The hot-rolled coil is the footprint asked for because it is the mill's verified one: the
wire rod's published footprint has no verification statement, so its "default value must be
used" decision (``CBAM-VERIFY-001``) would keep a buyer's line on the default value even with
a grant, and the SEE would not move.

Idempotent: products are found by name and CN code, lines by position, requests by buyer,
period and supplier product (or invited address and CN code), proactive grants by supplier,
buyer and lineage, uploads by file name (a supplier may have corrected a footprint since: the
same file would now name the correction, so it is not uploaded again); whatever exists is left
as it is. Nothing is written except through the services of ``exchange.sharing``,
``exchange.boms`` and ``exchange.declarations``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.audit import Actor
from accounts.models import Organisation
from cbam.rounding import round_money, round_see
from core.errors import ValidationFailed
from core.jobs import job_execute
from core.models import Job
from demo.world import (
    DemoSeedError,
    data_file,
    data_list,
    demo_actor,
    demo_organisation,
    footprint_current,
    footprint_spec,
)
from exchange.boms.models import AggregationResult, AggregationStatus, BomLine, BuyerProduct
from exchange.boms.selectors import chase_list
from exchange.boms.services.lines import bom_line_create, bom_line_update
from exchange.boms.services.products import buyer_product_create
from exchange.boms.services.recompute import RECOMPUTE_JOB
from exchange.declarations.models import ShipmentImport
from exchange.declarations.selectors import shipment_imports_visible_to
from exchange.declarations.services.declaration import declaration_document, declaration_report
from exchange.declarations.services.imports import shipments_import_csv
from exchange.declarations.services.threshold import threshold_report
from exchange.sharing.models import FootprintRequest, Grant, RequestStatus
from exchange.sharing.services.grants import grant_share
from exchange.sharing.services.requests import (
    RequestInput,
    request_fulfil,
    request_label,
    request_send,
)
from suppliers.models import Footprint, FootprintStatus

#: ``@<key>`` in a shipment CSV: the demo footprint of that key.
_FOOTPRINT_KEY = re.compile(r"@([a-z0-9][a-z0-9-]*)")

#: Data keys that describe a record for people and are not service input.
_NOT_INPUT = ("key", "organisation", "notes", "lines", "granted_footprint")


@dataclass(frozen=True)
class RequestRow:
    request_id: str
    label: str
    buyer: str
    supplier: str
    status: str
    due_date: date
    grant_id: str | None


@dataclass(frozen=True)
class LineRow:
    position: int
    cn_code: str
    supplier_name: str
    use: str
    reasons: tuple[str, ...]
    cost_eur_per_t: Decimal | None
    saving_sure_eur_per_t: Decimal | None
    saving_estimate_eur_per_t: Decimal | None


@dataclass(frozen=True)
class ProductRow:
    organisation: str
    product_id: str
    name: str
    cn_code: str
    status: str
    see_direct: Decimal | None
    see_indirect_counted: Decimal | None
    see_counted: Decimal | None
    default_share: Decimal | None
    year: int
    certificate_price_eur: Decimal
    cost_eur_per_t: str | None
    cost_all_defaults_eur_per_t: str | None
    lines: tuple[LineRow, ...]
    before: tuple[Decimal | None, str | None] | None = None


@dataclass(frozen=True)
class ImporterRow:
    """An importer's upload (``new`` False when it was there before), its threshold status
    and declaration summary for the year."""

    organisation: str
    upload: dict[str, Any]
    threshold: dict[str, Any]
    declaration: dict[str, Any]


@dataclass
class DemoExchangeReport:
    created: list[str] = field(default_factory=list)
    requests: list[RequestRow] = field(default_factory=list)
    grants: list[str] = field(default_factory=list)
    products: list[ProductRow] = field(default_factory=list)
    chase: dict[str, list[str]] = field(default_factory=dict)
    importers: list[ImporterRow] = field(default_factory=list)
    jobs_run: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created)


# --------------------------------------------------------------------------- helpers


def _call(service: Any, **kwargs: Any) -> Any:
    try:
        return service(**kwargs)
    except ValidationFailed as exc:
        raise DemoSeedError(f"{service.__name__}: {exc.message} {exc.extra}") from exc


def _published(key: str) -> Footprint:
    """The published demo footprint ``key`` (its newest version: a correction supersedes)."""
    spec = footprint_spec(key)
    organisation = demo_organisation(spec["organisation"])
    footprint = footprint_current(organisation, spec)
    if footprint is None or footprint.status != FootprintStatus.PUBLISHED:
        raise DemoSeedError(
            f"{organisation.slug} has no published footprint {key!r} ({spec['product']}, "
            f"{spec['period_start']}..{spec['period_end']}): run seed_demo_footprints first."
        )
    return footprint


def _footprint_keys() -> list[str]:
    """Every demo footprint the exchange data names, in order of first mention."""
    keys: dict[str, None] = {}
    for spec in data_list("requests.json"):
        for key in [spec.get("footprint"), *spec.get("fulfil_with", [])]:
            if key:
                keys.setdefault(key, None)
    for product in data_list("boms.json"):
        for line in product["lines"]:
            if line.get("granted_footprint"):
                keys.setdefault(line["granted_footprint"], None)
    for share in data_list("shares.json"):
        for key in share["footprints"]:
            keys.setdefault(key, None)
    for upload in data_list("shipments.json"):
        text = data_file(upload["file"]).read_text(encoding="utf-8")
        for key in _FOOTPRINT_KEY.findall(text):
            keys.setdefault(key, None)
    return list(keys)


def _in_order(slugs: list[str]) -> list[str]:
    return list(dict.fromkeys(slugs))


def _run_recompute_jobs(buyer: Organisation, report: DemoExchangeReport) -> None:
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


def _figures(product: BuyerProduct) -> tuple[Decimal | None, str | None]:
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


def _product_row(
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
        cost_eur_per_t=current.get("cost_eur_per_t"),
        cost_all_defaults_eur_per_t=current.get("cost_all_defaults_eur_per_t"),
        lines=lines,
        before=before,
    )


# --------------------------------------------------------------------------- the steps


def _products(
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
            product = _call(buyer_product_create, actor=actor, organisation=buyer, data=data)
            report.created.append(f"{buyer.slug}: product {product.name} ({product.cn_code})")
        products[spec["key"]] = product
        for line_spec in spec["lines"]:
            if BomLine.objects.filter(product=product, position=line_spec["position"]).exists():
                continue
            data = {k: v for k, v in line_spec.items() if k not in _NOT_INPUT}
            if "own_product" in data:
                data["own_product"] = str(products[data["own_product"].lstrip("@")].pk)
            line = _call(bom_line_create, actor=actor, product=product, data=data)
            report.created.append(
                f"{buyer.slug}: line {line.position} of {product.name}: {line.cn_code}, "
                f"{line.mass_t_per_t.normalize():f} t/t, {line.source}"
            )


def _request(
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
        request = _call(request_send, actor=actor, buyer=buyer, data=data)
        report.created.append(
            f"{buyer.slug}: request to {to}, {period[0]}..{period[1]}, due {request.due_date}"
        )
    if supplier is None or not spec.get("fulfil_with"):
        return request, None
    if request.status == RequestStatus.OPEN:
        answer = [footprints[key].pk for key in spec["fulfil_with"]]
        request, grant = _call(
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


def _switch_granted_lines(
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
            _call(
                bom_line_update,
                actor=demo_actor(product.organisation, "preparer"),
                line=line,
                data={"source": "supplier_footprint", "footprint": str(footprint.pk)},
            )
            report.created.append(
                f"{product.organisation.slug}: line {line.position} of {product.name} now "
                f"uses the granted footprint {footprint.pk}"
            )


def _share(
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
        grant = _call(
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


def shipments_csv(name: str, footprints: dict[str, Footprint]) -> bytes:
    """The demo CSV ``name`` with each ``@key`` replaced by the id of that footprint."""
    text = data_file(name).read_text(encoding="utf-8")
    return _FOOTPRINT_KEY.sub(lambda m: str(footprints[m.group(1)].pk), text).encode("utf-8")


def _upload(
    importer: Organisation, name: str, footprints: dict[str, Footprint], report: DemoExchangeReport
) -> dict[str, Any]:
    """Upload the CSV ``name`` as the importer's preparer, unless the importer has an upload
    of that name already: after a supplier corrected a footprint the file would name the
    correction, and its rows would clash with the shipments recorded from the first upload."""
    record: ShipmentImport | None = (
        shipment_imports_visible_to(organisation=importer)
        .filter(file_name=name)
        .order_by("created_at", "id")
        .first()
    )
    new = record is None
    if record is None:
        upload = SimpleUploadedFile(name, shipments_csv(name, footprints), content_type="text/csv")
        actor = demo_actor(importer, "preparer")
        record, new = shipments_import_csv(actor=actor, organisation=importer, upload=upload)
    imported = record.report.get("imported", [])
    failed = record.report.get("failed", [])
    if failed:
        first = failed[0]["problems"][0]["message"]
        raise DemoSeedError(f"{len(failed)} row(s) of {name} failed to import; first: {first}")
    already = record.report.get("already_present", [])
    if new:
        report.created.append(
            f"{importer.slug}: uploaded {record.file_name}: {len(imported)} shipment(s) "
            f"imported, {len(already)} already present"
        )
    return {
        "import_id": str(record.pk),
        "file": record.file_name,
        "new": new,
        "rows_total": record.rows_total,
        "imported": [(row["line"], row["reference"]) for row in imported],
        "already_present": len(already),
    }


def _importer(
    spec: dict[str, Any], footprints: dict[str, Footprint], report: DemoExchangeReport
) -> ImporterRow:
    importer = demo_organisation(spec["organisation"])
    upload = _upload(importer, spec["file"], footprints, report)
    user = demo_actor(importer, "preparer").user
    threshold = threshold_report(organisation=importer, year=spec["year"], user=user)
    status = threshold.status
    return ImporterRow(
        organisation=importer.slug,
        upload=upload,
        threshold={
            "level": str(status.level),
            "exceeded": status.exceeded,
            "counted_mass_t": status.counted_mass_t,
            "counted_shipments": status.counted_shipments,
            "crossed_by": status.crossed_by.reference if status.crossed_by else None,
            "crossed_on": status.crossed_on,
            "message": status.messages[0] if status.messages else "",
            "warnings": [w.message for w in threshold.splitting_warnings],
        },
        declaration=declaration_document(
            declaration_report(organisation=importer, year=spec["year"])
        ),
    )


def _chase(buyer: Organisation) -> list[str]:
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


# --------------------------------------------------------------------------- the seed


@transaction.atomic
def demo_exchange_seed(*, today: date | None = None) -> DemoExchangeReport:
    """Play the demo story (module docstring); one transaction, so a failure leaves nothing
    half-made. Raises ``DemoSeedError`` naming what is missing."""
    today = today or timezone.localdate()
    report = DemoExchangeReport()
    # Everything the story names must exist before anything is written.
    footprints = {key: _published(key) for key in _footprint_keys()}
    boms = data_list("boms.json")
    buyers = [demo_organisation(slug) for slug in _in_order([b["organisation"] for b in boms])]

    # 1. The buyers' products, granted lines still on the default value: the "before".
    products: dict[str, BuyerProduct] = {}
    for buyer in buyers:
        specs = [b for b in boms if b["organisation"] == buyer.slug]
        _products(buyer, specs, demo_actor(buyer, "preparer"), products, report)
        _run_recompute_jobs(buyer, report)
    before = {key: _figures(product) for key, product in products.items()}

    # 2-3. The requests, sent and fulfilled (a grant) or waiting for an invited supplier.
    answered = [_request(spec, footprints, today, report) for spec in data_list("requests.json")]

    # 4. The granted lines on the granted footprints; SEE and exposure again.
    switched = len(report.created)
    _switch_granted_lines(products, footprints, report)
    for buyer in buyers:
        _run_recompute_jobs(buyer, report)
    changed_now = len(report.created) > switched

    for key, product in products.items():
        report.products.append(_product_row(product, before[key] if changed_now else None))
    for buyer in buyers:
        report.chase[buyer.slug] = _chase(buyer)
    for request, grant in answered:
        request.refresh_from_db()
        supplier = (
            request.supplier.slug if request.supplier else f"{request.supplier_email} (invited)"
        )
        report.requests.append(
            RequestRow(
                request_id=str(request.pk),
                label=request_label(request),
                buyer=request.buyer.slug,
                supplier=supplier,
                status=request.status,
                due_date=request.due_date,
                grant_id=str(grant.pk) if grant else None,
            )
        )
        if grant is not None:
            report.grants.append(
                f"{grant.pk}: {supplier} -> {request.buyer.slug} (request {request.pk})"
            )

    # 5. Proactive shares; the importers' shipments, threshold and declaration.
    for spec in data_list("shares.json"):
        _share(spec, footprints, report)
    for spec in data_list("shipments.json"):
        report.importers.append(_importer(spec, footprints, report))
    return report


def see(value: Decimal | None) -> str:
    """A SEE for the report, as the API shows it (5 decimals)."""
    return "-" if value is None else str(round_see(value))
