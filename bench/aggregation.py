"""Benchmark: re-aggregating a buyer's bills of materials after one supplier footprint changes.

A buyer with ``--products`` products (default 1,000) over three tiers, each with 20 BOM lines:

- tier 1 (60 %): 20 supplier lines (billets, pig iron, coil from granted footprints);
- tier 2 (30 %): 5 own tier-1 products + 15 supplier lines;
- tier 3 (10 %): 5 own tier-2 products + 15 supplier lines.

``--suppliers`` supplier organisations (default 20) each publish ``--footprints-per-supplier``
footprints (default 100) and grant them all to the buyer; one supplier in five is on default
values (its decision says so). Lines pick their footprint at random (fixed seed).

Measured in the same run, in this process, on the same PostgreSQL database:

1. full: ``products_recompute`` of every product (what a new reference-data version costs);
2. incremental: a new published version of one footprint lineage, then the ``boms.recompute``
   handler's call for that lineage (``recompute_from_payload``): the products whose lines use
   the lineage and the products made from them; the unchanged own products they are made
   from are read from their stored results (``as_precursor``), not recomputed.

The database (``cbam_bench_aggregation`` on the server of ``DATABASE_URL``, or
postgres://postgres@127.0.0.1:5432) is created, migrated, seeded with the shipped reference
data and dropped at the end. Goals: incremental under 1 s, full under 10 s.

Run: ``.venv/bin/python bench/aggregation.py [--products 1000]``. Figures go to
docs/benchmarks.md ("Aggregation").
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._support import database_create, database_drop, database_urls  # noqa: E402

DB_NAME = "cbam_bench_aggregation"
TODAY = date(2026, 11, 21)
SUPPLIER_GOODS = (("72071114", "C"), ("72083900", "C"), ("72011011", ""))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=20)
    parser.add_argument("--suppliers", type=int, default=20)
    parser.add_argument("--footprints-per-supplier", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3, help="incremental runs (median shown)")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--profile", action="store_true", help="cProfile the full recompute")
    return parser.parse_args()


def django_setup(bench_url: str, var_dir: Path) -> None:
    os.environ["DATABASE_URL"] = bench_url
    os.environ["CBAM_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault(
        "SECRET_KEY", "bench-only-7f3c9a1e5b2d4c6a8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f"
    )
    os.environ.setdefault("FIELD_ENCRYPTION_KEY", "ZGV2LW9ubHktZmllbGQtZW5jcnlwdGlvbi1rZXktMzI=")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    os.environ.setdefault("SITE_URL", "https://127.0.0.1")
    # Production settings need a broker; nothing is published (the recompute runs in process).
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")
    os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/13")
    import django

    django.setup()


def _footprint(org: Any, product: Any, installation: Any, see: Decimal, **extra: Any) -> Any:
    from django.utils import timezone

    from suppliers.models import Footprint

    fid = uuid.uuid4()
    return Footprint(
        id=fid,
        organisation=org,
        product=product,
        installation=installation,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        status="published",
        published_at=timezone.now(),
        attributed_direct_tco2e=see * 1000,
        activity_level_t=Decimal(1000),
        signed_document=b"{}",
        signature="bench",
        see_direct=see,
        see_indirect=Decimal("0.1"),
        see_total=see + Decimal("0.1"),
        lineage=extra.pop("lineage", fid),
        **extra,
    )


def _decision(footprint: Any, allowed: bool) -> Any:
    from django.utils import timezone

    from suppliers.models import DefaultValueDecisionRecord

    reasons = (
        []
        if allowed
        else [{"code": "CBAM-VERIFICATION-001", "path": "verification", "message_en": "none"}]
    )
    return DefaultValueDecisionRecord(
        footprint=footprint,
        actual_data_allowed=allowed,
        reasons=reasons,
        year=2026,
        certificate_price_eur=Decimal("75.00"),
        inputs_fingerprint=f"bench-{footprint.pk}",
        computed_at=timezone.now(),
    )


def seed(args: argparse.Namespace) -> dict[str, Any]:
    from accounts.audit import Actor
    from accounts.models import Organisation
    from exchange.boms.models import BomLine, BuyerProduct, LineSource
    from exchange.sharing.models import Grant, GrantedFootprint
    from reference.services import reference_data_load_shipped
    from suppliers.models import DefaultValueDecisionRecord, Footprint, Installation, Product

    rng = random.Random(20261121)
    reference_data_load_shipped(actor=Actor.platform("bench"))
    buyer = Organisation.objects.create(
        slug="bench-buyer", legal_name="Bench Buyer", legal_name_latin="Bench Buyer", country="CN"
    )
    footprints: list[Any] = []
    decisions = []
    grants = []
    granted = []
    for s in range(args.suppliers):
        org = Organisation.objects.create(
            slug=f"supplier-{s}", legal_name=f"S{s}", legal_name_latin=f"Supplier {s}", country="CN"
        )
        installation = Installation.objects.create(
            organisation=org, name=f"Works {s}", name_latin=f"Works {s}", country="CN"
        )
        products = {
            cn: Product.objects.create(
                organisation=org,
                name=f"{cn} of {s}",
                cn_code=cn,
                category="Iron or steel products",
                benchmark_route=route,
            )
            for cn, route in SUPPLIER_GOODS
        }
        grant = Grant(supplier=org, buyer=buyer)
        grants.append(grant)
        on_defaults = s % 5 == 0
        for _ in range(args.footprints_per_supplier):
            cn, _route = rng.choice(SUPPLIER_GOODS)
            see = Decimal(rng.randint(150, 260)) / 100
            footprint = _footprint(org, products[cn], installation, see)
            footprints.append(footprint)
            decisions.append(_decision(footprint, not on_defaults))
            granted.append(GrantedFootprint(grant=grant, footprint=footprint, lineage=footprint.id))
    Footprint.objects.bulk_create(footprints)
    DefaultValueDecisionRecord.objects.bulk_create(decisions)
    Grant.objects.bulk_create(grants)
    GrantedFootprint.objects.bulk_create(granted)

    n = args.products
    tiers = [(int(n * 0.6), "72071114"), (int(n * 0.3), "72083900")]
    tiers.append((n - tiers[0][0] - tiers[1][0], "73181595"))
    products_by_tier: list[list[Any]] = []
    index = 0
    for size, cn in tiers:
        rows = [
            BuyerProduct(
                organisation=buyer,
                name=f"P{(index := index + 1):05d}",
                cn_code=cn,
                country_of_production="CN",
                production_route="C",
                direct_tco2e_per_t=Decimal("0.1"),
                electricity_mwh_per_t=Decimal("0.2"),
            )
            for _ in range(size)
        ]
        BuyerProduct.objects.bulk_create(rows)
        products_by_tier.append(rows)
    lines = []
    for tier, rows in enumerate(products_by_tier):
        for product in rows:
            position = 0
            own = 0 if tier == 0 else 5
            for below in rng.sample(products_by_tier[tier - 1], own) if own else []:
                position += 1
                lines.append(
                    BomLine(
                        product=product,
                        position=position,
                        cn_code=below.cn_code,
                        mass_t_per_t=Decimal("0.2"),
                        country_of_origin="CN",
                        source=LineSource.OWN_PRODUCT,
                        own_product=below,
                    )
                )
            for _ in range(args.lines - own):
                position += 1
                footprint = rng.choice(footprints)
                lines.append(
                    BomLine(
                        product=product,
                        position=position,
                        cn_code=footprint.product.cn_code,
                        mass_t_per_t=Decimal(rng.randint(1, 20)) / 100,
                        country_of_origin="CN",
                        source=LineSource.SUPPLIER_FOOTPRINT,
                        footprint=footprint,
                        lineage=footprint.lineage,
                        supplier=footprint.organisation,
                        supplier_name=footprint.organisation.legal_name_latin,
                    )
                )
    BomLine.objects.bulk_create(lines, batch_size=5000)
    return {"buyer": buyer, "footprints": footprints, "lines": len(lines), "rng": rng}


def new_version(world: dict[str, Any], rng: random.Random) -> Any:
    """A new published version of a random lineage used by the buyer (a supplier's correction)."""
    from exchange.boms.models import BomLine
    from suppliers.models import DefaultValueDecisionRecord

    used = list(BomLine.objects.filter(lineage__isnull=False).values_list("lineage", flat=True))
    lineage = rng.choice(used)
    old = next(f for f in world["footprints"] if f.lineage == lineage)
    footprint = _footprint(
        old.organisation,
        old.product,
        old.installation,
        Decimal(rng.randint(150, 260)) / 100,
        lineage=lineage,
        preceding=old,
    )
    footprint.save()
    DefaultValueDecisionRecord.objects.bulk_create([_decision(footprint, True)])
    return lineage


def main() -> None:
    args = parse_args()
    admin_url, bench_url = database_urls(DB_NAME)
    database_create(admin_url, DB_NAME)
    var_dir = Path(tempfile.mkdtemp(prefix="bench-aggregation-"))
    try:
        django_setup(bench_url, var_dir)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from exchange.boms.models import AggregationResult, BomLine
        from exchange.boms.services.aggregation import products_recompute, recompute_from_payload

        started = time.perf_counter()
        world = seed(args)
        print(
            f"seeded {args.products} products, {world['lines']} lines in "
            f"{time.perf_counter() - started:.1f} s"
        )
        buyer = world["buyer"]

        import cProfile
        import pstats

        profiler = None
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
        started = time.perf_counter()
        full = products_recompute(organisation_id=buyer.pk, today=TODAY)
        full_s = time.perf_counter() - started
        if profiler is not None:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
            profiler = None
        print(f"full recompute: {full} in {full_s:.2f} s")
        assert full["stored"] == args.products, full

        timings = []
        for _ in range(args.repeat):
            lineage = new_version(world, world["rng"])
            direct = BomLine.objects.filter(lineage=lineage).values("product_id").distinct().count()
            before = dict(AggregationResult.objects.values_list("product_id", "computed_at"))
            if args.profile:
                profiler = cProfile.Profile()
                profiler.enable()
            started = time.perf_counter()
            result = recompute_from_payload(
                payload={"lineages": [str(lineage)], "reason": "footprint.published"},
                organisation_id=buyer.pk,
            )
            elapsed = time.perf_counter() - started
            if profiler is not None:
                profiler.disable()
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
                profiler = None
            after = dict(AggregationResult.objects.values_list("product_id", "computed_at"))
            touched = sum(1 for k, v in after.items() if before.get(k) != v)
            timings.append(elapsed)
            print(
                f"incremental: lineage used directly by {direct} products, stored "
                f"{result['stored']} (changed rows {touched}) in {elapsed:.3f} s"
            )
        timings.sort()
        median = timings[len(timings) // 2]
        print(
            f"N={args.products} products x {args.lines} lines; full {full_s:.2f} s; incremental "
            f"median {median:.3f} s (runs {', '.join(f'{t:.3f}' for t in timings)}); "
            f"ratio full/incremental {full_s / median:.1f}"
        )
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            database_drop(admin_url, DB_NAME)


if __name__ == "__main__":
    main()
