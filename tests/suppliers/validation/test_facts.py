"""The facts the rules read: loaded in a few queries, quantities normalised and as entered,
categories from the reference data of the period, a platform precursor's signature checked;
and the ``precursors_declared_absent`` input they carry."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from accounts.audit import Actor
from accounts.models import SigningKey
from accounts.services.signing_keys import signing_key_revoke
from reference.selectors import reference_snapshot_for
from suppliers.models import Footprint, Product
from suppliers.validation.facts import footprint_facts, footprint_for_facts, rule_context
from suppliers.validation.types import (
    CategoryFacts,
    FootprintFacts,
    PrecursorFacts,
    Quantity,
)
from tests.suppliers.conftest import footprint_input
from tests.suppliers.validation.conftest import draft, run_pending_jobs, submit

pytestmark = pytest.mark.django_db

IRON_OR_STEEL_PRODUCTS = CategoryFacts(
    name="Iron or steel products",
    sector="Iron & Steel",
    indirect_counts=False,
    production_routes=("All production routes",),
    relevant_precursors=(
        "Crude steel",
        "Iron or steel products",
        "Pig iron",
        "Alloys (FeMn, FeCr, FeNi)",
        "Sintered Ore",
        "Direct reduced iron",
        "Hydrogen",
    ),
)


def _facts(footprint_id: str) -> FootprintFacts:
    return footprint_facts(footprint_for_facts().get(pk=footprint_id))


def test_the_facts_carry_each_quantity_normalised_and_as_entered(producer):
    footprint_id = draft(
        producer,
        electricity={"value": "90000000", "unit": "kWh"},
        natural_gas={"value": "12000", "unit": "1000Nm3"},
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
        precursors_declared_absent=["Pig iron", "Direct reduced iron"],
        carbon_price={"instrument": "China national ETS", "amount": "64.5", "currency": "CNY"},
    )

    facts = _facts(footprint_id)

    assert facts == FootprintFacts(
        id=footprint_id,
        organisation_slug="hebei-steel",
        cn_code="72083900",
        category=IRON_OR_STEEL_PRODUCTS,
        production_route="",
        benchmark_route="",
        country="CN",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        activity_level=Quantity(Decimal("1000000"), "t", Decimal("1000000"), "t"),
        attributed_direct=Quantity(Decimal("250000"), "tCO2e", Decimal("250000"), "tCO2e"),
        electricity=Quantity(Decimal("90000"), "MWh", Decimal("90000000"), "kWh"),
        # Filled in from the grid factor of the reference data: nothing was entered.
        electricity_factor=Quantity(Decimal("0.605"), "tCO2/MWh", None, None),
        electricity_factor_source="country_default",
        electricity_factor_reference=(
            "electricity_factors v1 (IR 2025/2621 Annex II and III) line 6"
        ),
        attributed_indirect=None,
        natural_gas=Quantity(Decimal("12000000"), "Nm3", Decimal("12000"), "1000Nm3"),
        precursors=(
            PrecursorFacts(
                position=0,
                cn_code="72071114",
                category="Crude steel",
                mass_t_per_t=Quantity(Decimal("1.05"), "t/t", Decimal("1050"), "kg/t"),
                country_of_origin="CN",
                see_source="own_verified",
                see_direct=Decimal("1.90000"),
                see_indirect=Decimal("0.30000"),
                source=None,
            ),
        ),
        precursors_declared_absent=("Pig iron", "Direct reduced iron"),
        see_direct=Decimal("2.24500"),
        see_indirect=Decimal("0.36945"),
        see_total=Decimal("2.61445"),
        see_as_given={"see_direct": "2.24500", "see_indirect": "0.36945", "see_total": "2.61445"},
        carbon_price_instrument="China national ETS",
        carbon_price_amount=Decimal("64.5000000000"),
        carbon_price_currency="CNY",
        verifier_name="Nordic Emissions Verification AB",
        verifier_organisation_slug=None,
        verifier_confirmed=False,
        verification_statement_date=date(2027, 2, 15),
        assurance_level="reasonable",
        evidence_kinds=frozenset(),
        valid_until=None,
    )


def test_the_facts_of_any_number_of_precursors_cost_the_same_few_queries(
    producer, django_assert_num_queries
):
    precursor = footprint_input(producer)["precursors"][0]
    one = draft(producer)
    five = draft(producer, precursors=[precursor] * 5)
    reference_snapshot_for(on=date(2026, 12, 31))  # the snapshot is cached per process

    # Footprint with its relations, precursors, evidence; the versions valid on the period's
    # last day; the goods category (its version, its row).
    for footprint_id in (one, five):
        with django_assert_num_queries(6):
            facts = _facts(footprint_id)
    assert len(facts.precursors) == 5


def test_a_cn_code_outside_cbam_has_no_category(producer):
    footprint_id = draft(producer)
    Product.objects.filter(pk=producer.product.pk).update(cn_code="99999999")

    assert _facts(footprint_id).category is None


def test_the_rule_context_judges_dates_against_the_day_it_is_given(producer):
    footprint_id = draft(producer)

    ctx = rule_context(footprint_for_facts().get(pk=footprint_id), today=date(2027, 3, 1))

    assert ctx.today == date(2027, 3, 1)
    assert ctx.snapshot is reference_snapshot_for(on=date(2026, 12, 31))
    assert ctx.facts == _facts(footprint_id)


def _published_crude_steel(producer, rules) -> str:
    """A published footprint of crude steel slabs (CN 7207 11 14), signed by the producer."""
    slabs = Product.objects.create(
        organisation=producer.organisation,
        name="Crude steel slabs",
        cn_code="72071114",
        category="Crude steel",
    )
    slabs.installations.add(producer.installation)
    footprint_id = draft(producer, product=str(slabs.pk), precursors=[])
    submit(producer, footprint_id)
    assert run_pending_jobs() == ["succeeded"]
    for role, action in (("reviewer", "approve"), ("admin", "publish")):
        response = producer.api(role).post(
            producer.url(f"footprints/{footprint_id}/{action}/"), {}, format="json"
        )
        assert response.status_code == 200, response.content
    return footprint_id


def _using_platform_precursor(producer, source_id: str) -> str:
    return draft(
        producer,
        precursors=[
            {
                "cn_code": "72071114",
                "mass_per_t": {"value": "1.05", "unit": "t/t"},
                "country_of_origin": "CN",
                "see_source": "platform_footprint",
                "source_footprint": source_id,
            }
        ],
    )


def test_a_platform_precursor_brings_its_signature_check(producer, rules):
    source_id = _published_crude_steel(producer, rules)

    facts = _facts(_using_platform_precursor(producer, source_id))

    source = facts.precursors[0].source
    assert source is not None
    assert (source.id, source.organisation_slug, source.cn_code, source.status) == (
        source_id,
        "hebei-steel",
        "72071114",
        "published",
    )
    assert (source.period_start, source.period_end) == (date(2026, 1, 1), date(2026, 12, 31))
    assert (source.signature_valid, source.signature_reason) == (True, "valid")
    assert (source.key_revoked_at, source.revoked_later) == (None, False)
    assert source.verification_statement_date == date(2027, 2, 15)
    assert facts.precursors[0].see_source == "platform_footprint"


def test_a_platform_precursor_signed_by_a_key_revoked_since_says_so(producer, rules):
    source_id = _published_crude_steel(producer, rules)
    key = SigningKey.objects.get(organisation=producer.organisation)
    revoked = signing_key_revoke(actor=Actor.platform("tests"), key=key, reason="key exposed")

    source = _facts(_using_platform_precursor(producer, source_id)).precursors[0].source

    assert source is not None
    assert (source.signature_valid, source.revoked_later) == (True, True)
    assert source.key_revoked_at == revoked.revoked_at


# --------------------------------------------------------------------------- declared absent


def test_precursors_declared_absent_are_stored_once_each_and_shown(producer):
    response = producer.api("preparer").post(
        producer.url("footprints/"),
        footprint_input(
            producer, precursors_declared_absent=["Pig iron", " Hydrogen ", "Pig iron"]
        ),
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["precursors_declared_absent"] == ["Pig iron", "Hydrogen"]
    footprint = Footprint.objects.get(pk=response.json()["id"])
    assert footprint.precursors_declared_absent == ["Pig iron", "Hydrogen"]


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        (
            ["Cement clinker"],
            "'Cement clinker' is not a relevant precursor of Iron or steel products; expected "
            "one of Crude steel, Iron or steel products, Pig iron, Alloys (FeMn, FeCr, FeNi), "
            "Sintered Ore, Direct reduced iron, Hydrogen.",
        ),
        ("Pig iron", 'Expected a list of goods category names, e.g. ["Pig iron", "Ferro-alloys"].'),
        ([""], 'Expected a list of goods category names, e.g. ["Pig iron", "Ferro-alloys"].'),
    ],
)
def test_precursors_declared_absent_must_be_relevant_precursors_of_the_category(
    producer, declared, message
):
    response = producer.api("preparer").post(
        producer.url("footprints/"),
        footprint_input(producer, precursors_declared_absent=declared),
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {"precursors_declared_absent": [message]}
    assert not Footprint.objects.exists()


def test_changing_the_product_checks_the_declared_list_against_the_new_category(producer):
    footprint_id = draft(producer, precursors_declared_absent=["Iron or steel products"])
    slabs = Product.objects.create(
        organisation=producer.organisation,
        name="Crude steel slabs",
        cn_code="72071114",
        category="Crude steel",
    )
    slabs.installations.add(producer.installation)

    response = producer.api("preparer").patch(
        producer.url(f"footprints/{footprint_id}/"),
        {"product": str(slabs.pk), "precursors": []},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {
        "precursors_declared_absent": [
            "'Iron or steel products' is not a relevant precursor of Crude steel; expected one "
            "of Pig iron, Direct reduced iron, Alloys (FeMn, FeCr, FeNi), Crude steel, "
            "Sintered Ore, Hydrogen."
        ]
    }
    assert Footprint.objects.get(pk=footprint_id).product_id == producer.product.pk
