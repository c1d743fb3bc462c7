"""The judge: an exported workbook recalculated by LibreOffice (headless) shows the platform's
SEE in Summary_Products, to 5 decimal places."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import warnings
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from accounts.audit import Actor
from suppliers.models import Footprint
from suppliers.services.eu_template_export import communication_template_export
from suppliers.services.footprints import footprint_create
from tests.conftest import service_unavailable
from tests.suppliers.conftest import footprint_input

pytestmark = pytest.mark.django_db

FIVE = Decimal("0.00001")


def libreoffice(content: bytes) -> bytes:
    """``content`` opened, recalculated and saved as xlsx by LibreOffice (headless)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        service_unavailable("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in" / "export.xlsx"
        source.parent.mkdir()
        source.write_bytes(content)
        out = Path(tmp) / "out"
        profile = Path(tmp) / "profile"
        subprocess.run(
            [
                str(soffice),
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--calc",
                "--convert-to",
                "xlsx",
                "--outdir",
                str(out),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=300,
            env={**os.environ, "HOME": tmp},
        )
        return (out / "export.xlsx").read_bytes()


def recalculated(content: bytes) -> object:
    """``content`` recalculated by LibreOffice, read with the results it computed."""
    data = libreoffice(content)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return load_workbook(io.BytesIO(data), data_only=True)


def _5dp(value: object) -> Decimal:
    assert isinstance(value, int | float), value
    return Decimal(repr(value)).quantize(FIVE)


def summary_see(book, row: int) -> tuple[Decimal, Decimal, Decimal]:
    """Summary_Products I/J/K of ``row`` (goods from row 10), 5 dp; Summary_Communication,
    the sheet an importer reads (goods from row 26), must show the same."""
    products = tuple(_5dp(book["Summary_Products"][f"{col}{row}"].value) for col in "IJK")
    communication = tuple(
        _5dp(book["Summary_Communication"][f"{col}{row + 16}"].value) for col in "IJK"
    )
    assert communication == products
    return products  # type: ignore[return-value]


def test_a_steel_footprint_with_a_precursor_recalculates_to_the_platform_see(producer):
    footprint = footprint_create(
        actor=Actor(user=producer.users["preparer"]),
        organisation=producer.organisation,
        data=footprint_input(producer),
    )
    book = recalculated(communication_template_export(footprints=[footprint]))
    assert summary_see(book, 10) == (
        footprint.see_direct,
        footprint.see_indirect,
        footprint.see_total,
    )
    assert summary_see(book, 10) == (Decimal("2.24500"), Decimal("0.36945"), Decimal("2.61445"))


def published(footprint: Footprint) -> Footprint:
    """``footprint`` published with its organisation's real key (the review is elsewhere)."""
    from django.db import transaction

    from accounts.services.signing_keys import document_sign

    with transaction.atomic():
        signed = document_sign(
            organisation=footprint.organisation, document={"id": str(footprint.pk)}
        )
    Footprint.objects.filter(pk=footprint.pk).update(
        status="published",
        signed_document=signed.payload,
        signature=signed.jws,
        signing_kid=signed.kid,
        published_at=signed.signed_at,
    )
    footprint.refresh_from_db()
    return footprint


def steelworks(producer) -> tuple[Footprint, Footprint]:
    """A blast furnace (pig iron, P1) feeding a converter (crude steel, P2) that also buys
    direct reduced iron (supplier's figures) and ferro-manganese (default value)."""
    from suppliers.models import Product

    actor = Actor(user=producer.users["preparer"])
    products = {}
    for name, cn, category in (
        ("Pig iron", "72011011", "Pig iron"),
        ("Steel slabs", "72061000", "Crude steel"),
    ):
        products[name] = Product.objects.create(
            organisation=producer.organisation, name=name, cn_code=cn, category=category
        )
        products[name].installations.add(producer.installation)
    pig_iron = published(
        footprint_create(
            actor=actor,
            organisation=producer.organisation,
            data=footprint_input(
                producer,
                product=str(products["Pig iron"].pk),
                attributed_direct_emissions={"value": "1500000", "unit": "tCO2e"},
                activity_level={"value": "1000000", "unit": "t"},
                electricity={"value": "50000", "unit": "MWh"},
                electricity_factor={"value": "0.6", "unit": "tCO2/MWh"},
                electricity_factor_source="official_national",
                electricity_factor_reference="China national grid factor 2025",
                precursors=[],
            ),
        )
    )
    steel = footprint_create(
        actor=actor,
        organisation=producer.organisation,
        data=footprint_input(
            producer,
            product=str(products["Steel slabs"].pk),
            attributed_direct_emissions={"value": "200000", "unit": "tCO2e"},
            activity_level={"value": "500000", "unit": "t"},
            electricity={"value": "100000", "unit": "MWh"},
            electricity_factor={"value": "0.55", "unit": "tCO2/MWh"},
            electricity_factor_source="official_national",
            precursors=[
                {
                    "cn_code": "72011011",
                    "mass_per_t": {"value": "0.9", "unit": "t/t"},
                    "country_of_origin": "CN",
                    "see_source": "platform_footprint",
                    "source_footprint": str(pig_iron.pk),
                },
                {
                    "cn_code": "72031000",
                    "mass_per_t": {"value": "0.2", "unit": "t/t"},
                    "country_of_origin": "IN",
                    "see_source": "own_verified",
                    "see_direct": "1.1",
                    "see_indirect": "0.05",
                },
                {
                    "cn_code": "72021120",
                    "mass_per_t": {"value": "0.012", "unit": "t/t"},
                    "country_of_origin": "CN",
                    "see_source": "default_value",
                },
            ],
        ),
    )
    return pig_iron, steel


def test_a_two_process_installation_with_internal_and_purchased_precursors(producer):
    pig_iron, steel = steelworks(producer)
    assert steel.calculation_problems == []
    assert steel.see_direct is not None

    book = recalculated(communication_template_export(footprints=[pig_iron, steel]))

    assert summary_see(book, 10) == (pig_iron.see_direct, pig_iron.see_indirect, pig_iron.see_total)
    assert summary_see(book, 11) == (steel.see_direct, steel.see_indirect, steel.see_total)
    assert (summary_see(book, 10), summary_see(book, 11)) == (
        (Decimal("1.50000"), Decimal("0.03000"), Decimal("1.53000")),
        (Decimal("1.99028"), Decimal("0.14700"), Decimal("2.13728")),
    )


def test_the_recalculated_export_imports_to_the_same_inputs_and_see(producer):
    """What an importer receives, opens and saves imports back to the platform's figures."""
    from suppliers.eu_template import read_template
    from suppliers.services.eu_template_import import communication_template_import

    pig_iron, steel = steelworks(producer)
    content = libreoffice(communication_template_export(footprints=[pig_iron, steel]))

    data = read_template(content)
    assert data.country_code == "CN"
    assert [(p.name, p.activity_level, p.direct_emissions.value) for p in data.processes] == [
        ("Pig iron", Decimal(1000000), Decimal(1500000)),
        ("Steel slabs", Decimal(500000), Decimal(200000)),
    ]
    assert data.processes[0].consumed_in[2].value == Decimal(450000)
    report = communication_template_import(
        actor=Actor(user=producer.users["preparer"]),
        organisation=producer.organisation,
        content=content,
        dry_run=True,
    )
    assert [p for p in report["problems"] if p["severity"] == "error"] == []
    assert [(g["see_direct"], g["see_indirect"], g["see_total"]) for g in report["goods"]] == [
        (str(f.see_direct), str(f.see_indirect), str(f.see_total)) for f in (pig_iron, steel)
    ]
