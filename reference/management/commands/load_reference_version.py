"""Load a new version of one reference table from a CSV with the columns of the shipped file."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.audit import Actor
from core.errors import ApplicationError
from reference.datasets import DATASETS
from reference.errors import ReferenceDataInvalid
from reference.services import reference_version_load


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"{value!r} is not a date; expected YYYY-MM-DD, e.g. 2027-01-01"
        ) from None


class Command(BaseCommand):
    help = (
        "Load FILE as a new version of the reference table DATASET, valid from --valid-from. "
        "Every row is checked first; on any problem each is printed and nothing is loaded."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dataset", choices=DATASETS)
        parser.add_argument("file")
        parser.add_argument("--label", required=True, help="e.g. 'IR 2026/1740 corrected'")
        parser.add_argument("--valid-from", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--valid-to", help="last day, YYYY-MM-DD (default: open-ended)")

    def handle(
        self,
        *args: Any,
        dataset: str,
        file: str,
        label: str,
        valid_from: str,
        valid_to: str | None,
        **options: Any,
    ) -> None:
        try:
            version, created = reference_version_load(
                dataset=dataset,
                path_or_file=file,
                label=label,
                valid_from=_date(valid_from),
                valid_to=_date(valid_to) if valid_to else None,
                actor=Actor.platform("load_reference_version"),
            )
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file") from None
        except ReferenceDataInvalid as exc:
            for problem in exc.problems:
                self.stderr.write(problem.text)
            raise CommandError(exc.message) from exc
        except ApplicationError as exc:
            fields = exc.extra.get("fields", {})
            details = "; ".join(m for messages in fields.values() for m in messages)
            raise CommandError(f"{exc.message}: {details}" if details else exc.message) from exc
        validity = f"valid from {version.valid_from.isoformat()}"
        if version.valid_to:
            validity += f" to {version.valid_to.isoformat()}"
        if created:
            self.stdout.write(
                self.style.SUCCESS(f"loaded {version}: {version.row_count} rows, {validity}")
            )
        else:
            self.stdout.write(f"already present: {version} has the same content, {validity}")
