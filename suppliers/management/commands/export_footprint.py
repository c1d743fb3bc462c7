"""``manage.py export_footprint ID [--out DIR]``: the three files an importer needs to check a
published footprint offline (docs/verifying.md).

- ``<ID>.json``: the stored signed bytes exactly (``Footprint.signed_document``), never
  re-serialised: the signature is over these bytes;
- ``<ID>.jws``: the detached JWS;
- ``jwks.json``: the platform's public keys, as served at ``/.well-known/jwks.json``.

Only a published or deprecated footprint has a signature; anything else is refused.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.selectors import jwks_published
from suppliers.models import IMMUTABLE_STATUSES, Footprint


class Command(BaseCommand):
    help = "Write a published footprint's signed document, its JWS and the platform's JWKS."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("footprint_id", metavar="ID", help="The footprint's id (a UUID)")
        parser.add_argument(
            "--out", default=".", help="Directory to write the files to (default: current)"
        )

    def handle(self, *args: Any, footprint_id: str, out: str, **options: Any) -> None:
        try:
            pk = uuid.UUID(footprint_id)
        except ValueError:
            raise CommandError(f"{footprint_id!r} is not a footprint id (a UUID)") from None
        footprint = Footprint.objects.filter(pk=pk).first()
        if footprint is None:
            raise CommandError(f"no footprint {footprint_id}")
        if footprint.status not in IMMUTABLE_STATUSES or footprint.signed_document is None:
            raise CommandError(
                f"footprint {pk} is {footprint.status}; only a published or deprecated "
                "footprint is signed and can be exported"
            )
        directory = Path(out)
        try:
            directory.mkdir(parents=True, exist_ok=True)
            document = directory / f"{pk}.json"
            signature = directory / f"{pk}.jws"
            jwks = directory / "jwks.json"
            document.write_bytes(bytes(footprint.signed_document))
            # No trailing newline: strict JWS parsers refuse one (a compact JWS is the token only).
            signature.write_text(footprint.signature, encoding="ascii")
            jwks.write_text(json.dumps(jwks_published(), indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot write to {directory}: {exc.strerror}") from None
        self.stdout.write(f"document:  {document}")
        self.stdout.write(f"signature: {signature}")
        self.stdout.write(f"jwks:      {jwks}")
        self.stdout.write(
            f"check: python manage.py verify_footprint {document} --signature {signature} "
            f"--jwks {jwks}"
        )
