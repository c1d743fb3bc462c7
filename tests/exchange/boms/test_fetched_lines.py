"""A footprint fetched from a PACT partner as a BOM line: used exactly like a granted
platform footprint with the same figures when it passes the decision rules (schema-valid, CBAM
extension with SEE, a verification statement); the default value with the reasons otherwise;
a superseded row is followed to the newest, and a fetch that supersedes it recomputes the
products whose lines use it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.audit import Actor
from accounts.models import AuditEvent
from accounts.roles import Role
from core.errors import ValidationFailed
from core.jobs import job_execute
from core.models import Job
from exchange.boms.exports import lines_table
from exchange.boms.models import AggregationResult, BomLine, BuyerProduct, LineSource
from exchange.boms.services.aggregation import products_recompute
from exchange.boms.services.lines import bom_line_create
from exchange.partners import client as pact_client
from exchange.partners.models import FetchedFootprint, FetchedOrigin
from exchange.partners.services.fetching import fetched_store
from tests.exchange.boms.conftest import published_footprint, share
from tests.exchange.partners.builders import fetched_of, hot_rolled_coil_document, partner_of
from tests.factories import MembershipFactory, OrganisationFactory

D = Decimal
TODAY = date(2026, 11, 21)
COIL_DEFAULT = D("3.187")  # default values 7208, CN (IR 2025/2621 Annex I)

pytestmark = pytest.mark.usefixtures("reference_data")


def _screws(buyer: Any, name: str) -> BuyerProduct:
    return BuyerProduct.objects.create(
        organisation=buyer,
        name=name,
        cn_code="73181595",
        country_of_production="CN",
        production_route="C",
        direct_tco2e_per_t=D("0.05"),
        electricity_mwh_per_t=D("0.4"),
        electricity_factor_tco2_per_mwh=D("0.6"),
    )


def _fetched_line(product: BuyerProduct, fetched: FetchedFootprint) -> BomLine:
    return bom_line_create(
        actor=Actor.platform("tests"),
        product=product,
        data={
            "source": "fetched_footprint",
            "fetched_footprint": str(fetched.pk),
            "mass_t_per_t": "0.4",
        },
    )


@pytest.fixture
def buyer(settings: Any) -> Any:
    settings.CBAM_CERTIFICATE_PRICE_EUR = "80.00"
    return OrganisationFactory(slug="screwco", legal_name_latin="Screwco")


def test_a_verified_fetched_footprint_counts_exactly_as_a_granted_platform_footprint(buyer):
    partner = partner_of(buyer)
    fetched = fetched_of(partner, hot_rolled_coil_document())
    via_pact = _screws(buyer, "Screws (coil fetched over PACT)")
    line = _fetched_line(via_pact, fetched)
    # The same coil, figures and route as a platform footprint shared with a grant.
    mill = OrganisationFactory(legal_name_latin="Hebei Jinghua")
    coil = published_footprint(
        mill, cn_code="72083900", see_direct="2.09778", see_indirect="0.31025", route="C"
    )
    share(coil, buyer)
    via_platform = _screws(buyer, "Screws (coil shared on the platform)")
    BomLine.objects.create(
        product=via_platform,
        position=1,
        cn_code="72083900",
        mass_t_per_t=D("0.4"),
        country_of_origin="CN",
        source=LineSource.SUPPLIER_FOOTPRINT,
        footprint=coil,
        lineage=coil.lineage,
    )

    products_recompute(organisation_id=buyer.pk, today=TODAY)

    assert (line.cn_code, line.country_of_origin, line.supplier_name) == (
        "72083900",
        "CN",
        "Hebei Jinghua Iron & Steel Co., Ltd.",
    )
    pact = AggregationResult.objects.get(product=via_pact)
    platform = AggregationResult.objects.get(product=via_platform)
    # SEE_p = 0.05 + 0.4 × 2.09778 = 0.889112 direct; 0.4 × 0.6 + 0.4 × 0.31025 = 0.3641.
    assert pact.see_direct == platform.see_direct == D("0.889112")
    assert pact.see_indirect == platform.see_indirect == D("0.3641")
    assert pact.see_total == platform.see_total
    assert pact.default_share == platform.default_share == D("0")
    assert pact.exposure["current"] == platform.exposure["current"]
    assert pact.exposure["projection"] == platform.exposure["projection"]
    (stored,) = pact.lines
    assert stored["source"] == "fetched_footprint"
    assert stored["fetched_footprint_id"] == str(fetched.pk)
    assert stored["use"] == "actual"
    assert stored["decision"]["actual_data_allowed"] is True
    assert stored["decision"]["reasons"] == []
    assert stored["decision"]["fetched_used"] == str(fetched.pk)


def test_a_fetched_footprint_without_verification_means_the_default_value(buyer):
    partner = partner_of(buyer)
    fetched = fetched_of(partner, hot_rolled_coil_document(verification=None))
    product = _screws(buyer, "Screws")
    _fetched_line(product, fetched)

    products_recompute(organisation_id=buyer.pk, today=TODAY)

    result = AggregationResult.objects.get(product=product)
    # 0.05 + 0.4 × 3.187 (the default value of 7208 from China) = 1.3248
    assert result.see_direct == D("0.05") + D("0.4") * COIL_DEFAULT == D("1.3248")
    (stored,) = result.lines
    assert stored["use"] == "default"
    assert stored["decision"]["reasons"] == [
        {
            "code": "BOMS-FETCHED-NO-VERIFICATION",
            "path": "verification",
            "message_en": "The fetched footprint names no verification statement: actual "
            "emissions cannot be used, the default value must be (Reg. 2023/956 Art. 8).",
        }
    ]


def test_a_fetched_footprint_without_the_cbam_extension_or_failing_the_schema_means_the_default(
    buyer,
):
    partner = partner_of(buyer)
    document = hot_rolled_coil_document()
    document.pop("extensions")
    document["pcf"].pop("declaredUnitOfMeasurement")
    fetched = fetched_of(partner, document)
    assert fetched.schema_valid is False
    product = _screws(buyer, "Screws")
    bom_line_create(
        actor=Actor.platform("tests"),
        product=product,
        data={
            "source": "fetched_footprint",
            "fetched_footprint": str(fetched.pk),
            "mass_t_per_t": "0.4",
            "cn_code": "72083900",
            "country_of_origin": "CN",
        },
    )

    products_recompute(organisation_id=buyer.pk, today=TODAY)

    (stored,) = AggregationResult.objects.get(product=product).lines
    assert stored["use"] == "default"
    assert [r["code"] for r in stored["decision"]["reasons"]] == [
        "BOMS-FETCHED-SCHEMA-INVALID",
        "BOMS-FETCHED-NO-CBAM-DATA",
        "BOMS-FETCHED-NO-VERIFICATION",
    ]


def test_a_superseded_fetched_footprint_is_followed_to_the_newest_row(buyer):
    partner = partner_of(buyer)
    unverified = fetched_of(partner, hot_rolled_coil_document(verification=None))
    product = _screws(buyer, "Screws")
    _fetched_line(product, unverified)
    products_recompute(organisation_id=buyer.pk, today=TODAY)
    assert AggregationResult.objects.get(product=product).see_direct == D("1.3248")

    # The partner serves a verified correction: a new row supersedes the first.
    middle = fetched_of(partner, hot_rolled_coil_document(version=2, verification=None))
    newest = fetched_of(partner, hot_rolled_coil_document(version=3))
    FetchedFootprint.objects.filter(pk=unverified.pk).update(superseded_by=middle)
    FetchedFootprint.objects.filter(pk=middle.pk).update(superseded_by=newest)
    again = products_recompute(organisation_id=buyer.pk, today=TODAY, only_changed=True)

    assert again["stored"] == 1
    result = AggregationResult.objects.get(product=product)
    assert result.see_direct == D("0.889112")
    (stored,) = result.lines
    assert stored["fetched_footprint_id"] == str(unverified.pk)
    assert stored["decision"]["fetched_used"] == str(newest.pk)
    assert (
        products_recompute(organisation_id=buyer.pk, today=TODAY, only_changed=True)["stored"] == 0
    )


def test_another_organisations_fetched_footprint_is_refused_on_its_field(buyer):
    foreign = fetched_of(partner_of(OrganisationFactory()), hot_rolled_coil_document())
    product = _screws(buyer, "Screws")

    with pytest.raises(ValidationFailed) as caught:
        _fetched_line(product, foreign)

    assert caught.value.extra["fields"]["fetched_footprint"] == [
        f"No fetched footprint {foreign.pk} of yours; expected the id of a footprint "
        "fetched from one of your PACT partners."
    ]
    assert BomLine.objects.count() == 0


def test_a_fetched_line_needs_the_fetched_footprints_cn_code(buyer):
    fetched = fetched_of(partner_of(buyer), hot_rolled_coil_document())
    product = _screws(buyer, "Screws")

    with pytest.raises(ValidationFailed) as caught:
        bom_line_create(
            actor=Actor.platform("tests"),
            product=product,
            data={
                "source": "fetched_footprint",
                "fetched_footprint": str(fetched.pk),
                "mass_t_per_t": "0.4",
                "cn_code": "72085120",
            },
        )

    assert caught.value.extra["fields"] == {
        "cn_code": [
            "The fetched footprint is for CN 72083900, the line says 72085120; expected the "
            "footprint's CN code."
        ]
    }


def test_the_api_and_the_lines_export_show_the_source_and_the_fetched_id(buyer):
    fetched = fetched_of(partner_of(buyer), hot_rolled_coil_document())
    product = _screws(buyer, "Screws")
    line = _fetched_line(product, fetched)
    products_recompute(organisation_id=buyer.pk, today=TODAY)
    api = APIClient()
    api.force_authenticate(MembershipFactory(organisation=buyer, role=Role.VIEWER).user)

    body = api.get(f"/api/v1/orgs/{buyer.slug}/buyer-products/{product.pk}/lines/").json()
    header, rows = lines_table(organisation=buyer)

    (listed,) = body["results"]
    assert (listed["source"], listed["fetched_footprint"], listed["footprint"]) == (
        "fetched_footprint",
        str(fetched.pk),
        None,
    )
    (row,) = rows
    assert row[header.index("source")] == "fetched_footprint"
    assert row[header.index("fetched_footprint_id")] == str(fetched.pk)
    assert row[header.index("used")] == "actual"
    assert line.fetched_footprint_id == fetched.pk


def test_a_fetch_that_supersedes_a_lines_footprint_recomputes_the_products_using_it(buyer):
    partner = partner_of(buyer)
    unverified = hot_rolled_coil_document(verification=None)
    verified = {**hot_rolled_coil_document(), "id": unverified["id"]}
    first = fetched_store(
        partner=partner,
        document=pact_client.document_bytes(unverified),
        origin=FetchedOrigin.LIST,
        source_url=f"{partner.base_url}/3/footprints",
    )
    using = _screws(buyer, "Screws")
    _fetched_line(using, first)
    other = _screws(buyer, "Nuts")
    products_recompute(organisation_id=buyer.pk, today=TODAY)
    assert AggregationResult.objects.get(product=using).see_direct == D("1.3248")
    other_computed_at = AggregationResult.objects.get(product=other).computed_at
    Job.objects.all().delete()

    newest = fetched_store(
        partner=partner,
        document=pact_client.document_bytes(verified),
        origin=FetchedOrigin.LIST,
        source_url=f"{partner.base_url}/3/footprints",
    )

    event = AuditEvent.objects.get(action="pact_fetched.superseded")
    assert (event.organisation_id, event.object_id, event.after) == (
        buyer.pk,
        str(newest.pk),
        {"partner": str(partner.pk), "pf_id": unverified["id"], "superseded": [str(first.pk)]},
    )
    job = Job.objects.get(kind="boms.recompute")
    assert (job.organisation_id, job.payload) == (
        buyer.pk,
        {"reason": "pact_fetched.superseded", "product_ids": [str(using.pk)]},
    )
    assert job_execute(job_id=job.pk).status == Job.Status.SUCCEEDED
    result = AggregationResult.objects.get(product=using)
    # 0.05 + 0.4 × 2.09778: the verified figures of the newest row, no longer the default.
    assert result.see_direct == D("0.889112")
    assert result.lines[0]["decision"]["fetched_used"] == str(newest.pk)
    assert AggregationResult.objects.get(product=other).computed_at == other_computed_at


def test_a_fetch_superseding_a_footprint_no_line_uses_creates_no_work(buyer):
    partner = partner_of(buyer)
    unverified = hot_rolled_coil_document(verification=None)
    verified = {**hot_rolled_coil_document(), "id": unverified["id"]}
    for document in (unverified, verified, verified):
        fetched_store(
            partner=partner,
            document=pact_client.document_bytes(document),
            origin=FetchedOrigin.LIST,
            source_url=f"{partner.base_url}/3/footprints",
        )

    assert AuditEvent.objects.filter(action="pact_fetched.superseded").count() == 1
    assert not Job.objects.filter(kind="boms.recompute").exists()
