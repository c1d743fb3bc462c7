"""The demo world of issue 6, as data, and the seed that enters it through the services.

``manage.py seed_demo_exchange`` (after ``seed_demo`` and ``seed_demo_footprints``) plays the
story of the issue with the demo users, the way they would through the API:

1. ``ningbo-fasteners`` (the screw maker, its preparer) defines its products: flat washers
   stamped from hot-rolled coil, and hexagon bolts made from bought wire rod and its own
   washers (two tiers). The coil line starts on the EU default value, since the mill has not
   answered yet; the aggregation runs (the ``boms.recompute`` work rows the services enqueue,
   executed here in-process) and stores SEE and exposure: the "before" figures.
2. It requests the footprint of the coil from ``hebei-steel`` (2026, a quantity, due in three
   weeks, a message) and invites its wire-rod supplier, which is not on the platform, by
   e-mail (an open request waiting to be claimed, and an invitation work row).
3. ``hebei-steel`` (its preparer) fulfils the request with its published, verified 2026 coil
   footprint: a grant.
4. ``ningbo-fasteners`` switches the coil line to the granted footprint; the aggregation runs
   again: the washers' and the bolts' SEE and EUR per tonne drop, and the wire-rod line, still
   on the default value, shows what it costs and what its data would save (the chase list).
5. ``hebei-steel`` (its admin) also shares the coil footprint with ``rhein-import``, which
   uploads its 2026 shipments (``demo_data/shipments-2026.csv``; the two coil shipments name
   the shared footprint, the others use default values) and reads its de minimis status and
   its declaration summary for 2026.

The hot-rolled coil is the footprint asked for because it is the mill's verified one: the
wire rod's published footprint has no verification statement, so its "default value must be
used" decision (``CBAM-VERIFY-001``) would keep a buyer's line on the default value even with
a grant, and the SEE would not move.

All names and figures are fictitious but plausible. The CSV names the footprint by its demo
key (``@hrc-2026``, see ``suppliers.demo.DEMO_FOOTPRINTS``); the seed puts the footprint's id
in its place before uploading, as an importer would paste the id from the shared footprint.

Idempotent: requests are found by buyer, supplier and product, grants by request (or, for the
proactive share, by buyer and lineage), products by name and CN code, lines by position, the
upload by its SHA-256 (the import service answers the first report); whatever exists is left
as it is. Nothing is written except through the services of ``exchange.sharing``,
``exchange.boms`` and ``exchange.declarations``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.audit import Actor
from accounts.models import Organisation, User
from cbam.rounding import round_money, round_see
from core.errors import ValidationFailed
from core.jobs import job_execute
from core.models import Job
from exchange.boms.models import AggregationResult, AggregationStatus, BomLine, BuyerProduct
from exchange.boms.selectors import chase_list
from exchange.boms.services.lines import bom_line_create, bom_line_update
from exchange.boms.services.products import buyer_product_create
from exchange.boms.services.recompute import RECOMPUTE_JOB
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
from suppliers.demo import DEMO_FOOTPRINTS, DemoSeedError, demo_actor
from suppliers.models import Footprint, FootprintStatus, Product

YEAR = 2026
PERIOD = (date(YEAR, 1, 1), date(YEAR, 12, 31))
SHIPMENTS_CSV = Path(__file__).resolve().parent / "demo_data" / "shipments-2026.csv"

BUYER = {"organisation": "ningbo-fasteners", "domain": "ningbo-fasteners.example"}
MILL = {"organisation": "hebei-steel", "domain": "hebei-steel.example"}
IMPORTER = {"organisation": "rhein-import", "domain": "rhein-import.example"}

#: The footprint of ``suppliers.demo.DEMO_FOOTPRINTS`` the screw maker asks the mill for.
MILL_FOOTPRINT_KEY = "hrc-2026"

#: ningbo-fasteners asks the mill for the footprint of the coil it stamps its washers from.
MILL_REQUEST: dict[str, Any] = {
    "footprint": MILL_FOOTPRINT_KEY,
    "quantity_t": Decimal("1850"),
    "due_in_days": 21,
    "message": "We stamp DIN 125 / ISO 7089 washers from your hot-rolled coil (< 3 mm) and "
    "export them to the EU, alone and with our hexagon bolts. Please share your verified 2026 "
    "footprint so that our EU customers need not use the default value. 谢谢!",
}

#: ... and invites its wire-rod supplier, which is not on the platform, by e-mail.
INVITED_REQUEST: dict[str, Any] = {
    "supplier_email": "sales@changzhou-tianrun-wire.example",
    "supplier_name": "Changzhou Tianrun Special Wire Rod Co., Ltd.",
    "cn_code": "72139170",
    "description": "Hot-rolled wire rod for cold heading, SWRCH35K (C 0.32-0.38 %), 13 mm, "
    "in coils",
    "quantity_t": Decimal("2400"),
    "due_in_days": 28,
    "message": "Our hexagon bolts (class 8.8) are made from your SWRCH35K wire rod. Without your "
    "data our EU customers pay for it on the default value with a 10 % mark-up. Please join "
    "CBAM Exchange with this address and answer with your verified 2026 footprint.",
}

#: ningbo-fasteners' products, in the order they are created (a product named by
#: ``own_product`` comes first). Per-tonne figures: ``mass_t_per_t`` is the total mass
#: consumed per tonne of product, scrap and cut-offs included (IR 2025/2547 Annex III B).
#: A line with ``granted_footprint`` is entered on the default value and switched to that
#: footprint of the mill once the mill has granted it.
BUYER_PRODUCTS: list[dict[str, Any]] = [
    {
        "key": "washers",
        "name": "Flat washers ISO 7089 (DIN 125-A), M6-M24, zinc-plated",
        "cn_code": "73182200",
        "country_of_production": "CN",
        "reference": "NHF-W-7089",
        "production_route": "C",
        # Drying oven on natural gas: 0.006 tCO2e/t; presses and electroplating: 180 kWh/t on
        # the Chinese grid factor (the product's electricity factor is left empty).
        "direct_tco2e_per_t": "0.006",
        "electricity_mwh_per_t": "0.18",
        "lines": [
            {
                "position": 1,
                "cn_code": "72083900",
                "description": "Hot-rolled coil < 3 mm, slit to strip; punched centres and "
                "strip skeleton sold as scrap",
                "mass_t_per_t": "1.38",
                "country_of_origin": "CN",
                "source": "default_value",
                "supplier_name": "Hebei Hengyue Iron and Steel Co., Ltd.",
                "granted_footprint": MILL_FOOTPRINT_KEY,
            }
        ],
    },
    {
        "key": "bolts",
        "name": "Hexagon bolts ISO 4017 M12 x 60, property class 8.8, with flat washer",
        "cn_code": "73181588",
        "country_of_production": "CN",
        "reference": "NHF-B-4017-M12",
        "production_route": "C",
        # Quench-and-temper furnace on natural gas: 0.085 tCO2e/t; wire drawing, cold heading,
        # thread rolling, induction and plating: 460 kWh/t.
        "direct_tco2e_per_t": "0.085",
        "electricity_mwh_per_t": "0.46",
        "lines": [
            {
                "position": 1,
                "cn_code": "72139170",
                "description": "Wire rod SWRCH35K, 13 mm, drawn in-house; drawing, heading and "
                "threading scrap included",
                "mass_t_per_t": "1.07",
                "country_of_origin": "CN",
                "source": "default_value",
                "supplier_name": INVITED_REQUEST["supplier_name"],
            },
            {
                "position": 2,
                "description": "One flat washer per bolt (6.3 g per 66 g bolt)",
                "mass_t_per_t": "0.095",
                "country_of_origin": "CN",
                "source": "own_product",
                "own_product": "@washers",
            },
        ],
    },
]


@dataclass(frozen=True)
class RequestRow:
    request_id: str
    label: str
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


@dataclass
class DemoExchangeReport:
    created: list[str] = field(default_factory=list)
    requests: list[RequestRow] = field(default_factory=list)
    grants: list[str] = field(default_factory=list)
    products: list[ProductRow] = field(default_factory=list)
    chase: list[str] = field(default_factory=list)
    jobs_run: int = 0
    upload: dict[str, Any] = field(default_factory=dict)
    threshold: dict[str, Any] = field(default_factory=dict)
    declaration: dict[str, Any] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.created)


# --------------------------------------------------------------------------- helpers


def _organisation(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise DemoSeedError(f"the demo organisation {slug!r} does not exist: run seed_demo first.")
    return organisation


def _mill_footprint(mill: Organisation, key: str) -> Footprint:
    """The published footprint of ``suppliers.demo`` named ``key`` (the newest version)."""
    spec = next(
        (
            f
            for producer in DEMO_FOOTPRINTS
            if producer["organisation"] == mill.slug
            for f in producer["footprints"]
            if f["key"] == key
        ),
        None,
    )
    if spec is None:
        raise DemoSeedError(f"no demo footprint {key!r} of {mill.slug} in suppliers.demo.")
    start, end = (date.fromisoformat(d) for d in spec["period"])
    footprint = (
        Footprint.objects.filter(
            organisation=mill,
            product__name=spec["product"],
            installation__name_latin=spec["installation"],
            period_start=start,
            period_end=end,
            status=FootprintStatus.PUBLISHED,
        )
        .select_related("product", "installation")
        .order_by("-created_at", "-id")
        .first()
    )
    if footprint is None:
        raise DemoSeedError(
            f"{mill.slug} has no published footprint {key!r} ({spec['product']}, "
            f"{start}..{end}): run seed_demo_footprints first."
        )
    return footprint


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
    buyer: Organisation, actor: Actor, report: DemoExchangeReport
) -> dict[str, BuyerProduct]:
    """Create the buyer's products and lines that do not exist yet (granted lines on the
    default value for now)."""
    products: dict[str, BuyerProduct] = {}
    for spec in BUYER_PRODUCTS:
        product = BuyerProduct.objects.filter(
            organisation=buyer, name=spec["name"], cn_code=spec["cn_code"]
        ).first()
        if product is None:
            data = {k: v for k, v in spec.items() if k not in ("key", "lines")}
            product = _call(buyer_product_create, actor=actor, organisation=buyer, data=data)
            report.created.append(f"{buyer.slug}: product {product.name} ({product.cn_code})")
        products[spec["key"]] = product
        for line_spec in spec["lines"]:
            if BomLine.objects.filter(product=product, position=line_spec["position"]).exists():
                continue
            data = {k: v for k, v in line_spec.items() if k != "granted_footprint"}
            if "own_product" in data:
                data["own_product"] = str(products[data["own_product"].lstrip("@")].pk)
            line = _call(bom_line_create, actor=actor, product=product, data=data)
            report.created.append(
                f"{buyer.slug}: line {line.position} of {product.name}: {line.cn_code}, "
                f"{line.mass_t_per_t.normalize():f} t/t, {line.source}"
            )
    return products


def _call(service: Any, **kwargs: Any) -> Any:
    try:
        return service(**kwargs)
    except ValidationFailed as exc:
        raise DemoSeedError(f"{service.__name__}: {exc.message} {exc.extra}") from exc


def _sent_request(buyer: Organisation, **match: Any) -> FootprintRequest | None:
    """The oldest request ``buyer`` sent for the demo period that matches ``match``: seeding
    again finds it instead of sending another."""
    return (
        FootprintRequest.objects.filter(
            buyer=buyer, period_start=PERIOD[0], period_end=PERIOD[1], **match
        )
        .order_by("created_at", "id")
        .first()
    )


def _mill_request(
    buyer: Organisation,
    mill: Organisation,
    footprint: Footprint,
    buyer_actor: Actor,
    mill_actor: Actor,
    today: date,
    report: DemoExchangeReport,
) -> tuple[FootprintRequest, Grant]:
    product: Product = footprint.product
    request = _sent_request(
        buyer,
        supplier=mill,
        supplier_product=product,
        status__in=(RequestStatus.OPEN, RequestStatus.FULFILLED),
    )
    if request is None:
        request = _call(
            request_send,
            actor=buyer_actor,
            buyer=buyer,
            data=RequestInput(
                period_start=PERIOD[0],
                period_end=PERIOD[1],
                due_date=today + timedelta(days=MILL_REQUEST["due_in_days"]),
                supplier=mill.slug,
                supplier_product=product.pk,
                installation=footprint.installation_id,
                quantity_t=MILL_REQUEST["quantity_t"],
                message=MILL_REQUEST["message"],
            ),
        )
        report.created.append(
            f"{buyer.slug}: request to {mill.slug} for {product.name} ({product.cn_code}), "
            f"{YEAR}, due {request.due_date}"
        )
    if request.status == RequestStatus.OPEN:
        request, grant = _call(
            request_fulfil, actor=mill_actor, request=request, footprints=[footprint.pk]
        )
        report.created.append(
            f"{mill.slug}: request fulfilled with footprint {footprint.pk} -> grant {grant.pk}"
        )
    else:
        found = Grant.objects.filter(request=request).order_by("created_at", "id").first()
        if found is None:
            raise DemoSeedError(f"request {request.pk} is fulfilled but has no grant.")
        grant = found
    return request, grant


def _invited_request(
    buyer: Organisation, actor: Actor, today: date, report: DemoExchangeReport
) -> FootprintRequest:
    spec = INVITED_REQUEST
    request = _sent_request(buyer, supplier_email=spec["supplier_email"], cn_code=spec["cn_code"])
    if request is None:
        request = _call(
            request_send,
            actor=actor,
            buyer=buyer,
            data=RequestInput(
                period_start=PERIOD[0],
                period_end=PERIOD[1],
                due_date=today + timedelta(days=spec["due_in_days"]),
                supplier_email=spec["supplier_email"],
                supplier_name=spec["supplier_name"],
                cn_code=spec["cn_code"],
                description=spec["description"],
                quantity_t=spec["quantity_t"],
                message=spec["message"],
            ),
        )
        report.created.append(
            f"{buyer.slug}: invitation to {spec['supplier_email']} ({spec['supplier_name']}) "
            f"for CN {spec['cn_code']}, {YEAR}, due {request.due_date}"
        )
    return request


def _switch_granted_lines(
    products: dict[str, BuyerProduct],
    footprints: dict[str, Footprint],
    actor: Actor,
    report: DemoExchangeReport,
) -> None:
    for spec in BUYER_PRODUCTS:
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
                actor=actor,
                line=line,
                data={"source": "supplier_footprint", "footprint": str(footprint.pk)},
            )
            report.created.append(
                f"{product.organisation.slug}: line {line.position} of {product.name} now "
                f"uses the granted footprint {footprint.pk}"
            )


def _share_with_importer(
    mill: Organisation,
    importer: Organisation,
    footprint: Footprint,
    actor: Actor,
    report: DemoExchangeReport,
) -> Grant:
    grant = (
        Grant.objects.filter(
            supplier=mill,
            buyer=importer,
            request__isnull=True,
            revoked_at__isnull=True,
            footprints__lineage=footprint.lineage,
        )
        .order_by("created_at", "id")
        .first()
    )
    if grant is None:
        grant = _call(
            grant_share, actor=actor, supplier=mill, buyer=importer, footprints=[footprint.pk]
        )
        report.created.append(
            f"{mill.slug}: shared footprint {footprint.pk} with {importer.slug} -> grant {grant.pk}"
        )
    return grant


def shipments_csv(footprints: dict[str, Footprint]) -> bytes:
    """The demo CSV with each ``@key`` replaced by the id of that footprint."""
    text = SHIPMENTS_CSV.read_text(encoding="utf-8")
    for key, footprint in footprints.items():
        text = text.replace(f"@{key}", str(footprint.pk))
    if "@" in text:
        raise DemoSeedError(f"{SHIPMENTS_CSV.name} names a footprint key the seed does not know.")
    return text.encode("utf-8")


def _upload(
    importer: Organisation,
    actor: Actor,
    footprints: dict[str, Footprint],
    report: DemoExchangeReport,
) -> None:
    upload = SimpleUploadedFile(
        SHIPMENTS_CSV.name, shipments_csv(footprints), content_type="text/csv"
    )
    record, new = shipments_import_csv(actor=actor, organisation=importer, upload=upload)
    imported = record.report.get("imported", [])
    failed = record.report.get("failed", [])
    if failed:
        first = failed[0]["problems"][0]["message"]
        raise DemoSeedError(
            f"{len(failed)} row(s) of {SHIPMENTS_CSV.name} failed to import; first: {first}"
        )
    if new:
        report.created.append(
            f"{importer.slug}: uploaded {record.file_name}: {len(imported)} shipment(s) imported, "
            f"{len(record.report.get('already_present', []))} already present"
        )
    report.upload = {
        "import_id": str(record.pk),
        "file": record.file_name,
        "new": new,
        "rows_total": record.rows_total,
        "imported": [(row["line"], row["reference"]) for row in imported],
        "already_present": len(record.report.get("already_present", [])),
    }


def _importer_reports(
    importer: Organisation, user: User | None, report: DemoExchangeReport
) -> None:
    threshold = threshold_report(organisation=importer, year=YEAR, user=user)
    status = threshold.status
    report.threshold = {
        "level": str(status.level),
        "exceeded": status.exceeded,
        "counted_mass_t": status.counted_mass_t,
        "counted_shipments": status.counted_shipments,
        "crossed_by": status.crossed_by.reference if status.crossed_by else None,
        "crossed_on": status.crossed_on,
        "message": status.messages[0] if status.messages else "",
        "warnings": [w.message for w in threshold.splitting_warnings],
    }
    report.declaration = declaration_document(declaration_report(organisation=importer, year=YEAR))


# --------------------------------------------------------------------------- the seed


@transaction.atomic
def demo_exchange_seed(*, today: date | None = None) -> DemoExchangeReport:
    """Play the demo story (module docstring); one transaction, so a failure leaves nothing
    half-made. Raises ``DemoSeedError`` naming what is missing."""
    today = today or timezone.localdate()
    report = DemoExchangeReport()
    buyer = _organisation(BUYER["organisation"])
    mill = _organisation(MILL["organisation"])
    importer = _organisation(IMPORTER["organisation"])
    buyer_actor = demo_actor(buyer, BUYER["domain"], "preparer")
    mill_preparer = demo_actor(mill, MILL["domain"], "preparer")
    mill_admin = demo_actor(mill, MILL["domain"], "admin")
    importer_actor = demo_actor(importer, IMPORTER["domain"], "preparer")
    footprints = {MILL_FOOTPRINT_KEY: _mill_footprint(mill, MILL_FOOTPRINT_KEY)}

    # 1. The screw maker's products, the coil still on the default value: the "before".
    products = _products(buyer, buyer_actor, report)
    _run_recompute_jobs(buyer, report)
    before = {key: _figures(product) for key, product in products.items()}

    # 2-3. The request to the mill, fulfilled; the invitation of the wire-rod supplier.
    request, grant = _mill_request(
        buyer,
        mill,
        footprints[MILL_FOOTPRINT_KEY],
        buyer_actor,
        mill_preparer,
        today,
        report,
    )
    invited = _invited_request(buyer, buyer_actor, today, report)

    # 4. The coil line on the granted footprint; SEE and exposure again.
    switched = len(report.created)
    _switch_granted_lines(products, footprints, buyer_actor, report)
    _run_recompute_jobs(buyer, report)
    changed_now = len(report.created) > switched

    for key, product in products.items():
        report.products.append(_product_row(product, before[key] if changed_now else None))
    for entry in chase_list(organisation=buyer)[:5]:
        report.chase.append(
            f"{entry.product_name} line {entry.position} ({entry.cn_code}, "
            f"{entry.supplier_name or 'no supplier named'}, {entry.use}): saves "
            f"{round_money(entry.saving_eur_per_t)} EUR/t"
            + (
                f" (estimate {round_money(entry.saving_estimate_eur_per_t)})"
                if entry.saving_estimate_eur_per_t is not None and entry.use == "default"
                else ""
            )
        )
    for row in (request, invited):
        row.refresh_from_db()
        report.requests.append(
            RequestRow(
                request_id=str(row.pk),
                label=request_label(row),
                supplier=row.supplier.slug if row.supplier else f"{row.supplier_email} (invited)",
                status=row.status,
                due_date=row.due_date,
                grant_id=str(grant.pk) if row.pk == request.pk else None,
            )
        )

    # 5. The importer: a proactive share, the shipments, the threshold and the declaration.
    shared = _share_with_importer(
        mill, importer, footprints[MILL_FOOTPRINT_KEY], mill_admin, report
    )
    report.grants = [
        f"{grant.pk}: {mill.slug} -> {buyer.slug} (request {request.pk})",
        f"{shared.pk}: {mill.slug} -> {importer.slug} (shared proactively)",
    ]
    _upload(importer, importer_actor, footprints, report)
    _importer_reports(importer, importer_actor.user, report)
    return report


def see(value: Decimal | None) -> str:
    """A SEE for the report, as the API shows it (5 decimals)."""
    return "-" if value is None else str(round_see(value))
