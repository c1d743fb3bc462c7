"""tools/verify_footprint_standalone.py, the script of docs/verifying.md: run as an importer
would, in a separate Python that cannot import the project, on files this test writes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings

from accounts.audit import Actor
from accounts.models import SigningKey
from accounts.selectors import jwks_published
from accounts.services.signing_keys import document_sign, signing_key_revoke
from accounts.signing import b64url_encode, sign_detached
from core.crypto import decrypt
from tests.accounts.legacy_jws import sign_legacy
from tests.accounts.test_signing_keys import FOOTPRINT, T0, Clock

pytestmark = pytest.mark.django_db

SCRIPT = Path(settings.BASE_DIR) / "tools" / "verify_footprint_standalone.py"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    from django.utils import timezone

    clock = Clock(T0)
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


def _verify(tmp_path: Path, payload: bytes, jws: str, *python_flags: str) -> tuple[int, str]:
    (tmp_path / "document.json").write_bytes(payload)
    (tmp_path / "document.jws").write_text(jws + "\n")
    (tmp_path / "jwks.json").write_text(json.dumps(jwks_published(), indent=2))
    # -I: isolated, so neither the project nor its settings are importable from the script.
    completed = subprocess.run(
        [
            sys.executable,
            "-I",
            *python_flags,
            str(SCRIPT),
            "document.json",
            "document.jws",
            "jwks.json",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return completed.returncode, completed.stdout + completed.stderr


@pytest.fixture
def signed(organisation, clock):
    return document_sign(organisation=organisation, document=FOOTPRINT)


def test_the_script_in_the_docs_is_the_tested_script():
    doc = (Path(settings.BASE_DIR) / "docs" / "verifying.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", doc, flags=re.S)

    assert blocks == [SCRIPT.read_text()]


def test_a_signed_footprint_is_valid(tmp_path, signed):
    status, output = _verify(tmp_path, signed.payload, signed.jws)

    assert (status, output) == (
        0,
        f"valid: signed by {signed.kid} (acme-steel) at 2026-11-21T10:00:00Z\n",
    )


def test_a_changed_byte_of_the_document_is_invalid(tmp_path, signed):
    tampered = signed.payload.replace(b"1.63", b"1.62")

    status, output = _verify(tmp_path, tampered, signed.jws)

    assert (status, output) == (1, "INVALID: InvalidSignature: \n")


def test_a_changed_character_of_the_signature_is_invalid(tmp_path, signed):
    position = len(signed.jws) - 10
    flipped = "B" if signed.jws[position] != "B" else "C"
    tampered = signed.jws[:position] + flipped + signed.jws[position + 1 :]

    status, output = _verify(tmp_path, signed.payload, tampered)

    assert (status, output) == (1, "INVALID: InvalidSignature: \n")


def test_a_reordered_document_is_invalid_as_bytes(tmp_path, signed):
    status, output = _verify(tmp_path, json.dumps(FOOTPRINT).encode(), signed.jws)

    assert (status, output) == (1, "INVALID: InvalidSignature: \n")


@pytest.mark.parametrize("flags", [(), ("-O",)], ids=["python", "python -O"])
def test_alg_none_is_refused_even_under_python_o(tmp_path, signed, flags):
    header = b64url_encode(
        json.dumps({"alg": "none", "b64": False, "crit": ["b64"], "iat": 1, "kid": signed.kid})
        .replace(" ", "")
        .encode()
    )

    status, output = _verify(tmp_path, signed.payload, f"{header}..", *flags)

    assert (status, output) == (1, "INVALID: Invalid: alg 'none' refused\n")


def test_a_header_without_b64_false_is_refused(tmp_path, signed):
    key = SigningKey.objects.get(kid=signed.kid)
    private_key = Ed25519PrivateKey.from_private_bytes(decrypt(key.private_key_encrypted))
    header = b64url_encode(
        json.dumps({"alg": "Ed25519", "iat": 1795255200, "kid": signed.kid}).encode()
    )
    signature = private_key.sign(header.encode() + b"." + signed.payload)

    status, output = _verify(tmp_path, signed.payload, f"{header}..{b64url_encode(signature)}")

    assert (status, output) == (1, "INVALID: Invalid: not RFC 7797\n")


def test_an_unknown_key_is_invalid(tmp_path):
    payload = b'{"a":1}'
    jws = sign_detached(payload, Ed25519PrivateKey.generate(), "stranger-20261121-00000000")

    status, output = _verify(tmp_path, payload, jws)

    assert (status, output) == (1, "INVALID: Invalid: unknown key 'stranger-20261121-00000000'\n")


def test_revocation_before_and_after_the_signature(tmp_path, signed, clock):
    key = SigningKey.objects.get(kid=signed.kid)
    private_key = Ed25519PrivateKey.from_private_bytes(decrypt(key.private_key_encrypted))
    clock.advance(days=1)
    signing_key_revoke(actor=Actor.platform("tests"), key=key, reason="private key exposed")
    stolen = sign_legacy(signed.payload, private_key, key.kid, clock.now + timedelta(seconds=1))

    earlier = _verify(tmp_path, signed.payload, signed.jws)
    later = _verify(tmp_path, signed.payload, stolen)

    assert earlier == (
        0,
        f"valid: signed by {key.kid} (acme-steel) at 2026-11-21T10:00:00Z; WARNING: key revoked "
        "on 2026-11-22T10:00:00.400000Z: private key exposed (after signing)\n",
    )
    assert later == (
        1,
        "INVALID: Invalid: signed after the key was revoked on 2026-11-22T10:00:00.400000Z: "
        "private key exposed\n",
    )
