"""What the pools do when a contributed footprint changes elsewhere (audit listeners,
registered in ``PoolsConfig.ready``; they run inside the changing transaction)."""

from __future__ import annotations

from accounts.models import AuditEvent
from exchange.pools.models import Pool
from exchange.pools.services.cells import component_of_footprint, pool_cells_refresh
from suppliers.models import Footprint


def on_footprint_event(event: AuditEvent) -> None:
    """A footprint published (maybe a newer version of a contributed lineage) or deprecated:
    the pools holding its lineage update that component's cells."""
    footprint = Footprint.objects.filter(pk=event.object_id).select_related("product").first()
    if footprint is None:
        return
    pools = Pool.objects.filter(
        contributions__lineage=footprint.lineage, contributions__withdrawn_at__isnull=True
    ).distinct()
    for pool in pools:
        pool_cells_refresh(pool=pool, components={component_of_footprint(footprint)})
