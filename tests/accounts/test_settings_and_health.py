"""Production settings refuse to start without their secrets and pass the deploy checks;
health probes, the OpenAPI schema and docs, the API's 404/500 envelope and request ids."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.contrib.staticfiles import finders
from django.test import RequestFactory

from core.api.views import error as server_error_handler

BASE_DIR = Path(__file__).resolve().parents[2]
REQUIRED = (
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEY",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "REDIS_URL",
    "ALLOWED_HOSTS",
    "SITE_URL",
)
SETUP = "import django; django.setup(); print('started')"


def _production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "CBAM_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode("ascii"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "REDIS_URL": "redis://127.0.0.1:6379/1",
        "ALLOWED_HOSTS": "cbam.example",
        "SITE_URL": "https://cbam.example",
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- production settings --------------------------------------------------------------------


def test_production_refuses_to_start_without_its_secrets():
    result = _run(
        ["-c", SETUP],
        env={
            "PATH": os.environ["PATH"],
            "DEBUG": "false",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        },
    )

    assert result.returncode == 1
    assert "started" not in result.stdout
    assert (
        "django.core.exceptions.ImproperlyConfigured: DEBUG=false (production) needs these "
        "environment variables: SECRET_KEY, FIELD_ENCRYPTION_KEY, DATABASE_URL, "
        "CELERY_BROKER_URL, REDIS_URL, ALLOWED_HOSTS, SITE_URL"
    ) in result.stderr


@pytest.mark.parametrize("missing", REQUIRED)
def test_production_names_the_one_missing_variable(tmp_path, missing):
    env = _production_env(tmp_path)
    del env[missing]

    result = _run(["-c", SETUP], env=env)

    assert result.returncode == 1
    assert result.stderr.rstrip().endswith(
        f"ImproperlyConfigured: DEBUG=false (production) needs these environment variables: "
        f"{missing}"
    )


def test_an_empty_secret_counts_as_missing(tmp_path):
    result = _run(["-c", SETUP], env=_production_env(tmp_path, SECRET_KEY=""))

    assert result.returncode == 1
    assert result.stderr.rstrip().endswith("needs these environment variables: SECRET_KEY")


def test_a_malformed_boolean_is_refused_with_the_accepted_spellings(tmp_path):
    result = _run(["-c", SETUP], env=_production_env(tmp_path, DEBUG="maybe"))

    assert result.returncode == 1
    assert (
        "ImproperlyConfigured: DEBUG='maybe': expected true/false, 1/0, yes/no or on/off"
        in result.stderr
    )


def test_production_with_every_secret_starts_and_passes_the_deploy_checks(tmp_path):
    env = _production_env(tmp_path)

    started = _run(["-c", SETUP], env=env)
    check = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env=env)

    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "started"
    assert check.returncode == 0, check.stdout + check.stderr
    assert "System check identified no issues (0 silenced)." in check.stdout


@pytest.mark.parametrize(
    ("site_url", "problem"),
    [
        (
            "http://cbam.example",
            "(cbam.E001) SITE_URL='http://cbam.example' is not an https address: the links of "
            "every e-mail start with it.",
        ),
        (
            "https://cbam.example/platform",
            "(cbam.E002) SITE_URL='https://cbam.example/platform' has a path, query or "
            "fragment; expected the address alone.",
        ),
        (
            "https://127.0.0.1:8000",
            "(cbam.E003) SITE_URL's host '127.0.0.1' is not in ALLOWED_HOSTS ['cbam.example']: "
            "its links would be refused.",
        ),
    ],
)
def test_the_deploy_check_names_a_site_url_e_mail_links_cannot_use(tmp_path, site_url, problem):
    env = _production_env(tmp_path, SITE_URL=site_url)

    check = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env=env)

    assert check.returncode == 1
    assert problem in check.stderr
    assert "HINT: Set SITE_URL to the address people open the platform at" in check.stderr or (
        "HINT: Add the host to ALLOWED_HOSTS, or correct SITE_URL." in check.stderr
    )


def test_production_names_site_urls_host_in_pact_documents_by_default(tmp_path):
    show = "import django; django.setup(); from django.conf import settings; "
    show += "print(settings.PLATFORM_HOST)"

    default = _run(["-c", show], env=_production_env(tmp_path))
    given = _run(["-c", show], env=_production_env(tmp_path, PLATFORM_HOST="cbam.example"))

    assert default.stdout.strip() == "cbam.example"
    assert given.stdout.strip() == "cbam.example"


def test_the_deploy_check_refuses_a_platform_host_other_than_site_urls(tmp_path):
    env = _production_env(tmp_path, PLATFORM_HOST="cbam-exchange.local")

    check = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env=env)

    assert check.returncode == 1
    assert (
        "(cbam.E004) PLATFORM_HOST='cbam-exchange.local' is not SITE_URL's host 'cbam.example': "
        "every signed PACT document names "
        "https://cbam-exchange.local/schemas/cbam-exchange/cbam-footprint-v1.json as its "
        "extension's dataSchema, which must resolve at the public address."
    ) in check.stderr


def test_the_deploy_check_without_site_url_stops_naming_it(tmp_path):
    env = _production_env(tmp_path)
    del env["SITE_URL"]

    check = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env=env)

    assert check.returncode == 1
    assert check.stderr.rstrip().endswith(
        "ImproperlyConfigured: DEBUG=false (production) needs these environment variables: SITE_URL"
    )


# --- health probes ------------------------------------------------------------------------


def test_healthz_answers_ok_without_touching_the_database(client):
    # No django_db mark: any database access would fail this test.
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_accepts_only_get(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_readyz_reports_the_database_and_the_broker_ready(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "broker"}
    for check in body["checks"].values():
        assert set(check) == {"ok", "ms"}
        assert check["ok"] is True
        assert check["ms"] >= 0


@pytest.mark.django_db
def test_readyz_is_503_at_once_and_names_an_unreachable_broker(client, monkeypatch):
    from kombu import Connection

    from config.celery import app

    # Nothing listens on port 1: the connection is refused at once.
    monkeypatch.setattr(app, "connection_for_write", lambda: Connection("redis://127.0.0.1:1/0"))

    started = time.monotonic()
    response = client.get("/readyz")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not_ready"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["broker"]["error"].startswith("OperationalError: ")
    assert "127.0.0.1:1" in body["checks"]["broker"]["error"]
    # No retry after a pause: a probe that takes seconds is killed by the load balancer
    # before it can say what failed.
    assert elapsed < 1.5


@pytest.mark.django_db
def test_readyz_is_503_and_names_a_failing_database(client, monkeypatch):
    def broken() -> dict[str, object]:
        raise ConnectionError("database is down")

    monkeypatch.setattr("core.health._check_database", broken)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {
        "ok": False,
        "error": "ConnectionError: database is down",
    }
    assert response.json()["checks"]["broker"]["ok"] is True


# --- OpenAPI schema and docs ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_openapi_schema_is_served_as_yaml_and_json(client):
    yaml_response = client.get("/api/schema/")
    json_response = client.get("/api/schema/", {"format": "json"})

    assert yaml_response.status_code == 200
    assert yaml_response["Content-Type"] == "application/vnd.oai.openapi; charset=utf-8"
    assert yaml_response.content.decode().startswith("openapi: 3.0.3\n")
    assert json_response.status_code == 200
    schema = json_response.json()
    assert schema["openapi"] == "3.0.3"
    assert schema["info"]["title"] == "CBAM Exchange API"
    assert {
        "/api/v1/auth/token/",
        "/api/v1/orgs/{org_slug}/",
        "/api/v1/orgs/{org_slug}/memberships/",
        "/api/v1/orgs/{org_slug}/audit-events/",
    } <= set(schema["paths"])


@pytest.mark.django_db
def test_the_api_docs_load_only_local_static_assets(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r"https?://", html) == []
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, "the page references its script and stylesheet"
    # The start-up script is served by the page's own view (no inline script: CSP).
    assert assets.pop(assets.index("/api/docs/?script=")) == "/api/docs/?script="
    assert all(
        a.startswith(("/static/drf_spectacular_sidecar/", "/static/cbam/")) for a in assets
    ), assets
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")) is not None, asset
    script = client.get("/api/docs/?script=").content.decode()
    assert re.findall(r"https?://", script) == []
    assert '"/api/schema/"' in script


# --- errors and request ids ---------------------------------------------------------------------


def test_an_unknown_api_path_is_a_json_404_in_the_envelope(client):
    response = client.get("/api/v1/nope/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "message": "Not found.", "extra": {}}


def test_an_unknown_page_is_an_html_404(client):
    response = client.get("/nope/")

    assert response.status_code == 404
    assert response["Content-Type"] == "text/html; charset=utf-8"


def test_a_server_error_on_an_api_path_is_a_json_500_in_the_envelope():
    api = server_error_handler(RequestFactory().get("/api/v1/orgs/x/"))
    page = server_error_handler(RequestFactory().get("/dashboard/"))

    assert api.status_code == 500
    assert api["Content-Type"] == "application/json"
    assert api.content == (
        b'{"code": "server_error", "message": "Something went wrong on our side; '
        b'it has been logged.", "extra": {}}'
    )
    assert page.status_code == 500
    assert page["Content-Type"] == "text/html; charset=utf-8"


@pytest.mark.django_db
def test_an_unexpected_exception_in_an_api_view_shows_no_trace(admin_api, monkeypatch, caplog):
    def explode(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("accounts.api.organisations.organisation_detail", explode)

    response = admin_api.get("/api/v1/orgs/acme-steel/")

    assert response.status_code == 500
    assert response.json() == {
        "code": "server_error",
        "message": "Something went wrong on our side; it has been logged.",
        "extra": {},
    }
    assert "secret internals" not in response.content.decode()
    assert "Unhandled API error on /api/v1/orgs/acme-steel/" in caplog.text


@pytest.mark.django_db
def test_an_anonymous_api_call_is_401_in_the_envelope(client):
    response = client.get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json() == {
        "code": "not_authenticated",
        "message": "Authentication credentials were not provided.",
        "extra": {},
    }
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_sane_request_id_is_echoed(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3c9a1e.0001:x")

    assert response["X-Request-ID"] == "lb-7f3c9a1e.0001:x"


def test_the_request_id_is_echoed_on_errors_too(client):
    response = client.get("/api/v1/nope/", HTTP_X_REQUEST_ID="trace-12345678")

    assert response["X-Request-ID"] == "trace-12345678"


@pytest.mark.parametrize(
    "incoming", ["", "short", "has spaces in it", "x" * 129, "evil\r\nSet-Cookie:a=b"]
)
def test_an_absent_or_unsafe_request_id_is_replaced_by_a_generated_one(client, incoming):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_each_request_gets_its_own_generated_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]

    assert first != second
