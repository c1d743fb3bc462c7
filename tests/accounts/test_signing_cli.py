"""``manage.py verify_footprint FILE.json --signature FILE.jws [--jwks FILE]``: exact bytes,
messages and exit status; offline with a JWKS even when no database is reachable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from accounts.audit import Actor
from accounts.models import SigningKey
from accounts.selectors import jwks_published
from accounts.services.signing_keys import SignedDocument, document_sign, signing_key_revoke
from tests.accounts.test_signing_keys import FOOTPRINT, T0, Clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    from django.utils import timezone

    clock = Clock(T0)
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


@pytest.fixture
def signed(organisation, clock) -> SignedDocument:
    return document_sign(organisation=organisation, document=FOOTPRINT)


@pytest.fixture
def files(tmp_path: Path, signed: SignedDocument) -> dict[str, Path]:
    """document.json (the exact bytes), document.jws and jwks.json, as an importer gets them."""
    paths = {
        "document": tmp_path / "document.json",
        "signature": tmp_path / "document.jws",
        "jwks": tmp_path / "jwks.json",
    }
    paths["document"].write_bytes(signed.payload)
    paths["signature"].write_text(signed.jws + "\n")
    paths["jwks"].write_text(json.dumps(jwks_published(), indent=2))
    return paths


def _run(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("verify_footprint", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_a_valid_footprint_prints_who_signed_it_and_when(files, signed):
    status, output = _run(str(files["document"]), "--signature", str(files["signature"]))

    assert status == 0
    assert (
        output
        == f"valid: signed by {signed.kid} (Acme Steel, acme-steel) at 2026-11-21T10:00:00Z\n"
    )


def test_with_a_jwks_it_reads_no_database(files, signed, django_assert_num_queries):
    with django_assert_num_queries(0):
        status, output = _run(
            str(files["document"]),
            "--signature",
            str(files["signature"]),
            "--jwks",
            str(files["jwks"]),
        )

    assert status == 0
    assert output.startswith(f"valid: signed by {signed.kid} (Acme Steel, acme-steel)")


def test_a_changed_byte_is_invalid_and_exits_1(files):
    data = bytearray(files["document"].read_bytes())
    data[data.index(b"1.63")] ^= 0x01  # "1.63" -> "0.63": still JSON, other bytes
    files["document"].write_bytes(bytes(data))

    status, output = _run(str(files["document"]), "--signature", str(files["signature"]))

    assert status == 1
    assert output == (
        "INVALID: the signature does not match the document: the document, the signature or "
        "the key differs from what was signed\n"
    )


def test_a_reformatted_document_is_invalid_with_a_hint(files):
    files["document"].write_text(json.dumps(FOOTPRINT, indent=2))

    status, output = _run(str(files["document"]), "--signature", str(files["signature"]))

    assert status == 1
    assert output.splitlines()[1] == (
        "hint: the document file is not in its signed (RFC 8785 canonical) form: it was "
        "re-serialised, re-indented or had a newline added after signing; verify the bytes "
        "exactly as exported"
    )


def test_a_signature_by_a_key_revoked_later_is_valid_with_a_warning(files, signed, clock):
    clock.advance(days=1)
    key = SigningKey.objects.get(kid=signed.kid)
    signing_key_revoke(actor=Actor.platform("tests"), key=key, reason="private key exposed")

    status, output = _run(str(files["document"]), "--signature", str(files["signature"]))

    assert status == 0
    assert output.splitlines() == [
        f"valid: signed by {signed.kid} (Acme Steel, acme-steel) at 2026-11-21T10:00:00Z",
        "warning: signed by a key revoked later (on 2026-11-22T10:00:00.400000Z: private key "
        "exposed)",
    ]


def test_a_key_missing_from_the_jwks_is_invalid(files, signed):
    files["jwks"].write_text('{"keys": []}')

    status, output = _run(
        str(files["document"]), "--signature", str(files["signature"]), "--jwks", str(files["jwks"])
    )

    assert status == 1
    assert output == f"INVALID: unknown key {signed.kid!r}: not in the given JWKS\n"


@pytest.mark.parametrize(
    ("jwks", "message"),
    [
        ("not json", "jwks.json: not a JSON file: Expecting value: line 1 column 1 (char 0)"),
        ('{"kid": "x"}', 'jwks.json: a JWKS is a JSON object with a "keys" list'),
    ],
    ids=["not-json", "not-a-jwks"],
)
def test_an_unusable_jwks_exits_2(files, jwks, message):
    files["jwks"].write_text(jwks)

    with pytest.raises(CommandError) as exc:
        _run(
            str(files["document"]),
            "--signature",
            str(files["signature"]),
            "--jwks",
            str(files["jwks"]),
        )

    assert str(exc.value).replace(str(files["jwks"].parent) + "/", "") == message
    assert exc.value.returncode == 2


def test_a_missing_file_exits_2(files):
    with pytest.raises(CommandError) as exc:
        _run("/nonexistent/document.json", "--signature", str(files["signature"]))

    assert str(exc.value) == (
        "cannot read document /nonexistent/document.json: No such file or directory"
    )
    assert exc.value.returncode == 2


def _manage(files: dict[str, Path], *extra: str, database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "CBAM_VAR_DIR": str(files["jwks"].parent)}
    return subprocess.run(
        [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "verify_footprint",
            str(files["document"]),
            "--signature",
            str(files["signature"]),
            *extra,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "database_url",
    ["sqlite:///{dir}/empty.sqlite3", "postgres://nobody@127.0.0.1:1/unreachable"],
    ids=["empty-database", "unreachable-database"],
)
def test_offline_with_a_jwks_it_needs_no_database_at_all(files, signed, database_url):
    url = database_url.format(dir=files["jwks"].parent)

    offline = _manage(files, "--jwks", str(files["jwks"]), database_url=url)
    online = _manage(files, database_url=url)

    assert (offline.returncode, offline.stderr) == (0, "")
    assert offline.stdout.startswith(f"valid: signed by {signed.kid} (Acme Steel, acme-steel)")
    assert online.returncode == 2
    assert "cannot read the platform's keys" in online.stderr
    assert "pass --jwks FILE to verify offline" in online.stderr
