"""``manage.py seed_demo_footprints``: the demo producers' footprints entered through the
services and the workflow by the demo users, signed, with the engine's figures; idempotent."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from accounts.models import AuditEvent, Organisation
from accounts.services.signing_keys import document_verify
from core.jobs import job_execute
from core.models import Job
from exchange.sharing.models import Notification
from suppliers.models import Footprint, Installation, Product
from suppliers.selectors import verification_requests_open
from tests.demo.counts import FOOTPRINT_MODELS, SIDE_MODELS, model_counts

pytestmark = pytest.mark.django_db

PRODUCERS = ("hebei-steel", "shandong-aluminium")
#: The mills of the association's data pool (one published coil footprint each).
POOL_MILLS = (
    "jiangsu-yongxin-steel",
    "rizhao-haigang-steel",
    "anshan-beifang-steel",
    "taiyuan-jinhe-steel",
    "handan-huaxin-steel",
)

#: (organisation, CN code, period end, status) -> SEE direct, indirect, total (tCO2e/t).
#: Grid factor CN 0.605 tCO2/MWh (IR 2025/2621 Annex II); CN default values (Annex I as
#: replaced by IR 2026/1740, default_values v2): 72071114 3.169, 7601 (for 76012040) 3.000.
EXPECTED_SEE = {
    # (172,800 tCO2e + 1.025 t/t x 2,400,000 t x 1.98) / 2,400,000 t; indirect
    # (264,000 MWh x 0.605 + 1.025 x 2,400,000 x 0.21) / 2,400,000.
    ("hebei-steel", "72083900", "2026-12-31", "published"): ("2.10150", "0.28180", "2.38330"),
    # 55,250 / 850,000 + 0.86 x 1.98 + 0.185 x 3.169 (default value) = 0.065 + 1.7028 +
    # 0.586265 = 2.354065; (80,750 MWh x 0.605) / 850,000 + 0.86 x 0.21 = 0.238075 (the
    # default gives no indirect value); total 2.59214.
    ("hebei-steel", "72139110", "2026-12-31", "published"): ("2.35407", "0.23808", "2.59214"),
    ("hebei-steel", "72083900", "2026-06-30", "in_review"): ("2.12131", "0.28371", "2.40501"),
    ("hebei-steel", "72139110", "2026-06-30", "draft"): ("2.14654", "0.27771", "2.42425"),
    # 688,000 / 400,000; 5,600 GWh x 0.605 / 400,000 = 8.47.
    ("shandong-aluminium", "76011090", "2026-12-31", "published"): (
        "1.72000",
        "8.47000",
        "10.19000",
    ),
    # 12,936 / 60,000 + 0.96 x 1.72 (the published ingots) + 0.07 x 3 (default) = 2.0768;
    # 54,000 x 0.605 / 60,000 + 0.96 x 8.47 = 8.6757.
    ("shandong-aluminium", "76042990", "2026-12-31", "published"): (
        "2.07680",
        "8.67570",
        "10.75250",
    ),
    ("shandong-aluminium", "76042990", "2026-06-30", "in_review"): (
        "2.06569",
        "8.76655",
        "10.83224",
    ),
    ("shandong-aluminium", "76011090", "2026-06-30", "draft"): ("1.72412", "8.50344", "10.22756"),
    # The five mills of the association's pool: own slabs (own verified figures), e.g.
    # Jiangsu: 0.065 + 1.030 x 1.85 = 1.97050; 108 kWh/t x 0.605 / 1,000 + 1.030 x 0.19 = 0.26104.
    ("jiangsu-yongxin-steel", "72083900", "2026-12-31", "published"): (
        "1.97050",
        "0.26104",
        "2.23154",
    ),
    ("rizhao-haigang-steel", "72083900", "2026-12-31", "published"): (
        "2.18225",
        "0.29568",
        "2.47793",
    ),
    ("anshan-beifang-steel", "72083900", "2026-12-31", "published"): (
        "2.41675",
        "0.32161",
        "2.73836",
    ),
    ("taiyuan-jinhe-steel", "72083900", "2026-12-31", "published"): (
        "2.07275",
        "0.28301",
        "2.35576",
    ),
    ("handan-huaxin-steel", "72083900", "2026-12-31", "published"): (
        "2.56600",
        "0.33502",
        "2.90102",
    ),
}


def _seed_footprints() -> str:
    out = StringIO()
    call_command("seed_demo_footprints", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo_world(settings: Any, reference_data: None) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())


@pytest.fixture
def seeded(demo_world: None) -> str:
    return _seed_footprints()


def _counts() -> dict[str, int]:
    return model_counts(*FOOTPRINT_MODELS, *SIDE_MODELS)


def _document(footprint: Footprint) -> dict[str, Any]:
    return json.loads(bytes(footprint.signed_document))


def test_each_producer_has_published_footprints_whose_signature_verifies(seeded):
    for slug in PRODUCERS:
        published = Footprint.objects.filter(organisation__slug=slug, status="published")
        assert published.count() == 2
        for footprint in published:
            result = document_verify(
                payload=bytes(footprint.signed_document), jws=footprint.signature
            )
            assert result.valid is True, result.reason
            assert result.signer.endswith(f", {slug})")


def test_the_figures_are_the_engines(seeded):
    actual = {
        (f.organisation.slug, f.product.cn_code, f.period_end.isoformat(), f.status): (
            str(f.see_direct),
            str(f.see_indirect),
            str(f.see_total),
        )
        for f in Footprint.objects.select_related("organisation", "product")
    }

    assert actual == EXPECTED_SEE
    for footprint in Footprint.objects.filter(status="published"):
        see = _document(footprint)["extensions"][0]["data"]["see"]
        assert Decimal(see["directTco2ePerT"]) == footprint.see_direct
        assert Decimal(see["totalTco2ePerT"]) == footprint.see_total
        assert see["indirectCounts"] is False  # iron, steel and aluminium: direct only


def test_the_demo_users_ran_the_workflow_with_four_eyes(seeded):
    for slug in PRODUCERS:
        domain = "hebei-steel.example" if slug == "hebei-steel" else "shandong-aluminium.example"
        for footprint in Footprint.objects.filter(organisation__slug=slug):
            assert footprint.created_by.email == f"preparer@{domain}"
        for footprint in Footprint.objects.filter(organisation__slug=slug, status="published"):
            assert footprint.submitted_by.email == f"preparer@{domain}"
            assert footprint.reviewed_by.email == f"reviewer@{domain}"
            assert footprint.published_by.email == f"admin@{domain}"
            actions = list(
                AuditEvent.objects.filter(object_id=str(footprint.pk))
                .order_by("id")
                .values_list("action", flat=True)
            )
            assert actions == [
                "footprint.created",
                "footprint.submitted",
                "footprint.validation_passed",
                "footprint.approved",
                "footprint.published",
            ]
    # Every validation job ran in-process and succeeded; what is left for the worker is telling
    # the platform verifier of each submission naming it (2 published, answered by nobody, and
    # the half-year coil, still in review: only that one is announced).
    assert set(Job.objects.values_list("kind", "status")) == {
        ("suppliers.validate_footprint", "succeeded"),
        ("sharing.notify_verification_requested", "pending"),
    }
    # 4 + 2 in review of the two producers, 1 for each of the five mills of the pool.
    assert Job.objects.filter(kind="suppliers.validate_footprint").count() == 11
    assert Job.objects.filter(kind="sharing.notify_verification_requested").count() == 3


def test_the_platform_verifier_is_asked_about_the_half_year_coil(seeded):
    for job in Job.objects.filter(kind="sharing.notify_verification_requested"):
        assert job_execute(job_id=job.pk).status == "succeeded"

    verifier = Organisation.objects.get(slug="nordic-verification")
    coil = Footprint.objects.get(
        organisation__slug="hebei-steel", product__cn_code="72083900", status="in_review"
    )
    assert list(verification_requests_open(organisation=verifier)) == [coil]
    (notification,) = Notification.objects.filter(organisation=verifier)
    assert (notification.kind, notification.data["footprint"]) == (
        "verification.requested",
        str(coil.pk),
    )


def test_the_documents_show_a_carbon_price_a_verifier_and_default_values(seeded):
    hrc = Footprint.objects.get(
        organisation__slug="hebei-steel", product__cn_code="72083900", status="published"
    )
    data = _document(hrc)["extensions"][0]["data"]
    assert data["carbonPricesPaid"][0]["currency"] == "CNY"
    assert data["carbonPricesPaid"][0]["amountPerTco2e"] == "64.5"
    assert data["verification"]["verifierName"] == "Nordic Emissions Verification AB"
    assert data["verification"]["verifierOrganisationUrn"].startswith("urn:lei:5493000CBAMDEMO002")

    wire_rod = _document(Footprint.objects.get(product__cn_code="72139110", status="published"))
    assert wire_rod["extensions"][0]["data"]["see"]["defaultValuesUsed"] is True
    assert wire_rod["extensions"][0]["data"]["precursors"][1] == {
        "cnCode": "72071114",
        "countryOfOrigin": "CN",
        "massTPerT": "0.185",
        "seeDirectTco2ePerT": "3.169",
        "seeSource": "default_value",
    }

    ingots = Footprint.objects.get(product__cn_code="76011090", status="published")
    profiles = _document(Footprint.objects.get(product__cn_code="76042990", status="published"))
    assert profiles["extensions"][0]["data"]["precursors"][0]["footprintId"] == str(ingots.pk)


def test_the_installations_have_both_scripts_and_the_products_valid_cn_codes(seeded):
    assert sorted(Installation.objects.values_list("name_latin", "un_locode")) == [
        ("Beifang Anshan Hot Strip Mill", ""),
        ("Haigang Rizhao Steel Base", ""),
        ("Hengyue Tangshan Fengnan Integrated Steel Works", ""),
        ("Huaxin Handan Steel Works", ""),
        ("Jinhe Taiyuan Integrated Steel Works", ""),
        ("Lulv Longkou Aluminium Smelter", ""),
        ("Lulv Yantai Aluminium Extrusion Plant", "CNYNT"),
        ("Yongxin Changzhou Steel Works", ""),
    ]
    assert all(not i.name.isascii() and i.latitude for i in Installation.objects.all())
    assert sorted(Product.objects.values_list("cn_code", "category", "production_route")) == [
        *[("72083900", "Iron or steel products", "")] * 6,
        ("72139110", "Iron or steel products", ""),
        ("76011090", "Unwrought aluminium", "Primary (electrolytic) smelting"),
        ("76042990", "Aluminium products", ""),
    ]


def test_running_it_again_creates_nothing(seeded):
    before = _counts()

    output = _seed_footprints()

    assert _counts() == before
    assert "nothing created" in output
    assert "[created]" not in output


def test_it_prints_each_footprint_with_its_status_and_figures(seeded):
    hrc = Footprint.objects.get(
        organisation__slug="hebei-steel", product__cn_code="72083900", status="published"
    )

    assert (
        f"    {hrc.pk}  published  Hot-rolled coil, non-alloy, < 3 mm (72083900), "
        "2026-01-01..2026-12-31: 2.10150 / 0.28180 / 2.38330, CBAM counts direct only  [created]"
    ) in seeded.splitlines()


def test_it_refuses_with_debug_off(demo_world, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        _seed_footprints()

    assert not Footprint.objects.exists()


def test_it_asks_for_seed_demo_first(settings, reference_data):
    settings.DEBUG = True

    with pytest.raises(CommandError, match="'hebei-steel' does not exist: run seed_demo first"):
        _seed_footprints()


def test_it_asks_for_the_reference_data_first(settings, db):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())

    with pytest.raises(CommandError, match="Run load_reference_data first"):
        _seed_footprints()

    assert not Installation.objects.exists()
