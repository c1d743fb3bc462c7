"""The production TLS front (deploy/nginx/cbam-exchange.conf) with the real nginx (Debian
package ``nginx``): the file, its placeholders filled, passes ``nginx -t``; served on free
ports, it refuses plain HTTP on the PACT paths with the platform's PACT error and redirects
pages to https. Locally it skips without nginx; in CI (CBAM_REQUIRE_SERVICES=1) it fails."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from core.tls import local_certificate_ensure
from tests.conftest import service_unavailable
from tests.pact_tls import free_port

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "cbam-exchange.conf"
SERVER_NAME = "cbam.example.com"


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        service_unavailable("nginx is not installed (Debian package nginx)")
    assert found is not None
    return found


def filled(tmp_path: Path, http_port: int | None = None, https_port: int | None = None) -> Path:
    """A main configuration including the front, its placeholders filled as envsubst would,
    with pid, logs and temporary files under ``tmp_path``; on ``http_port``/``https_port`` of
    127.0.0.1 instead of 80 and 443 when given."""
    local = local_certificate_ensure(cert_path=tmp_path / "cert.pem", key_path=tmp_path / "key.pem")
    text = (
        CONFIG.read_text()
        .replace("${CBAM_SERVER_NAME}", SERVER_NAME)
        .replace("${CBAM_TLS_CERTIFICATE}", str(local.cert_path))
        .replace("${CBAM_TLS_CERTIFICATE_KEY}", str(local.key_path))
    )
    assert "${" not in text.replace("$host", ""), "a placeholder is left unfilled"
    if http_port is not None:
        text = text.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
        text = text.replace("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
        text = "\n".join(line for line in text.splitlines() if "listen [::]" not in line)
    (tmp_path / "cbam-exchange.conf").write_text(text)
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path / 'nginx.pid'};\n"
        f"error_log {tmp_path / 'error.log'};\n"
        "daemon off;\n"
        "events {}\n"
        "http {\n"
        f"    access_log {tmp_path / 'access.log'};\n"
        f"    include {tmp_path / 'cbam-exchange.conf'};\n"
        "}\n"
    )
    return main


def test_the_tls_front_passes_nginx_t(tmp_path):
    nginx = nginx_binary()

    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(filled(tmp_path))],
        capture_output=True,
        text=True,
        timeout=10,
    )

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


@pytest.fixture
def front(tmp_path: Path) -> Iterator[str]:
    nginx = nginx_binary()
    http_port, https_port = free_port(), free_port()
    main = filled(tmp_path, http_port, https_port)
    server = subprocess.Popen(
        [nginx, "-p", str(tmp_path), "-c", str(main)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{http_port}"
    try:
        for _ in range(50):
            try:
                requests.get(f"{base}/login/", allow_redirects=False, timeout=2)
                break
            except requests.ConnectionError:
                if server.poll() is not None:
                    pytest.fail(f"nginx exited: {server.stderr.read().decode()}")  # type: ignore[union-attr]
                time.sleep(0.05)
        yield base
    finally:
        server.send_signal(signal.SIGQUIT)
        server.wait(timeout=10)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/auth/token"),
        ("GET", "/3/footprints"),
        ("GET", "/3/footprints/5b3e1c3a-0000-4000-8000-000000000000"),
        ("POST", "/3/events"),
        ("GET", "/.well-known/openid-configuration"),
    ],
)
def test_plain_http_on_a_pact_path_is_refused_without_being_proxied(front, method, path):
    response = requests.request(
        method, f"{front}{path}", headers={"Authorization": "Bearer secret"}, timeout=5
    )

    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {
        "code": "BadRequest",
        "message": f"PACT is served over HTTPS only: use https://{SERVER_NAME}.",
    }


def test_plain_http_on_a_page_is_redirected_to_https(front):
    response = requests.get(
        f"{front}/login/?next=/o/acme/", headers={"Host": SERVER_NAME}, allow_redirects=False
    )

    assert response.status_code == 301
    assert response.headers["Location"] == f"https://{SERVER_NAME}/login/?next=/o/acme/"
