"""Liveness and readiness probes.

``/healthz``: the process answers (no I/O). ``/readyz``: the database answers ``SELECT 1``
and the broker accepts a connection, each within a short timeout; 503 names what failed.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _check_database() -> dict[str, Any]:
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}


def _check_broker() -> dict[str, Any]:
    from config.celery import app

    started = time.monotonic()
    # One attempt, no retry: kombu sleeps 2 s before a retry, and a probe must answer fast.
    # The attempt itself is bounded by the broker's socket connect timeout (settings).
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=0)
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, dict[str, Any]] = {}
    for name, check in (("database", _check_database), ("broker", _check_broker)):
        try:
            checks[name] = check()
        except Exception as exc:  # any failure means "not ready"; say which and why
            checks[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    ready = all(c["ok"] for c in checks.values())
    return JsonResponse(
        {"status": "ready" if ready else "not_ready", "checks": checks},
        status=200 if ready else 503,
    )
