"""``manage.py verify_footprint FILE.json --signature FILE.jws [--jwks FILE]``.

Checks a detached JWS over the exact bytes of FILE.json (never re-serialised: a file that was
pretty-printed or re-ordered after signing does not verify). With ``--jwks`` only the keys of
that file count and neither the database nor the network is touched, so it runs on a machine
with an empty database. Without it the platform's published keys are used.

Prints ``valid: signed by <kid> (<organisation>) at <time>`` and exits 0, or
``INVALID: <reason>`` and exits 1. Files that cannot be read or a JWKS that cannot be used
exit 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from accounts.services.signing_keys import document_verify
from accounts.signing import SIGNATURE_MISMATCH, JwksInvalid, canonicalize, isoformat_utc

EXIT_INVALID = 1
EXIT_UNUSABLE = 2


def _read(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {what} {path}: {exc.strerror}", returncode=2) from None


def _not_canonical_hint(payload: bytes) -> str | None:
    """Why exact bytes may fail although the content looks right: they are not JCS."""
    try:
        canonical = canonicalize(json.loads(payload))
    except ValueError:
        return "the document file is not JSON"
    if canonical != payload:
        return (
            "the document file is not in its signed (RFC 8785 canonical) form: it was "
            "re-serialised, re-indented or had a newline added after signing; verify the "
            "bytes exactly as exported"
        )
    return None


class Command(BaseCommand):
    help = "Verify a signed footprint: exact document bytes + detached JWS (+ a JWKS offline)."
    # Offline use: no system checks (they would import and inspect the whole project).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("document", help="The document file, exactly as exported")
        parser.add_argument(
            "--signature", required=True, help="The detached JWS file (header..signature)"
        )
        parser.add_argument(
            "--jwks",
            help="A JWKS file (e.g. a saved /.well-known/jwks.json): verify offline with its "
            "keys only",
        )

    def handle(
        self, *args: Any, document: str, signature: str, jwks: str | None, **options: Any
    ) -> None:
        payload = _read(document, "document")
        try:
            jws = _read(signature, "signature").decode("ascii").strip()
        except UnicodeDecodeError:
            raise CommandError(
                f"{signature}: a JWS is ASCII text; this file is not", returncode=EXIT_UNUSABLE
            ) from None
        key_set: dict[str, Any] | None = None
        if jwks is not None:
            try:
                key_set = json.loads(_read(jwks, "JWKS"))
            except ValueError as exc:
                raise CommandError(
                    f"{jwks}: not a JSON file: {exc}", returncode=EXIT_UNUSABLE
                ) from None
        try:
            result = document_verify(payload=payload, jws=jws, jwks=key_set)
        except JwksInvalid as exc:
            raise CommandError(f"{jwks}: {exc}", returncode=EXIT_UNUSABLE) from None
        except DatabaseError as exc:
            raise CommandError(
                f"cannot read the platform's keys ({exc}); pass --jwks FILE to verify offline",
                returncode=EXIT_UNUSABLE,
            ) from None

        if not result.valid:
            self.stdout.write(f"INVALID: {result.reason}")
            hint = _not_canonical_hint(payload)
            if hint and result.reason == SIGNATURE_MISMATCH:
                self.stdout.write(f"hint: {hint}")
            raise SystemExit(EXIT_INVALID)
        assert result.signed_at is not None
        self.stdout.write(f"valid: signed by {result.signer} at {isoformat_utc(result.signed_at)}")
        if result.revoked_later:
            self.stdout.write(f"warning: {result.reason}")
