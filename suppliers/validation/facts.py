"""Load the frozen facts the validation rules read (``types.FootprintFacts``) from a footprint.

One footprint costs a handful of queries whatever its size: the footprint with its product,
installation, organisation and verifier (one query when it comes from ``footprint_for_facts``),
its precursors with their source footprints (one), its evidence kinds (one), the reference
versions valid on the period's last day (one; the snapshot itself is cached in-process), the
goods category (two), and one key lookup per precursor taken from a platform footprint, whose
signature is checked here so that rules stay pure.

Validating a chunk of a batch, ``ReferenceReader`` reads the reference data (snapshot, versions,
goods categories) once per date for all the chunk's footprints, and the footprints come from one
``footprint_for_facts()`` query with their precursors and evidence prefetched for all.

Quantities carry the stored (normalised) value and unit, and the value and unit as the
producer entered them (``Footprint.inputs_as_entered``, ``FootprintPrecursor.mass_as_entered``)
so that a rule can say "you entered 90 000 kWh".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.services.signing_keys import document_verify
from cbam.reference import ReferenceSnapshot
from reference.errors import ReferenceDataMissing
from reference.models import ReferenceVersion
from reference.selectors import (
    goods_category_get,
    reference_snapshot_for,
    reference_versions_valid_on,
)
from suppliers.models import Footprint, FootprintPrecursor, PrecursorSeeSource
from suppliers.validation.types import (
    CategoryFacts,
    FootprintFacts,
    PrecursorFacts,
    Quantity,
    ReferencedFootprintFacts,
    RuleContext,
)

#: (``inputs_as_entered`` key, model field, normalised unit) of each quantity of a footprint.
QUANTITY_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("attributed_direct_emissions", "attributed_direct_tco2e", "tCO2e"),
    ("activity_level", "activity_level_t", "t"),
    ("electricity", "electricity_mwh", "MWh"),
    ("electricity_factor", "electricity_factor_tco2_per_mwh", "tCO2/MWh"),
    ("attributed_indirect_emissions", "attributed_indirect_tco2e", "tCO2e"),
    ("natural_gas", "natural_gas_nm3", "Nm3"),
)


def footprint_for_facts() -> QuerySet[Footprint]:
    """Footprints with everything ``footprint_facts`` reads joined or prefetched."""
    return Footprint.objects.select_related(
        "organisation", "product", "installation", "verifier_organisation"
    ).prefetch_related(
        Prefetch(
            "precursors",
            queryset=FootprintPrecursor.objects.select_related(
                "source_footprint__organisation", "source_footprint__product"
            ).order_by("position"),
        ),
        "evidence",
    )


class ReferenceReader:
    """The reference data the facts of many footprints read (a chunk of a batch), each looked
    up once per date: the engine's snapshot, the versions in force (the decision's digest) and
    the goods categories. Lives for one chunk only, so new reference data is seen by the next.
    """

    def __init__(self) -> None:
        self._snapshots: dict[date, ReferenceSnapshot | ReferenceDataMissing] = {}
        self._versions: dict[date, dict[str, ReferenceVersion]] = {}
        self._categories: dict[tuple[str, date], CategoryFacts | None] = {}

    def snapshot(self, on: date) -> ReferenceSnapshot:
        """The snapshot valid on ``on``; raises ``ReferenceDataMissing`` (each time)."""
        found = self._snapshots.get(on)
        if found is None:
            try:
                found = reference_snapshot_for(on=on)
            except ReferenceDataMissing as exc:
                found = exc
            self._snapshots[on] = found
        if isinstance(found, ReferenceDataMissing):
            raise ReferenceDataMissing(found.message, extra=found.extra)
        return found

    def versions(self, on: date) -> dict[str, ReferenceVersion]:
        if on not in self._versions:
            self._versions[on] = reference_versions_valid_on(on=on)
        return self._versions[on]

    def category(self, name: str | None, on: date) -> CategoryFacts | None:
        if name is None:
            return None
        key = (name, on)
        if key not in self._categories:
            self._categories[key] = _category(name, on)
        return self._categories[key]


def footprint_facts(
    footprint: Footprint,
    *,
    snapshot: ReferenceSnapshot | None = None,
    reference: ReferenceReader | None = None,
) -> FootprintFacts:
    """The facts of a saved footprint. Raises ``ReferenceDataMissing`` when no reference data
    is valid on the last day of its period (the caller turns that into a finding).
    ``reference``: a reader shared by the footprints of a chunk."""
    if snapshot is None:
        snapshot = (
            reference.snapshot(footprint.period_end)
            if reference is not None
            else reference_snapshot_for(on=footprint.period_end)
        )
    return _facts(
        footprint,
        precursors=list(footprint.precursors.all()),
        evidence_kinds=frozenset(e.kind for e in footprint.evidence.all()),
        snapshot=snapshot,
        category=_category if reference is None else reference.category,
    )


def rule_context(
    footprint: Footprint,
    *,
    today: date | None = None,
    reference: ReferenceReader | None = None,
) -> RuleContext:
    """Facts of a saved footprint and the reference snapshot valid on its period's last day.

    ``today`` is the date the rules judge "expired" or "in the future" against; the pipeline
    passes the run's creation date so that re-running a run gives the same findings.
    ``reference``: a reader shared by the footprints of a chunk (the reference data is then
    read once per date for all of them)."""
    snapshot = (
        reference.snapshot(footprint.period_end)
        if reference is not None
        else reference_snapshot_for(on=footprint.period_end)
    )
    return RuleContext(
        facts=footprint_facts(footprint, snapshot=snapshot, reference=reference),
        snapshot=snapshot,
        today=today or timezone.localdate(),
    )


def rule_context_unsaved(
    *,
    footprint: Footprint,
    precursors: Sequence[FootprintPrecursor],
    today: date | None = None,
    evidence_kinds: frozenset[str] = frozenset(),
) -> RuleContext:
    """The same for a footprint built in memory (a dry run): its precursors are given, and
    its evidence is ``evidence_kinds`` (none for an input never saved; a draft's own kinds
    when it is being edited)."""
    snapshot = reference_snapshot_for(on=footprint.period_end)
    facts = _facts(
        footprint, precursors=list(precursors), evidence_kinds=evidence_kinds, snapshot=snapshot
    )
    return RuleContext(facts=facts, snapshot=snapshot, today=today or timezone.localdate())


# --------------------------------------------------------------------------- building


def _facts(
    footprint: Footprint,
    *,
    precursors: list[FootprintPrecursor],
    evidence_kinds: frozenset[str],
    snapshot: ReferenceSnapshot,
    category: Callable[[str | None, date], CategoryFacts | None] | None = None,
) -> FootprintFacts:
    entered: dict[str, Any] = footprint.inputs_as_entered or {}
    quantities = {
        key: _quantity(getattr(footprint, field), unit, entered.get(key))
        for key, field, unit in QUANTITY_FIELDS
    }
    activity_level = quantities["activity_level"]
    attributed_direct = quantities["attributed_direct_emissions"]
    # NOT NULL columns.
    assert activity_level is not None
    assert attributed_direct is not None
    product = footprint.product
    category_of = category or _category
    see = {
        name: str(value)
        for name in ("see_direct", "see_indirect", "see_total")
        if (value := getattr(footprint, name)) is not None
    }
    return FootprintFacts(
        id=str(footprint.pk),
        organisation_slug=footprint.organisation.slug,
        cn_code=product.cn_code,
        category=category_of(snapshot.category_by_cn.get(product.cn_code), footprint.period_end),
        production_route=product.production_route,
        benchmark_route=product.benchmark_route,
        country=footprint.installation.country,
        period_start=footprint.period_start,
        period_end=footprint.period_end,
        activity_level=activity_level,
        attributed_direct=attributed_direct,
        electricity=quantities["electricity"],
        electricity_factor=quantities["electricity_factor"],
        electricity_factor_source=footprint.electricity_factor_source,
        electricity_factor_reference=footprint.electricity_factor_reference,
        attributed_indirect=quantities["attributed_indirect_emissions"],
        natural_gas=quantities["natural_gas"],
        precursors=tuple(_precursor(p, snapshot) for p in precursors),
        precursors_declared_absent=tuple(footprint.precursors_declared_absent or ()),
        see_direct=footprint.see_direct,
        see_indirect=footprint.see_indirect,
        see_total=footprint.see_total,
        see_as_given=see,
        carbon_price_instrument=footprint.carbon_price_instrument,
        carbon_price_amount=footprint.carbon_price_amount,
        carbon_price_currency=footprint.carbon_price_currency,
        verifier_name=footprint.verifier_name,
        verifier_organisation_slug=footprint.verifier_organisation.slug
        if footprint.verifier_organisation
        else None,
        verifier_confirmed=footprint.verifier_confirmed_at is not None,
        verifier_declined=footprint.verifier_declined_at is not None,
        verification_statement_date=footprint.verification_statement_date,
        assurance_level=footprint.assurance_level,
        evidence_kinds=evidence_kinds,
        valid_until=footprint.valid_until,
    )


def _quantity(value: Decimal | None, unit: str, as_entered: Any) -> Quantity | None:
    """The stored value with its unit, and the value and unit entered when they were kept."""
    if value is None:
        return None
    value_entered: Decimal | None = None
    unit_entered: str | None = None
    if isinstance(as_entered, dict):
        try:
            value_entered = Decimal(str(as_entered.get("value")))
        except (InvalidOperation, ValueError):
            value_entered = None
        unit_entered = str(as_entered["unit"]) if as_entered.get("unit") else None
    return Quantity(
        value=_plain(value), unit=unit, value_entered=value_entered, unit_entered=unit_entered
    )


def _plain(value: Decimal) -> Decimal:
    """A stored decimal without the trailing zeros of its 10 stored places."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _category(name: str | None, on: date) -> CategoryFacts | None:
    if name is None:
        return None
    row = goods_category_get(category=name, on=on)
    if row is None:
        return None
    return CategoryFacts(
        name=row.category,
        sector=row.sector,
        indirect_counts=row.indirect_counts,
        production_routes=tuple(row.production_routes or ()),
        relevant_precursors=tuple(row.relevant_precursors or ()),
    )


def _precursor(row: FootprintPrecursor, snapshot: ReferenceSnapshot) -> PrecursorFacts:
    mass = _quantity(row.mass_t_per_t, "t/t", row.mass_as_entered)
    assert mass is not None  # NOT NULL column
    source = None
    if row.see_source == PrecursorSeeSource.PLATFORM_FOOTPRINT and row.source_footprint:
        source = _referenced(row.source_footprint)
    return PrecursorFacts(
        position=row.position,
        cn_code=row.cn_code,
        category=snapshot.category_by_cn.get(row.cn_code),
        mass_t_per_t=mass,
        country_of_origin=row.country_of_origin,
        see_source=row.see_source,
        see_direct=row.see_direct,
        see_indirect=row.see_indirect,
        source=source,
    )


def _referenced(source: Footprint) -> ReferencedFootprintFacts:
    """A platform footprint used as a precursor's source, with its signature checked against
    the platform's published keys (a footprint never signed is reported as such)."""
    if source.signed_document is None or not source.signature:
        valid, reason, revoked_at, revoked_later = False, "not signed", None, False
    else:
        result = document_verify(
            payload=bytes(source.signed_document),
            jws=source.signature,
            signed_at=source.published_at,
        )
        valid, reason = result.valid, result.reason
        revoked_at, revoked_later = result.key_revoked_at, result.revoked_later
    return ReferencedFootprintFacts(
        id=str(source.pk),
        organisation_slug=source.organisation.slug,
        cn_code=source.product.cn_code,
        status=source.status,
        period_start=source.period_start,
        period_end=source.period_end,
        signature_valid=valid,
        signature_reason=reason,
        key_revoked_at=revoked_at,
        revoked_later=revoked_later,
        verification_statement_date=source.verification_statement_date,
    )
