"""The judge: exported workbooks recalculated by LibreOffice (headless) show the platform's
SEE in Summary_Products, to 5 decimal places: a steel footprint, a two-process installation
with internal and purchased precursors, and every footprint of the demo world.

LibreOffice takes seconds per file and openpyxl seconds per export (it loads and saves the
1.3 MB template), so each workbook is exported once, from footprints made in a rolled-back
transaction (``rolled_back``, conftest.py), and one soffice process recalculates them all and
writes each one's Summary_Products as CSV (``summary_products``): that sheet alone is a
fraction of the time of saving the whole workbook as xlsx and reading it back. One workbook is
saved as xlsx too, to import what an importer's LibreOffice saves (``steelworks_resaved``)."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import tempfile
import warnings
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from accounts.audit import Actor
from cbam.rounding import round_see
from demo.accounts import demo_accounts_seed
from demo.footprints import demo_footprints_seed
from suppliers.models import Footprint
from suppliers.services.eu_template_export import communication_template_export
from suppliers.services.footprints import footprint_create
from tests.conftest import service_unavailable
from tests.suppliers.conftest import Producer, footprint_input, producer_create
from tests.suppliers.eu_template.conftest import Export, rolled_back

# One process runs the module: its exports and their LibreOffice conversions are made once.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("export_recalculation")]

#: LibreOffice's CSV filter writing only Summary_Products (the template's 13th sheet) with the
#: values at full precision: separator ",", quote '"', UTF-8 (76), language en-US (1033: "."
#: as the decimal point), cell contents not "as shown" (token 9), no formulas, sheet 13
#: (token 12, LibreOffice 7.2 and later; the file is named ``<name>-<sheet>.csv``).
SUMMARY_PRODUCTS_CSV = (
    "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,false,false,false,13"
)


def libreoffice(workbooks: dict[str, bytes], convert_to: str) -> dict[str, bytes]:
    """The files LibreOffice (headless) writes converting each workbook ``<name>.xlsx`` to
    ``convert_to``, by file name. Opening recalculates them (the exports ask for a full
    recalculation on load). One soffice process for all: it converts its files one by one."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        service_unavailable("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        sources = Path(tmp) / "in"
        sources.mkdir()
        for name, content in workbooks.items():
            (sources / f"{name}.xlsx").write_bytes(content)
        out = Path(tmp) / "out"
        profile = Path(tmp) / "profile"
        subprocess.run(
            [
                str(soffice),
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--calc",
                "--convert-to",
                convert_to,
                "--outdir",
                str(out),
                *(str(sources / f"{name}.xlsx") for name in workbooks),
            ],
            check=True,
            capture_output=True,
            timeout=120 + 60 * len(workbooks),
            env={**os.environ, "HOME": tmp},
        )
        return {path.name: path.read_bytes() for path in out.iterdir()}


def platform_rounded(shown: str) -> Decimal:
    """A result as the spreadsheet shows it at full precision, rounded to 5 dp as the platform
    rounds (``round_see``: ROUND_HALF_UP, like Excel's ROUND). Spreadsheets compute in binary
    floating point and show 15 significant digits: the demo's wire rod is 0.065 + 1.7028 +
    0.586265 = 2.3540649999999997 in floating point, 2.354065 on screen, 2.35407 on the
    platform."""
    return round_see(Decimal(shown))


def summary_see(rows: list[list[str]], row: int) -> tuple[Decimal, Decimal, Decimal]:
    """Summary_Products I/J/K of ``row`` (goods from row 10) in LibreOffice's CSV (which
    writes what the sheet shows at full precision), 5 dp."""
    i, j, k = (platform_rounded(value) for value in rows[row - 1][8:11])
    return (i, j, k)


def saved_see(content: bytes, sheet: str, row: int) -> tuple[Decimal, Decimal, Decimal]:
    """Columns I/J/K of ``row`` of ``sheet`` as the saved workbook's results, 5 dp."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        [values] = book[sheet].iter_rows(
            min_row=row, max_row=row, min_col=9, max_col=11, values_only=True
        )
    finally:
        book.close()
    i, j, k = (platform_rounded(f"{value:.15g}") for value in values)
    return (i, j, k)


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


def steelworks(producer: Producer) -> tuple[Footprint, Footprint]:
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


@pytest.fixture(scope="module")
def steelworks_export(django_db_setup: None, django_db_blocker: Any) -> Export:
    with rolled_back(django_db_blocker):
        pig_iron, steel = steelworks(producer_create())
        assert steel.calculation_problems == []
        assert steel.see_direct is not None
        content = communication_template_export(footprints=[pig_iron, steel])
    return Export("steelworks", content, (pig_iron, steel))


@dataclass(frozen=True)
class DemoWorkbook:
    """The workbook of one demo installation and period, and the demo keys of its footprints
    (``demo/data/footprints.json``) in the order of its goods (Summary_Products from row 10)."""

    export: Export
    keys: tuple[str, ...]


@pytest.fixture(scope="module")
def demo_workbooks(django_db_setup: None, django_db_blocker: Any) -> list[DemoWorkbook]:
    """The demo world seeded as ``make seed`` does (people, then the producers' installations,
    products and footprints through the services and the workflow), and every demo footprint
    exported as the export groups them: an installation's footprints of one period in one
    workbook."""
    workbooks: list[DemoWorkbook] = []
    with rolled_back(django_db_blocker):
        demo_accounts_seed()
        report = demo_footprints_seed()
        footprints = {
            str(f.pk): f
            for f in Footprint.objects.select_related("product", "installation").filter(
                pk__in=[row.footprint_id for row in report.footprints]
            )
        }
        groups: dict[tuple[Any, ...], list[tuple[str, Footprint]]] = {}
        for row in report.footprints:
            footprint = footprints[row.footprint_id]
            group = (footprint.installation_id, footprint.period_start, footprint.period_end)
            groups.setdefault(group, []).append((row.key, footprint))
        for members in groups.values():
            keys = tuple(key for key, _ in members)
            content = communication_template_export(footprints=[f for _, f in members])
            workbooks.append(
                DemoWorkbook(Export(keys[0], content, tuple(f for _, f in members)), keys)
            )
    return workbooks


@pytest.fixture(scope="module")
def summary_products(
    steel_export: Export, steelworks_export: Export, demo_workbooks: list[DemoWorkbook]
) -> dict[str, list[list[str]]]:
    """Summary_Products of every export of this module as LibreOffice recalculated it (one
    soffice process), rows of CSV by export name."""
    exports = [steel_export, steelworks_export, *(w.export for w in demo_workbooks)]
    written = libreoffice({e.name: e.content for e in exports}, SUMMARY_PRODUCTS_CSV)
    assert len(written) == len(exports)
    return {
        e.name: list(csv.reader(io.StringIO(written[f"{e.name}-Summary_Products.csv"].decode())))
        for e in exports
    }


@pytest.fixture(scope="module")
def steelworks_resaved(steelworks_export: Export) -> bytes:
    """The two-process workbook as an importer's LibreOffice saves it: recalculated, xlsx."""
    return libreoffice({"steelworks": steelworks_export.content}, "xlsx")["steelworks.xlsx"]


def test_a_steel_footprint_with_a_precursor_recalculates_to_the_platform_see(
    steel_export, summary_products
):
    [footprint] = steel_export.footprints
    rows = summary_products["steel"]
    assert summary_see(rows, 10) == (
        footprint.see_direct,
        footprint.see_indirect,
        footprint.see_total,
    )
    assert summary_see(rows, 10) == (Decimal("2.24500"), Decimal("0.36945"), Decimal("2.61445"))


def test_a_two_process_installation_with_internal_and_purchased_precursors(
    steelworks_export, summary_products
):
    pig_iron, steel = steelworks_export.footprints
    rows = summary_products["steelworks"]

    assert summary_see(rows, 10) == (pig_iron.see_direct, pig_iron.see_indirect, pig_iron.see_total)
    assert summary_see(rows, 11) == (steel.see_direct, steel.see_indirect, steel.see_total)
    assert (summary_see(rows, 10), summary_see(rows, 11)) == (
        (Decimal("1.50000"), Decimal("0.03000"), Decimal("1.53000")),
        (Decimal("1.99028"), Decimal("0.14700"), Decimal("2.13728")),
    )


def test_the_recalculated_export_imports_to_the_same_inputs_and_see(
    producer, steelworks_export, steelworks_resaved
):
    """What an importer receives, opens and saves shows the platform's SEE on the sheet the
    importer reads (Summary_Communication, goods from row 26) and imports back to the same
    inputs and SEE."""
    from suppliers.eu_template import read_template
    from suppliers.services.eu_template_import import communication_template_import

    content = steelworks_resaved
    for row, footprint in enumerate(steelworks_export.footprints, start=10):
        platform = (footprint.see_direct, footprint.see_indirect, footprint.see_total)
        assert saved_see(content, "Summary_Products", row) == platform
        assert saved_see(content, "Summary_Communication", row + 16) == platform

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
        (str(f.see_direct), str(f.see_indirect), str(f.see_total))
        for f in steelworks_export.footprints
    ]


#: Every demo footprint's SEE (direct, indirect, total, tCO2e/t), by its key in
#: demo/data/footprints.json; the arithmetic is in tests/demo/test_footprints_seed.py.
DEMO_SEE = {
    "hrc-2026": ("2.10150", "0.28180", "2.38330"),
    "wire-rod-2026": ("2.35407", "0.23808", "2.59214"),
    "hrc-2026-h1": ("2.12131", "0.28371", "2.40501"),
    "wire-rod-2026-h1": ("2.14654", "0.27771", "2.42425"),
    "ingots-2026": ("1.72000", "8.47000", "10.19000"),
    "profiles-2026": ("2.07680", "8.67570", "10.75250"),
    "profiles-2026-h1": ("2.06569", "8.76655", "10.83224"),
    "ingots-2026-h1": ("1.72412", "8.50344", "10.22756"),
    # The five mills of the association's pool (demo/data/footprints.json).
    "hrc-2026-jiangsu": ("1.97050", "0.26104", "2.23154"),
    "hrc-2026-rizhao": ("2.18225", "0.29568", "2.47793"),
    "hrc-2026-anshan": ("2.41675", "0.32161", "2.73836"),
    "hrc-2026-taiyuan": ("2.07275", "0.28301", "2.35576"),
    "hrc-2026-handan": ("2.56600", "0.33502", "2.90102"),
}


def test_every_demo_footprint_recalculates_to_the_platform_see(demo_workbooks, summary_products):
    recalculated_see: dict[str, tuple[Decimal, Decimal, Decimal]] = {}
    platform_see: dict[str, tuple[Decimal | None, Decimal | None, Decimal | None]] = {}
    for workbook in demo_workbooks:
        rows = summary_products[workbook.export.name]
        for row, (key, footprint) in enumerate(
            zip(workbook.keys, workbook.export.footprints, strict=True), start=10
        ):
            recalculated_see[key] = summary_see(rows, row)
            platform_see[key] = (footprint.see_direct, footprint.see_indirect, footprint.see_total)

    # Eleven workbooks: the steel works, the smelter and the extrusion plant, each for 2026 and
    # for its first half, and the five mills of the pool for 2026; thirteen footprints in all.
    assert [w.keys for w in demo_workbooks] == [
        ("hrc-2026", "wire-rod-2026"),
        ("hrc-2026-h1", "wire-rod-2026-h1"),
        ("ingots-2026",),
        ("profiles-2026",),
        ("profiles-2026-h1",),
        ("ingots-2026-h1",),
        ("hrc-2026-jiangsu",),
        ("hrc-2026-rizhao",),
        ("hrc-2026-anshan",),
        ("hrc-2026-taiyuan",),
        ("hrc-2026-handan",),
    ]
    assert len(recalculated_see) == 13
    assert recalculated_see == platform_see
    assert recalculated_see == {
        key: tuple(Decimal(v) for v in see) for key, see in DEMO_SEE.items()
    }
