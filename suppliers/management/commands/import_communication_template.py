"""``manage.py import_communication_template ORG FILE.xlsx --as EMAIL [--dry-run]
[--import-valid]``: import an EU communication template for organisation ORG (its slug) acting
as EMAIL (a member), and print the JSON report (``suppliers.eu_template.report``) on stdout.
``--import-valid`` imports what is valid: the processes, purchased precursors and goods with
problems are left out (the report's ``left_out`` says what and why) instead of the whole file
being refused.

Exit 0 when something was imported (or, with ``--dry-run``, is importable); 1 when refused
(nothing written).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.audit import Actor
from accounts.models import Membership, Organisation
from accounts.roles import WRITER_ROLES
from suppliers.eu_template import is_refused
from suppliers.eu_template.workbook import MAX_FILE_BYTES
from suppliers.services.eu_template_import import communication_template_import


class Command(BaseCommand):
    help = "Import an EU communication template (xlsx) and print the JSON report."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("org", help="The organisation's slug")
        parser.add_argument("file", help="The filled workbook (.xlsx)")
        parser.add_argument("--as", dest="email", required=True, help="A member's e-mail")
        parser.add_argument("--dry-run", action="store_true", help="Check and compute only")
        parser.add_argument(
            "--import-valid",
            action="store_true",
            help="Import what is valid: leave out the processes, precursors and goods with "
            "problems (listed in the report's left_out) instead of refusing the whole file",
        )

    def handle(
        self,
        *args: Any,
        org: str,
        file: str,
        email: str,
        dry_run: bool,
        import_valid: bool,
        **_: Any,
    ) -> None:
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"no organisation {org!r}")
        membership = (
            Membership.objects.select_related("user")
            .filter(organisation=organisation, user__email__iexact=email)
            .first()
        )
        if membership is None:
            raise CommandError(f"{email!r} is not a member of {org!r}")
        if not dry_run and membership.role not in WRITER_ROLES:
            raise CommandError(
                f"{email!r} is a {membership.role} of {org!r}; importing needs one of "
                f"{', '.join(sorted(WRITER_ROLES))} (or --dry-run)"
            )
        path = Path(file)
        try:
            with path.open("rb") as handle:
                content = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        report = communication_template_import(
            actor=Actor(user=membership.user),
            organisation=organisation,
            content=content,
            file_name=path.name,
            dry_run=dry_run,
            import_valid=import_valid,
        )
        self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
        if is_refused(report):
            sys.exit(1)
