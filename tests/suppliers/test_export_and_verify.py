"""Done when: a preparer enters a footprint with units, a reviewer approves, an admin publishes;
``export_footprint`` writes the signed bytes, the JWS and the JWKS; ``verify_footprint`` and the
standalone script accept them, and refuse them after one flipped byte."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import joserfc.errors
import joserfc.jwk
import joserfc.jws
import jwt
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from accounts.selectors import jwks_published
from core.jobs import job_execute
from core.models import Job
from suppliers.models import Footprint
from tests.suppliers.conftest import footprint_input

pytestmark = pytest.mark.django_db

STANDALONE = Path(settings.BASE_DIR) / "tools" / "verify_footprint_standalone.py"


@dataclass
class Exported:
    footprint: Footprint
    document: Path
    signature: Path
    jwks: Path
    output: str


def _published_through_the_api(producer) -> Footprint:
    data = footprint_input(
        producer,
        electricity={"value": "90000000", "unit": "kWh"},
        precursors=[
            {
                "cn_code": "72071114",
                "mass_per_t": {"value": "1050", "unit": "kg/t"},
                "country_of_origin": "CN",
                "see_source": "own_verified",
                "see_direct": "1.9",
                "see_indirect": "0.3",
            }
        ],
    )
    created = producer.api("preparer").post(producer.url("footprints/"), data, format="json")
    assert created.status_code == 201, created.content
    footprint_id = created.json()["id"]

    def act(role: str, action: str) -> None:
        response = producer.api(role).post(
            producer.url(f"footprints/{footprint_id}/{action}/"), {}, format="json"
        )
        assert response.status_code == 200, response.content

    act("preparer", "submit")
    job = Job.objects.get(kind="suppliers.validate_footprint", payload__footprint_id=footprint_id)
    assert job_execute(job_id=job.pk).status == "succeeded"
    act("reviewer", "approve")
    act("admin", "publish")
    return Footprint.objects.get(pk=footprint_id)


def _export(footprint_id: str, out: Path) -> str:
    stdout = StringIO()
    call_command("export_footprint", footprint_id, "--out", str(out), stdout=stdout)
    return stdout.getvalue()


@pytest.fixture
def exported(producer, tmp_path: Path) -> Exported:
    footprint = _published_through_the_api(producer)
    out = tmp_path / "export"
    output = _export(str(footprint.pk), out)
    return Exported(
        footprint=footprint,
        document=out / f"{footprint.pk}.json",
        signature=out / f"{footprint.pk}.jws",
        jwks=out / "jwks.json",
        output=output,
    )


def _verify(exported: Exported) -> tuple[int, str]:
    """``verify_footprint`` offline; its exit status as a shell would see it."""
    stdout = StringIO()
    try:
        call_command(
            "verify_footprint",
            str(exported.document),
            "--signature",
            str(exported.signature),
            "--jwks",
            str(exported.jwks),
            stdout=stdout,
        )
    except SystemExit as exc:
        return int(exc.code or 0), stdout.getvalue()
    return 0, stdout.getvalue()


def _standalone(exported: Exported) -> tuple[int, str]:
    # -I: isolated, as an importer runs it: the project is not importable.
    completed = subprocess.run(
        [
            sys.executable,
            "-I",
            str(STANDALONE),
            exported.document.name,
            exported.signature.name,
            exported.jwks.name,
        ],
        cwd=exported.document.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return completed.returncode, completed.stdout + completed.stderr


def _replace_once(path: Path, old: bytes, new: bytes) -> None:
    """Change exactly one byte of the file: ``old`` occurs once and differs from ``new`` in
    one position."""
    content = path.read_bytes()
    assert content.count(old) == 1
    assert len(old) == len(new)
    assert sum(a != b for a, b in zip(old, new, strict=True)) == 1
    path.write_bytes(content.replace(old, new))


def _flip_signature_byte(path: Path) -> None:
    """Replace one base64url character in the middle of the signature part of the JWS."""
    jws = path.read_text().strip()
    position = jws.rindex(".") + 20
    replacement = "A" if jws[position] != "A" else "B"
    path.write_text(jws[:position] + replacement + jws[position + 1 :] + "\n")


def test_the_entered_units_are_normalised_and_the_figures_are_the_engines(exported):
    footprint = exported.footprint

    assert footprint.status == "published"
    assert footprint.electricity_mwh == 90000
    assert footprint.inputs_as_entered["electricity"] == {"value": "90000000", "unit": "kWh"}
    # (250000 tCO2e + 1.05 t/t x 1,000,000 t x 1.9) / 1,000,000 t
    assert str(footprint.see_direct) == "2.24500"
    # (90000 MWh x 0.605 tCO2/MWh (CN, IR 2025/2621 Annex II) + 1.05 x 1,000,000 x 0.3) / 1,000,000
    assert str(footprint.see_indirect) == "0.36945"
    assert str(footprint.see_total) == "2.61445"


def test_export_writes_the_stored_bytes_the_signature_and_the_platform_jwks(exported):
    footprint = exported.footprint

    assert exported.document.read_bytes() == bytes(footprint.signed_document)
    assert exported.signature.read_bytes() == footprint.signature.encode("ascii")  # no newline
    assert json.loads(exported.jwks.read_text()) == jwks_published()
    document = json.loads(exported.document.read_bytes())
    assert document["id"] == str(footprint.pk)
    assert document["extensions"][0]["data"]["see"]["directTco2ePerT"] == "2.24500"
    assert document["extensions"][0]["data"]["electricity"]["consumedMwh"] == "90000"


def test_the_exported_files_verify_with_pyjwt_and_joserfc_as_they_come(exported):
    """The three files exactly as written (no strip, no re-encoding), fed to two common JOSE
    libraries with their defaults: the current header has registered parameters only."""
    token = exported.signature.read_bytes()
    payload = exported.document.read_bytes()
    jwk = next(
        key
        for key in json.loads(exported.jwks.read_bytes())["keys"]
        if key["kid"] == exported.footprint.signing_kid
    )

    decoded = jwt.api_jws.PyJWS().decode_complete(
        token, jwt.PyJWK(jwk).key, algorithms=["EdDSA"], detached_payload=payload
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", joserfc.errors.SecurityWarning)  # "EdDSA" vs RFC 9864
        extracted = joserfc.jws.deserialize_compact(
            token, joserfc.jwk.OKPKey.import_key(jwk), algorithms=["EdDSA"], payload=payload
        )

    assert decoded["payload"] == payload
    assert extracted.payload == payload
    assert extracted.headers() == {
        "alg": "EdDSA",
        "b64": False,
        "crit": ["b64"],
        "kid": exported.footprint.signing_kid,
    }


def test_export_prints_the_three_paths_and_the_command_that_checks_them(exported):
    assert exported.output.splitlines() == [
        f"document:  {exported.document}",
        f"signature: {exported.signature}",
        f"jwks:      {exported.jwks}",
        f"check: python manage.py verify_footprint {exported.document} --signature "
        f"{exported.signature} --jwks {exported.jwks}",
    ]


def test_verify_footprint_accepts_the_exported_files(exported):
    status, output = _verify(exported)

    assert status == 0
    assert output.startswith(
        f"valid: signed by {exported.footprint.signing_kid} (Hebei Steel, hebei-steel) at "
    )


def test_one_changed_byte_of_the_document_makes_it_invalid(exported):
    _replace_once(exported.document, b'"directTco2ePerT":"2.24500"', b'"directTco2ePerT":"2.24501"')

    status, output = _verify(exported)

    assert status == 1
    assert output.startswith("INVALID: ")


def test_one_changed_byte_of_the_signature_makes_it_invalid(exported):
    _flip_signature_byte(exported.signature)

    status, output = _verify(exported)

    assert status == 1
    assert output.startswith("INVALID: ")


def test_the_standalone_script_accepts_the_export_and_refuses_a_changed_document(exported):
    status, output = _standalone(exported)
    assert (status, output.split(" at ")[0]) == (
        0,
        f"valid: signed by {exported.footprint.signing_kid} (hebei-steel)",
    )

    _replace_once(exported.document, b'"activityLevelT":"1000000"', b'"activityLevelT":"1000001"')
    status, output = _standalone(exported)

    assert status == 1
    assert output.startswith("INVALID: InvalidSignature")


def test_the_standalone_script_refuses_a_changed_signature(exported):
    _flip_signature_byte(exported.signature)

    status, output = _standalone(exported)

    assert status == 1
    assert output.startswith("INVALID: ")


def test_exporting_a_draft_is_refused_naming_its_status(producer, tmp_path):
    response = producer.api("preparer").post(
        producer.url("footprints/"), footprint_input(producer), format="json"
    )
    footprint_id = response.json()["id"]

    with pytest.raises(CommandError, match=f"footprint {footprint_id} is draft; only a published"):
        _export(footprint_id, tmp_path)

    assert list(tmp_path.iterdir()) == []


def test_exporting_an_unknown_id_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="no footprint 00000000-0000-0000-0000-000000000001"):
        _export("00000000-0000-0000-0000-000000000001", tmp_path)
    with pytest.raises(CommandError, match="'HRC-2026' is not a footprint id"):
        _export("HRC-2026", tmp_path)

    assert list(tmp_path.iterdir()) == []
