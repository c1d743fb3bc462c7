"""The de minimis status of an organisation's year, with the splitting warnings.

"Related importers" (the second splitting pattern) are the other organisations the asking
**person** is a member of: their shipments are data that person may read anyway, so the
warning can name them and their figures without revealing anything across tenants. A machine
client belongs to one organisation and gets no cross-importer check. See docs/declarations.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from accounts.models import Organisation, User
from exchange.declarations.calculations.splitting import (
    ImporterMasses,
    SplittingWarning,
    headroom_hugging,
    spread_across_related,
)
from exchange.declarations.calculations.threshold import (
    EXCLUDED_SECTORS,
    ThresholdShipment,
    ThresholdStatus,
    cumulative_mass,
    threshold_status,
)
from exchange.declarations.models import Shipment
from exchange.declarations.selectors import shipments_visible_to


@dataclass(frozen=True)
class ThresholdReport:
    """The status of the year, the splitting warnings, and the counted net mass as it grew
    (``cumulative``: per import date, the tonnes imported up to that day)."""

    status: ThresholdStatus
    splitting_warnings: tuple[SplittingWarning, ...]
    cumulative: tuple[tuple[date, Decimal], ...] = ()


def threshold_shipments(shipments: Iterable[Shipment]) -> list[ThresholdShipment]:
    return [
        ThresholdShipment(
            shipment_id=str(s.pk),
            reference=s.reference,
            import_date=s.import_date,
            cn_code=s.cn_code,
            quantity=s.quantity,
            unit=s.unit,
            sector=s.sector,
        )
        for s in shipments
    ]


def _related_masses(*, organisation: Organisation, user: User, year: int) -> list[ImporterMasses]:
    """Counted tonnes per CN code of ``year`` of the other organisations ``user`` belongs to
    (summed here in ``Decimal``: a database SUM may go through floating point on SQLite)."""
    related = Organisation.objects.filter(memberships__user=user).exclude(pk=organisation.pk)
    masses: dict[str, dict[str, Decimal]] = {}
    names: dict[str, str] = {}
    rows = (
        Shipment.objects.filter(organisation__in=related, import_date__year=year)
        .exclude(sector__in=EXCLUDED_SECTORS)
        .values_list("organisation__slug", "organisation__legal_name_latin", "cn_code", "quantity")
        .order_by("organisation__slug", "id")
    )
    for slug, name, cn_code, quantity in rows:
        names[slug] = name or slug
        per_cn = masses.setdefault(slug, {})
        per_cn[cn_code] = per_cn.get(cn_code, Decimal(0)) + quantity
    return [
        ImporterMasses(slug=slug, name=names[slug], mass_by_cn_t=per_cn)
        for slug, per_cn in sorted(masses.items())
    ]


def threshold_report(
    *, organisation: Organisation, year: int, user: User | None = None
) -> ThresholdReport:
    """Where ``organisation`` stands against the 50 t in ``year`` and any splitting pattern.

    ``user``: the person asking (None for a machine client): the cross-importer check runs
    over the other organisations that person belongs to.
    """
    shipments = threshold_shipments(shipments_visible_to(organisation=organisation, year=year))
    status = threshold_status(year=year, shipments=shipments)
    warnings: list[SplittingWarning] = []
    hugging = headroom_hugging(year=year, shipments=shipments)
    if hugging is not None:
        warnings.append(hugging)
    if user is not None:
        own: dict[str, Decimal] = {}
        for s in shipments:
            if s.counts:
                own[s.cn_code] = own.get(s.cn_code, Decimal(0)) + s.quantity
        spread = spread_across_related(
            year=year,
            own=ImporterMasses(
                slug=organisation.slug,
                name=organisation.legal_name_latin or organisation.slug,
                mass_by_cn_t=own,
            ),
            related=_related_masses(organisation=organisation, user=user, year=year),
        )
        if spread is not None:
            warnings.append(spread)
    return ThresholdReport(
        status=status,
        splitting_warnings=tuple(warnings),
        cumulative=cumulative_mass(year=year, shipments=shipments),
    )
