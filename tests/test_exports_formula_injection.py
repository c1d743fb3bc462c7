"""Formula injection (OWASP, CSV injection) through every spreadsheet export of the platform.

Each export endpoint is downloaded with a hostile value in each text column it carries,
whether a supplier wrote it (its installation's name, shared with the importer) or the
importer itself (the installation or reference of a shipment). The cell must come back as
text a spreadsheet does not run: the exact value with a leading apostrophe, and no cell of the
file may start with a formula character.

Exports (``grep -rn "csv.writer\\|openpyxl\\|text/csv"``): the annual declaration summary, as
``summary?format=csv`` and ``summary.csv``. The platform writes no XLSX.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date

import pytest

from accounts.models import Organisation
from accounts.roles import Role
from tests.exchange.declarations.helpers import make_shipment, share, verified_footprint
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/","Hengyue Works")'
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

EXPORTS = {
    "declaration summary (?format=csv)": "/api/v1/orgs/{org}/declarations/2026/summary?format=csv",
    "declaration summary (.csv)": "/api/v1/orgs/{org}/declarations/2026/summary.csv",
}


def _suppliers_installation_name(importer: Organisation) -> str:
    footprint = verified_footprint(
        OrganisationFactory(), cbam_installation_id="", name_latin="", name=HYPERLINK
    )
    share(footprint, importer)
    make_shipment(importer, "15", date(2026, 3, 10), footprint=footprint)
    return "'" + HYPERLINK


def _suppliers_installation_latin_name(importer: Organisation) -> str:
    footprint = verified_footprint(
        OrganisationFactory(), cbam_installation_id="", name_latin="-2+3+cmd|' /C calc'!A0"
    )
    share(footprint, importer)
    make_shipment(importer, "15", date(2026, 3, 10), footprint=footprint)
    return "'-2+3+cmd|' /C calc'!A0"


def _suppliers_installation_id(importer: Organisation) -> str:
    footprint = verified_footprint(OrganisationFactory(), cbam_installation_id="+CN-TS-001")
    share(footprint, importer)
    make_shipment(importer, "15", date(2026, 3, 10), footprint=footprint)
    return "'+CN-TS-001"


def _importers_installation_name(value: str) -> Callable[[Organisation], str]:
    def given(importer: Organisation) -> str:
        make_shipment(importer, "15", date(2026, 3, 10), installation_name=value)
        return "'" + value

    return given


def _importers_reference_in_the_de_minimis_line(importer: Organisation) -> str:
    # Above 50 t the de minimis line names the shipment that crossed the threshold; an
    # unquoted comma used to split it into cells, the second one a formula.
    make_shipment(importer, "60", date(2026, 3, 10), reference="X,=1+1,Y")
    return "(shipment X,=1+1,Y)"


INJECTIONS = {
    "installation: supplier's installation name": _suppliers_installation_name,
    "installation: supplier's latin name": _suppliers_installation_latin_name,
    "installation: supplier's CBAM installation id": _suppliers_installation_id,
    "installation: importer's =HYPERLINK": _importers_installation_name(HYPERLINK),
    "installation: importer's =1+1": _importers_installation_name("=1+1"),
    "installation: importer's @SUM(1,1)": _importers_installation_name("@SUM(1,1)"),
    "installation: importer's tab": _importers_installation_name("\t=1+1"),
    "de minimis line: importer's reference": _importers_reference_in_the_de_minimis_line,
}


@pytest.fixture
def importer(api, reference_data, settings):
    settings.CBAM_CERTIFICATE_PRICE_EUR = "80"
    member = MembershipFactory(role=Role.VIEWER)
    api.force_authenticate(member.user)
    return member.organisation


@pytest.mark.parametrize("export", EXPORTS.values(), ids=EXPORTS.keys())
@pytest.mark.parametrize("inject", INJECTIONS.values(), ids=INJECTIONS.keys())
def test_a_hostile_text_comes_back_as_text_in_every_export(api, importer, export, inject):
    expected = inject(importer)

    response = api.get(export.format(org=importer.slug))

    assert response.status_code == 200, response.content
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    cells = [cell for row in rows for cell in row]
    if expected.startswith("'"):
        assert expected in cells
    else:  # the de minimis line: one cell, whole
        (line,) = [row for row in rows if row and row[0].startswith("# de minimis:")]
        assert len(line) == 1
        assert expected in line[0]
    assert [cell for cell in cells if cell.startswith(FORMULA_START)] == []


def test_the_figures_of_an_export_stay_numbers(api, importer):
    make_shipment(importer, "15", date(2026, 3, 10), installation_name="=1+1")

    response = api.get(EXPORTS["declaration summary (.csv)"].format(org=importer.slug))

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    # Default values v2 (IR 2026/1740) line 36: 7208, CN, 3.187. EE = 15 × 3.187 × 1.1 = 52.5855;
    # FAA = 15 × 0.975 × 1.370 = 20.03625; certificates 32.54925; at the Q1 2026 price (imported
    # 2026-03-10, certificate_prices v1 line 7) 32.54925 × 75.36 = 2452.91148 EUR.
    assert rows[-2] == [
        "72083900",
        "CN",
        "'=1+1",
        "default",
        "1",
        "15",
        "t",
        "0.1",
        "52.58550",
        "20.03625",
        "0.00000",
        "32.54925",
        "2452.91",
    ]
