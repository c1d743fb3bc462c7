"""Headers on every answer: Content-Security-Policy without inline code, Permissions-Policy,
and no caching of answers that did not choose their own (``core.middleware``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from core.middleware import CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def test_the_policy_allows_no_inline_code_and_no_other_origin():
    assert CONTENT_SECURITY_POLICY == CSP
    assert "unsafe" not in CONTENT_SECURITY_POLICY
    assert PERMISSIONS_POLICY == (
        "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
        "magnetometer=(), microphone=(), payment=(), usb=()"
    )


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/login/", 200),
        ("get", "/healthz", 200),
        ("get", "/api/docs/", 200),
        ("get", "/api/schema/", 200),
        ("get", "/api/v1/me/", 401),
        ("get", "/no-such-page/", 404),
        ("get", "/admin/", 302),
        ("post", "/api/v1/calculations/cbam-obligation", 400),
    ],
)
def test_every_answer_carries_the_policies_and_is_not_cached(client, db, method, path, status):
    response = getattr(client, method)(path, content_type="application/json")

    assert response.status_code == status
    assert response["Content-Security-Policy"] == CSP
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    # Ours, or the admin's own never-cache headers (which include no-store).
    assert "no-store" in response["Cache-Control"].split(", ")


def test_a_logged_in_page_is_not_cached(client, db, django_user_model):
    from tests.factories import MembershipFactory

    member = MembershipFactory()
    client.force_login(member.user)

    response = client.get(f"/o/{member.organisation.slug}/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"


def test_a_413_carries_the_policies_too(client, db):
    response = client.generic(
        "POST",
        "/api/v1/calculations/cbam-obligation",
        b"x" * (10 * 1024 * 1024 + 1),
        content_type="application/json",
    )

    assert response.status_code == 413
    assert response["Content-Security-Policy"] == CSP


_INLINE = re.compile(r"<style|\sstyle=|<script(?![^>]*\ssrc=)|\son[a-z]+=", re.IGNORECASE)


def test_no_template_of_ours_has_inline_scripts_styles_or_handlers():
    roots = [Path(settings.BASE_DIR) / "templates"] + [
        Path(settings.BASE_DIR) / app / "templates"
        for app in ("accounts", "core", "suppliers", "exchange")
    ]
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group()}"
        for root in roots
        if root.exists()
        for path in sorted(root.rglob("*.html"))
        for match in _INLINE.finditer(
            re.sub(r"{% comment %}.*?{% endcomment %}", "", path.read_text(), flags=re.S)
        )
    ]
    assert offenders == []
