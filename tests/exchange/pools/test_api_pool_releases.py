"""A release as files: its signature verifies offline with the platform's command and with the
standalone script (only the three downloaded files), and its CSV is one row per cell with
exact figures, safe in a spreadsheet."""

from __future__ import annotations

import base64
import csv
import io
import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from accounts.models import SigningKey
from core.spreadsheet import FORMULA_START
from exchange.pools.exports import RELEASE_COLUMNS
from tests.exchange.pools.conftest import COIL, WIRE, World, ok
from tests.exchange.pools.helpers import full_pool, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def release_files(world: World, tmp_path: Path) -> dict[str, Path]:
    """release.json, release.jws and jwks.json as a member downloads them."""
    pool_id = full_pool(world)
    publish(world, pool_id, certificate_price_eur="75.00")
    member = world.coil[0]
    base = member.url(f"pools/{pool_id}/releases/1/")
    document = member.api("viewer").get(f"{base}document/")
    signature = member.api("viewer").get(f"{base}signature/")
    jwks = member.api("viewer").get(f"/api/v1/organisations/{world.association.slug}/jwks.json")
    assert (document.status_code, signature.status_code, jwks.status_code) == (200, 200, 200)
    assert signature["Content-Type"] == "application/jose"
    paths = {
        "document": tmp_path / "release.json",
        "signature": tmp_path / "release.jws",
        "jwks": tmp_path / "jwks.json",
    }
    paths["document"].write_bytes(document.content)
    paths["signature"].write_bytes(signature.content)
    paths["jwks"].write_bytes(jwks.content)
    return paths


def test_a_release_verifies_offline_with_the_platforms_command(
    release_files: dict[str, Path], world: World, django_assert_num_queries
):
    kid = SigningKey.objects.get(organisation=world.association.organisation).kid
    out = StringIO()

    with django_assert_num_queries(0):  # the JWKS file is all it reads
        call_command(
            "verify_footprint",
            str(release_files["document"]),
            "--signature",
            str(release_files["signature"]),
            "--jwks",
            str(release_files["jwks"]),
            stdout=out,
        )

    line = out.getvalue()
    assert line.startswith(
        f"valid: signed by {kid} (China Steel Association, steel-association) at "
    ), line


def test_a_release_verifies_with_nothing_but_python_and_cryptography(
    release_files: dict[str, Path], world: World
):
    kid = SigningKey.objects.get(organisation=world.association.organisation).kid
    script = Path(settings.BASE_DIR) / "tools" / "verify_footprint_standalone.py"

    run = subprocess.run(
        [
            sys.executable,
            str(script),
            *(str(release_files[k]) for k in ("document", "signature", "jwks")),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(f"valid: signed by {kid} (steel-association) at "), run.stdout


def test_a_changed_byte_of_the_release_does_not_verify(release_files: dict[str, Path]):
    data = release_files["document"].read_bytes().replace(b'"1.80000"', b'"1.70000"', 1)
    release_files["document"].write_bytes(data)
    script = Path(settings.BASE_DIR) / "tools" / "verify_footprint_standalone.py"

    run = subprocess.run(
        [
            sys.executable,
            str(script),
            *(str(release_files[k]) for k in ("document", "signature", "jwks")),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert run.returncode == 1
    assert run.stderr.startswith("INVALID: InvalidSignature")


def test_the_release_csv_has_one_row_per_cell_with_exact_figures(world: World):
    pool_id = full_pool(world)
    publish(world, pool_id, certificate_price_eur="75.00")
    member = world.coil[1]

    response = member.api("viewer").get(member.url(f"pools/{pool_id}/releases/1/csv/"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="pool-{pool_id}-release-1.csv"'
    )
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    comments = [row for row in rows if row[0].startswith("#")]
    assert [row[0] for row in comments[:3]] == [
        "# CBAM Exchange data pool release: sector statistics",
        "# Pool: Hot-rolled steel, China",
        "# Association: China Steel Association",
    ]
    table = rows[len(comments) :]
    assert tuple(table[0]) == RELEASE_COLUMNS
    body = {row[0]: dict(zip(RELEASE_COLUMNS, row, strict=True)) for row in table[1:]}
    assert len(body) == 24  # one row per cell: 12 of the coil mills, 12 of the wire-rod mills
    coil = body[f"{COIL}||CN|2026"]
    assert coil == {
        "cell": f"{COIL}||CN|2026",
        "cn_code": COIL,
        "route": "",
        "country": "CN",
        "year": "2026",
        "published": "yes",
        "contributors": "5",
        "footprints": "5",
        "verified_share_pct": "40.0",
        "direct_mean": "1.88000",
        "direct_p10": "1.58000",
        "direct_p25": "1.70000",
        "direct_median": "1.80000",
        "direct_p75": "2.00000",
        "direct_p90": "2.24000",
        "indirect_mean": "0.20000",
        "indirect_p10": "0.12000",
        "indirect_p25": "0.15000",
        "indirect_median": "0.20000",
        "indirect_p75": "0.25000",
        "indirect_p90": "0.28000",
        "counted_mean": "1.88000",
        "counted_p10": "1.58000",
        "counted_p25": "1.70000",
        "counted_median": "1.80000",
        "counted_p75": "2.00000",
        "counted_p90": "2.24000",
        "default_value": "3.187",
        "mark_up": "0.1",
        "default_with_mark_up": "3.50570",
        "benchmark_a": coil["benchmark_a"],
        "benchmark_b": coil["benchmark_b"],
        "reference": coil["reference"],
        # Negative figures stay numbers, never neutralised as text.
        "gap_tco2e_per_t": "-1.70570",
        "gap_eur_per_t": "-127.93",
    }
    assert coil["reference"].startswith("default_values")
    wire = body[f"{WIRE}||*|all"]
    assert [wire[c] for c in RELEASE_COLUMNS[:6]] == [f"{WIRE}||*|all", WIRE, "", "*", "all", "no"]
    assert set(list(wire.values())[6:]) == {""}  # nothing about a suppressed cell


def test_a_hostile_pool_name_comes_back_as_text_in_the_csv(world: World):
    pool_id = full_pool(world, name='=HYPERLINK("http://evil.example/","Report")')
    publish(world, pool_id, certificate_price_eur="75.00")

    response = world.association.api("viewer").get(
        world.association.url(f"pools/{pool_id}/releases/1/csv/")
    )

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1] == ['# Pool: =HYPERLINK("http://evil.example/","Report")']
    text_cells = [cell for row in rows for cell in row if not _number(cell)]
    assert [cell for cell in text_cells if cell.startswith(FORMULA_START)] == []


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_the_release_detail_carries_the_signature_and_the_key(world: World):
    pool_id = full_pool(world)
    publish(world, pool_id, certificate_price_eur="75.00")
    member = world.wire[0]

    detail = ok(member.api("viewer").get(member.url(f"pools/{pool_id}/releases/1/")))
    signature = member.api("viewer").get(member.url(f"pools/{pool_id}/releases/1/signature/"))

    assert detail["signature"] == signature.content.decode()
    header = detail["signature"].split(".")[0]
    assert (
        json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]
        == (detail["kid"])
    )
    assert detail["document"]["type"] == "cbam-exchange/pool-release"
    assert detail["document"]["release"]["number"] == 1
