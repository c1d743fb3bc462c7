"""Serve the platform over TLS on a loopback address with a certificate of its own.

Used by ``make tls`` and by the tests that call the PACT host over real TLS
(tests/pact_tls.py). The server is gunicorn, as in production (deploy/Procfile), with
``--certfile``/``--keyfile``; this process becomes it (``exec``), so stopping it (Ctrl-C, or a
signal to its id) stops the server. The certificate is generated under ``var/tls/`` unless
``--cert``/``--key`` name one, and reused while valid (core.tls).

A client trusts the certificate by its path:
``curl --cacert var/tls/cert.pem https://127.0.0.1:8443/.well-known/openid-configuration``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.tls import CertificateNotUsable, local_certificate_ensure

DEFAULT_ADDRPORT = "127.0.0.1:8443"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


def split_addrport(addrport: str) -> tuple[str, int]:
    """``127.0.0.1:8443``, ``[::1]:8443`` or a port alone (on 127.0.0.1)."""
    host, _, port = addrport.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(f"ADDRPORT {addrport!r}: expected host:port, e.g. {DEFAULT_ADDRPORT}")
    return host, int(port)


class Command(BaseCommand):
    help = "Serve the platform over TLS (gunicorn) on ADDRPORT with a generated certificate."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("addrport", nargs="?", default=DEFAULT_ADDRPORT)
        parser.add_argument("--cert", type=Path, help="certificate (PEM); default var/tls/cert.pem")
        parser.add_argument(
            "--key", type=Path, help="its private key (PEM); default var/tls/key.pem"
        )
        parser.add_argument("--workers", type=int, default=2)

    def handle(
        self,
        *args: Any,
        addrport: str,
        cert: Path | None,
        key: Path | None,
        workers: int,
        **options: Any,
    ) -> None:
        host, port = split_addrport(addrport)
        if host not in LOOPBACK_HOSTS:
            raise CommandError(
                f"serve_tls is for local runs and binds a loopback address "
                f"({', '.join(sorted(LOOPBACK_HOSTS))}), not {host}: production terminates TLS "
                "in front of gunicorn (deploy/nginx/cbam-exchange.conf)."
            )
        if (cert is None) != (key is None):
            raise CommandError("--cert and --key go together: give both, or neither.")
        if workers < 1:
            raise CommandError(f"--workers {workers}: expected 1 or more.")
        tls_dir = Path(settings.VAR_DIR) / "tls"
        try:
            local = local_certificate_ensure(
                cert_path=cert or tls_dir / "cert.pem",
                key_path=key or tls_dir / "key.pem",
                host=host,
            )
        except CertificateNotUsable as error:
            raise CommandError(str(error)) from None
        shown_host = f"[{host}]" if ":" in host else host
        url = f"https://{shown_host}:{port}"
        self.stdout.write(
            f"Certificate: {local.cert_path} ({'generated' if local.generated else 'reused'})"
        )
        self.stdout.write(f"Serving the platform over TLS at {url}/")
        self.stdout.write(
            f"  curl --cacert {local.cert_path} {url}/.well-known/openid-configuration"
        )
        self.stdout.flush()
        # No control socket: its default path is one per user, and tests start several servers.
        command = [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"{shown_host}:{port}",
            "--certfile", str(local.cert_path), "--keyfile", str(local.key_path),
            "--chdir", str(settings.BASE_DIR), "--no-control-socket",
            "--workers", str(workers), "--timeout", "30", "--access-logfile", "-",
        ]  # fmt: skip
        env = dict(os.environ)
        env.setdefault("SITE_URL", url)
        sys.stderr.flush()
        os.execve(sys.executable, command, env)  # noqa: S606 - our own interpreter and args
