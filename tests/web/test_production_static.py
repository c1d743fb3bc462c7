"""Production serves its own static files: with DEBUG=false, `collectstatic` (the release step
of deploy/Procfile) then gunicorn, as deployed; the login page links the hashed stylesheet and
htmx, and both are served with a long cache lifetime, compressed when asked."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status, dict(answer.headers), answer.read()


@pytest.mark.slow
def test_collectstatic_then_gunicorn_serves_the_hashed_static_files(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "test-only-" + "x" * 50,
        "FIELD_ENCRYPTION_KEY": "ZGV2LW9ubHktZmllbGQtZW5jcnlwdGlvbi1rZXktMzI=",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_URL": "memory://",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "https://127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "CBAM_VAR_DIR": str(tmp_path),
    }
    manage = [sys.executable, str(BASE / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*manage, "collectstatic", "--noinput"], env=env, check=True, capture_output=True
    )
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=BASE,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                status, _, body = _get(f"{base}/login/")
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("gunicorn did not answer")
        html = body.decode()
        assert status == 200
        css = re.search(r'href="(/static/cbam/app\.[0-9a-f]{12}\.css)"', html)
        js = re.search(r'src="(/static/vendor/htmx-2\.0\.11\.min\.[0-9a-f]{12}\.js)"', html)
        assert css is not None, html[:600]
        assert js is not None, html[:600]
        status, headers, content = _get(base + css.group(1))
        assert status == 200
        assert headers["Content-Type"].startswith("text/css")
        assert "max-age=315360000" in headers["Cache-Control"]
        assert content == (BASE / "core/static/cbam/app.css").read_bytes()
        status, headers, _ = _get(base + js.group(1), **{"Accept-Encoding": "gzip"})
        assert status == 200
        assert headers.get("Content-Encoding") == "gzip"

        # The API documentation is not a blank page: every script and stylesheet it names
        # (Swagger UI from drf-spectacular-sidecar, the split view's script) is served.
        status, _, body = _get(f"{base}/api/docs/")
        assert status == 200
        assets = re.findall(r'(?:src|href)="(/[^"]+\.(?:js|css))"', body.decode())
        assert len(assets) >= 4, assets
        for asset in assets:
            assert _get(base + asset)[0] == 200, asset
    finally:
        server.terminate()
        server.wait(timeout=10)
