"""Exporting footprints as the EU communication template (v2.1.1).

``communication_template_export(footprints=...)`` takes footprints the caller may read (the
caller resolves them: its own through ``footprints_owned_by``, shared ones through
``exchange.sharing``) of **one installation and one period**, one production process per good,
and answers the workbook's bytes (``suppliers.eu_template.export``). Each precursor's SEE is
the one the engine used (``cbam.precursors.resolve_precursor``: the supplier's figures, the
default value, zero for an exempt origin); a precursor made by another exported footprint of
the same installation is an internal precursor of that process. What the template cannot carry
(signature, verification statement, provenance, the platform's ids) goes on the sheet
``CBAM Exchange``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from cbam import PrecursorInput
from cbam.defaults import electricity_factor_for
from cbam.precursors import resolve_precursor
from cbam.reference import ReferenceSnapshot
from core.errors import ValidationFailed
from reference.errors import ReferenceDataMissing
from reference.selectors import reference_snapshot_for
from suppliers.eu_template.export import (
    DEFAULT,
    MEASURED,
    ExportData,
    ExportInstallation,
    ExportPrecursor,
    ExportProcess,
    ExportRefused,
    write_template,
)
from suppliers.models import Footprint, PrecursorSeeSource

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SOURCE_PREFIX = "EU communication template, source "
_ELECTRICITY_SOURCES = ("D.4(a)", "D.4(b)", "D.4.1", "D.4.2", "D.4.3.1", "D.4.3.2")
#: Excel's limit of characters in one cell.
_CELL_LIMIT = 32_000


def communication_template_filename(footprints: Sequence[Footprint]) -> str:
    first = footprints[0]
    slug = "".join(
        ch if ch.isalnum() else "-" for ch in (first.installation.name_latin or "installation")
    ).strip("-")[:60]
    return f"cbam-communication-{slug or 'installation'}-{first.period_start:%Y%m%d}.xlsx"


def communication_template_export(*, footprints: Sequence[Footprint]) -> bytes:
    """The filled template of ``footprints`` (one installation, one period); raises
    ``ValidationFailed`` when they cannot go into one workbook."""
    footprints = list(footprints)
    _check(footprints)
    try:
        snapshot: ReferenceSnapshot | None = reference_snapshot_for(on=footprints[0].period_end)
    except ReferenceDataMissing:
        snapshot = None
    try:
        return write_template(_data(footprints, snapshot))
    except ExportRefused as refused:
        raise ValidationFailed(
            "These footprints do not fit one communication template.",
            fields={"footprints": [str(refused)]},
        ) from None


def _check(footprints: list[Footprint]) -> None:
    if not footprints:
        raise ValidationFailed("Nothing to export.", fields={"footprints": ["No footprint."]})
    first = footprints[0]
    problems = [
        f"{f.pk}: installation {f.installation_id} and period {f.period_start}–{f.period_end}; "
        f"expected those of {first.pk} (one installation and period per workbook)."
        for f in footprints[1:]
        if (f.installation_id, f.period_start, f.period_end)
        != (first.installation_id, first.period_start, first.period_end)
    ]
    products = [f.product_id for f in footprints]
    if len(set(products)) != len(products):
        problems.append("Two footprints of the same product; expected one footprint per good.")
    if problems:
        raise ValidationFailed(
            "These footprints do not fit one communication template.",
            fields={"footprints": problems},
        )


def _process_names(footprints: list[Footprint]) -> list[str]:
    names: list[str] = []
    for f in footprints:
        name = (f.product.name or f.product.cn_code)[:80]
        if name in names:
            name = f"{name} ({f.product.cn_code})"
        names.append(name)
    return names


def _data(footprints: list[Footprint], snapshot: ReferenceSnapshot | None) -> ExportData:
    first = footprints[0]
    inst = first.installation
    index_of = {f.pk: i for i, f in enumerate(footprints, start=1)}
    names = _process_names(footprints)
    notes = [
        "The EU sheets hold the inputs of the footprints below, one production process per good; "
        "the template computes Summary_Products from them.",
        "Not in the template: the signature (key id, signed at, JWS), the verification "
        "statement, the provenance of each figure and the platform's footprint ids: below.",
        "E_PurchPrec (e)ii./iii.: the template has no cell for a precursor's indirect SEE; it is "
        "written as specific electricity consumption (MWh/t) equal to that SEE with a factor of "
        "1 tCO2/MWh.",
    ]
    processes: list[ExportProcess] = []
    rows: list[tuple[str, str]] = []
    for f, name in zip(footprints, names, strict=True):
        precursors = tuple(
            _precursor(p, f, index_of, snapshot)
            for p in f.precursors.select_related("source_footprint__product")
        )
        electricity, factor, source = f.electricity_mwh, f.electricity_factor_tco2_per_mwh, None
        if f.attributed_indirect_tco2e is not None:
            electricity, factor = f.attributed_indirect_tco2e, Decimal(1)
            notes.append(
                f"{name}: attributed indirect emissions of {f.attributed_indirect_tco2e} tCO2e "
                "written as electricity consumed (D_Processes (j)) with a factor of 1 tCO2/MWh."
            )
        elif electricity is not None and factor is None and snapshot is not None:
            row = electricity_factor_for(snapshot, inst.country)
            factor = row.tco2_per_mwh if row is not None else None
        reference = f.electricity_factor_reference or ""
        if reference.startswith(_SOURCE_PREFIX):
            code = reference.removeprefix(_SOURCE_PREFIX).strip()
            source = code if code in _ELECTRICITY_SOURCES else None
        processes.append(
            ExportProcess(
                name=name,
                category=f.product.category
                or (snapshot.category_by_cn.get(f.product.cn_code, "") if snapshot else ""),
                cn_code=f.product.cn_code,
                product_name=f.product.name,
                activity_level_t=f.activity_level_t,
                direct_emissions_tco2e=f.attributed_direct_tco2e,
                electricity_mwh=electricity,
                electricity_factor=factor,
                electricity_source=source,
                precursors=precursors,
            )
        )
        rows.extend(_platform_rows(f, name))
    return ExportData(
        installation=ExportInstallation(
            name=inst.name,
            name_english=inst.name_latin or inst.name,
            country=inst.country,
            street=inst.address,
            un_locode=inst.un_locode,
            latitude=inst.latitude,
            longitude=inst.longitude,
        ),
        period_start=first.period_start,
        period_end=first.period_end,
        processes=tuple(processes),
        platform_rows=tuple(rows),
        notes=tuple(notes),
    )


def _precursor(
    p: Any, footprint: Footprint, index_of: dict[Any, int], snapshot: ReferenceSnapshot | None
) -> ExportPrecursor:
    mass = p.mass_t_per_t * footprint.activity_level_t
    category = snapshot.category_by_cn.get(p.cn_code, "") if snapshot else ""
    source_fp = p.source_footprint
    if source_fp is not None and source_fp.pk in index_of:
        return ExportPrecursor(
            name=source_fp.product.name,
            category=source_fp.product.category or category,
            country=p.country_of_origin,
            mass_t=mass,
            internal_process=index_of[source_fp.pk],
        )
    # No supplier's name: a buyer downloading a shared footprint learns no more than the
    # signed document says (CN code, origin, SEE).
    name = f"{category or p.cn_code} {p.cn_code} {p.country_of_origin}"[:120]
    given = p.see_source != PrecursorSeeSource.DEFAULT_VALUE
    see_direct = p.see_direct if given else None
    see_indirect = p.see_indirect if given else None
    source = MEASURED if given else DEFAULT
    if snapshot is not None and p.cn_code in snapshot.category_by_cn:
        resolved = resolve_precursor(
            PrecursorInput(
                mass_t=mass,
                cn_code=p.cn_code,
                country_of_origin=p.country_of_origin,
                see_direct=see_direct,
                see_indirect=see_indirect,
            ),
            goods_by_id={},
            results={},
            snapshot=snapshot,
            default_cache={},
        )
        see_direct, see_indirect = resolved.see_direct, resolved.see_indirect
        source = DEFAULT if resolved.default is not None else source
    return ExportPrecursor(
        name=name,
        category=category,
        country=p.country_of_origin,
        mass_t=mass,
        see_direct=see_direct,
        see_indirect=see_indirect,
        source=source,
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _platform_rows(f: Footprint, process: str) -> list[tuple[str, str]]:
    provenance = (f.inputs_as_entered or {}).get("provenance")
    return [
        (f"Footprint of process {process!r}", ""),
        ("Footprint id (CBAM Exchange)", str(f.pk)),
        ("Lineage (every version of this footprint)", str(f.lineage)),
        ("Status", f.status),
        ("Product, CN code", f"{f.product.name}, {f.product.cn_code}"),
        (
            "SEE on the platform (direct / indirect / total, tCO2e/t)",
            f"{_text(f.see_direct)} / {_text(f.see_indirect)} / {_text(f.see_total)}",
        ),
        ("Signature: key id (kid)", f.signing_kid),
        ("Signature: signed at", _text(f.published_at and f.published_at.isoformat())),
        ("Signature: detached JWS over the signed PACT document", f.signature[:_CELL_LIMIT]),
        ("Verification: verifier", f.verifier_name),
        ("Verification: accreditation number", f.verifier_accreditation),
        ("Verification: statement date", _text(f.verification_statement_date)),
        ("Verification: assurance level", f.assurance_level),
        (
            "Verification: confirmed by the verifier at",
            _text(f.verifier_confirmed_at and f.verifier_confirmed_at.isoformat()),
        ),
        (
            "Provenance (where each figure came from)",
            json.dumps(provenance, ensure_ascii=False, sort_keys=True)[:_CELL_LIMIT]
            if provenance
            else "entered on the platform",
        ),
        ("Electricity factor reference", f.electricity_factor_reference),
        ("", ""),
    ]
