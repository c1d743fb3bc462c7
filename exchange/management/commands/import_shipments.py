"""``manage.py import_shipments ORG FILE.csv [--as EMAIL]``: the CSV upload of the API from a
shell (an importer's ERP export on a server, a batch job).

The same service, limits and report as ``POST …/shipment-imports/``: valid rows are imported,
every bad row is printed to standard error with its line, column, value and what is expected,
and uploading the same file again imports nothing. Exit status: 0 every row imported or
already present, 2 some rows failed (the others were imported), 1 the file as a whole was
refused (nothing imported).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.audit import Actor
from accounts.models import Membership, Organisation
from accounts.roles import WRITER_ROLES
from core.errors import ApplicationError
from exchange.declarations.services.imports import shipments_import_csv


def _actor(organisation: Organisation, email: str | None) -> Actor:
    if email is None:
        return Actor.platform("import_shipments")
    membership = (
        Membership.objects.select_related("user")
        .filter(organisation=organisation, user__email__iexact=email)
        .first()
    )
    if membership is None:
        raise CommandError(f"--as {email}: not a member of {organisation.slug}")
    if membership.role not in WRITER_ROLES:
        raise CommandError(
            f"--as {email}: a {membership.role} of {organisation.slug} may not import "
            f"shipments; expected one of {', '.join(sorted(WRITER_ROLES))}"
        )
    return Actor(user=membership.user)


class Command(BaseCommand):
    help = (
        "Import the shipments of a CSV file for an organisation (the columns of "
        "docs/declarations.md). Bad rows are reported and skipped; the file's other rows are "
        "imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organisation", help="the organisation's slug, e.g. rhein-import")
        parser.add_argument("file", help="the CSV file (UTF-8)")
        parser.add_argument(
            "--as",
            dest="email",
            help="record the import as this member (owner, admin or preparer); "
            "default: the platform",
        )

    def handle(
        self, *args: Any, organisation: str, file: str, email: str | None, **options: Any
    ) -> None:
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(f"{organisation}: no organisation with this slug")
        actor = _actor(org, email)
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        upload = SimpleUploadedFile(path.name, data, content_type="text/csv")
        try:
            record, created = shipments_import_csv(actor=actor, organisation=org, upload=upload)
        except ApplicationError as exc:
            for field, messages in exc.extra.get("fields", {}).items():
                for message in messages:
                    self.stderr.write(f"{field}: {message}")
            raise CommandError(exc.message) from None
        if not created:
            self.stdout.write(
                f"{path.name}: this file was imported before (import {record.pk}, "
                f"{record.created_at:%Y-%m-%d %H:%M} UTC); nothing imported now."
            )
        if record.report is None:
            self.stdout.write(
                f"{path.name}: this file was uploaded on the pages (import {record.pk}) and its "
                "rows are still being checked there; nothing imported now."
            )
        for failure in (record.report or {}).get("failed", []):
            for problem in failure["problems"]:
                self.stderr.write(problem["message"])
        self.stdout.write(
            f"import {record.pk}: {record.rows_total} rows: {record.rows_imported} imported, "
            f"{record.rows_already_present} already present, {record.rows_failed} failed"
        )
        if record.rows_failed:
            raise SystemExit(2)
