"""A pool release as a CSV file for spreadsheets (the API's ``csv/`` download and the pages).

Built from the release's **signed document** (``exchange.pools.services.releases``), never
from the live cells, so the file says exactly what was signed and stays the same for ever.

UTF-8 with a byte-order mark (Excel then opens Chinese names correctly). ``#`` lines first,
in the active language: the title, pool, association, release number and time, certificate
price, reference data, disclosure settings and the number of contributions used; then a
header row and **one row per cell** in the document's order (CN code, route, country, year).
The columns (``RELEASE_COLUMNS``; tCO2e per tonne of good unless the name says EUR):

========================  ==================================================================
``cell``                  the cell's key, ``CN|route|country|year`` (``*``: all countries,
                          ``all``: all years)
``cn_code`` … ``year``    the key's parts (``year`` ``all`` for every year)
``published``             ``yes``, or ``no``: not enough contributors to publish (the file
                          never says how many there are, nor why)
``contributors``          distinct organisations in the cell (published cells only)
``footprints``            footprints in the cell
``verified_share_pct``    share of its footprints on verified data, percent
``<s>_<stat>``            for ``s`` in direct, indirect, counted and ``stat`` in mean, p10,
                          p25, median, p75, p90: the distribution of the specific embedded
                          emissions (``counted`` = direct + indirect where it counts)
``default_value``         the EU default value of the cell without mark-up (empty: none)
``mark_up``               the year's mark-up as a fraction
``default_with_mark_up``  the default value with the mark-up
``benchmark_a``, ``_b``   free-allocation benchmarks, columns A and B (empty: none)
``reference``             where the default value comes from (act, annex, row)
``gap_tco2e_per_t``       median counted minus default with mark-up (negative: the sector
                          emits less than the default)
``gap_eur_per_t``         that gap at the release's certificate price, EUR per tonne
========================  ==================================================================

Figures are written as numbers (``-0.41200`` stays a number); text (the pool's and the
association's names, the reference) goes through ``core.spreadsheet.csv_writer``, which
neutralises formula injection.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from core.spreadsheet import Cell, csv_writer

STATISTICS = ("mean", "p10", "p25", "median", "p75", "p90")
SERIES = ("direct", "indirect", "counted")
RELEASE_COLUMNS = (
    "cell",
    "cn_code",
    "route",
    "country",
    "year",
    "published",
    "contributors",
    "footprints",
    "verified_share_pct",
    *(f"{series}_{stat}" for series in SERIES for stat in STATISTICS),
    "default_value",
    "mark_up",
    "default_with_mark_up",
    "benchmark_a",
    "benchmark_b",
    "reference",
    "gap_tco2e_per_t",
    "gap_eur_per_t",
)

#: The keys of a cell's ``reference`` in the release document, by column.
_REFERENCE_KEYS = {
    "default_value": "default_counted",
    "mark_up": "mark_up",
    "default_with_mark_up": "default_with_mark_up",
    "benchmark_a": "benchmark_a",
    "benchmark_b": "benchmark_b",
}


def _number(value: Any) -> Decimal | int | None:
    """A figure of the signed document (a Decimal written as a string) as a number cell."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return Decimal(str(value))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _cell_row(cell: dict[str, Any]) -> list[Cell]:
    year = cell.get("year") or 0
    row: list[Cell] = [
        _text(cell.get("cell")),
        _text(cell.get("cn_code")),
        _text(cell.get("route")),
        _text(cell.get("country")),
        year if year else "all",
        "yes" if cell.get("published") else "no",
    ]
    if not cell.get("published"):
        return row + [None] * (len(RELEASE_COLUMNS) - len(row))
    statistics = cell.get("statistics") or {}
    reference = cell.get("reference") or {}
    row += [
        _number(statistics.get("contributors")),
        _number(statistics.get("footprints")),
        _number(statistics.get("verified_share_pct")),
    ]
    for series in SERIES:
        distribution = statistics.get(series) or {}
        row += [_number(distribution.get(stat)) for stat in STATISTICS]
    row += [_number(reference.get(key)) for key in _REFERENCE_KEYS.values()]
    row += [
        _text(reference.get("default_source")),
        _number(cell.get("gap_tco2e_per_t")),
        _number(cell.get("gap_eur_per_t")),
    ]
    return row


def release_csv(document: dict[str, Any]) -> bytes:
    """The release ``document`` (as signed, parsed) as CSV bytes: UTF-8 with a BOM, ``#``
    lines, a header row and one row per cell (see the module docstring)."""
    out = io.StringIO()
    writer = csv_writer(out)
    pool = document.get("pool") or {}
    association = document.get("association") or {}
    release = document.get("release") or {}
    price = document.get("certificate_price") or {}
    settings = document.get("settings") or {}
    writer.comment(_("CBAM Exchange data pool release: sector statistics"))
    writer.comment(_("Pool: %(name)s") % {"name": _text(pool.get("name"))})
    writer.comment(_("Association: %(name)s") % {"name": _text(association.get("name"))})
    writer.comment(
        _("Release %(number)s, published %(time)s")
        % {"number": _text(release.get("number")), "time": _text(release.get("released_at"))}
    )
    writer.comment(
        _("Certificate price: EUR %(price)s per certificate (%(source)s)")
        % {"price": _text(price.get("eur_per_t")), "source": _text(price.get("source"))}
    )
    writer.comment(
        _("Reference data: %(label)s") % {"label": _text(document.get("reference_data"))}
    )
    writer.comment(
        _(
            "Disclosure control: at least %(min)s organisations per cell, none above %(share)s %% "
            "of its production, (%(n)s, %(k)s %%) dominance, no differencing"
        )
        % {
            "min": _text(settings.get("min_contributors")),
            "share": _text(settings.get("max_share_pct")),
            "n": _text(settings.get("dominance_n")),
            "k": _text(settings.get("dominance_pct")),
        }
    )
    writer.comment(
        _("Contributions used: %(count)s (by digest in the signed document)")
        % {"count": len(document.get("contributions") or [])}
    )
    writer.comment(_("Figures in tCO2e per tonne of good unless the column says EUR."))
    writer.writerow(RELEASE_COLUMNS)
    for cell in document.get("cells") or []:
        writer.writerow(_cell_row(cell))
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
