"""Benchmark: what the organisation-scoped API layer costs over a bare Django view.

Both sides read the same rows in the same process and database:
- floor: a plain Django view that selects the memberships of one organisation with
  ``values()`` and returns ``JsonResponse`` (no DRF, no authentication, no role check);
- ours: ``GET /api/v1/orgs/<slug>/memberships/?page_size=N``, authenticated with an OAuth2
  bearer token (token lookup, organisation + role resolution, scope check, throttles,
  pagination, serializers).

Run: ``.venv/bin/python bench/api_overhead.py [--rows 200] [--repeat 300]``
(set DATABASE_URL for PostgreSQL). It creates and drops its own test database.
Figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("THROTTLE_CLIENT_RATE", "1000000/min")
os.environ.setdefault("THROTTLE_ORGANISATION_RATE", "1000000/min")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.http import HttpRequest, JsonResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import path  # noqa: E402

from bench._support import bench_site, machine_token, timed_gets  # noqa: E402


def bare_memberships(request: HttpRequest, org_slug: str) -> JsonResponse:
    from accounts.models import Membership

    rows = list(
        Membership.objects.filter(organisation__slug=org_slug)
        .order_by("created_at", "id")
        .values("id", "user__email", "user__full_name", "role", "created_at")[:500]
    )
    return JsonResponse({"count": len(rows), "results": rows})


urlpatterns = [path("bare/<slug:org_slug>/memberships/", bare_memberships)]


def seed(rows: int) -> str:
    from accounts.models import Membership, Organisation, User

    org = Organisation.objects.create(
        slug="bench-org", legal_name="基准", legal_name_latin="Bench", country="CN"
    )
    users = User.objects.bulk_create(
        User(email=f"bench{i}@example.com", full_name=f"Bench {i}") for i in range(rows)
    )
    Membership.objects.bulk_create(
        Membership(user=u, organisation=org, role="viewer") for u in users
    )
    return machine_token(org, ["members:read"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()

    setup_test_environment()
    with bench_site(__name__, urlpatterns):
        token = seed(args.rows)
        client = Client()
        floor, _ = timed_gets(client, "/bare/bench-org/memberships/", args.repeat)
        ours, _ = timed_gets(
            client,
            f"/api/v1/orgs/bench-org/memberships/?page_size={args.rows}",
            args.repeat,
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    f_med, o_med = statistics.median(floor), statistics.median(ours)
    print(f"database: {connection.vendor}, rows: {args.rows}, repeat: {args.repeat}")
    print(f"bare Django view   median {f_med:7.2f} ms   p95 {_p95(floor):7.2f} ms")
    print(f"API (bearer token) median {o_med:7.2f} ms   p95 {_p95(ours):7.2f} ms")
    print(f"ratio API / bare   {o_med / f_med:5.2f}x")


def _p95(samples: list[float]) -> float:
    return sorted(samples)[int(len(samples) * 0.95) - 1]


if __name__ == "__main__":
    main()
