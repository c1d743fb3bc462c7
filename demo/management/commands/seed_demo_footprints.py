"""``manage.py seed_demo_footprints``: the demo producers' installations, products and
footprints through the whole workflow (idempotent). Run after ``seed_demo`` and
``load_reference_data``; the data is ``demo/data/installations.json``, ``products.json`` and
``footprints.json``, the code ``demo.footprints``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from demo.footprints import demo_footprints_seed
from demo.world import DemoSeedError


def _figure(value: Decimal | None) -> str:
    return "-" if value is None else str(value)


class Command(BaseCommand):
    help = (
        "Create the demo producers' installations, products and footprints (draft, in review, "
        "published and signed) through the services and the workflow (idempotent)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo_footprints acts as the demo users; it refuses to run with DEBUG off"
            )
        try:
            report = demo_footprints_seed()
        except (DemoSeedError, ApplicationError) as exc:
            raise CommandError(f"cannot seed the demo footprints: {exc}") from exc
        for line in report.installations_created:
            self.stdout.write(f"installation created: {line}")
        for line in report.products_created:
            self.stdout.write(f"product created: {line}")
        self.stdout.write(
            self.style.SUCCESS(
                "Demo footprints ready (SEE in tCO2e/t: direct / indirect / total):"
                if report.changed
                else "Demo footprints already in place; nothing created "
                "(SEE in tCO2e/t: direct / indirect / total):"
            )
        )
        current = ""
        for row in report.footprints:
            if row.organisation != current:
                self.stdout.write(f"  {row.organisation}")
                current = row.organisation
            change = "created" if row.created else ("moved on" if row.moved else "existing")
            counted = "" if row.indirect_counts else ", CBAM counts direct only"
            self.stdout.write(
                f"    {row.footprint_id}  {row.status:<9}  {row.product} ({row.cn_code}), "
                f"{row.period}: {_figure(row.see_direct)} / {_figure(row.see_indirect)} / "
                f"{_figure(row.see_total)}{counted}  [{change}]"
            )
        published = [row for row in report.footprints if row.status == "published"]
        if published:
            self.stdout.write(
                f"Export and check one: python manage.py export_footprint "
                f"{published[0].footprint_id} --out var/export"
            )
