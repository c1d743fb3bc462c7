"""The demo footprints of the two demo producers, as data, and the seed that enters them.

``manage.py seed_demo_footprints`` (after ``seed_demo`` and ``load_reference_data``) gives the
steel mill (``hebei-steel``) and the aluminium producer (``shandong-aluminium``) installations,
products and footprints, entered the way their people would: through the services, with units,
the SEE computed by the engine (never typed in), and the workflow run by the demo users — the
preparer creates and submits, the validation job runs in-process (no worker needed), the
reviewer approves (four eyes), the admin publishes (signs).

What the demo shows, per producer: footprints published for 2026 (one with a carbon price paid
under China's national ETS and a verifier of the platform, ``nordic-verification``; one with a
precursor on the EU default value, so ``default_values_used`` appears in the signed document;
the aluminium profiles use the smelter's own published ingot footprint as their precursor),
one half-year footprint waiting in review and one still a draft.

All names, addresses and figures are fictitious but plausible: steel from the blast furnace /
basic oxygen route at about 2.1 tCO2e/t direct, primary aluminium at about 14,000 MWh of
electricity per 1,000 t on the Chinese grid factor. Addresses are real districts with made-up
street numbers. UN/LOCODEs are given only where the code is certain (CNYNT, Yantai).

Idempotent: installations are found by Latin name, products by name and CN code, footprints by
product, installation and period; whatever exists is left as it is, or moved on through the
workflow up to its demo status when it stopped short of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from accounts.audit import Actor
from accounts.models import Organisation, User
from core.errors import ValidationFailed
from core.jobs import job_execute
from core.models import Job
from reference.selectors import reference_snapshot_for
from suppliers.models import Footprint, FootprintStatus, Installation, Product
from suppliers.services.catalogue import installation_create, product_create
from suppliers.services.footprints import footprint_create
from suppliers.services.publishing import footprint_publish
from suppliers.services.workflow import VALIDATE_JOB, footprint_approve, footprint_submit

YEAR_2026 = ("2026-01-01", "2026-12-31")
H1_2026 = ("2026-01-01", "2026-06-30")

CN_ETS = "China national carbon emissions trading scheme (全国碳排放权交易市场)"
METHODOLOGY = "EU CBAM monitoring rules (Implementing Regulation (EU) 2025/2547)"
NORDIC_VERIFICATION = {
    "verifier_organisation": "nordic-verification",
    "verifier_name": "Nordic Emissions Verification AB",
    "accreditation_number": "SWEDAC 10452",
    "statement_date": "2026-11-13",
    "assurance_level": "reasonable",
}

#: Per producer: installations, products (linked to installations by Latin name) and
#: footprints (product by name, installation by Latin name, target status). A precursor's
#: ``source_footprint`` of the form ``"@key"`` names an earlier footprint of the same list.
DEMO_FOOTPRINTS: list[dict[str, Any]] = [
    {
        "organisation": "hebei-steel",
        "domain": "hebei-steel.example",
        "installations": [
            {
                "name": "河北恒岳钢铁有限公司 唐山丰南钢铁联合厂",
                "name_latin": "Hengyue Tangshan Fengnan Integrated Steel Works",
                "address": "河北省唐山市丰南区沿海工业区钢铁大道88号, 063300 "
                "(88 Gangtie Avenue, Coastal Industrial Zone, Fengnan District, Tangshan, "
                "Hebei 063300)",
                "country": "CN",
                "un_locode": "",
                "latitude": "39.224100",
                "longitude": "118.105300",
                "production_routes": [
                    "Blast furnace route",
                    "Basic oxygen steelmaking",
                    "Hot rolling",
                ],
            }
        ],
        "products": [
            {
                "name": "Hot-rolled coil, non-alloy, < 3 mm",
                "cn_code": "72083900",
                "production_route": "",
                "benchmark_route": "C",
                "installations": ["Hengyue Tangshan Fengnan Integrated Steel Works"],
            },
            {
                "name": "Wire rod for concrete reinforcement, < 14 mm",
                "cn_code": "72139110",
                "production_route": "",
                "benchmark_route": "C",
                "installations": ["Hengyue Tangshan Fengnan Integrated Steel Works"],
            },
        ],
        "footprints": [
            {
                "key": "hrc-2026",
                "product": "Hot-rolled coil, non-alloy, < 3 mm",
                "installation": "Hengyue Tangshan Fengnan Integrated Steel Works",
                "status": FootprintStatus.PUBLISHED,
                "period": YEAR_2026,
                "inputs": {
                    # Reheating furnaces of the hot strip mill: 0.072 tCO2e/t.
                    "attributed_direct_emissions": {"value": "172800", "unit": "tCO2e"},
                    "activity_level": {"value": "2400000", "unit": "t"},
                    # 110 kWh/t on the Chinese grid factor (IR 2025/2621 Annex II).
                    "electricity": {"value": "264000", "unit": "MWh"},
                    "electricity_factor_source": "country_default",
                    "precursors": [
                        {
                            # Continuously cast slabs from the mill's own BF/BOF shop.
                            "cn_code": "72071210",
                            "mass_per_t": {"value": "1.025", "unit": "t/t"},
                            "country_of_origin": "CN",
                            "see_source": "own_verified",
                            "see_direct": "1.98",
                            "see_indirect": "0.21",
                        }
                    ],
                    "carbon_price": {"instrument": CN_ETS, "amount": "64.50", "currency": "CNY"},
                    "verification": NORDIC_VERIFICATION,
                    "data_quality": {
                        "primary_data_share_pct": "94.0",
                        "methodology": METHODOLOGY,
                        "comments": "Actual data January to October 2026, plan for November "
                        "and December.",
                        "valid_until": "2027-12-31",
                    },
                },
            },
            {
                "key": "wire-rod-2026",
                "product": "Wire rod for concrete reinforcement, < 14 mm",
                "installation": "Hengyue Tangshan Fengnan Integrated Steel Works",
                "status": FootprintStatus.PUBLISHED,
                "period": YEAR_2026,
                "inputs": {
                    "attributed_direct_emissions": {"value": "55250", "unit": "tCO2e"},
                    "activity_level": {"value": "850000", "unit": "t"},
                    "electricity": {"value": "80750000", "unit": "kWh"},
                    "electricity_factor_source": "country_default",
                    "precursors": [
                        {
                            "cn_code": "72071114",
                            "mass_per_t": {"value": "860", "unit": "kg/t"},
                            "country_of_origin": "CN",
                            "see_source": "own_verified",
                            "see_direct": "1.98",
                            "see_indirect": "0.21",
                        },
                        {
                            # Billets bought from a neighbouring mill without verified data:
                            # the EU default value applies (IR 2025/2621 Annex I).
                            "cn_code": "72071114",
                            "mass_per_t": {"value": "185", "unit": "kg/t"},
                            "country_of_origin": "CN",
                            "see_source": "default_value",
                        },
                    ],
                    "data_quality": {
                        "primary_data_share_pct": "82.3",
                        "methodology": METHODOLOGY,
                        "comments": "Purchased billets (18 % of the input) on default values "
                        "until the supplier publishes its own footprint.",
                    },
                },
            },
            {
                "key": "hrc-2026-h1",
                "product": "Hot-rolled coil, non-alloy, < 3 mm",
                "installation": "Hengyue Tangshan Fengnan Integrated Steel Works",
                "status": FootprintStatus.IN_REVIEW,
                "period": H1_2026,
                "inputs": {
                    "attributed_direct_emissions": {"value": "88440", "unit": "tCO2e"},
                    "activity_level": {"value": "1140000", "unit": "t"},
                    "electricity": {"value": "128.2", "unit": "GWh"},
                    "electricity_factor_source": "country_default",
                    "precursors": [
                        {
                            "cn_code": "72071210",
                            "mass_per_t": {"value": "1.027", "unit": "t/t"},
                            "country_of_origin": "CN",
                            "see_source": "own_verified",
                            "see_direct": "1.99",
                            "see_indirect": "0.21",
                        }
                    ],
                    "data_quality": {
                        "primary_data_share_pct": "96.0",
                        "methodology": METHODOLOGY,
                        "comments": "Half-year footprint asked for by a customer's Q3 estimate.",
                    },
                },
            },
            {
                "key": "wire-rod-2026-h1",
                "product": "Wire rod for concrete reinforcement, < 14 mm",
                "installation": "Hengyue Tangshan Fengnan Integrated Steel Works",
                "status": FootprintStatus.DRAFT,
                "period": H1_2026,
                "inputs": {
                    "attributed_direct_emissions": {"value": "27300", "unit": "tCO2e"},
                    "activity_level": {"value": "420000", "unit": "t"},
                    "electricity": {"value": "40.3", "unit": "GWh"},
                    "electricity_factor_source": "country_default",
                    "precursors": [
                        {
                            "cn_code": "72071114",
                            "mass_per_t": {"value": "1.046", "unit": "t/t"},
                            "country_of_origin": "CN",
                            "see_source": "own_verified",
                            "see_direct": "1.99",
                            "see_indirect": "0.21",
                        }
                    ],
                    "data_quality": {"methodology": METHODOLOGY},
                },
            },
        ],
    },
    {
        "organisation": "shandong-aluminium",
        "domain": "shandong-aluminium.example",
        "installations": [
            {
                "name": "山东鲁铝新材料有限公司 龙口电解铝厂",
                "name_latin": "Lulv Longkou Aluminium Smelter",
                "address": "山东省烟台市龙口市东江街道铝业路6号, 265700 "
                "(6 Lvye Road, Dongjiang Subdistrict, Longkou, Yantai, Shandong 265700)",
                "country": "CN",
                "un_locode": "",
                "latitude": "37.645200",
                "longitude": "120.331800",
                "production_routes": ["Primary (electrolytic) smelting"],
            },
            {
                "name": "山东鲁铝新材料有限公司 烟台铝型材厂",
                "name_latin": "Lulv Yantai Aluminium Extrusion Plant",
                "address": "山东省烟台市福山区永达街1号, 265500 "
                "(1 Yongda Street, Fushan District, Yantai, Shandong 265500)",
                "country": "CN",
                "un_locode": "CNYNT",
                "latitude": "37.498600",
                "longitude": "121.267400",
                "production_routes": ["Remelting and casting", "Extrusion"],
            },
        ],
        "products": [
            {
                "name": "Primary aluminium ingots, not alloyed (Al 99.70)",
                "cn_code": "76011090",
                "production_route": "Primary (electrolytic) smelting",
                "benchmark_route": "K",
                "installations": ["Lulv Longkou Aluminium Smelter"],
            },
            {
                "name": "Aluminium alloy extrusion profiles, 6063-T5",
                "cn_code": "76042990",
                "production_route": "",
                "benchmark_route": "",
                "installations": ["Lulv Yantai Aluminium Extrusion Plant"],
            },
        ],
        "footprints": [
            {
                "key": "ingots-2026",
                "product": "Primary aluminium ingots, not alloyed (Al 99.70)",
                "installation": "Lulv Longkou Aluminium Smelter",
                "status": FootprintStatus.PUBLISHED,
                "period": YEAR_2026,
                "inputs": {
                    # Anode consumption, anode baking and PFCs: 1.72 tCO2e/t.
                    "attributed_direct_emissions": {"value": "688000", "unit": "tCO2e"},
                    "activity_level": {"value": "400000", "unit": "t"},
                    # 14,000 MWh per 1,000 t of aluminium on the Chinese grid factor.
                    "electricity": {"value": "5600", "unit": "GWh"},
                    "electricity_factor_source": "country_default",
                    "precursors": [],
                    "carbon_price": {"instrument": CN_ETS, "amount": "64.50", "currency": "CNY"},
                    "verification": NORDIC_VERIFICATION,
                    "data_quality": {
                        "primary_data_share_pct": "98.5",
                        "methodology": METHODOLOGY,
                        "comments": "Actual data January to October 2026, plan for November "
                        "and December.",
                        "valid_until": "2027-12-31",
                    },
                },
            },
            {
                "key": "profiles-2026",
                "product": "Aluminium alloy extrusion profiles, 6063-T5",
                "installation": "Lulv Yantai Aluminium Extrusion Plant",
                "status": FootprintStatus.PUBLISHED,
                "period": YEAR_2026,
                "inputs": {
                    # Remelting, homogenising and billet heating on natural gas.
                    "attributed_direct_emissions": {"value": "12936", "unit": "tCO2e"},
                    "activity_level": {"value": "60000", "unit": "t"},
                    "natural_gas": {"value": "6600", "unit": "1000Nm3"},
                    "electricity": {"value": "54000", "unit": "MWh"},
                    "electricity_factor_source": "country_default",
                    "precursors": [
                        {
                            # The smelter's own ingots, from their published footprint.
                            "cn_code": "76011090",
                            "mass_per_t": {"value": "0.96", "unit": "t/t"},
                            "country_of_origin": "CN",
                            "see_source": "platform_footprint",
                            "source_footprint": "@ingots-2026",
                        },
                        {
                            # Bought-in 6063 billets, no supplier data: default value.
                            "cn_code": "76012040",
                            "mass_per_t": {"value": "70", "unit": "kg/t"},
                            "country_of_origin": "CN",
                            "see_source": "default_value",
                        },
                    ],
                    "data_quality": {
                        "primary_data_share_pct": "91.0",
                        "methodology": METHODOLOGY,
                    },
                },
            },
            {
                "key": "profiles-2026-h1",
                "product": "Aluminium alloy extrusion profiles, 6063-T5",
                "installation": "Lulv Yantai Aluminium Extrusion Plant",
                "status": FootprintStatus.IN_REVIEW,
                "period": H1_2026,
                "inputs": {
                    "attributed_direct_emissions": {"value": "6410", "unit": "tCO2e"},
                    "activity_level": {"value": "29500", "unit": "t"},
                    "natural_gas": {"value": "3270", "unit": "1000Nm3"},
                    "electricity": {"value": "26850", "unit": "MWh"},
                    "electricity_factor_source": "country_default",
                    "precursors": [
                        {
                            "cn_code": "76011090",
                            "mass_per_t": {"value": "0.97", "unit": "t/t"},
                            "country_of_origin": "CN",
                            "see_source": "platform_footprint",
                            "source_footprint": "@ingots-2026",
                        },
                        {
                            "cn_code": "76012040",
                            "mass_per_t": {"value": "60", "unit": "kg/t"},
                            "country_of_origin": "CN",
                            "see_source": "default_value",
                        },
                    ],
                    "data_quality": {
                        "methodology": METHODOLOGY,
                        "comments": "Half-year footprint asked for by a customer's Q3 estimate.",
                    },
                },
            },
            {
                "key": "ingots-2026-h1",
                "product": "Primary aluminium ingots, not alloyed (Al 99.70)",
                "installation": "Lulv Longkou Aluminium Smelter",
                "status": FootprintStatus.DRAFT,
                "period": H1_2026,
                "inputs": {
                    "attributed_direct_emissions": {"value": "343100", "unit": "tCO2e"},
                    "activity_level": {"value": "199000", "unit": "t"},
                    "electricity": {"value": "2797", "unit": "GWh"},
                    "electricity_factor_source": "country_default",
                    "precursors": [],
                    "data_quality": {"methodology": METHODOLOGY},
                },
            },
        ],
    },
]

#: The workflow up to each demo status, in order; other statuses (rejected, deprecated) are
#: left alone.
_WORKFLOW = (
    FootprintStatus.DRAFT,
    FootprintStatus.SUBMITTED,
    FootprintStatus.IN_REVIEW,
    FootprintStatus.APPROVED,
    FootprintStatus.PUBLISHED,
)


class DemoSeedError(Exception):
    """The demo cannot be seeded: something it builds on is missing or a step failed."""


@dataclass(frozen=True)
class DemoFootprintRow:
    """What the seed did with one demo footprint."""

    organisation: str
    key: str
    footprint_id: str
    product: str
    cn_code: str
    period: str
    status: str
    see_direct: Decimal | None
    see_indirect: Decimal | None
    see_total: Decimal | None
    indirect_counts: bool
    created: bool
    moved: bool


@dataclass
class DemoSeedReport:
    installations_created: list[str] = field(default_factory=list)
    products_created: list[str] = field(default_factory=list)
    footprints: list[DemoFootprintRow] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.installations_created
            or self.products_created
            or any(row.created or row.moved for row in self.footprints)
        )


@dataclass(frozen=True)
class _People:
    preparer: Actor
    reviewer: Actor
    admin: Actor


def demo_actor(organisation: Organisation, domain: str, role: str) -> Actor:
    """The demo person ``<role>@<domain>``, an active member of ``organisation`` (made by
    seed_demo); the exchange demo looks its people up the same way."""
    email = f"{role}@{domain}"
    user = User.objects.filter(
        email=email, memberships__organisation=organisation, is_active=True
    ).first()
    if user is None:
        raise DemoSeedError(f"{email} is not a member of {organisation.slug}: run seed_demo.")
    return Actor(user=user)


def _people(organisation: Organisation, domain: str) -> _People:
    return _People(
        preparer=demo_actor(organisation, domain, "preparer"),
        reviewer=demo_actor(organisation, domain, "reviewer"),
        admin=demo_actor(organisation, domain, "admin"),
    )


def _installation(
    organisation: Organisation, spec: dict[str, Any], actor: Actor, report: DemoSeedReport
) -> Installation:
    existing = Installation.objects.filter(
        organisation=organisation, name_latin=spec["name_latin"]
    ).first()
    if existing is not None:
        return existing
    installation = installation_create(actor=actor, organisation=organisation, data=spec)
    report.installations_created.append(f"{organisation.slug}: {installation.name_latin}")
    return installation


def _product(
    organisation: Organisation,
    spec: dict[str, Any],
    installations: dict[str, Installation],
    actor: Actor,
    report: DemoSeedReport,
) -> Product:
    existing = Product.objects.filter(
        organisation=organisation, name=spec["name"], cn_code=spec["cn_code"]
    ).first()
    if existing is not None:
        return existing
    data = {**spec, "installations": [installations[n].pk for n in spec["installations"]]}
    product = product_create(actor=actor, organisation=organisation, data=data)
    report.products_created.append(f"{organisation.slug}: {product.name} ({product.cn_code})")
    return product


def _footprint_inputs(
    spec: dict[str, Any], product: Product, installation: Installation, keys: dict[str, Footprint]
) -> dict[str, Any]:
    inputs = dict(spec["inputs"])
    precursors = []
    for precursor in inputs.get("precursors", []):
        source = precursor.get("source_footprint", "")
        if source.startswith("@"):
            precursor = {**precursor, "source_footprint": str(keys[source[1:]].pk)}
        precursors.append(precursor)
    inputs["precursors"] = precursors
    return {
        **inputs,
        "product": str(product.pk),
        "installation": str(installation.pk),
        "period_start": spec["period"][0],
        "period_end": spec["period"][1],
    }


def _validate(footprint: Footprint) -> Footprint:
    """Run the footprint's validation job here (a worker may not be running yet)."""
    assert footprint.submitted_at is not None
    job = Job.objects.get(
        idempotency_key=f"{VALIDATE_JOB}:{footprint.pk}:{footprint.submitted_at.isoformat()}"
    )
    outcome = job_execute(job_id=job.pk)
    footprint.refresh_from_db()
    if footprint.status != FootprintStatus.IN_REVIEW:
        problems = "; ".join(
            f"{p['path']}: {p['message']}" for p in footprint.calculation_problems or []
        )
        raise DemoSeedError(
            f"the validation job of footprint {footprint.pk} ended {outcome.status}, leaving "
            f"it {footprint.status}: {problems or job.last_error or 'no detail'}"
        )
    return footprint


def _advance(footprint: Footprint, target: str, people: _People) -> bool:
    """Move the footprint through the workflow up to ``target``; True when it moved."""
    if footprint.status not in _WORKFLOW:
        return False
    moved = False
    while _WORKFLOW.index(footprint.status) < _WORKFLOW.index(target):
        if footprint.status == FootprintStatus.DRAFT:
            footprint = footprint_submit(actor=people.preparer, footprint=footprint)
        elif footprint.status == FootprintStatus.SUBMITTED:
            footprint = _validate(footprint)
        elif footprint.status == FootprintStatus.IN_REVIEW:
            footprint = footprint_approve(
                actor=people.reviewer, footprint=footprint, comment="Checked against the MRV plan."
            )
        else:
            footprint = footprint_publish(actor=people.admin, footprint=footprint)
        moved = True
    return moved


def _footprint(
    organisation: Organisation,
    spec: dict[str, Any],
    products: dict[str, Product],
    installations: dict[str, Installation],
    keys: dict[str, Footprint],
    people: _People,
) -> DemoFootprintRow:
    product = products[spec["product"]]
    installation = installations[spec["installation"]]
    period_start, period_end = (date.fromisoformat(d) for d in spec["period"])
    footprint = (
        Footprint.objects.filter(
            organisation=organisation,
            product=product,
            installation=installation,
            period_start=period_start,
            period_end=period_end,
        )
        .order_by("created_at", "id")
        .first()
    )
    created = footprint is None
    if footprint is None:
        try:
            footprint = footprint_create(
                actor=people.preparer,
                organisation=organisation,
                data=_footprint_inputs(spec, product, installation, keys),
            )
        except ValidationFailed as exc:
            raise DemoSeedError(
                f"{organisation.slug} {spec['key']}: {exc.message} {exc.extra}"
            ) from exc
    moved = _advance(footprint, spec["status"], people)
    footprint.refresh_from_db()
    keys[spec["key"]] = footprint
    return DemoFootprintRow(
        organisation=organisation.slug,
        key=spec["key"],
        footprint_id=str(footprint.pk),
        product=product.name,
        cn_code=product.cn_code,
        period=f"{footprint.period_start}..{footprint.period_end}",
        status=footprint.status,
        see_direct=footprint.see_direct,
        see_indirect=footprint.see_indirect,
        see_total=footprint.see_total,
        indirect_counts=footprint.indirect_counts,
        created=created,
        moved=moved,
    )


@transaction.atomic
def demo_footprints_seed() -> DemoSeedReport:
    """Create (or complete) the demo installations, products and footprints; one transaction,
    so a failure leaves nothing half-made. Raises ``DemoSeedError`` naming what is missing."""
    report = DemoSeedReport()
    for producer in DEMO_FOOTPRINTS:
        organisation = Organisation.objects.filter(slug=producer["organisation"]).first()
        if organisation is None:
            raise DemoSeedError(
                f"the demo organisation {producer['organisation']!r} does not exist: run "
                "seed_demo first."
            )
        for footprint_spec in producer["footprints"]:
            end = date.fromisoformat(footprint_spec["period"][1])
            try:
                reference_snapshot_for(on=end)
            except ValidationFailed as exc:
                raise DemoSeedError(f"{exc.message} Run load_reference_data first.") from exc
        people = _people(organisation, producer["domain"])
        installations = {
            spec["name_latin"]: _installation(organisation, spec, people.admin, report)
            for spec in producer["installations"]
        }
        products = {
            spec["name"]: _product(organisation, spec, installations, people.admin, report)
            for spec in producer["products"]
        }
        keys: dict[str, Footprint] = {}
        for spec in producer["footprints"]:
            report.footprints.append(
                _footprint(organisation, spec, products, installations, keys, people)
            )
    return report
