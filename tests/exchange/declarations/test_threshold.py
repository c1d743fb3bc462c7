"""The de minimis threshold and the splitting heuristics (pure), and the threshold API.

Art. 2(3a) of Reg. (EU) 2023/956 as amended by Reg. (EU) 2025/2083 exempts an importer whose
cumulated net mass of CBAM goods other than electricity and hydrogen "does not exceed" 50 t in
a calendar year: 50 t exactly is exempt, 50.1 t is not (docs/declarations.md).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from accounts.roles import Role
from exchange.declarations.calculations.splitting import (
    ImporterMasses,
    headroom_hugging,
    spread_across_related,
)
from exchange.declarations.calculations.threshold import ThresholdShipment, threshold_status
from tests.exchange.declarations.helpers import make_shipment
from tests.factories import MembershipFactory, OrganisationFactory

STEEL = "Iron & Steel"


def ship(
    mass: str,
    day: date = date(2026, 3, 1),
    *,
    sector: str = STEEL,
    unit: str = "t",
    ref: str = "",
    cn: str = "72083900",
) -> ThresholdShipment:
    return ThresholdShipment(
        shipment_id=ref or f"id-{mass}",
        reference=ref,
        import_date=day,
        cn_code=cn,
        quantity=Decimal(mass),
        unit=unit,
        sector=sector,
    )


def test_49_9_tonnes_is_below_the_threshold_with_a_90_percent_warning():
    status = threshold_status(year=2026, shipments=[ship("40"), ship("9.9", date(2026, 4, 1))])

    assert status.counted_mass_t == Decimal("49.9")
    assert status.exceeded is False
    assert status.level == "warning_90"
    assert status.headroom_t == Decimal("0.1")
    assert status.share == Decimal("0.998")
    assert status.messages[0].startswith("Warning: 49.9 t imported in 2026, 99.8 % of the de")


def test_exactly_50_tonnes_is_still_within_the_exemption():
    status = threshold_status(year=2026, shipments=[ship("50")])

    assert status.exceeded is False
    assert status.level == "warning_90"
    assert status.headroom_t == Decimal(0)
    assert "At exactly 50 t you are still exempt" in status.messages[0]


def test_50_1_tonnes_exceeds_and_the_obligations_apply_to_the_whole_year():
    status = threshold_status(
        year=2026,
        shipments=[
            ship("30", date(2026, 2, 1), ref="MRN-1"),
            ship("20", date(2026, 5, 1), ref="MRN-2"),
            ship("0.1", date(2026, 7, 1), ref="MRN-3"),
        ],
    )

    assert status.counted_mass_t == Decimal("50.1")
    assert status.exceeded is True
    assert status.level == "exceeded"
    assert status.crossed_on == date(2026, 7, 1)
    assert status.crossed_by is not None
    assert status.crossed_by.reference == "MRN-3"
    assert status.mass_before_crossing_t == Decimal(50)
    assert status.headroom_t == Decimal(0)
    assert status.messages[0] == (
        "Threshold exceeded: 50.1 t of CBAM goods imported in 2026 is above the de minimis "
        "threshold of 50 t since 2026-07-01 (shipment MRN-3). The CBAM obligations apply to the "
        "whole year: to every shipment of 2026, including the 50 t imported before the "
        "threshold was crossed (Art. 2(3a) of Reg. (EU) 2023/956 as amended by Reg. (EU) "
        "2025/2083). You need the status of authorised CBAM declarant, must declare the "
        "embedded emissions of all 2026 imports by 30 September 2027 and surrender the "
        "certificates."
    )


@pytest.mark.parametrize(
    ("mass", "level", "reached_80", "reached_90"),
    [
        ("39.99", "below", False, False),
        ("40", "warning_80", True, False),
        ("44.99", "warning_80", True, False),
        ("45", "warning_90", True, True),
    ],
)
def test_warnings_start_at_80_and_90_percent(mass, level, reached_80, reached_90):
    status = threshold_status(year=2026, shipments=[ship(mass)])

    assert status.level == level
    assert (status.reached_80_on is not None) is reached_80
    assert (status.reached_90_on is not None) is reached_90


def test_electricity_and_hydrogen_do_not_count():
    status = threshold_status(
        year=2026,
        shipments=[
            ship("45"),
            ship("30", sector="Hydrogen", cn="28041000"),
            ship("900", sector="Electricity", unit="MWh", cn="27160000"),
        ],
    )

    assert status.counted_mass_t == Decimal(45)
    assert status.exceeded is False
    assert status.excluded_shipments == 2
    assert status.excluded_hydrogen_t == Decimal(30)
    assert status.excluded_electricity_mwh == Decimal(900)
    assert "2 shipment(s) of electricity or hydrogen are not counted" in status.messages[1]


def test_shipments_of_another_year_are_ignored():
    status = threshold_status(year=2026, shipments=[ship("60", date(2025, 12, 31)), ship("1")])

    assert status.counted_mass_t == Decimal(1)


def test_consignments_that_each_take_most_of_the_headroom_look_like_splitting():
    # Headroom 50 -> 40 t (80 %); 10 left -> 8 t (80 %); 2 left -> 1.8 t (90 %).
    shipments = [
        ship("40", date(2026, 1, 10), ref="A"),
        ship("8", date(2026, 4, 10), ref="B"),
        ship("1.8", date(2026, 8, 10), ref="C"),
    ]

    warning = headroom_hugging(year=2026, shipments=shipments)

    assert warning is not None
    assert warning.code == "headroom_hugging"
    assert warning.shipments == ("A", "B", "C")
    assert warning.message.startswith(
        "Possible splitting: 3 consignments in 2026 each took at least 75 % of the headroom "
        "left under the 50 t de minimis threshold without crossing it (A, B, C)."
    )


def test_steady_monthly_imports_do_not_look_like_splitting():
    # 10 t a month: 20 %, 25 %, 33 %, 50 % and 100 % of the headroom: only the last hugs it.
    shipments = [ship("10", date(2026, m, 1), ref=f"M{m}") for m in range(1, 6)]

    assert headroom_hugging(year=2026, shipments=shipments) is None


def test_the_same_goods_spread_across_related_importers_look_like_splitting():
    own = ImporterMasses("acme-a", "Acme A", {"72083900": Decimal(30)})
    sister = ImporterMasses("acme-b", "Acme B", {"72083900": Decimal(28)})
    unrelated_goods = ImporterMasses("acme-c", "Acme C", {"76011000": Decimal(40)})

    warning = spread_across_related(year=2026, own=own, related=[sister, unrelated_goods])

    assert warning is not None
    assert warning.code == "related_importers"
    assert warning.organisations == ("acme-b",)
    assert warning.cn_codes == ("72083900",)
    assert warning.combined_mass_t == Decimal(58)
    assert "you imported 30 t and Acme B (28 t) imported the same CN codes (72083900)" in (
        warning.message
    )


def test_related_importers_together_below_the_threshold_are_fine():
    own = ImporterMasses("a", "A", {"72083900": Decimal(20)})
    sister = ImporterMasses("b", "B", {"72083900": Decimal(20)})

    assert spread_across_related(year=2026, own=own, related=[sister]) is None


# --------------------------------------------------------------------------- API


@pytest.mark.django_db
def test_the_threshold_api_answers_the_status_with_exact_figures(api, reference_data):
    member = MembershipFactory(role=Role.VIEWER)
    org = member.organisation
    make_shipment(org, "45.5", date(2026, 2, 1), reference="MRN-1")
    make_shipment(
        org,
        "12",
        date(2026, 3, 1),
        reference="MRN-H2",
        cn_code="28041000",
        category="Hydrogen",
        sector="Hydrogen",
    )
    api.force_authenticate(member.user)

    response = api.get(f"/api/v1/orgs/{org.slug}/cbam-threshold/2026")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["counted_mass_t"] == "45.5"
    assert body["share_percent"] == "91"
    assert body["headroom_t"] == "4.5"
    assert body["level"] == "warning_90"
    assert body["exceeded"] is False
    assert body["obligations_apply_to_whole_year"] is False
    assert body["excluded_hydrogen_t"] == "12"
    assert body["reached_90_on"] == "2026-02-01"
    assert body["splitting_warnings"] == []


@pytest.mark.django_db
def test_the_cross_importer_warning_covers_only_organisations_the_person_belongs_to(api):
    person = MembershipFactory(role=Role.PREPARER).user
    own = person.memberships.get().organisation
    sister = OrganisationFactory(slug="acme-sister", legal_name_latin="Acme Sister")
    MembershipFactory(user=person, organisation=sister, role=Role.VIEWER)
    stranger = OrganisationFactory(slug="stranger-co")
    make_shipment(own, "30", date(2026, 2, 1))
    make_shipment(sister, "25", date(2026, 3, 1))
    make_shipment(stranger, "49", date(2026, 3, 1))
    api.force_authenticate(person)

    body = api.get(f"/api/v1/orgs/{own.slug}/cbam-threshold/2026").json()

    (warning,) = body["splitting_warnings"]
    assert warning["code"] == "related_importers"
    assert warning["organisations"] == ["acme-sister"]
    assert "Acme Sister (25 t)" in warning["message"]
    assert "stranger" not in str(body)
    assert "49" not in warning["message"]


@pytest.mark.django_db
def test_a_year_outside_the_definitive_period_is_refused(api):
    member = MembershipFactory(role=Role.VIEWER)
    api.force_authenticate(member.user)

    response = api.get(f"/api/v1/orgs/{member.organisation.slug}/cbam-threshold/2025")

    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["year"] == [
        "Expected a year from 2026 to 2100, e.g. 2026."
    ]
