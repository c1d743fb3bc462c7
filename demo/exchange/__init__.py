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
6. The association (``metals-carbon-association``) runs a data pool (``pools.json``,
   ``demo.exchange.pools``): six mills join and contribute their coil, the association
   publishes the first signed release of the sector statistics.

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

from datetime import date

from django.db import transaction
from django.utils import timezone

from demo.exchange.boms import (
    chase_rows,
    granted_lines_switch,
    product_figures,
    product_row,
    products_enter,
    recompute_jobs_run,
)
from demo.exchange.declarations import footprint_keys_in, importer_play
from demo.exchange.pools import pool_play
from demo.exchange.report import DemoExchangeReport, RequestRow
from demo.exchange.sharing import request_play, share_play
from demo.world import (
    DemoSeedError,
    data_list,
    demo_actor,
    demo_organisation,
    footprint_current,
    footprint_spec,
)
from exchange.boms.models import BuyerProduct
from exchange.sharing.services.requests import request_label
from suppliers.models import Footprint, FootprintStatus


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
        for key in footprint_keys_in(upload["file"]):
            keys.setdefault(key, None)
    for pool in data_list("pools.json"):
        for member in pool["members"]:
            for key in member["contribute"]:
                keys.setdefault(key, None)
    return list(keys)


def _in_order(slugs: list[str]) -> list[str]:
    return list(dict.fromkeys(slugs))


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
        products_enter(buyer, specs, demo_actor(buyer, "preparer"), products, report)
        recompute_jobs_run(buyer, report)
    before = {key: product_figures(product) for key, product in products.items()}

    # 2-3. The requests, sent and fulfilled (a grant) or waiting for an invited supplier.
    answered = [
        request_play(spec, footprints, today, report) for spec in data_list("requests.json")
    ]

    # 4. The granted lines on the granted footprints; SEE and exposure again.
    switched = len(report.created)
    granted_lines_switch(products, footprints, report)
    for buyer in buyers:
        recompute_jobs_run(buyer, report)
    changed_now = len(report.created) > switched

    for key, product in products.items():
        report.products.append(product_row(product, before[key] if changed_now else None))
    for buyer in buyers:
        report.chase[buyer.slug] = chase_rows(buyer)
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
        share_play(spec, footprints, report)
    for spec in data_list("shipments.json"):
        report.importers.append(importer_play(spec, footprints, report))

    # 6. The association's data pool: the mills join and contribute; the first release.
    for spec in data_list("pools.json"):
        pool_play(spec, footprints, report)
    return report
