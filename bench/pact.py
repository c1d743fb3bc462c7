"""Benchmark: ``GET /3/footprints?limit=100`` (the PACT v3 host) against a bare Django view
returning the same stored bytes.

Both sides serve the same 100 stored signed documents in the same process and database:
- floor: a plain Django view that selects ``signed_document`` of one organisation's
  published footprints (first 100 by id) and joins them into
  ``{"data": [...]}`` (no authentication, no visibility rule, no pagination link);
- ours: ``GET /3/footprints?limit=100`` with a bearer token (token lookup and scope check,
  the visibility rule of exchange.sharing with its grant subquery, the keyset page of 101
  rows, the signed cursor and the absolute ``Link`` header).

Goal (issue 17): ours >= 0.9x the floor's throughput (requests per second).

Run: ``.venv/bin/python bench/pact.py [--footprints 300] [--repeat 300]``
(set DATABASE_URL for PostgreSQL). It creates and drops its own test database.
Figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import path  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench._support import bench_site, machine_token, timed_gets  # noqa: E402

PAGE = 100


def bare_footprints(request: HttpRequest, org_slug: str) -> HttpResponse:
    from suppliers.models import Footprint

    documents = (
        Footprint.objects.filter(organisation__slug=org_slug, status="published")
        .order_by("id")
        .values_list("signed_document", flat=True)[:PAGE]
    )
    body = b'{"data":[' + b",".join(bytes(d or b"") for d in documents) + b"]}"
    return HttpResponse(body, content_type="application/json")


urlpatterns = [path("bare/<slug:org_slug>/footprints", bare_footprints)]


def document(footprint_id: str, n: int) -> dict[str, object]:
    """A ProductFootprint of realistic size (about 2.5 KB canonicalised)."""
    return {
        "id": footprint_id,
        "specVersion": "3.0.0",
        "status": "Active",
        "companyName": "Bench Steel Co., Ltd.",
        "companyIds": ["urn:pact:company:bench", "urn:lei:5493001KJTIIGC8Y1R12"],
        "productIds": [f"urn:pact:product:bench-{n}"],
        "productClassifications": ["urn:pact:productclassification:cn:72083900"],
        "productNameCompany": f"Hot-rolled coil {n}",
        "productDescription": "Flat-rolled products of iron or non-alloy steel, hot-rolled.",
        "validityPeriodStart": "2026-01-01T00:00:00Z",
        "validityPeriodEnd": "2027-01-01T00:00:00Z",
        "pcf": {
            "declaredUnit": "kilogram",
            "referencePeriodStart": "2025-01-01T00:00:00Z",
            "referencePeriodEnd": "2026-01-01T00:00:00Z",
            "geographyCountry": "CN",
            "pcfExcludingBiogenicUptake": "2.1",
            "pcfIncludingBiogenicUptake": "2.1",
            "fossilGhgEmissions": "2.1",
            "boundaryProcessesDescription": "Cradle-to-gate per Regulation (EU) 2023/1773.",
            "ipccCharacterizationFactors": ["AR6"],
            "crossSectoralStandards": ["ISO14067"],
        },
        "extensions": [
            {
                "specVersion": "2.0.0",
                "dataSchema": "https://bench.example/schemas/cbam-exchange/cbam-footprint-v1.json",
                "data": {
                    "cnCode": "72083900",
                    "seeDirect": "1.80000",
                    "seeIndirect": "0.30000",
                    "precursors": [
                        {"cnCode": "72071111", "massTPerT": "1.05", "seeDirect": "1.7"}
                        for _ in range(8)
                    ],
                },
            }
        ],
    }


def seed(count: int) -> str:
    from accounts.services.signing_keys import document_sign
    from suppliers.models import Footprint
    from tests.factories import FootprintFactory, OrganisationFactory

    org = OrganisationFactory(slug="bench-org")
    base = timezone.now() - timedelta(days=1)
    for n in range(count):
        footprint = FootprintFactory(organisation=org)
        with transaction.atomic():
            signed = document_sign(organisation=org, document=document(str(footprint.pk), n))
        Footprint.objects.filter(pk=footprint.pk).update(
            status="published",
            signed_document=signed.payload,
            signature=signed.jws,
            signing_kid=signed.kid,
            published_at=signed.signed_at,
            created_at=base + timedelta(seconds=n),
        )
    return machine_token(org, ["footprints:read"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--footprints", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()

    setup_test_environment()
    with bench_site(__name__, urlpatterns):
        token = seed(args.footprints)
        client = Client()
        # Interleaved rounds, so that load from other processes falls on both sides alike.
        floor: list[float] = []
        ours: list[float] = []
        for _ in range(5):
            # Both marked https (the PACT host refuses plain HTTP); no TLS on either side.
            f, floor_body = timed_gets(
                client, "/bare/bench-org/footprints", args.repeat // 5, secure=True
            )
            o, ours_body = timed_gets(
                client,
                f"/3/footprints?limit={PAGE}",
                args.repeat // 5,
                secure=True,
                HTTP_AUTHORIZATION=f"Bearer {token}",
            )
            floor += f
            ours += o
        assert ours_body == floor_body, "the two sides must serve the same bytes"

    f_med, o_med = statistics.median(floor), statistics.median(ours)
    print(f"database: {connection.vendor}, footprints: {args.footprints}, repeat: {args.repeat}")
    print(f"page: {PAGE} documents, {len(ours_body)} bytes")
    print(f"bare Django view      median {f_med:7.2f} ms   {1000 / f_med:7.1f} req/s")
    print(f"GET /3/footprints     median {o_med:7.2f} ms   {1000 / o_med:7.1f} req/s")
    print(f"throughput ours / bare {f_med / o_med:5.2f}x (goal >= 0.90x)")


if __name__ == "__main__":
    main()
