"""Importing an EU communication template: the installation, its products and one draft
footprint per good and period, in one transaction, with audit events.

``communication_template_import`` reads the workbook (``suppliers.eu_template``), computes every
good's SEE with the engine, and — unless it is a dry run or the file is refused — creates or
updates the installation (matched by its English name and country), creates the products it
lacks (matched by CN code and name) and creates each good's draft through
``footprint_create`` (so the drafts go through the normal validation and four-eyes workflow).
Every quantity goes with its unit; ``inputs_as_entered["provenance"]`` names the ``sheet!cell``
of each. With ``import_valid`` (the "import what is valid" choice) the processes, precursors and
goods with problems are left out (``suppliers.eu_template.leaving_out``) and the rest is
written; the report's ``left_out`` says what and why.

Idempotent by file digest and choice: the same file for the same organisation with the same
choice returns the first report and writes nothing; a file refused whole may be run once more
with the choice. A file is written at most once whatever the choice: once a run wrote it, every
later run returns that run's report (``CommunicationTemplateImport``, whose constraint lets one
row per file be ``imported``).
"""

from __future__ import annotations

import hashlib
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction

from accounts.audit import Actor, audit_record
from accounts.models import Organisation, User
from cbam.reference import ReferenceSnapshot
from cbam.rounding import round_see
from core.errors import ValidationFailed
from core.jobs import job_create, register_job_handler
from core.models import Job
from reference.errors import ReferenceDataMissing
from reference.selectors import reference_snapshot_for
from suppliers.eu_template import (
    Computation,
    LeftOut,
    Problem,
    TemplateData,
    TemplateRefused,
    compute_template,
    read_template,
    refusal_report,
    report_of,
)
from suppliers.eu_template.computing import PrecursorUse, process_direct_emissions
from suppliers.eu_template.reading import GoodRow, ProcessData
from suppliers.models import (
    CommunicationTemplateImport,
    Footprint,
    Installation,
    PrecursorSeeSource,
    Product,
)
from suppliers.services.catalogue import installation_create, product_create
from suppliers.services.footprints import footprint_create

IMPORTED = "communication_template.imported"
IMPORT_JOB = "suppliers.import_communication_template"
_QUANTUM = Decimal("0.0000000001")  # the footprint columns keep 10 decimals


def file_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def communication_template_import(
    *,
    actor: Actor,
    organisation: Organisation,
    content: bytes,
    file_name: str = "",
    dry_run: bool = False,
    import_valid: bool = False,
) -> dict[str, Any]:
    """The import report (``suppliers.eu_template.report``); writes only when the whole file is
    usable, or with ``import_valid`` what is usable, and ``dry_run`` is false. A file run
    before with the same choice, or written before, returns that run's report."""
    digest = file_digest(content)
    if not dry_run:
        earlier = _earlier_report(organisation, digest, import_valid)
        if earlier is not None:
            return _answer_waiting(organisation, digest, import_valid, earlier)
    try:
        data = read_template(content, leave_out=import_valid)
        computation = compute_template(data, _snapshot(data), leave_out=import_valid)
    except TemplateRefused as refused:
        report = refusal_report(refused, dry_run=dry_run, import_valid=import_valid)
        if dry_run:
            return report
        return _finish(organisation, actor, digest, file_name, import_valid, report)
    if dry_run:
        return report_of(data, computation, dry_run=True, import_valid=import_valid)
    try:
        with transaction.atomic():
            row = _claim(organisation, actor, digest, file_name, import_valid)
            if row is None:
                raise _WrittenBefore
            footprints = _write(actor, organisation, data, computation)
            report = report_of(
                data,
                computation,
                footprints=footprints,
                dry_run=False,
                import_valid=import_valid,
            )
            row.report = report
            row.content = None
            row.save(update_fields=["report", "content"])
            audit_record(
                actor=actor,
                organisation=organisation,
                action=IMPORTED,
                obj=row,
                after={
                    "sha256": digest,
                    "template_version": data.version,
                    "import_valid": import_valid,
                    "footprints": sorted(footprints.values()),
                    "left_out": [_left_out_name(entry) for entry in computation.left_out],
                },
            )
    except _WrittenBefore:
        written = _earlier_report(organisation, digest, import_valid)
        assert written is not None  # the claim saw a written or finished row
        return _answer_waiting(organisation, digest, import_valid, written)
    except ValidationFailed as failed:
        report = refusal_report(
            TemplateRefused(_problems_of(failed, data), template_version=data.version),
            dry_run=False,
            import_valid=import_valid,
        )
        return _finish(organisation, actor, digest, file_name, import_valid, report)
    return report


class _WrittenBefore(Exception):
    """Another run wrote this file, or finished this run's row, while this one computed."""


def _left_out_name(entry: LeftOut) -> str:
    if entry.row is not None:
        return f"Summary_Products row {entry.row} ({entry.cn_code}, {entry.process})"
    if entry.process is not None:
        return f"process {entry.process}"
    return f"purchased precursor {entry.precursor}"


def _earlier_report(
    organisation: Organisation, digest: str, import_valid: bool
) -> dict[str, Any] | None:
    """The report that answers a run of this file with this choice: that of the run that
    wrote the file, else that of an earlier run with the same choice; None: run it."""
    rows = CommunicationTemplateImport.objects.filter(
        organisation=organisation, sha256=digest, report__isnull=False
    ).only("report", "imported", "import_valid")
    for row in sorted(rows, key=lambda r: not r.imported):
        if row.report is not None and (row.imported or row.import_valid == import_valid):
            return dict(row.report)
    return None


def _answer_waiting(
    organisation: Organisation, digest: str, import_valid: bool, report: dict[str, Any]
) -> dict[str, Any]:
    """An upload of this file with this choice still waiting for its report gets ``report``
    (that of the run that answers it), so that it is done; returns ``report``."""
    CommunicationTemplateImport.objects.filter(
        organisation=organisation, sha256=digest, import_valid=import_valid, report__isnull=True
    ).update(report=report, content=None)
    return report


def _snapshot(data: TemplateData) -> ReferenceSnapshot:
    """The reference data valid on the period's last day (as ``footprint_create`` uses)."""
    try:
        return reference_snapshot_for(on=data.period_end)
    except ReferenceDataMissing:
        cell = "A_InstData!L9"
        raise TemplateRefused(
            [
                Problem(
                    cell=cell,
                    code="no_reference_data",
                    message_en=f"{cell}: the period ends {data.period_end}, a date the "
                    "platform holds no CBAM reference data for; expected a period of the "
                    "definitive period (from 2026).",
                    message_zh=f"{cell}：报告期结束于 {data.period_end}，平台没有该日期适用的 CBAM "
                    "参考数据；应为最终期（2026 年起）的报告期。",
                )
            ],
            template_version=data.version,
        ) from None


def _row(
    organisation: Organisation, actor: Actor, digest: str, file_name: str, import_valid: bool
) -> CommunicationTemplateImport:
    """This file's row for this choice, locked (created for a run without an upload)."""
    row, _ = CommunicationTemplateImport.objects.select_for_update().get_or_create(
        organisation=organisation,
        sha256=digest,
        import_valid=import_valid,
        defaults={"file_name": file_name[:255], "created_by": actor.user},
    )
    return row


def _claim(
    organisation: Organisation, actor: Actor, digest: str, file_name: str, import_valid: bool
) -> CommunicationTemplateImport | None:
    """Lock this run's row and mark it as the one that writes the file; None when the row has
    its report already or another row wrote the file (the partial unique constraint: a
    concurrent claim waits for ours to commit, then fails)."""
    row = _row(organisation, actor, digest, file_name, import_valid)
    if row.report is not None:
        return None
    try:
        with transaction.atomic():
            CommunicationTemplateImport.objects.filter(pk=row.pk).update(imported=True)
    except IntegrityError:
        return None
    row.imported = True
    return row


def _finish(
    organisation: Organisation,
    actor: Actor,
    digest: str,
    file_name: str,
    import_valid: bool,
    report: dict[str, Any],
) -> dict[str, Any]:
    """Store ``report`` as the report of this file's run with this choice (a waiting upload is
    completed); a row that has one keeps it and answers it."""
    with transaction.atomic():
        row = _row(organisation, actor, digest, file_name, import_valid)
        if row.report is None:
            row.report = report
            row.content = None
            row.save(update_fields=["report", "content"])
    return dict(row.report)


def _problems_of(failed: ValidationFailed, data: TemplateData) -> list[Problem]:
    fields = failed.extra.get("fields", {}) if isinstance(failed.extra, dict) else {}
    problems = [
        Problem(
            cell=str(field),
            code="refused_by_platform",
            message_en=f"{field}: {'; '.join(str(m) for m in messages)}",
            message_zh=f"{field}：{'；'.join(str(m) for m in messages)}",
        )
        for field, messages in fields.items()
    ]
    return problems or [
        Problem(
            cell="file",
            code="refused_by_platform",
            message_en=str(failed),
            message_zh=str(failed),
        )
    ]


# --------------------------------------------------------------------------- writes


def _write(
    actor: Actor, organisation: Organisation, data: TemplateData, computation: Computation
) -> dict[int, str]:
    installation = _installation(actor, organisation, data)
    footprints: dict[int, str] = {}
    for outcome in computation.goods:
        product = _product(actor, organisation, installation, outcome.good, data)
        footprint = footprint_create(
            actor=actor,
            organisation=organisation,
            data=_footprint_data(data, computation, outcome.process, product, installation),
        )
        entered = dict(footprint.inputs_as_entered or {})
        entered["provenance"] = _provenance(data, computation, outcome.process, outcome.good)
        Footprint.objects.filter(pk=footprint.pk).update(inputs_as_entered=entered)
        footprints[outcome.good.row] = str(footprint.pk)
    return footprints


def _degrees(text: str | None) -> Decimal | None:
    if not text:
        return None
    try:
        return Decimal(text.replace("°", "").strip())
    except InvalidOperation:
        return None


def _installation(actor: Actor, organisation: Organisation, data: TemplateData) -> Installation:
    values = {key: value for key, (value, _cell) in data.installation.items()}
    name_latin = values["name_english"]
    existing = Installation.objects.filter(
        organisation=organisation, name_latin=name_latin, country=data.country_code or ""
    ).first()
    if existing is not None:
        return existing
    address = ", ".join(
        values[key] for key in ("street", "post_code", "city", "po_box") if values.get(key)
    )
    payload: dict[str, Any] = {
        "name": values.get("name") or name_latin,
        "name_latin": name_latin,
        "country": data.country_code or "",
        "address": address,
    }
    if values.get("un_locode"):
        payload["un_locode"] = values["un_locode"]
    for key in ("latitude", "longitude"):
        degrees = _degrees(values.get(key))
        if degrees is not None:
            payload[key] = degrees
    return installation_create(actor=actor, organisation=organisation, data=payload)


def _product(
    actor: Actor,
    organisation: Organisation,
    installation: Installation,
    good: GoodRow,
    data: TemplateData,
) -> Product:
    name = good.product_name or f"{good.process} {good.cn_code}"
    product = Product.objects.filter(
        organisation=organisation, cn_code=good.cn_code, name=name
    ).first()
    if product is None:
        product = product_create(
            actor=actor, organisation=organisation, data={"name": name, "cn_code": good.cn_code}
        )
    if not product.installations.filter(pk=installation.pk).exists():
        product.installations.add(installation)
    return product


def _q(value: Decimal, unit: str) -> dict[str, str]:
    return {"value": format(value.quantize(_QUANTUM).normalize(), "f"), "unit": unit}


def _footprint_data(
    data: TemplateData,
    computation: Computation,
    process: ProcessData,
    product: Product,
    installation: Installation,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "product": str(product.pk),
        "installation": str(installation.pk),
        "period_start": data.period_start.isoformat(),
        "period_end": data.period_end.isoformat(),
        "attributed_direct_emissions": _q(process_direct_emissions(process), "tCO2e"),
        "activity_level": _q(process.activity_level, "t"),
        "precursors": [
            _precursor(use, process, computation) for use in computation.precursors[process.index]
        ],
    }
    if process.electricity is not None:
        out["electricity"] = _q(process.electricity.value, "MWh")
        if process.electricity_factor is not None:
            out["electricity_factor"] = _q(process.electricity_factor.value, "tCO2/MWh")
    if process.electricity_factor_source:
        out["electricity_factor_reference"] = (
            f"EU communication template, source {process.electricity_factor_source}"
        )[:300]
    verifier = {key: value for key, (value, _cell) in data.verifier.items()}
    if verifier.get("company"):
        out["verification"] = {"verifier_name": verifier["company"][:300]}
        if verifier.get("accreditation_number"):
            out["verification"]["accreditation_number"] = verifier["accreditation_number"][:100]
    return out


def _precursor(use: PrecursorUse, process: ProcessData, computation: Computation) -> dict[str, Any]:
    row: dict[str, Any] = {
        "cn_code": use.cn_code,
        "mass_per_t": _q(use.mass_t / process.activity_level, "t/t"),
        "country_of_origin": use.country or "",
    }
    if use.internal_process is not None:
        result = computation.processes[use.internal_process]
        row.update(
            see_source=PrecursorSeeSource.OWN_VERIFIED,
            see_direct=str(round_see(result.see_direct)),
            see_indirect=str(round_see(result.see_indirect)),
        )
    elif use.see_direct is not None:
        row.update(
            see_source=PrecursorSeeSource.OWN_VERIFIED,
            see_direct=str(round_see(use.see_direct)),
            see_indirect=str(round_see(use.see_indirect or Decimal(0))),
        )
    else:
        row["see_source"] = PrecursorSeeSource.DEFAULT_VALUE
    return row


def _provenance(
    data: TemplateData, computation: Computation, process: ProcessData, good: GoodRow
) -> dict[str, Any]:
    """Where each figure of the footprint came from, as ``sheet!cell`` (and the formula or
    number as typed there)."""

    def cells(*nums: Any) -> list[dict[str, str]]:
        return [{"cell": n.cell, "entered": n.entered} for n in nums if n is not None]

    return {
        "source": "EU communication template",
        "template_version": data.version,
        "good": {"process": process.name_cell, "cn_code": f"Summary_Products!F{good.row}"},
        "activity_level": cells(*process.production),
        "attributed_direct_emissions": cells(
            process.direct_emissions,
            process.heat_imported,
            process.heat_imported_factor,
            process.heat_exported,
            process.heat_exported_factor,
            process.waste_gas_imported,
            process.waste_gas_exported,
            process.electricity_exported,
            process.electricity_exported_factor,
        ),
        "electricity": cells(process.electricity),
        "electricity_factor": cells(process.electricity_factor),
        "precursors": [
            {"name": use.name, "mass": use.mass_cell, "see": use.see_cells}
            for use in computation.precursors[process.index]
        ],
        "period": ["A_InstData!I9", "A_InstData!L9"],
    }


def communication_template_upload(
    *,
    actor: Actor,
    organisation: Organisation,
    content: bytes,
    file_name: str = "",
    import_valid: bool = False,
) -> CommunicationTemplateImport:
    """Keep an upload for its work row (``suppliers.import_communication_template``); the same
    file again returns the row that wrote it, else the row of the same choice (and its report,
    once done)."""
    digest = file_digest(content)
    with transaction.atomic():
        existing = _upload_of(organisation, digest, import_valid)
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                row = CommunicationTemplateImport.objects.create(
                    organisation=organisation,
                    sha256=digest,
                    import_valid=import_valid,
                    file_name=file_name[:255],
                    content=content,
                    created_by=actor.user,
                )
        except IntegrityError:  # the same file uploaded at the same moment
            existing = _upload_of(organisation, digest, import_valid)
            assert existing is not None
            return existing
        job = job_create(
            kind=IMPORT_JOB,
            payload={
                "import_id": str(row.pk),
                "user_id": str(actor.user.pk) if actor.user else None,
            },
            organisation_id=organisation.pk,
        )
        row.job_id = job.pk
        row.save(update_fields=["job_id"])
    return row


def _upload_of(
    organisation: Organisation, digest: str, import_valid: bool
) -> CommunicationTemplateImport | None:
    """The row an upload of this file with this choice leads to: the one that wrote the file,
    else the one of the same choice."""
    rows = CommunicationTemplateImport.objects.filter(organisation=organisation, sha256=digest)
    return rows.filter(imported=True).first() or rows.filter(import_valid=import_valid).first()


def communication_template_run(*, import_id: str, actor: Actor) -> dict[str, Any]:
    """Run the import of a kept upload (the work row's handler). Safe to run twice: a row
    with a report answers it."""
    row = CommunicationTemplateImport.objects.select_related("organisation").get(pk=import_id)
    if row.report is not None:
        return dict(row.report)
    content = bytes(row.content or b"")
    return communication_template_import(
        actor=actor,
        organisation=row.organisation,
        content=content,
        file_name=row.file_name,
        import_valid=row.import_valid,
    )


@register_job_handler(IMPORT_JOB)
def communication_template_job(job: Job) -> dict[str, Any]:
    """Work-row handler: the import of one kept upload (progress steps: read, written)."""
    Job.objects.filter(pk=job.pk).update(progress_total=2, progress_done=1)
    user_id = job.payload.get("user_id")
    user = User.objects.filter(pk=user_id).first() if user_id else None
    actor = Actor(user=user) if user is not None else Actor.platform("communication-template")
    report = communication_template_run(import_id=str(job.payload["import_id"]), actor=actor)
    Job.objects.filter(pk=job.pk).update(progress_done=2)
    return {"import_id": str(job.payload["import_id"]), "report": report}
