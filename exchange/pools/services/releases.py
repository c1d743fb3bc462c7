"""Releases: the association publishes the pool's statistics as an immutable, dated document
signed with its organisation's key (``accounts.services.signing_keys.document_sign``, the
same signing as footprints: verify it offline with ``manage.py verify_footprint --jwks``).

The document holds every cell: a published cell with its statistics, the EU default value
of the cell with the year's mark-up, the benchmarks (columns A and B) and the gap between the
median and the default in tCO2e/t and in EUR/t at the stated certificate price; a suppressed
cell only says "not enough contributors to publish" (never how many there are, nor why). It
records which contributions it used by digest, never by name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import Actor, audit_record
from accounts.services.signing_keys import document_sign
from cbam.certificate_prices import AppliedCertificatePrice
from core.errors import ValidationFailed
from core.inputs import Parsed
from exchange.pools import events
from exchange.pools.calculations.cells import CellKey
from exchange.pools.calculations.reference import cell_reference, gap
from exchange.pools.errors import NothingToRelease
from exchange.pools.inputs import POOL_RELEASE_INPUT
from exchange.pools.models import Pool, PoolCell, PoolRelease
from exchange.pools.services.pools import SETTING_FIELDS
from reference.selectors import certificate_price_last_published, reference_snapshot_for

DOCUMENT_TYPE = "cbam-exchange/pool-release"
DOCUMENT_VERSION = 1
#: What a suppressed cell says, in the document (the pages translate it).
SUPPRESSED_NOTE = "not enough contributors to publish"
METHOD = {
    "unit": "tCO2e per tonne of good",
    "statistics": (
        "unweighted over the cell's footprints; percentiles by linear interpolation between "
        "closest ranks (Hyndman-Fan type 7, as Excel PERCENTILE.INC); quantised to 0.00001"
    ),
    "counted": "direct + indirect where the indirect emissions count (Reg. 2023/956 Annex II)",
    "disclosure": (
        "a cell is published only with at least min_contributors distinct organisations (never "
        "fewer than 3), no organisation above max_share_pct of its production, the "
        "(dominance_n, dominance_pct) dominance rule on its total emissions, and no "
        "differencing between a cell and the cells beneath it (CN 4>6>8 digits, all "
        "countries>country, all years>year)"
    ),
    "gap": "median counted SEE - default value with mark-up; EUR/t = gap x certificate price",
}


@dataclass(frozen=True)
class ReleasePreview:
    """What a release would publish now: the cells, how many are suppressed and why (the
    reasons are for the association's preview only; the release does not carry them)."""

    cells: list[PoolCell]
    published: int
    suppressed: int
    by_reason: dict[str, int]
    contributions: list[str]


def release_preview(*, pool: Pool) -> ReleasePreview:
    cells = list(PoolCell.objects.filter(pool=pool))
    reasons: dict[str, int] = {}
    used: set[str] = set()
    for cell in cells:
        if cell.published:
            used.update(cell.contributions)
        else:
            reasons[cell.suppression] = reasons.get(cell.suppression, 0) + 1
    published = sum(1 for c in cells if c.published)
    return ReleasePreview(
        cells=cells,
        published=published,
        suppressed=len(cells) - published,
        by_reason=dict(sorted(reasons.items())),
        contributions=sorted(used),
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _cell_document(
    cell: PoolCell, snapshot: Any, year_of_release: int, price: Decimal
) -> dict[str, Any]:
    key = CellKey(cell.cn_code, cell.route, cell.country, cell.year)
    base = {
        "cell": cell.key,
        "cn_code": cell.cn_code,
        "route": cell.route,
        "country": cell.country,
        "year": cell.year,
    }
    if not cell.published:
        return {**base, "published": False, "note": SUPPRESSED_NOTE}
    reference = cell_reference(snapshot, key, year=cell.year or year_of_release)
    median = Decimal(cell.statistics["counted"]["median"])
    gap_t, gap_eur = gap(median, reference, price)
    return {
        **base,
        "published": True,
        "statistics": cell.statistics,
        "reference": reference.as_document(),
        "gap_tco2e_per_t": _text(gap_t),
        "gap_eur_per_t": _text(gap_eur),
    }


def release_document(
    *,
    pool: Pool,
    number: int,
    released_at: Any,
    price: AppliedCertificatePrice,
    preview: ReleasePreview,
) -> dict[str, Any]:
    """The document a release signs (JSON-able; Decimals as strings)."""
    on = released_at.date()
    snapshot = reference_snapshot_for(on=on)
    association = pool.association
    return {
        "type": DOCUMENT_TYPE,
        "version": DOCUMENT_VERSION,
        "pool": {"id": str(pool.pk), "name": pool.name},
        "association": {
            "name": association.legal_name_latin,
            "name_original": association.legal_name,
            "country": association.country,
        },
        "release": {"number": number, "released_at": released_at.isoformat()},
        "settings": {name: str(getattr(pool, name)) for name in SETTING_FIELDS},
        "method": METHOD,
        "certificate_price": {
            "eur_per_t": str(price.price_eur),
            "basis": price.basis,
            "source": price.source,
        },
        "reference_data": snapshot.label,
        "contributions": preview.contributions,
        "cells": [
            _cell_document(cell, snapshot, on.year, price.price_eur) for cell in preview.cells
        ],
    }


def release_price(price_eur: Decimal | None, *, on: date) -> AppliedCertificatePrice:
    """The stated certificate price: the one given, else the last published on ``on``."""
    if price_eur is None:
        return certificate_price_last_published(as_of=on)
    if price_eur <= 0:
        raise ValidationFailed(
            _("The certificate price must be positive."),
            fields={"certificate_price_eur": [_("Expected EUR per certificate, e.g. 75.28.")]},
        )
    return AppliedCertificatePrice(
        price_eur=price_eur,
        basis="given",
        period=None,
        row=None,
        source=f"stated by the association: EUR {price_eur}",
    )


def _stated_price(raw: object) -> Decimal | None:
    if raw is None or raw == "":
        return None
    parsed = Parsed()
    value = parsed.take(POOL_RELEASE_INPUT.field("certificate_price_eur"), raw)
    if parsed.errors:
        raise ValidationFailed(_("The certificate price is not valid."), fields=parsed.errors)
    return value if isinstance(value, Decimal) else None


@transaction.atomic
def pool_release_publish(
    *, actor: Actor, pool: Pool, certificate_price_eur: object = None
) -> PoolRelease:
    """Sign and store the pool's statistics as they are now, as the next numbered release.
    ``certificate_price_eur`` (EUR per certificate, as sent; parsed with
    ``exchange.pools.inputs.POOL_RELEASE_INPUT``) prices the gaps; None: the last published
    price."""
    stated = _stated_price(certificate_price_eur)
    locked = Pool.objects.select_for_update().select_related("association").get(pk=pool.pk)
    preview = release_preview(pool=locked)
    if preview.published == 0:
        raise NothingToRelease(
            _("No cell can be published yet: every cell lacks enough contributors."),
            fields={"pool": [_("Invite more members or wait for more contributions.")]},
        )
    released_at = timezone.now().replace(microsecond=0)
    price = release_price(stated, on=released_at.date())
    number = (locked.releases.aggregate(last=Max("number"))["last"] or 0) + 1
    document = release_document(
        pool=locked, number=number, released_at=released_at, price=price, preview=preview
    )
    signed = document_sign(
        organisation=locked.association, document=document, signed_at=released_at, actor=actor
    )
    release = PoolRelease.objects.create(
        pool=locked,
        number=number,
        released_at=released_at,
        released_by=actor.user,
        certificate_price_eur=price.price_eur,
        cells_published=preview.published,
        cells_suppressed=preview.suppressed,
        contributions_used=len(preview.contributions),
        payload=signed.payload,
        jws=signed.jws,
        kid=signed.kid,
    )
    audit_record(
        actor=actor,
        organisation=locked.association,
        action=events.POOL_RELEASE_PUBLISHED,
        obj=release,
        after={
            "pool": str(locked.pk),
            "number": number,
            "cells_published": preview.published,
            "cells_suppressed": preview.suppressed,
            "kid": signed.kid,
        },
    )
    return release


def release_content(release: PoolRelease) -> dict[str, Any]:
    """The signed document of a release, parsed."""
    return dict(json.loads(bytes(release.payload)))
