"""A pool's releases, as the association's staff and the pool's active members read them: the
list, the statistics explorer of one release (filters; for each published cell its
distribution against the EU default value with mark-up and the benchmarks, and a table), and
the downloads: the exact signed JSON, its detached JWS, a CSV of every cell and a printable
sector report. Everything shown comes from the release's signed document
(``exchange.pools.services.releases.release_content``): a release reads the same in a year as
the day it was published, whatever happened to the pool since.

Both sides use the same pages under their own organisation's slug
(``exchange.pools.selectors.pool_visible_to``: the association, or an active member); anyone
else gets 404. A suppressed cell only says "not enough contributors to publish": why, and how
many there are, is the association's preview's business (``pools_association``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.pages.base import OrganisationPage
from accounts.roles import ALL_ROLES
from core.charts import DistributionChart, distribution_chart
from core.errors import NotFound
from exchange.pages.pool_forms import ReleaseFilterForm
from exchange.pools.exports import release_csv
from exchange.pools.models import Pool, PoolRelease
from exchange.pools.selectors import pool_release, pool_releases, pool_visible_to
from exchange.pools.services.releases import release_content

#: Cells on one page of the explorer (each published one is a row of the chart).
CELLS_PER_PAGE = 40
#: The statistics of a distribution, in the order of the chart and the CSV.
STATISTICS = ("p10", "p25", "median", "p75", "p90")
#: The reference values of a cell, in the order of the chart's lines and the tables.
REFERENCES = ("default_with_mark_up", "benchmark_a", "benchmark_b")


def found(selector: Any, **kwargs: Any) -> Any:
    """A selector's object, or 404 (a selector says ``NotFound`` for another organisation's
    object as for a missing one)."""
    try:
        return selector(**kwargs)
    except NotFound as error:
        raise Http404(error.message) from None


def decimal_or_none(value: Any) -> Decimal | None:
    """A figure of our own signed document (written by ``str(Decimal)``), or None."""
    return None if value is None or value == "" else Decimal(str(value))


def country_label(country: str) -> str:
    return _("all countries") if country == "*" else country


def year_label(year: int) -> str:
    return _("all years") if int(year) == 0 else str(year)


def route_label(route: str) -> str:
    return route or pgettext("production route", "none")


def cn_label(cn_code: str) -> str:
    """``7208`` / ``7208 39`` / ``7208 39 00``, as the nomenclature prints them."""
    return " ".join(cn_code[i : i + 2] if i else cn_code[:4] for i in (0, 4, 6) if cn_code[i:])


def cell_label(cell: dict[str, Any]) -> str:
    """A cell as people read it: ``7208 39 · route C · CN · 2026``."""
    return " · ".join(
        (
            cn_label(str(cell["cn_code"])),
            _("route %(route)s") % {"route": route_label(str(cell["route"]))},
            country_label(str(cell["country"])),
            year_label(int(cell["year"])),
        )
    )


def reference_names() -> tuple[str, str, str]:
    return (_("Default value with mark-up"), _("Benchmark A"), _("Benchmark B"))


def statistic_titles() -> tuple[str, str, str, str, str]:
    return ("P10", "P25", _("Median"), "P75", "P90")


@dataclass(frozen=True)
class CellView:
    """One cell of a release (or of the preview) as the pages show it."""

    key: str
    label: str
    cn_code: str
    route: str
    country: str
    year: int
    published: bool
    contributors: int | None = None
    footprints: int | None = None
    verified_share_pct: Decimal | None = None
    direct: dict[str, Decimal] | None = None
    indirect: dict[str, Decimal] | None = None
    counted: dict[str, Decimal] | None = None
    references: tuple[Decimal | None, ...] = ()
    default_value: Decimal | None = None
    mark_up: Decimal | None = None
    reference_source: str = ""
    gap_t: Decimal | None = None
    gap_eur: Decimal | None = None
    #: Why it is suppressed: the association's preview only (never in a release).
    suppression: str = ""


def _distribution(data: dict[str, Any] | None) -> dict[str, Decimal] | None:
    if not data:
        return None
    return {name: Decimal(str(value)) for name, value in data.items()}


def cell_view(cell: dict[str, Any], suppression: str = "") -> CellView:
    """A cell of a release document (``exchange.pools.services.releases``) for the pages."""
    base = {
        "key": cell["cell"],
        "label": cell_label(cell),
        "cn_code": cell["cn_code"],
        "route": cell["route"],
        "country": cell["country"],
        "year": int(cell["year"]),
        "published": bool(cell.get("published")),
        "suppression": suppression,
    }
    if not base["published"]:
        return CellView(**base)
    statistics = cell.get("statistics") or {}
    reference = cell.get("reference") or {}
    return CellView(
        **base,
        contributors=int(statistics["contributors"]),
        footprints=int(statistics["footprints"]),
        verified_share_pct=decimal_or_none(statistics.get("verified_share_pct")),
        direct=_distribution(statistics.get("direct")),
        indirect=_distribution(statistics.get("indirect")),
        counted=_distribution(statistics.get("counted")),
        references=tuple(decimal_or_none(reference.get(name)) for name in REFERENCES),
        default_value=decimal_or_none(reference.get("default_counted")),
        mark_up=decimal_or_none(reference.get("mark_up")),
        reference_source=str(reference.get("default_source") or ""),
        gap_t=decimal_or_none(cell.get("gap_tco2e_per_t")),
        gap_eur=decimal_or_none(cell.get("gap_eur_per_t")),
    )


def cells_chart(cells: list[CellView], *, title: str, id: str) -> DistributionChart | None:
    """The counted SEE of the published ``cells`` as boxes on one axis, with each cell's
    default value with mark-up and benchmarks A and B as lines; None without a published
    cell."""
    rows = [
        (
            cell.label,
            tuple(cell.counted[name] for name in STATISTICS),
            cell.references,
        )
        for cell in cells
        if cell.published and cell.counted is not None
    ]
    if not rows:
        return None
    return distribution_chart(
        title=title,
        summary=_(
            "For each published cell, the counted specific embedded emissions of its "
            "footprints: P10 to P90 as a band, P25 to P75 as a box, the median as a bar; the "
            "EU default value with mark-up and the benchmarks (columns A and B) as lines. The "
            "table below gives every figure."
        ),
        label_title=_("Cell"),
        value_title="tCO2e/t",
        columns=statistic_titles(),
        reference_names=reference_names(),
        rows=rows,  # type: ignore[arg-type]
        id=id,
    )


def release_price_of(document: dict[str, Any]) -> Decimal | None:
    """The certificate price a release states (EUR per certificate)."""
    return decimal_or_none((document.get("certificate_price") or {}).get("eur_per_t"))


def release_facts(document: dict[str, Any]) -> dict[str, Any]:
    """What the release's facts box says, from its signed document (a part it lacks shows
    empty)."""
    association = document.get("association") or {}
    price = document.get("certificate_price") or {}
    settings = document.get("settings") or {}
    return {
        "association": association.get("name_original") or association.get("name") or "",
        "association_latin": (
            association.get("name")
            if association.get("name") != association.get("name_original")
            else ""
        ),
        "price": release_price_of(document),
        "price_basis": price.get("basis") or "",
        "reference_data": document.get("reference_data") or "",
        "settings": {name: settings.get(name) or "" for name in SETTING_NAMES},
    }


#: The disclosure settings a release document states.
SETTING_NAMES = ("min_contributors", "max_share_pct", "dominance_n", "dominance_pct")


def document_cells(document: dict[str, Any]) -> list[CellView]:
    return [cell_view(cell) for cell in document.get("cells", [])]


def filter_choices(cells: list[CellView]) -> dict[str, list[tuple[str, str]]]:
    routes = sorted({c.route for c in cells})
    countries = sorted({c.country for c in cells}, key=lambda c: (c != "*", c))
    years = sorted({c.year for c in cells}, key=lambda y: (y != 0, y))
    return {
        "routes": [(r or "-", route_label(r)) for r in routes],
        "countries": [(c, country_label(c)) for c in countries],
        "years": [(str(y), year_label(y)) for y in years],
    }


def filtered(cells: list[CellView], data: dict[str, Any]) -> list[CellView]:
    """The cells matching the explorer's filters (a CN prefix, a route, a country, a year)."""
    cn, route, country, year = (data.get(k) or "" for k in ("cn", "route", "country", "year"))
    return [
        c
        for c in cells
        if c.cn_code.startswith(cn)
        and (not route or c.route == ("" if route == "-" else route))
        and (not country or c.country == country)
        and (not year or str(c.year) == year)
    ]


class PoolReadPage(OrganisationPage):
    """A page of a pool the organisation runs or is an active member of (else 404)."""

    role_map = {"GET": ALL_ROLES}

    def pool(self, pool_id: object) -> Pool:
        pool: Pool = found(pool_visible_to, organisation=self.organisation, pool_id=pool_id)
        return pool

    def release(self, pool_id: object, number: object) -> PoolRelease:
        pool = self.pool(pool_id)
        release: PoolRelease = found(pool_release, pool=pool, number=number)
        return release

    def side_context(self, pool: Pool) -> dict[str, Any]:
        """Which side reads: the association's staff go back to the pool's dashboard, a
        member to its own pool page."""
        association = pool.association_id == self.organisation.pk
        return {"pool": pool, "is_association": association}


class ReleaseListPage(PoolReadPage):
    """``pools/<pool>/releases/``: every release of the pool, newest first."""

    def get(self, request: HttpRequest, pool_id: object, **kwargs: Any) -> HttpResponse:
        pool = self.pool(pool_id)
        context = self.get_context_data(
            releases=list(pool_releases(pool=pool)), **self.side_context(pool)
        )
        return render(request, "exchange/pages/pools/releases.html", context)


class ReleasePage(PoolReadPage):
    """``pools/<pool>/releases/<number>/``: the statistics explorer of one release."""

    def get(
        self, request: HttpRequest, pool_id: object, release_number: int, **kwargs: Any
    ) -> HttpResponse:
        release = self.release(pool_id, release_number)
        document = release_content(release)
        cells = document_cells(document)
        form = ReleaseFilterForm(request.GET or None, **filter_choices(cells))
        chosen: dict[str, Any] = {}
        if form.is_bound and form.is_valid():
            chosen = {k: v for k, v in form.cleaned_data.items() if v}
        shown = filtered(cells, chosen)
        page = Paginator(shown, CELLS_PER_PAGE).get_page(request.GET.get("page"))
        context = self.get_context_data(
            release=release,
            document=document,
            filter_form=form,
            filtered=bool(chosen),
            query=urlencode(chosen),
            page_obj=page,
            cells=list(page.object_list),
            chart=cells_chart(
                list(page.object_list),
                title=_("Counted emissions per tonne, by cell"),
                id="release-chart",
            ),
            published_count=sum(1 for c in cells if c.published),
            suppressed_count=sum(1 for c in cells if not c.published),
            reference_names=reference_names(),
            facts=release_facts(document),
            **self.side_context(release.pool),
        )
        return render(request, "exchange/pages/pools/release.html", context)


def _file_name(release: PoolRelease, extension: str) -> str:
    return f"pool-{release.pool_id}-release-{release.number}.{extension}"


def _download(data: bytes | str, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, file_name) or ""
    return response


class ReleaseJsonPage(PoolReadPage):
    """``.../releases/<number>/release.json``: the exact bytes the association signed."""

    def get(
        self, request: HttpRequest, pool_id: object, release_number: int, **kwargs: Any
    ) -> HttpResponse:
        release = self.release(pool_id, release_number)
        return _download(bytes(release.payload), "application/json", _file_name(release, "json"))


class ReleaseJwsPage(PoolReadPage):
    """``.../releases/<number>/release.jws``: the detached JWS over those bytes (verify both
    offline with ``manage.py verify_footprint --jwks``)."""

    def get(
        self, request: HttpRequest, pool_id: object, release_number: int, **kwargs: Any
    ) -> HttpResponse:
        release = self.release(pool_id, release_number)
        return _download(release.jws, "application/jose", _file_name(release, "jws"))


class ReleaseCsvPage(PoolReadPage):
    """``.../releases/<number>/release.csv``: one row per cell (the same file as the API's,
    ``exchange.pools.exports.release_csv``: UTF-8 with a BOM, formula-injection safe)."""

    def get(
        self, request: HttpRequest, pool_id: object, release_number: int, **kwargs: Any
    ) -> HttpResponse:
        release = self.release(pool_id, release_number)
        data = release_csv(release_content(release))
        return _download(data, "text/csv; charset=utf-8", _file_name(release, "csv"))


class ReleaseReportPage(PoolReadPage):
    """``.../releases/<number>/report/``: the printable sector report: the release's facts
    and method, a chart and a table per CN heading, the suppressed cells listed."""

    def get(
        self, request: HttpRequest, pool_id: object, release_number: int, **kwargs: Any
    ) -> HttpResponse:
        release = self.release(pool_id, release_number)
        document = release_content(release)
        cells = document_cells(document)
        headings: dict[str, list[CellView]] = {}
        for cell in cells:
            headings.setdefault(cell.cn_code[:4], []).append(cell)
        sections = [
            {
                "heading": heading,
                "cells": in_heading,
                "published": [c for c in in_heading if c.published],
                "suppressed": [c for c in in_heading if not c.published],
                "chart": cells_chart(
                    in_heading,
                    title=_("CN %(heading)s: counted emissions per tonne") % {"heading": heading},
                    id=f"report-chart-{heading}",
                ),
            }
            for heading, in_heading in sorted(headings.items())
        ]
        context = self.get_context_data(
            release=release,
            document=document,
            sections=sections,
            published_count=sum(1 for c in cells if c.published),
            suppressed_count=sum(1 for c in cells if not c.published),
            reference_names=reference_names(),
            facts=release_facts(document),
            **self.side_context(release.pool),
        )
        return render(request, "exchange/pages/pools/report.html", context)
