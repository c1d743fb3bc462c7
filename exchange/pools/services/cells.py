"""The live cells of a pool: the pure statistics and disclosure control
(``exchange.pools.calculations``) over the pool's current contributions, stored as
``PoolCell`` rows. Only the components a change touches are recomputed (cells of different
components share no footprint, so no disclosure decision crosses them)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import asdict, is_dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from exchange.pools.calculations.cells import CellKey, Observation
from exchange.pools.calculations.disclosure import CellResult, component_statistics
from exchange.pools.models import MembershipStatus, Pool, PoolCell, PoolContribution
from suppliers.models import Footprint, FootprintStatus
from suppliers.validation.rules.verification import statement_gap


def component_key(cn_code: str, route: str) -> str:
    """The stored component of a cell or a footprint: CN heading (4 digits) and route."""
    return f"{cn_code[:4]}|{route}"


def component_of_footprint(footprint: Footprint) -> str:
    return component_key(footprint.product.cn_code, footprint.product.benchmark_route)


def contribution_digest(signed_document: bytes | memoryview) -> str:
    """What identifies a contribution in a release: sha256 (hex) of the signed footprint
    document's exact bytes. It names no company; the member can recompute it from its own
    export."""
    return hashlib.sha256(bytes(signed_document)).hexdigest()


def observation_of(footprint: Footprint) -> Observation:
    """A published footprint as the statistics see it (tCO2e/t; weight: production)."""
    assert footprint.see_direct is not None
    assert footprint.see_indirect is not None
    return Observation(
        contribution=contribution_digest(footprint.signed_document or b""),
        organisation=str(footprint.organisation_id),
        cn_code=footprint.product.cn_code,
        route=footprint.product.benchmark_route,
        country=footprint.installation.country,
        year=footprint.period_end.year,
        activity_t=footprint.activity_level_t,
        see_direct=footprint.see_direct,
        see_indirect=footprint.see_indirect,
        indirect_counts=footprint.indirect_counts,
        verified=on_verified_data(footprint),
    )


def on_verified_data(footprint: Footprint) -> bool:
    """Whether a published footprint rests on verified data: its verification statement can
    back its actual values on the day it was published (the rule of CBAM-VERIFY,
    ``suppliers.validation.rules.verification.statement_gap``)."""
    published = footprint.published_at or footprint.updated_at
    return (
        statement_gap(
            statement=footprint.verification_statement_date,
            period_start=footprint.period_start,
            verifier_named=bool(footprint.verifier_name.strip())
            or footprint.verifier_organisation_id is not None,
            declined=footprint.verifier_declined_at is not None,
            today=timezone.localdate(published),
        )
        is None
    )


def contributed_footprints(pool: Pool, components: Iterable[str] | None = None) -> list[Footprint]:
    """The footprints that count in ``pool`` now: for each open contribution of an active
    member, its lineage's published version (none when the lineage has no published version
    left: deprecated without a successor). Restricted to ``components`` when given."""
    lineages = PoolContribution.objects.filter(
        pool=pool,
        withdrawn_at__isnull=True,
        organisation__pool_memberships__pool=pool,
        organisation__pool_memberships__status=MembershipStatus.ACTIVE,
    ).values("lineage")
    queryset = Footprint.objects.filter(
        lineage__in=lineages,
        status=FootprintStatus.PUBLISHED,
        see_direct__isnull=False,
        see_indirect__isnull=False,
    ).select_related("product", "installation")
    if components is not None:
        condition = Q(pk__in=[])
        for component in components:
            heading, route = component.split("|", 1)
            condition |= Q(product__cn_code__startswith=heading, product__benchmark_route=route)
        queryset = queryset.filter(condition)
    return list(queryset.order_by("id"))


def pool_observations(pool: Pool, components: Iterable[str] | None = None) -> list[Observation]:
    return [observation_of(f) for f in contributed_footprints(pool, components)]


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def statistics_json(result: CellResult) -> dict[str, Any]:
    """A cell's statistics as stored and published (Decimals as strings)."""
    statistics = result.statistics
    if statistics is None:
        return {}
    assert is_dataclass(statistics)
    return dict(_plain(asdict(statistics)))


def _cell_row(pool: Pool, key: CellKey, result: CellResult) -> PoolCell:
    return PoolCell(
        pool=pool,
        key=key.text,
        cn_code=key.cn_code,
        route=key.route,
        country=key.country,
        year=key.year,
        component=component_key(key.cn_code, key.route),
        published=result.statistics is not None,
        suppression=str(result.suppression or ""),
        statistics=statistics_json(result),
        contributions=list(result.contributions),
    )


@transaction.atomic
def pool_cells_refresh(*, pool: Pool, components: Iterable[str] | None = None) -> int:
    """Recompute the cells of ``components`` (every component when None) from the pool's
    current contributions and replace their stored rows. Returns the number of cells."""
    from exchange.pools.services.pools import disclosure_settings

    wanted = None if components is None else sorted(set(components))
    observations = pool_observations(pool, wanted)
    by_component: dict[str, list[Observation]] = {}
    for observation in observations:
        by_component.setdefault(component_key(observation.cn_code, observation.route), []).append(
            observation
        )
    settings = disclosure_settings(pool)
    rows: list[PoolCell] = []
    for component in sorted(by_component):
        results = component_statistics(by_component[component], settings)
        rows.extend(_cell_row(pool, key, result) for key, result in sorted(results.items()))
    stale = PoolCell.objects.filter(pool=pool)
    if wanted is not None:
        stale = stale.filter(component__in=wanted)
    stale.delete()
    PoolCell.objects.bulk_create(rows, batch_size=1000)
    Pool.objects.filter(pk=pool.pk).update(refreshed_at=timezone.now())
    return len(rows)
