"""Static files in the test process: WhiteNoise finds them on request (the session's
``WHITENOISE_AUTOREFRESH``, tests/conftest.py) instead of listing them for every test client,
and still serves them. Production serving is tests/web/test_production_static.py."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.test import Client

BASE = Path(settings.BASE_DIR)


def test_the_test_client_is_served_an_app_stylesheet():
    response = Client().get("/static/cbam/app.css")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert b"".join(response.streaming_content) == (BASE / "core/static/cbam/app.css").read_bytes()


def test_the_test_client_is_served_a_static_file_of_an_installed_package():
    response = Client().get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")


def test_a_missing_static_file_is_not_found():
    assert Client().get("/static/cbam/no-such-file.css").status_code == 404
