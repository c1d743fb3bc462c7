"""A shipment whose supplier footprint is no longer visible to the importer (grant revoked) is
declared on the default value with the mark-up, says why, and can still be edited.

Figures (reference rows as in test_declaration_summary.py: default values v2, IR 2025/2621
Annex I as replaced by IR 2026/1740, line 36: 7208, CN, 3.187, route C), 15 t of 72083900 from
CN imported on 2026-03-10, certificate price of Q1 2026 EUR 75.36 (certificate_prices v1 line 7):
- on the shared verified footprint (SEE 1.8, carbon price 10 EUR/tCO2e with evidence):
  EE 27, FAA 15 × 0.975 × 0.044 = 0.6435, Art. 9 10 × 27 / 75.36 = 3.5828025…,
  certificates 27 − 0.6435 − 3.5828025… = 22.7736974…, 1716.23 EUR;
- on the default value after revocation: EE = 15 × 3.187 × 1.10 = 52.5855,
  FAA = 15 × 0.975 × 1.370 (column B, route C) = 20.03625,
  certificates = 52.5855 − 20.03625 = 32.54925 (33 to surrender),
  cost = 32.54925 × 75.36 = 2452.91148 EUR.
"""

from __future__ import annotations

import pytest

from accounts.audit import Actor
from accounts.roles import Role
from exchange.declarations.models import Shipment
from exchange.sharing.services.grants import grant_revoke
from tests.exchange.declarations.helpers import share, verified_footprint
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def importer(api, reference_data, settings):
    settings.CBAM_CERTIFICATE_PRICE_EUR = "80"
    member = MembershipFactory(role=Role.PREPARER)
    api.force_authenticate(member.user)
    return member.organisation


@pytest.fixture
def shared(importer):
    footprint = verified_footprint(OrganisationFactory())
    return footprint, share(footprint, importer)


def _record(api, importer, footprint, **fields):
    response = api.post(
        f"/api/v1/orgs/{importer.slug}/shipments/",
        {
            "reference": "MRN26DE0007-1",
            "cn_code": "72083900",
            "quantity": "15",
            "unit": "t",
            "country_of_origin": "CN",
            "import_date": "2026-03-10",
            "footprint_id": str(footprint.pk),
            **fields,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def _summary(api, importer):
    response = api.get(f"/api/v1/orgs/{importer.slug}/declarations/2026/summary")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_revoked_grant_puts_the_shipment_on_the_default_value_with_the_reason(
    api, importer, shared
):
    footprint, grant = shared
    _record(api, importer, footprint)
    before = _summary(api, importer)
    assert [(r["basis"], r["installation"], r["certificates"]) for r in before["rows"]] == [
        ("actual", "CN-TS-001", "22.77370")
    ]

    revoked = grant_revoke(actor=Actor.platform("tests"), grant=grant, reason="contract ended")
    after = _summary(api, importer)

    assert after["rows"] == [
        {
            "cn_code": "72083900",
            "country_of_origin": "CN",
            "installation": "(installation not stated)",
            "basis": "default",
            "shipments": 1,
            "quantity": "15",
            "unit": "t",
            "mark_up": "0.1",
            "embedded_emissions_tco2e": "52.58550",
            "free_allocation_adjustment_tco2e": "20.03625",
            "carbon_price_deduction_tco2e": "0.00000",
            "certificates": "32.54925",
            "cost_eur": "2452.91",
        }
    ]
    assert after["totals"]["cost_eur"] == "2452.91"
    assert after["totals"]["certificates_to_surrender"] == 33
    revoked_on = revoked.revoked_at.date().isoformat()
    line = after["shipments"][0]
    assert line["basis"] == "default"
    assert line["source"] == str(footprint.pk)
    assert line["default_value_row"] is not None
    assert line["default_reasons"] == [
        {
            "code": "DECLARATIONS-GRANT-REVOKED",
            "message": (
                f"grant revoked on {revoked_on}: footprint {footprint.pk} is no longer visible "
                "to your organisation, so its actual data may not be used; the default value "
                "with the year's mark-up is declared"
            ),
        }
    ]
    assert line["notes"] == [
        f"footprint {footprint.pk}: default value used (grant revoked on {revoked_on})"
    ]


def test_sharing_again_brings_the_actual_data_back(api, importer, shared):
    footprint, grant = shared
    _record(api, importer, footprint)
    grant_revoke(actor=Actor.platform("tests"), grant=grant, reason="contract ended")

    share(footprint, importer)

    line = _summary(api, importer)["shipments"][0]
    assert (line["basis"], line["certificates"], line["default_reasons"]) == (
        "actual",
        "22.77370",
        [],
    )


def test_a_shipment_can_be_edited_after_its_grant_was_revoked(api, importer, shared):
    footprint, grant = shared
    shipment_id = _record(api, importer, footprint)
    grant_revoke(actor=Actor.platform("tests"), grant=grant, reason="contract ended")

    response = api.patch(
        f"/api/v1/orgs/{importer.slug}/shipments/{shipment_id}/",
        {"quantity": "20", "reference": "MRN26DE0007-2", "import_date": "2026-03-11"},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["quantity"], body["reference"], body["footprint_id"]) == (
        "20",
        "MRN26DE0007-2",
        str(footprint.pk),
    )
    # 20 × 3.187 × 1.1 = 70.114; 20 × 0.975 × 1.370 = 26.715; 43.399 × 75.36 (Q1) = 3270.54864.
    row = _summary(api, importer)["rows"][0]
    assert (row["basis"], row["embedded_emissions_tco2e"], row["cost_eur"]) == (
        "default",
        "70.11400",
        "3270.55",
    )


def test_a_new_footprint_must_still_be_visible_and_the_hidden_one_cannot_be_rechecked(
    api, importer, shared
):
    footprint, grant = shared
    shipment_id = _record(api, importer, footprint)
    grant_revoke(actor=Actor.platform("tests"), grant=grant, reason="contract ended")
    url = f"/api/v1/orgs/{importer.slug}/shipments/{shipment_id}/"
    hidden = verified_footprint(footprint.organisation)

    chosen = api.patch(url, {"footprint_id": str(hidden.pk)}, format="json")
    new_code = api.patch(url, {"cn_code": "72085120"}, format="json")

    assert chosen.status_code == 400
    assert chosen.json()["extra"]["fields"]["footprint_id"] == [
        f"no published footprint '{hidden.pk}' is visible to your organisation; expected the "
        "id of your own or a shared, published footprint"
    ]
    assert new_code.status_code == 400
    assert new_code.json()["extra"]["fields"]["footprint_id"] == [
        f"footprint {footprint.pk} is no longer visible to your organisation, so it cannot be "
        "checked against a new CN code or country of origin; expected footprint_id empty (the "
        "default value) or a footprint visible to you"
    ]
    stored = Shipment.objects.get(pk=shipment_id)
    assert (stored.cn_code, stored.footprint_id) == ("72083900", footprint.pk)


def test_unlinking_the_hidden_footprint_is_allowed(api, importer, shared):
    footprint, grant = shared
    shipment_id = _record(api, importer, footprint)
    grant_revoke(actor=Actor.platform("tests"), grant=grant, reason="contract ended")

    response = api.patch(
        f"/api/v1/orgs/{importer.slug}/shipments/{shipment_id}/",
        {"footprint_id": "", "installation_name": "Tangshan works"},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["footprint_id"] is None
    line = _summary(api, importer)["shipments"][0]
    assert (line["basis"], line["default_reasons"][0]["code"]) == (
        "default",
        "DECLARATIONS-NO-DATA",
    )
