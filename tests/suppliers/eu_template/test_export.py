"""The export writes input cells only: the EU sheets keep their formulas, validations and
protection; the platform's own sheet comes last; importing the export gives the footprint's
inputs and SEE back; the command writes the file."""

from __future__ import annotations

import io
import warnings
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from accounts.audit import Actor
from core.errors import ValidationFailed
from suppliers.eu_template import read_template
from suppliers.eu_template.export import (
    BLANK_TEMPLATE,
    DEFAULT,
    PLATFORM_SHEET,
    ExportData,
    ExportInstallation,
    ExportPrecursor,
    ExportProcess,
    _purchased,
    check_preserved,
    preservation_of,
)
from suppliers.services.eu_template_export import communication_template_export
from suppliers.services.eu_template_import import communication_template_import
from suppliers.services.footprints import footprint_create
from tests.factories import FootprintFactory
from tests.suppliers.conftest import footprint_input

pytestmark = pytest.mark.django_db


def _book(content: bytes):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return load_workbook(io.BytesIO(content), keep_links=True)


@pytest.fixture
def footprint(producer):
    return footprint_create(
        actor=Actor(user=producer.users["preparer"]),
        organisation=producer.organisation,
        data=footprint_input(producer),
    )


def test_the_eu_sheets_keep_formulas_validations_and_protection(steel_export):
    blank_bytes = BLANK_TEMPLATE.read_bytes()
    blank = _book(blank_bytes)
    content = steel_export.content

    check_preserved(preservation_of(blank_bytes), content)
    book = _book(content)
    kept = preservation_of(content)
    assert kept == preservation_of(blank_bytes)
    assert kept.formulas == 8377
    assert kept.validations == 43
    assert kept.validations == sum(
        len(blank[name].data_validations.dataValidation) for name in blank.sheetnames
    )
    assert kept.protected == tuple(blank.sheetnames)
    assert book.sheetnames == [*blank.sheetnames, PLATFORM_SHEET]
    assert book.calculation.fullCalcOnLoad is True
    # Only input cells were written: every formula of the blank template is still there.
    for name in ("A_InstData", "D_Processes", "E_PurchPrec", "Summary_Products"):
        before, after = blank[name], book[name]
        for row in before.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    assert after[cell.coordinate].value == cell.value, (name, cell.coordinate)
                if after[cell.coordinate].value != cell.value:
                    assert after[cell.coordinate].protection.locked is False, cell.coordinate


def test_the_platform_sheet_says_what_the_template_cannot_carry(steel_export):
    [footprint] = steel_export.footprints
    book = _book(steel_export.content)
    sheet = book[PLATFORM_SHEET]
    labels = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert labels["Footprint id (CBAM Exchange)"] == str(footprint.pk)
    assert labels["Verification: verifier"] == "Nordic Emissions Verification AB"
    assert labels["Verification: statement date"] == "2027-02-15"
    assert "Signature: detached JWS over the signed PACT document" in labels
    assert labels["SEE on the platform (direct / indirect / total, tCO2e/t)"] == (
        f"{footprint.see_direct} / {footprint.see_indirect} / {footprint.see_total}"
    )


def test_import_of_the_export_gives_back_the_inputs_and_the_see(producer, steel_export):
    [footprint] = steel_export.footprints
    content = steel_export.content

    data = read_template(content)
    [process] = data.processes
    assert (data.period_start, data.period_end) == (footprint.period_start, footprint.period_end)
    assert data.installation["name_english"][0] == "Tangshan steel works"
    assert data.country_code == "CN"
    assert process.activity_level == footprint.activity_level_t
    assert process.direct_emissions.value == footprint.attributed_direct_tco2e
    assert process.electricity.value == footprint.electricity_mwh
    assert process.electricity_factor.value == footprint.electricity_factor_tco2_per_mwh
    [bought] = data.purchased
    assert bought.consumed_in[1].value == Decimal("1050000")
    assert (bought.see_direct.value, bought.specific_electricity.value) == (
        Decimal("1.9"),
        Decimal("0.3"),
    )
    [good] = data.goods
    assert (good.cn_code, good.product_name) == ("72083900", "Hot-rolled coil")

    report = communication_template_import(
        actor=Actor(user=producer.users["preparer"]),
        organisation=producer.organisation,
        content=content,
        dry_run=True,
    )
    assert [p for p in report["problems"] if p["severity"] == "error"] == []
    [imported] = report["goods"]
    assert (imported["see_direct"], imported["see_indirect"], imported["see_total"]) == (
        str(footprint.see_direct),
        str(footprint.see_indirect),
        str(footprint.see_total),
    )


def test_purchased_precursors_of_the_same_name_are_written_under_names_of_their_own():
    """The template finds a purchased precursor by its name, ignoring case: the demo's wire
    rod buys the same billets with the supplier's SEE and on the default value, and under one
    name each block counted the mass of both (LibreOffice showed 4.64313 for 2.35407)."""

    def billets(mass: str, **see: object) -> ExportPrecursor:
        return ExportPrecursor(
            name="Crude steel 72071114 CN",
            category="Crude steel",
            country="CN",
            mass_t=Decimal(mass),
            **see,  # type: ignore[arg-type]
        )

    process = ExportProcess(
        name="crude steel 72071114 cn (2)",
        category="Iron or steel products",
        cn_code="72139110",
        product_name="Wire rod",
        activity_level_t=Decimal(850000),
        direct_emissions_tco2e=Decimal(55250),
        precursors=(
            billets("731000", see_direct=Decimal("1.98"), see_indirect=Decimal("0.21")),
            billets("157250", source=DEFAULT),
        ),
    )
    data = ExportData(
        installation=ExportInstallation(name="钢厂", name_english="Steel works", country="CN"),
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        processes=(process,),
    )

    assert [(p.name, uses) for p, uses in _purchased(data)] == [
        ("Crude steel 72071114 CN", [(1, Decimal(731000))]),
        ("Crude steel 72071114 CN (3)", [(1, Decimal(157250))]),
    ]


def test_footprints_of_two_installations_or_periods_do_not_go_into_one_workbook(producer):
    one = FootprintFactory(organisation=producer.organisation)
    other = FootprintFactory(organisation=producer.organisation)
    with pytest.raises(ValidationFailed):
        communication_template_export(footprints=[one, other])


def test_the_command_writes_the_workbook(tmp_path, producer, footprint):
    producer.installation.un_locode = "CNTSN"
    producer.installation.save()
    out = tmp_path / "template.xlsx"
    call_command("export_communication_template", str(footprint.pk), "--out", str(out))
    assert read_template(out.read_bytes()).goods[0].cn_code == "72083900"

    with pytest.raises(CommandError, match="no footprint"):
        call_command(
            "export_communication_template",
            "00000000-0000-0000-0000-000000000000",
            "--out",
            str(out),
        )
