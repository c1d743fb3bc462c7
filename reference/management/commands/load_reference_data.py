"""Load the reference tables shipped in reference/data/ (idempotent: run by the demo and tests)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.audit import Actor
from core.errors import ApplicationError
from reference.errors import ReferenceDataInvalid
from reference.services import reference_data_load_shipped


class Command(BaseCommand):
    help = (
        "Load the CBAM reference tables shipped with the product as the versions valid from "
        "2026-01-01; files already loaded are left as they are."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            results = reference_data_load_shipped(actor=Actor.platform("load_reference_data"))
        except ReferenceDataInvalid as exc:
            for problem in exc.problems:
                self.stderr.write(problem.text)
            raise CommandError(exc.message) from exc
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        for version, created in results:
            validity = f"valid from {version.valid_from.isoformat()}"
            if version.valid_to:
                validity += f" to {version.valid_to.isoformat()}"
            if created:
                self.stdout.write(
                    f"loaded {version}: {version.row_count} rows from {version.file_name}, "
                    f"{validity}"
                )
            else:
                self.stdout.write(f"already present: {version}, {validity}")
        loaded = sum(1 for _, created in results if created)
        self.stdout.write(
            self.style.SUCCESS(
                f"reference data: {loaded} table(s) loaded, {len(results) - loaded} already "
                f"present ({time.perf_counter() - started:.2f} s)"
            )
        )
