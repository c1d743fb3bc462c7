"""``manage.py create_first_organisation``: the first organisation and its owner, on a fresh
install (nobody can sign up before someone on the platform invites them).

    DJANGO_FIRST_OWNER_PASSWORD=… manage.py create_first_organisation \\
        --email owner@example.com --full-name "Li Wei" \\
        --legal-name "河北钢铁有限公司" --legal-name-latin "Hebei Iron and Steel Co., Ltd." \\
        --country CN --identifier cn-uscc:91350100M000100Y43 [--kind producer] [--force]

The password is read from the environment variable named by ``--password-env`` (default
``CBAM_FIRST_OWNER_PASSWORD``) or, when it is unset and a terminal is attached, prompted for
twice; it is never an argument (arguments show in the process list and shell history). The
command refuses when any organisation exists, unless ``--force``. Audited as the platform's.
Exit status 1 with every problem named when something is refused; nothing is written then.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.identifiers import SCHEMES
from accounts.roles import OrganisationKind
from accounts.services.registration import first_organisation_create
from core.errors import ApplicationError

DEFAULT_PASSWORD_ENV = "CBAM_FIRST_OWNER_PASSWORD"


def _identifier(value: str) -> dict[str, str]:
    scheme, sep, code = value.partition(":")
    if not sep or scheme not in SCHEMES:
        raise CommandError(
            f"--identifier {value!r}: expected SCHEME:VALUE with SCHEME one of "
            f"{', '.join(SCHEMES)}, e.g. cn-uscc:91350100M000100Y43"
        )
    return {"scheme": scheme, "value": code}


class Command(BaseCommand):
    help = "Create the first organisation and its owner on a fresh install."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="The owner's e-mail (their login)")
        parser.add_argument("--full-name", required=True, help="The owner's name")
        parser.add_argument("--legal-name", required=True, help="Legal name in its original script")
        parser.add_argument("--legal-name-latin", required=True, help="Legal name in Latin script")
        parser.add_argument("--country", required=True, help="ISO 3166-1 alpha-2 code, e.g. CN")
        parser.add_argument(
            "--identifier",
            action="append",
            default=[],
            help=f"SCHEME:VALUE, repeatable; SCHEME one of {', '.join(SCHEMES)}",
        )
        parser.add_argument(
            "--kind",
            action="append",
            default=[],
            choices=OrganisationKind.values,
            help="What the organisation does, repeatable (default: producer)",
        )
        parser.add_argument(
            "--password-env",
            default=DEFAULT_PASSWORD_ENV,
            help=f"Environment variable holding the password (default {DEFAULT_PASSWORD_ENV})",
        )
        parser.add_argument(
            "--force", action="store_true", help="Create it even if organisations exist"
        )

    def _password(self, variable: str) -> str:
        password = os.environ.get(variable, "")
        if password:
            return password
        if not sys.stdin.isatty():
            raise CommandError(
                f"No password: set the environment variable {variable}, or run the command "
                "in a terminal to be asked for it."
            )
        first = getpass.getpass("Password of the owner: ")
        again = getpass.getpass("The same password again: ")
        if first != again:
            raise CommandError("The two passwords differ; nothing was created.")
        return first

    def handle(self, *args: Any, **options: Any) -> None:
        identifiers = [_identifier(value) for value in options["identifier"]]
        password = self._password(options["password_env"])
        try:
            user, organisation = first_organisation_create(
                email=options["email"],
                full_name=options["full_name"],
                password=password,
                legal_name=options["legal_name"],
                legal_name_latin=options["legal_name_latin"],
                country=options["country"],
                kinds=options["kind"] or [OrganisationKind.PRODUCER.value],
                identifiers=identifiers,
                force=options["force"],
            )
        except ApplicationError as exc:
            lines = [exc.message]
            for field, problems in (exc.extra.get("fields") or {}).items():
                lines += [f"  {field}: {problem}" for problem in problems]
            raise CommandError("\n".join(lines)) from None
        self.stdout.write(
            f"Created {organisation.legal_name} ({organisation.legal_name_latin}), "
            f"/o/{organisation.slug}/, owner {user.email}. Log in at /login/."
        )
