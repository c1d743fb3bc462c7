"""``manage.py seed_demo``: the demo organisations and their people, one login in every role
(idempotent; the data is ``demo/data/organisations.json`` and ``people.csv``).

All names are fictitious. The password is printed at the end; never run this in production.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.accounts import DEMO_PASSWORD, demo_accounts_seed
from demo.world import DemoSeedError


class Command(BaseCommand):
    help = "Create the demo organisations and users (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates known passwords; it refuses to run with DEBUG off"
            )
        try:
            report = demo_accounts_seed()
        except DemoSeedError as exc:
            raise CommandError(f"cannot seed the demo organisations: {exc}") from exc
        for change in report.created:
            self.stdout.write(f"created: {change}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo world ready{'' if report.created else ' (nothing created)'}. "
                f"Logins (password for all: {DEMO_PASSWORD}):"
            )
        )
        current = ""
        for login in report.logins:
            if login.organisation != current:
                self.stdout.write(f"  {login.organisation}")
                current = login.organisation
            self.stdout.write(f"    {login.role:<9} {login.email}")
