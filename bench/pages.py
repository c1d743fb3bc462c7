"""Benchmark: server time of the main pages against a bare Django template of the same rows.

One organisation (the demo steel mill ``hebei-steel``, seeded through the services by the demo
seed: people, installation, products, footprints validated by the real rules, approved and
published with a real signature, requests, grants and notifications from the demo exchange)
grown to a realistic size: 3 installations, 8 products, 1,000 footprints in mixed statuses
(copies of the demo's own footprints with their precursors, validation runs and stored
findings; failed runs carry the real findings of a 1000× unit slip), 40 more requests,
60 notifications, three signing keys. A member (the admin: every section of the dashboard)
is logged in through ``Client.force_login`` (a session cookie, as a browser has).

Each page is measured against its **floor** in the same run: a bare view (no authentication,
no membership or role check, no layout, no forms, no translation) that reads the rows the page
shows with plain ``.values()`` queries and renders them with a minimal Django template (the
same number of rows and columns, the same counts, dates through the same ``date`` filter).
Both go through the same middleware and the same test client.

- dashboard ``/o/<org>/``: 5 drafts, 5 in review, 5 requests due soon, 5 unread
  notifications, 5 keys, and the four counts;
- footprint list ``/o/<org>/footprints/``: the first page (50 of 1,000 rows, seven columns
  with the latest validation run) and the paginator's count;
- footprint editor ``/o/<org>/footprints/<id>/edit/`` (a draft with one precursor) and
  ``…/footprints/new/``: every input with its value, the product, installation, unit and
  choice selects, one select of the published footprints per precursor row;
- review queue ``/o/<org>/review/``: measured when its URL resolves, else reported skipped;
- shipments list ``/o/<importer>/shipments/`` of the demo importer ``rhein-import`` grown to
  10,000 shipments (``--shipments``): the first page (50 rows, seven columns), the paginator's
  count and the filter's years, against a floor reading the same 50 rows and count.

Run: ``.venv/bin/python bench/pages.py [--footprints 1000] [--shipments 10000] [--repeat 60]
[--rounds 2] [--only NAME] [--profile]`` (``DATABASE_URL`` for PostgreSQL; SQLite otherwise). It
creates and drops its own test database. Figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Nothing leaves the process: no broker files, no e-mail on the console.
os.environ.setdefault("CELERY_BROKER_URL", "memory://")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import NoReverseMatch, Resolver404, path, resolve, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

ORG = "hebei-steel"
VIEWER = "admin@hebei-steel.example"
LANGUAGE = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}
#: What the footprint list page shows per page, and the dashboard per list.
PAGE_SIZE = 50
SHOWN = 5
DUE_SOON_DAYS = 14
#: Names the review queue may get (it is being built elsewhere).
REVIEW_QUEUE_NAMES = (
    "suppliers-pages:review-queue",
    "suppliers-pages:review",
    "suppliers-pages:reviews",
    "suppliers-pages:footprint-reviews",
)


# --------------------------------------------------------------------------- floors


def _template(source: str) -> Any:
    return engines["django"].from_string(source)


DASHBOARD_FLOOR = """<h1>Dashboard</h1>
<h2>Drafts {{ drafts_count }}</h2><ul>{% for f in drafts %}<li><a href="/o/{{ slug }}/footprints/{{ f.id }}/">{{ f.product__name }}</a> {{ f.product__cn_code }} {{ f.period_start|date:"DATE_FORMAT" }} – {{ f.period_end|date:"DATE_FORMAT" }} {{ f.status }}</li>{% endfor %}</ul>
<h2>In review {{ in_review_count }}</h2><ul>{% for f in in_review %}<li><a href="/o/{{ slug }}/footprints/{{ f.id }}/">{{ f.product__name }}</a> {{ f.product__cn_code }} {{ f.period_start|date:"DATE_FORMAT" }} – {{ f.period_end|date:"DATE_FORMAT" }}</li>{% endfor %}</ul>
<h2>Due soon {{ due_soon|length }}</h2><p>{{ requests_open_count }}</p><ul>{% for r in due_soon %}<li><a href="/o/{{ slug }}/requests/{{ r.id }}/">{{ r.supplier_product__name }} {{ r.cn_code }} {{ r.description }}</a> {{ r.buyer__legal_name }} ({{ r.buyer__legal_name_latin }}) {{ r.due_date|date:"DATE_FORMAT" }}</li>{% endfor %}</ul>
<h2>Notifications {{ notifications_count }}</h2><ul>{% for n in notifications %}<li>{{ n.subject }} {{ n.created_at|date:"SHORT_DATETIME_FORMAT" }}</li>{% endfor %}</ul>
<h2>Keys</h2><table>{% for k in keys %}<tr><td>{{ k.kid }}</td><td>{{ k.created_at|date:"DATE_FORMAT" }}</td><td>{% if k.revoked_at %}revoked{% elif k.retired_at %}retired{% else %}active{% endif %}</td></tr>{% endfor %}</table>"""  # noqa: E501

LIST_FLOOR = """<h1>Footprints</h1><table>{% for f in rows %}<tr>
<td><a href="/o/{{ slug }}/footprints/{{ f.id }}/">{{ f.product__name }}</a></td><td>{{ f.product__cn_code }}</td><td>{{ f.installation__name }}</td>
<td>{{ f.period_start|date:"DATE_FORMAT" }} – {{ f.period_end|date:"DATE_FORMAT" }}</td><td>{{ f.status }}</td><td>{{ f.see_total }}</td>
<td>{% if f.run %}{{ f.run.status }} {{ f.run.error_count }}{% else %}not submitted{% endif %}</td></tr>{% endfor %}</table>
<p>Page 1 of {{ pages }}</p>"""  # noqa: E501

FORM_FLOOR = """<h1>Edit</h1><form method="post">
{% for name, value in inputs %}<label for="{{ name }}">{{ name }}</label><input id="{{ name }}" name="{{ name }}" value="{{ value|default:'' }}">
{% endfor %}{% for name, options, chosen in selects %}<label for="{{ name }}">{{ name }}</label><select id="{{ name }}" name="{{ name }}">{% for value, label in options %}<option value="{{ value }}"{% if value == chosen %} selected{% endif %}>{{ label }}</option>{% endfor %}</select>
{% endfor %}</form>"""  # noqa: E501


@dataclass
class Floors:
    dashboard: Any = None
    footprint_list: Any = None
    form: Any = None
    exposure: Any = None
    shipments: Any = None


FLOORS = Floors()


def floor_dashboard(request: HttpRequest, org_slug: str) -> HttpResponse:
    from accounts.models import SigningKey
    from exchange.sharing.models import FootprintRequest, Notification
    from suppliers.models import Footprint

    footprints = Footprint.objects.filter(organisation__slug=org_slug).order_by("-created_at", "id")
    columns = ("id", "status", "product__name", "product__cn_code", "period_start", "period_end")
    drafts = footprints.filter(status__in=("draft", "rejected"))
    in_review = footprints.filter(status="in_review")
    today = timezone.localdate()
    open_requests = FootprintRequest.objects.filter(supplier__slug=org_slug, status="open")
    due_soon = open_requests.filter(due_date__lte=today + timedelta(days=DUE_SOON_DAYS))
    unread = Notification.objects.filter(
        organisation__slug=org_slug, read_at__isnull=True
    ).order_by("-created_at", "id")
    context = {
        "slug": org_slug,
        "drafts": list(drafts.values(*columns)[:SHOWN]),
        "drafts_count": drafts.count(),
        "in_review": list(in_review.values(*columns)[:SHOWN]),
        "in_review_count": in_review.count(),
        "due_soon": list(
            due_soon.order_by("due_date", "id").values(
                "id",
                "supplier_product__name",
                "cn_code",
                "description",
                "buyer__legal_name",
                "buyer__legal_name_latin",
                "due_date",
            )[:SHOWN]
        ),
        "requests_open_count": open_requests.count(),
        "notifications": list(unread.values("subject", "created_at")[:SHOWN]),
        "notifications_count": unread.count(),
        "keys": list(
            SigningKey.objects.filter(organisation__slug=org_slug)
            .order_by("created_at", "id")
            .values("kid", "created_at", "retired_at", "revoked_at")[:SHOWN]
        ),
    }
    return HttpResponse(FLOORS.dashboard.render(context, request))


#: The columns of a row of the footprint list.
LIST_ROW = (
    "id",
    "product__name",
    "product__cn_code",
    "installation__name",
    "period_start",
    "period_end",
    "status",
    "see_total",
)


def floor_footprint_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    from suppliers.models import Footprint, ValidationRun

    footprints = Footprint.objects.filter(organisation__slug=org_slug).order_by("-created_at", "id")
    count = footprints.count()
    rows = list(footprints.values(*LIST_ROW)[:PAGE_SIZE])
    latest: dict[Any, dict[str, Any]] = {}
    for run in (
        ValidationRun.objects.filter(footprint_id__in=[r["id"] for r in rows])
        .order_by("footprint_id", "-created_at", "-id")
        .values("footprint_id", "status", "error_count")
    ):
        latest.setdefault(run["footprint_id"], run)
    for row in rows:
        row["run"] = latest.get(row["id"])
    context = {"slug": org_slug, "rows": rows, "pages": -(-count // PAGE_SIZE)}
    return HttpResponse(FLOORS.footprint_list.render(context, request))


#: The editor's plain inputs (a quantity's unit is a select of its own).
FORM_INPUTS = (
    "period_start",
    "period_end",
    "attributed_direct_emissions",
    "activity_level",
    "electricity",
    "electricity_factor",
    "attributed_indirect_emissions",
    "natural_gas",
    "electricity_factor_reference",
    "carbon_price__instrument",
    "carbon_price__amount",
    "carbon_price__currency",
    "verification__verifier_organisation",
    "verification__verifier_name",
    "verification__accreditation_number",
    "verification__statement_date",
    "data_quality__primary_data_share_pct",
    "data_quality__methodology",
    "data_quality__comments",
    "data_quality__valid_until",
    "precursors_declared_absent",
)
FOOTPRINT_COLUMNS = (
    "product_id",
    "installation_id",
    "period_start",
    "period_end",
    "attributed_direct_tco2e",
    "activity_level_t",
    "electricity_mwh",
    "electricity_factor_tco2_per_mwh",
    "attributed_indirect_tco2e",
    "natural_gas_nm3",
    "electricity_factor_source",
    "electricity_factor_reference",
    "carbon_price_instrument",
    "carbon_price_amount",
    "carbon_price_currency",
    "verifier_organisation__slug",
    "verifier_name",
    "verifier_accreditation",
    "verification_statement_date",
    "assurance_level",
    "primary_data_share_pct",
    "methodology",
    "comments",
    "valid_until",
    "precursors_declared_absent",
)


def floor_form(request: HttpRequest, org_slug: str, footprint_id: str = "") -> HttpResponse:
    from suppliers.inputs import QUANTITIES
    from suppliers.models import (
        AssuranceLevel,
        ElectricityFactorSource,
        Footprint,
        FootprintPrecursor,
        Installation,
        PrecursorSeeSource,
        Product,
    )
    from suppliers.units import UNITS

    values: list[Any] = [""] * len(FORM_INPUTS)
    chosen: dict[str, Any] = {}
    precursors: list[dict[str, Any]] = []
    if footprint_id:
        row = (
            Footprint.objects.filter(organisation__slug=org_slug, pk=footprint_id)
            .values(*FOOTPRINT_COLUMNS)
            .get()
        )
        values = [row.get(column) for column in FOOTPRINT_COLUMNS[2:]][: len(FORM_INPUTS)]
        chosen = {
            "product": row["product_id"],
            "installation": row["installation_id"],
            "electricity_factor_source": row["electricity_factor_source"],
            "verification__assurance_level": row["assurance_level"],
        }
        precursors = list(
            FootprintPrecursor.objects.filter(footprint_id=footprint_id)
            .order_by("position")
            .values(
                "cn_code",
                "mass_t_per_t",
                "country_of_origin",
                "see_source",
                "source_footprint_id",
                "see_direct",
                "see_indirect",
            )
        )
    products = [
        (p["id"], f"{p['name']} ({p['cn_code']})")
        for p in Product.objects.filter(organisation__slug=org_slug)
        .order_by("name", "id")
        .values("id", "name", "cn_code")
    ]
    installations = [
        (i["id"], f"{i['name']} · {i['name_latin']}")
        for i in Installation.objects.filter(organisation__slug=org_slug)
        .order_by("name_latin", "id")
        .values("id", "name", "name_latin")
    ]
    published = [
        (f["id"], f"{f['product__name']} {f['period_start']:%Y}")
        for f in Footprint.objects.filter(organisation__slug=org_slug, status="published")
        .order_by("-created_at", "id")
        .values("id", "product__name", "period_start")
    ]
    selects: list[tuple[str, list[tuple[Any, str]], Any]] = [
        ("product", products, chosen.get("product")),
        ("installation", installations, chosen.get("installation")),
        (
            "electricity_factor_source",
            list(ElectricityFactorSource.choices),
            chosen.get("electricity_factor_source"),
        ),
        (
            "verification__assurance_level",
            list(AssuranceLevel.choices),
            chosen.get("verification__assurance_level"),
        ),
    ]
    selects += [
        (f"{key}_unit", [(u, u) for u in UNITS[kind][1]], None)
        for key, _f, kind, _r, _z in QUANTITIES
    ]
    inputs = list(zip(FORM_INPUTS, values, strict=True))
    for index, precursor in enumerate([*precursors, {}]):
        prefix = f"precursors-{index}-"
        inputs += [
            (f"{prefix}{name}", precursor.get(column))
            for name, column in (
                ("cn_code", "cn_code"),
                ("mass_per_t", "mass_t_per_t"),
                ("country_of_origin", "country_of_origin"),
                ("see_direct", "see_direct"),
                ("see_indirect", "see_indirect"),
            )
        ]
        selects += [
            (f"{prefix}mass_per_t_unit", [(u, u) for u in UNITS["specific_mass"][1]], None),
            (f"{prefix}see_source", list(PrecursorSeeSource.choices), precursor.get("see_source")),
            (f"{prefix}source_footprint", published, precursor.get("source_footprint_id")),
        ]
    context = {"inputs": inputs, "selects": selects}
    return HttpResponse(FLOORS.form.render(context, request))


def floor_review_queue(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The footprints in review (what a review queue shows at the least), as the list."""
    from suppliers.models import Footprint
    from suppliers.pages.review import REVIEW_PAGE_SIZE

    rows = list(
        Footprint.objects.filter(organisation__slug=org_slug, status="in_review")
        .order_by("submitted_at", "id")
        .values(*LIST_ROW)[:REVIEW_PAGE_SIZE]
    )
    context = {"slug": org_slug, "rows": rows, "pages": 1}
    return HttpResponse(FLOORS.footprint_list.render(context, request))


urlpatterns = [
    path("bare/<slug:org_slug>/", floor_dashboard),
    path("bare/<slug:org_slug>/footprints/", floor_footprint_list),
    path("bare/<slug:org_slug>/footprints/new/", floor_form),
    path("bare/<slug:org_slug>/footprints/<str:footprint_id>/edit/", floor_form),
    path("bare/<slug:org_slug>/review/", floor_review_queue),
]


# --------------------------------------------------------------------------- exposure (issue 15)
#
# A buyer (the demo's screw maker ``ningbo-fasteners``) grown to ``--boms-products`` products
# (200) of ``--boms-lines`` lines (20): every other line on the mill's coil footprint the buyer
# holds a grant on, the others on the default value of wire rod bought from one of eight named
# suppliers; all computed by the real aggregation (``products_recompute``). Measured: the
# exposure page ``/o/<buyer>/exposure/`` (every product's cost now and on all defaults, the
# chase list's 15 largest savings as bars with their action, the savings per supplier) against
# a floor that reads the same figures with ``.values()`` (the products' headline figures, every
# result's lines to rank them) and renders the same rows with a bare template.

BOMS_BUYER = "ningbo-fasteners"
BOMS_VIEWER = "preparer@ningbo-fasteners.example"
CHASE_SHOWN = 15

EXPOSURE_FLOOR = """<h1>Exposure</h1><table>{% for e in chase %}<tr><td><a href="/o/{{ slug }}/boms/{{ e.0 }}/lines/{{ e.1 }}/chase/">{{ e.2 }} · {{ e.3 }} · {{ e.4 }}</a></td><td>{{ e.5 }}</td></tr>{% endfor %}</table>
<table>{% for s in suppliers %}<tr><th>{{ s.0 }}</th><td>{{ s.1 }}</td><td>{{ s.2 }}</td></tr>{% endfor %}</table>
<table>{% for p in products %}<tr><th><a href="/o/{{ slug }}/boms/{{ p.id }}/exposure/">{{ p.name }}</a></th><td>{{ p.cn_code }}</td><td>{{ p.cost }}</td><td>{{ p.all_defaults }}</td><td>{{ p.saving }}</td><td>{{ p.share }}</td></tr>{% endfor %}</table>"""  # noqa: E501


def floor_exposure(request: HttpRequest, org_slug: str) -> HttpResponse:
    from decimal import Decimal

    from exchange.boms.models import AggregationResult, BuyerProduct

    products = list(
        BuyerProduct.objects.filter(organisation__slug=org_slug)
        .order_by("name", "id")
        .values(
            "id",
            "name",
            "cn_code",
            cost=models_key("aggregation__exposure__current__cost_eur_per_t"),
            all_defaults=models_key("aggregation__exposure__current__cost_all_defaults_eur_per_t"),
            saving=models_key("aggregation__exposure__current__saving_eur_per_t"),
            share=models_key("aggregation__default_share"),
        )
    )
    lines = []
    for product_id, name, stored in AggregationResult.objects.filter(
        product__organisation__slug=org_slug
    ).values_list("product_id", "product__name", "lines"):
        for line in stored:
            sure = (line.get("saving") or {}).get("sure_eur_per_t")
            if line["use"] != "own_product" and sure is not None:
                lines.append(
                    (
                        product_id,
                        line["id"],
                        line.get("supplier_name") or "",
                        line["cn_code"],
                        name,
                        Decimal(sure),
                    )
                )
    lines.sort(key=lambda e: -e[5])
    totals: dict[str, list[Any]] = {}
    for entry in lines:
        found = totals.setdefault(entry[2], [0, Decimal(0)])
        found[0] += 1
        found[1] += entry[5]
    suppliers = sorted(((k, n, t) for k, (n, t) in totals.items()), key=lambda s: -s[2])
    context = {"slug": org_slug, "products": products, "chase": lines[:CHASE_SHOWN]}
    context["suppliers"] = suppliers
    return HttpResponse(FLOORS.exposure.render(context, request))


def models_key(path: str) -> Any:
    from django.db.models import F

    return F(path)


urlpatterns.append(path("bare/<slug:org_slug>/exposure/", floor_exposure))
#: The exposure page's own goal (issue 15): within 2x its floor and under 200 ms median.
MEDIAN_GOAL_MS = {"exposure (buyer)": 200, "shipments list": 200}


def seed_boms_buyer(products: int, lines: int) -> int:
    """Grow the demo buyer to ``products`` x ``lines`` and compute every product; returns the
    number of lines."""
    from decimal import Decimal

    from accounts.models import Organisation
    from exchange.boms.models import BomLine, BuyerProduct, LineSource
    from exchange.boms.services.aggregation import products_recompute

    buyer = Organisation.objects.get(slug=BOMS_BUYER)
    coil = BomLine.objects.get(product__organisation=buyer, footprint__isnull=False)
    rows = []
    made = BuyerProduct.objects.bulk_create(
        BuyerProduct(
            organisation=buyer,
            name=f"Bench bolts {index:03d}",
            cn_code="73181588",
            country_of_production="CN",
            production_route="C",
            direct_tco2e_per_t=Decimal("0.085"),
            electricity_mwh_per_t=Decimal("0.46"),
        )
        for index in range(products)
    )
    for product in made:
        for position in range(1, lines + 1):
            mass = Decimal(position) / 100
            if position % 2:
                rows.append(
                    BomLine(
                        product=product,
                        position=position,
                        cn_code=coil.cn_code,
                        mass_t_per_t=mass,
                        country_of_origin="CN",
                        source=LineSource.SUPPLIER_FOOTPRINT,
                        footprint_id=coil.footprint_id,
                        lineage=coil.lineage,
                        supplier_id=coil.supplier_id,
                        supplier_name=coil.supplier_name,
                    )
                )
            else:
                rows.append(
                    BomLine(
                        product=product,
                        position=position,
                        cn_code="72139170",
                        mass_t_per_t=mass,
                        country_of_origin="CN",
                        source=LineSource.DEFAULT_VALUE,
                        supplier_name=f"Wire rod supplier {position % 8}",
                    )
                )
    BomLine.objects.bulk_create(rows, batch_size=2000)
    products_recompute(organisation_id=buyer.pk)
    return len(rows)


def exposure_pages(client: Client, products: int, lines: int) -> list[tuple[str, str, str]]:
    """Seed the scenario, log ``client`` in as the buyer's preparer; the pages to measure."""
    from accounts.models import User

    seed_boms_buyer(products, lines)
    client.force_login(User.objects.get(email=BOMS_VIEWER))
    return [("exposure (buyer)", f"/o/{BOMS_BUYER}/exposure/", f"/bare/{BOMS_BUYER}/exposure/")]


# --------------------------------------------------------------------------- shipments list

#: The demo importer, grown to ``--shipments`` shipments for the shipments list.
IMPORTER = "rhein-import"
SHIPMENTS_PAGE_SIZE = 50

SHIPMENTS_FLOOR = """<h1>Shipments</h1><p>{{ count }}</p><table>{% for s in rows %}<tr>
<td>{{ s.import_date|date:"Y-m-d" }}</td><td><a href="/o/{{ slug }}/shipments/{{ s.id }}/">{{ s.reference }}</a></td><td>{{ s.cn_code }} {{ s.goods_category }}</td>
<td>{{ s.quantity }} {{ s.unit }}</td><td>{{ s.country_of_origin }}</td><td>{{ s.supplier_name }} {{ s.installation_name }}</td>
<td>{% if s.footprint_id %}footprint{% elif s.buyer_product_id %}product{% else %}default{% endif %}</td></tr>{% endfor %}</table>
<p>Page 1 of {{ pages }}</p>"""  # noqa: E501


def floor_shipments(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The 50 newest shipments and the count, with plain ``.values()``."""
    from exchange.declarations.models import Shipment

    shipments = Shipment.objects.filter(organisation__slug=org_slug)
    count = shipments.count()
    rows = list(
        shipments.order_by("-import_date", "-created_at", "-id").values(
            "id",
            "import_date",
            "reference",
            "cn_code",
            "goods_category",
            "quantity",
            "unit",
            "country_of_origin",
            "supplier_name",
            "installation_name",
            "footprint_id",
            "buyer_product_id",
        )[:SHIPMENTS_PAGE_SIZE]
    )
    context = {
        "slug": org_slug,
        "rows": rows,
        "count": count,
        "pages": -(-count // SHIPMENTS_PAGE_SIZE),
    }
    return HttpResponse(FLOORS.shipments.render(context, request))


urlpatterns.append(path("bare/<slug:org_slug>/shipments/", floor_shipments))


def seed_shipments(total: int, rng: random.Random) -> str:
    """Grow the demo importer to ``total`` shipments (copies of its own six, with other
    references, dates through 2026 up to the seed's today, quantities and countries), written
    in bulk; its slug."""
    from exchange.declarations.models import Shipment

    demo = list(Shipment.objects.filter(organisation__slug=IMPORTER))
    today = timezone.localdate()
    first = date(2026, 1, 1)
    span = max((min(today, date(2026, 12, 31)) - first).days, 1)
    extra = []
    for i in range(max(total - len(demo), 0)):
        model = demo[i % len(demo)]
        extra.append(
            Shipment(
                organisation_id=model.organisation_id,
                reference=f"MRN26BENCH{i:06d}-1",
                cn_code=model.cn_code,
                goods_category=model.goods_category,
                sector=model.sector,
                quantity=Decimal(rng.randint(5, 40_000)) / 1000,
                unit=model.unit,
                country_of_origin=rng.choice(("CN", "CN", "CN", "IN", "TR", "VN")),
                import_date=first + timedelta(days=rng.randrange(span)),
                supplier_name=model.supplier_name,
                installation_name=model.installation_name,
                footprint_id=model.footprint_id if rng.random() < 0.3 else None,
            )
        )
    Shipment.objects.bulk_create(extra, batch_size=2000)
    return IMPORTER


# --------------------------------------------------------------------------- seed


@contextmanager
def explicit_timestamps(*models: Any) -> Iterator[None]:
    """Let ``bulk_create`` store the ``created_at`` given (rows of different ages)."""
    fields = [model._meta.get_field("created_at") for model in models]
    saved = [f.auto_now_add for f in fields]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, value in zip(fields, saved, strict=True):
            f.auto_now_add = value


@dataclass
class World:
    organisation: Any
    draft_id: str
    counts: dict[str, int] = field(default_factory=dict)


#: Status of the 1,000 footprints (shares): a mill two years into CBAM reporting.
STATUS_MIX = (
    ("published", 0.38),
    ("deprecated", 0.10),
    ("draft", 0.20),
    ("submitted", 0.02),
    ("in_review", 0.12),
    ("approved", 0.06),
    ("rejected", 0.12),
)
EXTRA_INSTALLATIONS = (
    ("河北恒岳钢铁有限公司 迁安冷轧厂", "Hengyue Qian'an Cold Rolling Mill", "CNQAN"),
    ("河北恒岳钢铁有限公司 曹妃甸型钢厂", "Hengyue Caofeidian Sections Mill", "CNCFD"),
)
EXTRA_PRODUCTS = (
    ("Heavy plate, non-alloy, > 10 mm", "72085120"),
    ("Cold-rolled coil, non-alloy, < 0.5 mm", "72091710"),
    ("Hot-dip galvanised sheet", "72104900"),
    ("Reinforcing bar, ribbed", "72142000"),
    ("U sections, ≥ 80 mm", "72163110"),
    ("Low-carbon wire in coils", "72171010"),
)


def seed(total: int, rng: random.Random) -> World:
    from accounts.audit import Actor
    from accounts.models import Organisation
    from accounts.services.signing_keys import signing_key_rotate
    from demo.accounts import demo_accounts_seed
    from demo.exchange import demo_exchange_seed
    from demo.footprints import demo_footprints_seed
    from demo.world import demo_actor
    from reference.services import reference_data_load_shipped
    from suppliers.services.catalogue import installation_create, product_create

    reference_data_load_shipped(actor=Actor.platform("bench"))
    demo_accounts_seed()
    demo_footprints_seed()
    demo_exchange_seed()
    organisation = Organisation.objects.get(slug=ORG)
    admin = demo_actor(organisation, "admin")
    installations = [
        installation_create(
            actor=admin,
            organisation=organisation,
            data={"name": name, "name_latin": latin, "country": "CN", "un_locode": locode},
        )
        for name, latin, locode in EXTRA_INSTALLATIONS
    ]
    for name, cn_code in EXTRA_PRODUCTS:
        product_create(
            actor=admin,
            organisation=organisation,
            data={
                "name": name,
                "cn_code": cn_code,
                "installations": [str(rng.choice(installations).pk)],
            },
        )
    signing_key_rotate(actor=admin, organisation=organisation)
    signing_key_rotate(actor=admin, organisation=organisation)
    draft_id = clone_footprints(organisation, total, rng)
    add_requests_and_notifications(organisation, rng)
    return World(organisation=organisation, draft_id=draft_id)


def failed_findings(organisation: Any) -> list[Any]:
    """The real findings of a draft with natural gas typed in 1000 Nm3 as Nm3 (and no
    verification): what a failed run of a draft stores."""
    from suppliers.models import Installation, Product
    from suppliers.validation.dry_run import validation_dry_run
    from tests.suppliers.conftest import footprint_input

    product = Product.objects.filter(organisation=organisation, cn_code="72083900").first()
    installation = Installation.objects.filter(organisation=organisation).first()
    assert product is not None
    assert installation is not None
    holder = argparse.Namespace(product=product, installation=installation)
    document = footprint_input(
        holder,  # type: ignore[arg-type]
        natural_gas={"value": "45000000000", "unit": "Nm3"},
        verification={},
    )
    document["precursors"][0]["mass_per_t"] = {"value": "1050", "unit": "t/t"}
    result = validation_dry_run(organisation=organisation, document=document)
    return list(result.findings)


def clone_footprints(organisation: Any, total: int, rng: random.Random) -> str:
    """Grow the organisation's footprints to ``total`` by copying the demo's own (a
    published, an in-review and a draft one), with their precursors, latest validation run
    and its findings; returns the id of a draft with a failed run (the one edited)."""
    from suppliers.models import (
        EvidenceFile,
        Footprint,
        FootprintPrecursor,
        FootprintStatus,
        Installation,
        Product,
        ValidationFinding,
        ValidationRun,
    )
    from suppliers.validation.findings import finding_key

    own = Footprint.objects.filter(organisation=organisation)
    templates = {
        status: own.filter(status=status).order_by("created_at").first()
        for status in (FootprintStatus.PUBLISHED, FootprintStatus.IN_REVIEW, FootprintStatus.DRAFT)
    }
    assert all(templates.values()), templates
    products = list(Product.objects.filter(organisation=organisation))
    installations = list(Installation.objects.filter(organisation=organisation))
    concrete = [f.attname for f in Footprint._meta.concrete_fields if f.attname != "id"]
    precursors = {
        status: list(FootprintPrecursor.objects.filter(footprint=template).values())
        for status, template in templates.items()
        if template is not None
    }
    template_runs = {
        status: ValidationRun.objects.filter(footprint=template).order_by("-created_at").first()
        for status, template in templates.items()
    }
    template_findings = {
        status: list(ValidationFinding.objects.filter(run=run).values()) if run else []
        for status, run in template_runs.items()
    }
    errors = failed_findings(organisation)
    reviewer = templates[FootprintStatus.PUBLISHED].reviewed_by_id  # type: ignore[union-attr]
    count = total - own.count()
    statuses = rng.choices(
        [s for s, _ in STATUS_MIX], weights=[w for _, w in STATUS_MIX], k=max(count, 0)
    )
    now = timezone.now()
    footprints: list[Any] = []
    rows: list[Any] = []
    runs: list[Any] = []
    findings: list[Any] = []
    evidence: list[Any] = []
    deprecated: list[Any] = []
    draft_id = ""
    for status in statuses:
        source_status = {
            "published": FootprintStatus.PUBLISHED,
            "deprecated": FootprintStatus.PUBLISHED,
            "draft": FootprintStatus.DRAFT,
        }.get(status, FootprintStatus.IN_REVIEW)
        template = templates[source_status]
        assert template is not None
        values = {name: getattr(template, name) for name in concrete}
        new_id = uuid.uuid4()
        year = rng.choice((2024, 2025, 2026, 2027))
        half = rng.choice(("year", "h1", "h2"))
        start, end = {
            "year": (date(year, 1, 1), date(year, 12, 31)),
            "h1": (date(year, 1, 1), date(year, 6, 30)),
            "h2": (date(year, 7, 1), date(year, 12, 31)),
        }[half]
        created = now - timedelta(days=rng.uniform(1, 700))
        values.update(
            status=status,
            lineage=new_id,
            preceding_id=None,
            product_id=rng.choice(products).pk,
            installation_id=rng.choice(installations).pk,
            period_start=start,
            period_end=end,
            created_at=created,
        )
        if status in ("approved", "rejected"):
            values.update(reviewed_by_id=reviewer, reviewed_at=created + timedelta(days=3))
        if status == "rejected":
            values["review_comment"] = "电力排放因子的证明文件缺失，请补充购电协议。"
        if status == "deprecated":
            values["deprecated_at"] = created + timedelta(days=200)
        if status == "published" and deprecated and rng.random() < 0.5:
            # A correction: it supersedes a deprecated version of the same lineage.
            older = deprecated.pop()
            values.update(preceding_id=older.pk, lineage=older.lineage)
        if status == "submitted":
            values["submitted_at"] = created + timedelta(days=1)
        footprint = Footprint(id=new_id, **values)
        footprints.append(footprint)
        if status == "deprecated":
            deprecated.append(footprint)
        for p in precursors[source_status]:
            rows.append(FootprintPrecursor(**{**p, "id": None, "footprint_id": new_id}))
        if status in ("published", "deprecated"):
            evidence.append(
                EvidenceFile(
                    footprint_id=new_id,
                    kind="verification",
                    file=f"evidence/{organisation.pk}/{new_id}/{uuid.uuid4().hex}",
                    original_name="核查声明.pdf",
                    content_type="application/pdf",
                    size_bytes=184_320,
                    sha256="0" * 64,
                )
            )
        # Validation history: a failed first run for about half of the submitted ones and of
        # the drafts that were submitted; then the latest run.
        run_at = created + timedelta(days=1)
        latest: str | None
        if status == "draft":
            latest = rng.choice((None, "failed_findings", "failed_findings"))
        elif status == "submitted":
            latest = "pending"
        else:
            latest = "passed"
        if latest is not None and (latest == "failed_findings" or rng.random() < 0.5):
            run = ValidationRun(
                footprint_id=new_id,
                status="failed_findings",
                attempts=1,
                started_at=run_at,
                finished_at=run_at,
                error_count=sum(1 for f in errors if f.severity == "error"),
                warning_count=sum(1 for f in errors if f.severity == "warning"),
                created_at=run_at,
            )
            runs.append(run)
            findings += [
                ValidationFinding(
                    run_id=run.pk,
                    position=position,
                    code=f.code,
                    severity=f.severity,
                    path=f.path,
                    message_en=f.message_en,
                    message_zh=f.message_zh,
                    evidence=dict(f.evidence),
                    default_value_required=f.default_value_required,
                    key=finding_key(f),
                )
                for position, f in enumerate(errors)
            ]
            run_at += timedelta(days=2)
            if status == "draft" and not draft_id:
                draft_id = str(new_id)
        if latest in ("passed", "pending"):
            template_run = template_runs[FootprintStatus.IN_REVIEW]
            assert template_run is not None
            run = ValidationRun(
                footprint_id=new_id,
                status=latest,
                attempts=1 if latest == "passed" else 0,
                started_at=run_at if latest == "passed" else None,
                finished_at=run_at if latest == "passed" else None,
                rules_version=template_run.rules_version,
                warning_count=template_run.warning_count if latest == "passed" else 0,
                info_count=template_run.info_count if latest == "passed" else 0,
                created_at=run_at,
            )
            runs.append(run)
            if latest == "passed":
                findings += [
                    ValidationFinding(**{**f, "id": None, "run_id": run.pk})
                    for f in template_findings[FootprintStatus.IN_REVIEW]
                ]
    with transaction.atomic(), explicit_timestamps(Footprint, ValidationRun):
        if connection.vendor == "postgresql":
            # The rows of published footprints are inserted as they are (the triggers that
            # refuse changes to a published footprint's children are for the application).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        Footprint.objects.bulk_create(footprints, batch_size=500)
        FootprintPrecursor.objects.bulk_create(rows, batch_size=1000)
        ValidationRun.objects.bulk_create(runs, batch_size=1000)
        ValidationFinding.objects.bulk_create(findings, batch_size=1000)
        EvidenceFile.objects.bulk_create(evidence, batch_size=1000)
    assert draft_id
    return draft_id


def add_requests_and_notifications(organisation: Any, rng: random.Random) -> None:
    """40 more requests from the demo buyers (open ones due over the next two months, the
    others closed) and 60 notifications (a third unread) like the demo's own."""
    from accounts.models import Organisation
    from exchange.sharing.models import FootprintRequest, Notification
    from suppliers.models import Product

    buyers = list(Organisation.objects.exclude(pk=organisation.pk).filter(kinds__kind="buyer"))
    buyers = buyers or list(Organisation.objects.exclude(pk=organisation.pk))
    products = list(Product.objects.filter(organisation=organisation))
    today = timezone.localdate()
    now = timezone.now()
    requests = []
    for index in range(40):
        status = rng.choice(("open", "open", "fulfilled", "rejected", "expired"))
        product = rng.choice(products)
        requests.append(
            FootprintRequest(
                buyer=rng.choice(buyers),
                supplier=organisation,
                supplier_product=product if index % 2 else None,
                cn_code=product.cn_code,
                description="" if index % 2 else f"{product.name}，用于螺栓生产",
                period_start=date(2026, 1, 1),
                period_end=date(2026, 12, 31),
                quantity_t=rng.choice((None, 1200, 5400)),
                due_date=today + timedelta(days=rng.randint(-10, 60)),
                status=status,
                created_at=now - timedelta(days=rng.uniform(1, 90)),
            )
        )
    template = Notification.objects.filter(organisation=organisation).first()
    kind, data = (template.kind, template.data) if template else ("request.received", {})
    notifications = [
        Notification(
            organisation=organisation,
            kind=kind,
            subject=template.subject if template else f"Request {index}",
            body=template.body if template else "",
            data=data,
            dedupe_key=f"bench:{index}",
            created_at=now - timedelta(hours=index * 7),
            read_at=None if index % 3 == 0 else now,
        )
        for index in range(60)
    ]
    with transaction.atomic(), explicit_timestamps(FootprintRequest, Notification):
        FootprintRequest.objects.bulk_create(requests)
        Notification.objects.bulk_create(notifications)


# --------------------------------------------------------------------------- measure


@dataclass
class Sample:
    median: float
    p95: float
    queries: int


def _p95(samples: list[float]) -> float:
    return sorted(samples)[max(int(len(samples) * 0.95) - 1, 0)]


@contextmanager
def count_queries() -> Iterator[list[tuple[str, float]]]:
    """The statements run inside (the test client's ``request_started`` clears Django's own
    query log, so it cannot be used across a request)."""
    statements: list[tuple[str, float]] = []

    def record(execute: Callable[..., Any], sql: str, *rest: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, *rest)
        finally:
            statements.append((sql, time.perf_counter() - started))

    with connection.execute_wrapper(record):
        yield statements


def measure(client: Client, url: str, repeat: int, warmup: int) -> Sample:
    for _ in range(warmup):
        response = client.get(url, **LANGUAGE)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
    with count_queries() as queries:
        assert client.get(url, **LANGUAGE).status_code == 200
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, **LANGUAGE)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return Sample(statistics.median(samples), _p95(samples), len(queries))


def review_queue_url(slug: str) -> str | None:
    for name in REVIEW_QUEUE_NAMES:
        try:
            return reverse(name, kwargs={"org_slug": slug})
        except NoReverseMatch:
            continue
    candidate = f"/o/{slug}/review/"
    try:
        match = resolve(candidate)
    except Resolver404:
        return None
    return candidate if match.url_name and not candidate.startswith("/bare/") else None


def profile(client: Client, url: str, repeat: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        client.get(url, **LANGUAGE)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(35)
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
    with count_queries() as queries:
        client.get(url, **LANGUAGE)
    out.write(f"\n{len(queries)} queries:\n")
    for sql, seconds in queries:
        out.write(f"  {seconds * 1000:6.2f} ms {sql[:240]}\n")
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--footprints", type=int, default=1000)
    parser.add_argument("--shipments", type=int, default=10_000, help="of the demo importer")
    parser.add_argument("--only", default="", help="measure only pages whose name contains it")
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2, help="measurements of each page")
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--profile", action="store_true", help="cProfile and SQL of each page")
    parser.add_argument(
        "--boms-products", type=int, default=200, help="the buyer's products (0: no exposure)"
    )
    parser.add_argument("--boms-lines", type=int, default=20)
    args = parser.parse_args()

    root = Path(__file__).resolve().parent.parent
    if not any(root.glob("*/locale/zh_Hans/LC_MESSAGES/django.mo")):
        print("warning: no compiled zh-Hans catalogue (run `make messages`): pages render English")
    # As the test runner does, and as production runs: DEBUG off (no query log, templates
    # without debug information), before the first template engine is built.
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    from config import urls as config_urls

    urlpatterns.extend(config_urls.urlpatterns)
    FLOORS.dashboard = _template(DASHBOARD_FLOOR)
    FLOORS.footprint_list = _template(LIST_FLOOR)
    FLOORS.form = _template(FORM_FLOOR)
    FLOORS.exposure = _template(EXPOSURE_FLOOR)
    FLOORS.shipments = _template(SHIPMENTS_FLOOR)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    results: dict[str, list[tuple[Sample, Sample]]] = {}
    notes: list[str] = []
    try:
        started = time.perf_counter()
        world = seed(args.footprints, random.Random(args.seed))
        importer = seed_shipments(args.shipments, random.Random(args.seed))
        seeded = time.perf_counter() - started
        from accounts.models import User
        from suppliers.models import Footprint

        slug = world.organisation.slug
        counts = dict(
            Footprint.objects.filter(organisation=world.organisation)
            .values_list("status")
            .annotate(n=Count("id"))
        )
        client = Client()
        client.force_login(User.objects.get(email=VIEWER))
        pages: list[tuple[str, str, str]] = [
            ("dashboard", f"/o/{slug}/", f"/bare/{slug}/"),
            ("footprint list", f"/o/{slug}/footprints/", f"/bare/{slug}/footprints/"),
            (
                "footprint editor (edit)",
                f"/o/{slug}/footprints/{world.draft_id}/edit/",
                f"/bare/{slug}/footprints/{world.draft_id}/edit/",
            ),
            (
                "footprint editor (new)",
                f"/o/{slug}/footprints/new/",
                f"/bare/{slug}/footprints/new/",
            ),
        ]
        queue = review_queue_url(slug)
        if queue is None:
            notes.append(
                "review queue: skipped (no URL resolves: none of "
                + ", ".join(REVIEW_QUEUE_NAMES)
                + f", nor /o/{slug}/review/)"
            )
        else:
            pages.append(("review queue", queue, f"/bare/{slug}/review/"))
        clients = {name: client for name, _url, _floor in pages}
        if args.boms_products:
            buyer = Client()
            for entry in exposure_pages(buyer, args.boms_products, args.boms_lines):
                pages.append(entry)
                clients[entry[0]] = buyer
            notes.append(f"exposure: {args.boms_products} products x {args.boms_lines} lines")
        importer_client = Client()
        importer_client.force_login(User.objects.get(email=f"preparer@{importer}.example"))
        pages.append(
            ("shipments list", f"/o/{importer}/shipments/", f"/bare/{importer}/shipments/")
        )
        clients["shipments list"] = importer_client
        pages = [p for p in pages if args.only in p[0]]
        for round_ in range(args.rounds):
            for name, url, floor_url in pages:
                floor = measure(clients[name], floor_url, args.repeat, args.warmup)
                ours = measure(clients[name], url, args.repeat, args.warmup)
                results.setdefault(name, []).append((floor, ours))
                print(
                    f"round {round_ + 1} {name:<24} floor {floor.median:7.2f} ms "
                    f"page {ours.median:7.2f} ms ({ours.median / floor.median:4.2f}x)",
                    flush=True,
                )
        if args.profile:
            for name, url, _floor in pages:
                print(f"\n=== profile: {name} ({url}) ===")
                print(profile(clients[name], url, args.repeat))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print()
    print(
        f"database: {connection.vendor}, footprints: {sum(counts.values())} "
        f"({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}), seeded in {seeded:.1f} s"
    )
    print(
        f"repeat: {args.repeat} per measurement after {args.warmup} warm-up, rounds: {args.rounds}"
    )
    try:
        load = os.getloadavg()
        print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} cores)")
    except OSError:
        pass
    header = (
        f"{'page':<24} {'round':>5} {'floor med':>10} {'floor p95':>10} {'page med':>10} "
        f"{'page p95':>10} {'ratio':>6} {'queries':>9}"
    )
    print(header)
    print("-" * len(header))
    for name, rounds in results.items():
        for index, (floor, ours) in enumerate(rounds, 1):
            print(
                f"{name:<24} {index:>5} {floor.median:8.2f}ms {floor.p95:8.2f}ms "
                f"{ours.median:8.2f}ms {ours.p95:8.2f}ms {ours.median / floor.median:5.2f}x "
                f"{floor.queries:>4}/{ours.queries:<4}"
            )
    for note in notes:
        print(note)
    print(
        "goal: every page within 2x its floor and under 150 ms median (the exposure page and "
        "the shipments list: under 200 ms)"
    )
    failing = [
        name
        for name, rounds in results.items()
        if statistics.median(o.median / f.median for f, o in rounds) > 2
        or statistics.median(o.median for _f, o in rounds) > MEDIAN_GOAL_MS.get(name, 150)
    ]
    print("goal met" if not failing else f"goal missed by: {', '.join(failing)}")


if __name__ == "__main__":
    main()
