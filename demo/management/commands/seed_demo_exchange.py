"""``manage.py seed_demo_exchange``: the demo story of the exchange (requests, grants, the
screw maker's bills of materials and exposure, the importer's shipments, threshold and
declaration) entered through the services by the demo users; idempotent. Run after
``seed_demo`` and ``seed_demo_footprints``; the data is ``demo/data/boms.json``,
``requests.json``, ``shares.json``, ``shipments.json`` and the shipment CSVs, the code
``demo.exchange``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cbam.rounding import round_money
from core.errors import ApplicationError
from demo.exchange import demo_exchange_seed
from demo.exchange.report import DemoExchangeReport, ImporterRow, see
from demo.world import DemoSeedError


def _money(value: Decimal | str | None) -> str:
    return "-" if value is None else str(round_money(Decimal(str(value))))


class Command(BaseCommand):
    help = (
        "Play the demo exchange: the screw maker requests a footprint from the steel mill, "
        "the mill fulfils it, the products' SEE and exposure are computed, the importer "
        "uploads its 2026 shipments (idempotent)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo_exchange acts as the demo users; it refuses to run with DEBUG off"
            )
        try:
            report = demo_exchange_seed()
        except (DemoSeedError, ApplicationError) as exc:
            raise CommandError(f"cannot seed the demo exchange: {exc}") from exc
        self._print(report)

    def _print(self, report: DemoExchangeReport) -> None:
        write = self.stdout.write
        for change in report.created:
            write(f"created: {change}")
        write(
            self.style.SUCCESS(
                "Demo exchange ready:"
                if report.changed
                else "Demo exchange already in place; nothing created:"
            )
        )
        write("  Footprint requests")
        for r in report.requests:
            grant = f", grant {r.grant_id}" if r.grant_id else ""
            write(
                f"    {r.request_id}  {r.status:<9}  {r.buyer} to {r.supplier}: {r.label}, due "
                f"{r.due_date}{grant}"
            )
        write("  Grants")
        for g in report.grants:
            write(f"    {g}")
        write("  Buyers' products (SEE in tCO2e/t: direct / counted indirect / counted)")
        for p in report.products:
            price = _money(p.certificate_price_eur)
            write(
                f"    {p.product_id}  {p.organisation}: {p.name} ({p.cn_code}): "
                f"{see(p.see_direct)} / {see(p.see_indirect_counted)} / {see(p.see_counted)}, "
                f"default share {see(p.default_share)}; {p.year} at {price} EUR: "
                f"{_money(p.cost_eur_per_t)} EUR/t (all on defaults: "
                f"{_money(p.cost_all_defaults_eur_per_t)} EUR/t)"
            )
            if p.certificate_price_label:
                write(f"      certificate price: {p.certificate_price_label}")
            if p.before is not None:
                write(
                    f"      before the mill's data: {see(p.before[0])} tCO2e/t, "
                    f"{_money(p.before[1])} EUR/t"
                )
            for line in p.lines:
                reasons = f" [{', '.join(line.reasons)}]" if line.reasons else ""
                saving = ""
                if line.use == "default":
                    saving = (
                        f", data would save {_money(line.saving_sure_eur_per_t)} EUR/t for sure, "
                        f"about {_money(line.saving_estimate_eur_per_t)} EUR/t"
                    )
                elif line.use == "actual":
                    saving = f", its data saves {_money(line.saving_sure_eur_per_t)} EUR/t"
                write(
                    f"      line {line.position} {line.cn_code} {line.supplier_name or '(own)'}: "
                    f"{line.use}{reasons}, costs {_money(line.cost_eur_per_t)} EUR/t{saving}"
                )
        for buyer, chase in report.chase.items():
            write(f"  Chase list of {buyer} (largest saving first)")
            for entry in chase:
                write(f"    {entry}")
        for importer in report.importers:
            self._print_importer(importer)
        if report.jobs_run:
            write(f"  ({report.jobs_run} recompute job(s) run in-process.)")

    def _print_importer(self, importer: ImporterRow) -> None:
        write = self.stdout.write
        up = importer.upload
        write(
            f"  Shipments of {importer.organisation}: {up['file']} (import {up['import_id']}, "
            f"{'new' if up['new'] else 'uploaded before: nothing imported again'}"
            f"): {len(up['imported'])} of {up['rows_total']} rows imported"
        )
        for number, reference in up["imported"]:
            write(f"    line {number}: {reference}")
        t = importer.threshold
        d = importer.declaration
        write(
            f"  Threshold {d['year']}: {t['level']}, "
            f"{t['counted_mass_t'].normalize():f} t in {t['counted_shipments']} shipments"
            + (f", crossed by {t['crossed_by']} on {t['crossed_on']}" if t["crossed_by"] else "")
        )
        write(f"    {t['message']}")
        for warning in t["warnings"]:
            write(f"    warning: {warning}")
        totals = d["totals"]
        write(
            f"  Declaration {d['year']} (deadline "
            f"{d['deadline']}): embedded {totals['embedded_emissions_tco2e']} tCO2e, free "
            f"allocation adjustment {totals['free_allocation_adjustment_tco2e']} tCO2e, "
            f"certificates {totals['certificates']} ({totals['certificates_to_surrender']} to "
            f"surrender), EUR {totals['cost_eur']}"
        )
        for price in d["certificate_prices"]:
            write(
                f"    certificate price ({price['basis']}): {price['label']}; "
                f"{price['shipments']} shipments, EUR {price['cost_eur']}"
            )
        for row in d["rows"]:
            write(
                f"    {row['cn_code']} {row['country_of_origin']} {row['basis']:<8} "
                f"{row['quantity']} {row['unit']} ({row['shipments']} shipments, "
                f"{row['installation']}): {row['embedded_emissions_tco2e']} tCO2e, "
                f"{row['certificates']} certificates, EUR {row['cost_eur']}"
            )
