"""The certificate ``serve_tls`` serves the platform with on a loopback address (core.tls)."""

from __future__ import annotations

import ipaddress
import stat
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from django.core.management import call_command
from django.core.management.base import CommandError

from core.tls import VALIDITY, CertificateNotUsable, local_certificate_ensure

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_it_generates_a_certificate_for_the_loopback_names_with_a_private_key(tmp_path):
    cert_path, key_path = tmp_path / "tls" / "cert.pem", tmp_path / "tls" / "key.pem"

    local = local_certificate_ensure(cert_path=cert_path, key_path=key_path, now=NOW)

    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert local.generated is True
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    assert names.get_values_for_type(x509.IPAddress) == [
        ipaddress.ip_address("127.0.0.1"),
        ipaddress.ip_address("::1"),
    ]
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    assert cert.not_valid_after_utc == NOW + VALIDITY
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600


def test_it_reuses_a_certificate_still_valid_and_replaces_one_about_to_expire(tmp_path):
    paths = {"cert_path": tmp_path / "cert.pem", "key_path": tmp_path / "key.pem"}
    first = local_certificate_ensure(**paths, now=NOW)
    pem = paths["cert_path"].read_bytes()

    reused = local_certificate_ensure(**paths, now=NOW + VALIDITY - timedelta(days=2))
    replaced = local_certificate_ensure(**paths, now=NOW + VALIDITY - timedelta(hours=12))

    assert (first.generated, reused.generated, replaced.generated) == (True, False, True)
    assert paths["cert_path"].read_bytes() != pem


def test_it_replaces_a_certificate_that_does_not_name_the_host_served(tmp_path):
    paths = {"cert_path": tmp_path / "cert.pem", "key_path": tmp_path / "key.pem"}
    local_certificate_ensure(**paths, now=NOW)

    other = local_certificate_ensure(**paths, host="127.0.0.2", now=NOW)

    cert = x509.load_pem_x509_certificate(paths["cert_path"].read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert other.generated is True
    assert ipaddress.ip_address("127.0.0.2") in names.get_values_for_type(x509.IPAddress)


def test_a_certificate_not_made_here_is_never_replaced(tmp_path):
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "someone else's")])
    theirs = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(NOW - timedelta(days=30))
        .not_valid_after(NOW - timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    pem = theirs.public_bytes(serialization.Encoding.PEM)
    (tmp_path / "cert.pem").write_bytes(pem)
    (tmp_path / "key.pem").write_bytes(b"their key")

    with pytest.raises(CertificateNotUsable, match="cannot be used: it expires on 2026-05-31"):
        local_certificate_ensure(
            cert_path=tmp_path / "cert.pem", key_path=tmp_path / "key.pem", now=NOW
        )
    assert (tmp_path / "cert.pem").read_bytes() == pem
    assert (tmp_path / "key.pem").read_bytes() == b"their key"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["0.0.0.0:8443"], "binds a loopback address"),
        (["127.0.0.1:99999"], "expected host:port"),
        (["--cert", "/tmp/cert.pem"], "--cert and --key go together"),
        (["--workers", "0"], "--workers 0: expected 1 or more"),
    ],
)
def test_serve_tls_refuses_what_it_cannot_serve(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("serve_tls", *arguments)
