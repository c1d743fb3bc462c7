"""``manage.py cbam_calc embedded-emissions FILE.json`` / ``cbam_calc obligation FILE.json``.

The same JSON in and out as the API (``-`` reads standard input). Bad input prints every
problem with its JSON path to standard error and exits with status 1, writing nothing.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from exchange.services.calculator import calculator_embedded_emissions, calculator_obligation

CALCULATIONS = {
    "embedded-emissions": calculator_embedded_emissions,
    "obligation": calculator_obligation,
}


class Command(BaseCommand):
    help = "Run the CBAM calculator on a JSON file (or - for standard input)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("calculation", choices=sorted(CALCULATIONS))
        parser.add_argument("file", help="JSON file, or - to read standard input")

    def handle(self, *args: Any, calculation: str, file: str, **options: Any) -> None:
        try:
            text = sys.stdin.read() if file == "-" else open(file, encoding="utf-8").read()  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{file}: not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
            ) from None
        try:
            result = CALCULATIONS[calculation](data=data)
        except ApplicationError as exc:
            for path, messages in exc.extra.get("fields", {}).items():
                for message in messages:
                    self.stderr.write(f"{path}: {message}")
            raise CommandError(exc.message) from None
        self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
