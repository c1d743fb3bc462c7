"""The demo producers' installations, products and footprints (``installations.json``,
``products.json``, ``footprints.json``), entered the way their people would.

``manage.py seed_demo_footprints`` (after ``seed_demo`` and ``load_reference_data``) gives the
steel mill (``hebei-steel``) and the aluminium producer (``shandong-aluminium``) their
catalogue and footprints through the services, with units, the SEE computed by the engine
(never typed in), and the workflow run by the demo users: the admin enters the catalogue, the
preparer creates and submits, the validation job runs in-process (no worker needed), the
reviewer approves (four eyes), the admin publishes (signs).

What the data shows, per producer: footprints published for 2026 (one with a carbon price
paid under China's national ETS and a verifier of the platform, ``nordic-verification``; one
with a precursor on the EU default value, so ``default_values_used`` appears in the signed
document; the aluminium profiles use the smelter's own published ingot footprint as their
precursor, named ``"@ingots-2026"`` in the data), one half-year footprint waiting in review and
one still a draft.

Idempotent: installations are found by Latin name, products by name and CN code, footprints by
product, installation and period (``demo.world.footprint_current``: a published correction
stands for the footprint it superseded); whatever exists is left as it is, or moved on through
the workflow up to its demo status when it stopped short of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from accounts.audit import Actor
from accounts.models import Organisation
from core.errors import ValidationFailed
from core.jobs import job_execute
from core.models import Job
from demo.world import (
    DemoSeedError,
    data_list,
    demo_actor,
    demo_organisation,
    footprint_current,
)
from reference.selectors import reference_snapshot_for
from suppliers.models import Footprint, FootprintStatus, Installation, Product
from suppliers.services.catalogue import installation_create, product_create
from suppliers.services.footprints import footprint_create
from suppliers.services.publishing import footprint_publish
from suppliers.services.workflow import VALIDATE_JOB, footprint_approve, footprint_submit

#: The workflow up to each demo status, in order; other statuses (rejected, deprecated) are
#: left alone.
_WORKFLOW = (
    FootprintStatus.DRAFT,
    FootprintStatus.SUBMITTED,
    FootprintStatus.IN_REVIEW,
    FootprintStatus.APPROVED,
    FootprintStatus.PUBLISHED,
)


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


def _people(organisation: Organisation) -> _People:
    return _People(
        preparer=demo_actor(organisation, "preparer"),
        reviewer=demo_actor(organisation, "reviewer"),
        admin=demo_actor(organisation, "admin"),
    )


def _installation(
    organisation: Organisation, spec: dict[str, Any], actor: Actor, report: DemoSeedReport
) -> Installation:
    existing = Installation.objects.filter(
        organisation=organisation, name_latin=spec["name_latin"]
    ).first()
    if existing is not None:
        return existing
    data = {k: v for k, v in spec.items() if k != "organisation"}
    installation = installation_create(actor=actor, organisation=organisation, data=data)
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
    data = {k: v for k, v in spec.items() if k != "organisation"}
    data["installations"] = [installations[n].pk for n in spec["installations"]]
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
        "period_start": spec["period_start"],
        "period_end": spec["period_end"],
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
    footprint = footprint_current(organisation, spec)
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


def _organisations_in(*names: str) -> list[str]:
    """The organisations named in the data files, in order of first appearance."""
    slugs: dict[str, None] = {}
    for name in names:
        for record in data_list(name):
            slugs.setdefault(record["organisation"], None)
    return list(slugs)


@transaction.atomic
def demo_footprints_seed() -> DemoSeedReport:
    """Create (or complete) the demo installations, products and footprints; one transaction,
    so a failure leaves nothing half-made. Raises ``DemoSeedError`` naming what is missing."""
    report = DemoSeedReport()
    for slug in _organisations_in("installations.json", "products.json", "footprints.json"):
        organisation = demo_organisation(slug)
        footprints = [f for f in data_list("footprints.json") if f["organisation"] == slug]
        for spec in footprints:
            try:
                reference_snapshot_for(on=date.fromisoformat(spec["period_end"]))
            except ValidationFailed as exc:
                raise DemoSeedError(f"{exc.message} Run load_reference_data first.") from exc
        people = _people(organisation)
        installations = {
            spec["name_latin"]: _installation(organisation, spec, people.admin, report)
            for spec in data_list("installations.json")
            if spec["organisation"] == slug
        }
        products = {
            spec["name"]: _product(organisation, spec, installations, people.admin, report)
            for spec in data_list("products.json")
            if spec["organisation"] == slug
        }
        keys: dict[str, Footprint] = {}
        for spec in footprints:
            report.footprints.append(
                _footprint(organisation, spec, products, installations, keys, people)
            )
    return report
