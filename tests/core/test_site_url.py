"""E-mail links start with SITE_URL, the public address: ``make demo`` and ``make run`` set it
from the address they serve on (``ADDR``) unless it is set; ``run_platform`` does the same when
run by hand."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from core.links import absolute_url
from core.management.commands.run_platform import site_url_for

BASE_DIR = Path(__file__).resolve().parents[2]


def test_a_link_is_the_path_on_the_public_address(settings):
    settings.SITE_URL = "https://cbam.example.org"

    assert (
        absolute_url("/o/mill/notifications/") == "https://cbam.example.org/o/mill/notifications/"
    )


def test_a_link_needs_a_path_from_the_root():
    with pytest.raises(ValueError, match="expected a path starting with '/'"):
        absolute_url("o/mill/")


@pytest.mark.parametrize(
    ("addrport", "site_url"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("10.0.0.5:9000", "http://10.0.0.5:9000"),
        ("8080", "http://127.0.0.1:8080"),
        ("[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_run_platform_links_to_the_address_it_serves_on(addrport, site_url):
    assert site_url_for(addrport) == site_url


def _make_dry_run(*args: str, **env: str) -> str:
    result = subprocess.run(
        ["make", "-n", *args],
        cwd=BASE_DIR,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return next(line for line in result.stdout.splitlines() if "run_platform" in line)


def test_make_run_and_demo_set_site_url_from_addr():
    assert _make_dry_run("run", "ADDR=10.0.0.5:9000") == (
        "SITE_URL=http://10.0.0.5:9000 .venv/bin/python manage.py run_platform 10.0.0.5:9000"
    )
    assert _make_dry_run("demo") == (
        "SITE_URL=http://127.0.0.1:8000 .venv/bin/python manage.py run_platform 127.0.0.1:8000"
    )


def test_a_site_url_set_in_the_environment_wins():
    assert _make_dry_run("run", SITE_URL="https://cbam.example.org") == (
        "SITE_URL=https://cbam.example.org .venv/bin/python manage.py run_platform 127.0.0.1:8000"
    )
