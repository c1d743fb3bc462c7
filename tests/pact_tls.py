"""A real TLS server of the platform for the tests: ``manage.py serve_tls`` (gunicorn with a
certificate generated for the run) in a process of its own, on a free loopback port, on this
test run's database.

``pact_tls_server`` is module-scoped: one server per test module. The server is another
process, so it sees only committed rows: the tests that call it use ``transactional_db``
(their rows are committed, and flushed after each test). Nothing is skipped: a server that
does not start fails the tests (in CI as on a laptop).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.core.worker import REPO_ROOT, database_url_for_worker

STARTUP_SECONDS = 30


@dataclass(frozen=True)
class PactTlsServer:
    #: ``https://127.0.0.1:<port>``
    base_url: str
    #: The server's certificate (its own authority): ``requests.get(..., verify=ca_path)``.
    ca_path: Path
    port: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)  # gunicorn and its workers: the group it leads
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)


@pytest.fixture(scope="module")
def pact_tls_server(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PactTlsServer]:
    folder = tmp_path_factory.mktemp("pact-tls")
    with django_db_blocker.unblock():
        database_url = database_url_for_worker()
    port = free_port()
    cert, key, log = folder / "cert.pem", folder / "key.pem", folder / "server.log"
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
    env.pop("SITE_URL", None)
    command = [
        sys.executable, str(REPO_ROOT / "manage.py"), "serve_tls", f"127.0.0.1:{port}",
        "--cert", str(cert), "--key", str(key), "--workers", "1",
    ]  # fmt: skip
    with log.open("wb") as output:
        # Its own process group (gunicorn and its worker), stopped as one.
        server = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    base_url = f"https://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if server.poll() is not None:
                pytest.fail(f"serve_tls exited ({server.returncode}):\n{log.read_text()}")
            try:
                requests.get(f"{base_url}/healthz", verify=cert, timeout=2)
                break
            except (requests.ConnectionError, OSError):
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"serve_tls did not answer in {STARTUP_SECONDS} s:\n{log.read_text()}"
                    )
                time.sleep(0.1)
        yield PactTlsServer(base_url=base_url, ca_path=cert, port=port)
    finally:
        _stop(server)
