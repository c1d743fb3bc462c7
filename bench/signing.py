"""Benchmark: signing and verifying footprints, against bare Ed25519 in the same run.

Both sides work on the same synthetic PACT-like footprints (about 2 KB of JSON each, seeded)
in one process, on one core:

- sign, ours: ``accounts.signing.canonicalize`` (RFC 8785) + ``sign_detached`` (JWS header
  built and encoded, Ed25519 over header + payload) per footprint dict;
- sign, floor: ``Ed25519PrivateKey.sign`` over the same canonical bytes (already computed);
- verify, ours: ``accounts.signing.verify_document``, the pure core of
  ``document_verify`` (JWS parsed and checked, key looked up by kid, revocation rule) over the
  stored bytes and JWS; no database;
- verify, floor: ``Ed25519PublicKey.verify`` over the same bytes.

Run: ``.venv/bin/python bench/signing.py [--documents 2000] [--repeat 5] [--seed 7]``
Goal: at least 1,000 footprints signed and 1,000 verified per second on one core.
Figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from accounts.signing import (
    PublishedKey,
    canonicalize,
    sign_detached,
    verify_document,
)

KID = "hebei-steel-20261121-0a1b2c3d"
SIGNED_AT = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


def footprint(rng: random.Random) -> dict[str, Any]:
    """A PACT 2.x-shaped product footprint with a CBAM extension, about 2 KB as JCS."""
    quantity = f"{rng.uniform(0.5, 3.0):.5f}"
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128))),
        "specVersion": "2.3.0",
        "version": rng.randint(1, 5),
        "created": "2026-11-21T10:00:00Z",
        "status": "Active",
        "validityPeriodStart": "2026-01-01T00:00:00Z",
        "validityPeriodEnd": "2026-12-31T23:59:59Z",
        "companyName": "Hebei Iron & Steel Co., Ltd. 河北钢铁有限公司",
        "companyIds": ["urn:cbam-exchange:uscc:91130000104365468E", "urn:lei:5493001KJTIIGC8Y1R12"],
        "productDescription": f"Hot-rolled flat steel coil, {rng.randint(2, 12)} mm, S355JR",
        "productIds": [f"urn:cbam-exchange:product:{rng.getrandbits(48):012x}"],
        "productCategoryCpc": "4121",
        "productNameCompany": f"HR coil {rng.randint(1000, 9999)}",
        "comment": "Basic oxygen furnace route; values per tonne of product at the plant gate.",
        "pcf": {
            "declaredUnit": "kilogram",
            "unitaryProductAmount": "1000",
            "pCfExcludingBiogenic": quantity,
            "pCfIncludingBiogenic": quantity,
            "fossilGhgEmissions": quantity,
            "fossilCarbonContent": "0",
            "biogenicCarbonContent": "0",
            "characterizationFactors": "AR6",
            "ipccCharacterizationFactorsSources": ["AR6"],
            "crossSectoralStandardsUsed": ["ISO Standard 14067"],
            "productOrSectorSpecificRules": [
                {"operator": "Other", "otherOperatorName": "EU CBAM", "ruleNames": ["IR 2023/1773"]}
            ],
            "boundaryProcessesDescription": "Cradle to gate incl. precursors: sinter, pig iron.",
            "referencePeriodStart": "2025-01-01T00:00:00Z",
            "referencePeriodEnd": "2025-12-31T23:59:59Z",
            "geographyCountry": "CN",
            "exemptedEmissionsPercent": 0,
            "exemptedEmissionsDescription": "",
            "packagingEmissionsIncluded": False,
            "primaryDataShare": round(rng.uniform(50, 100), 1),
            "dqi": {
                "coveragePercent": 100,
                "technologicalDQR": 1.6,
                "temporalDQR": 1.2,
                "geographicalDQR": 1.0,
                "completenessDQR": 1.4,
                "reliabilityDQR": 1.3,
            },
            "assurance": {
                "assurance": True,
                "coverage": "product line",
                "level": "reasonable",
                "boundary": "Cradle-to-Gate",
                "providerName": "TÜV Example Verification GmbH",
                "completedAt": "2026-03-15T00:00:00Z",
                "standardName": "ISO 14065",
            },
        },
        "extensions": [
            {
                "specVersion": "2.0.0",
                "dataSchema": "https://cbam-exchange.example/schemas/cbam-see/1.0.json",
                "data": {
                    "cnCode": "72083900",
                    "installation": f"urn:cbam-exchange:installation:{rng.getrandbits(32):08x}",
                    "productionRoute": "BF/BOF",
                    "seeDirectTco2ePerT": f"{rng.uniform(1.5, 2.2):.5f}",
                    "seeIndirectTco2ePerT": f"{rng.uniform(0.1, 0.4):.5f}",
                    "electricityMwh": f"{rng.uniform(0.2, 0.8):.5f}",
                    "precursors": [
                        {"cnCode": "72011011", "massT": f"{rng.uniform(0.9, 1.1):.4f}"},
                        {"cnCode": "26011200", "massT": f"{rng.uniform(0.1, 0.3):.4f}"},
                    ],
                    "verified": True,
                },
            }
        ],
    }


def rate(run: Callable[[], None], count: int, repeat: int) -> float:
    """Median operations per second over ``repeat`` runs of ``count`` operations."""
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return count / statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    documents = [footprint(rng) for _ in range(args.documents)]
    private_key = Ed25519PrivateKey.from_private_bytes(rng.randbytes(32))
    public_key = private_key.public_key()
    keys = {KID: PublishedKey(kid=KID, public_key=public_key, organisation="hebei-steel")}
    payloads = [canonicalize(document) for document in documents]
    jwss = [sign_detached(p, private_key, KID) for p in payloads]
    signatures = [private_key.sign(p) for p in payloads]
    sizes = [len(p) for p in payloads]

    def sign_ours() -> None:
        for document in documents:
            sign_detached(canonicalize(document), private_key, KID)

    def sign_floor() -> None:
        for payload in payloads:
            private_key.sign(payload)

    def canonicalize_only() -> None:
        for document in documents:
            canonicalize(document)

    def verify_ours() -> None:
        for payload, jws in zip(payloads, jwss, strict=True):
            # The signing time the platform stores beside each signature (published_at).
            result = verify_document(payload=payload, jws=jws, keys=keys, signed_at=SIGNED_AT)
            if not result.valid:
                raise AssertionError("a good signature did not verify")

    def verify_floor() -> None:
        for payload, signature in zip(payloads, signatures, strict=True):
            public_key.verify(signature, payload)

    n, r = args.documents, args.repeat
    results = {
        "sign": (rate(sign_floor, n, r), rate(sign_ours, n, r)),
        "verify": (rate(verify_floor, n, r), rate(verify_ours, n, r)),
    }
    jcs = rate(canonicalize_only, n, r)

    print(
        f"{n} footprints, JCS size {min(sizes)}-{max(sizes)} bytes "
        f"(median {statistics.median(sizes):.0f}); median of {r} runs; one core"
    )
    print(f"{'':8} {'floor ops/s':>12} {'ours ops/s':>12} {'ratio':>7}")
    for name, (floor, ours) in results.items():
        print(f"{name:8} {floor:12,.0f} {ours:12,.0f} {floor / ours:6.2f}×")
    print(f"JCS alone: {jcs:,.0f} documents/s")
    goal = all(ours >= 1000 for _floor, ours in results.values())
    print(f"goal (>= 1,000 signed and >= 1,000 verified per second): {'met' if goal else 'MISSED'}")


if __name__ == "__main__":
    main()
