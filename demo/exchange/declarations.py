"""The importers' uploads of ``shipments.json``, their de minimis status and declaration."""

from __future__ import annotations

import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Organisation
from demo.exchange.report import DemoExchangeReport, ImporterRow
from demo.world import DemoSeedError, data_file, demo_actor, demo_organisation
from exchange.declarations.models import ShipmentImport
from exchange.declarations.selectors import shipment_imports_visible_to
from exchange.declarations.services.declaration import declaration_document, declaration_report
from exchange.declarations.services.imports import shipments_import_csv
from exchange.declarations.services.threshold import threshold_report
from suppliers.models import Footprint

#: ``@<key>`` in a shipment CSV: the demo footprint of that key.
_FOOTPRINT_KEY = re.compile(r"@([a-z0-9][a-z0-9-]*)")


def footprint_keys_in(name: str) -> list[str]:
    """The demo footprints the shipment CSV ``name`` names."""
    return _FOOTPRINT_KEY.findall(data_file(name).read_text(encoding="utf-8"))


def shipments_csv(name: str, footprints: dict[str, Footprint]) -> bytes:
    """The demo CSV ``name`` with each ``@key`` replaced by the id of that footprint."""
    text = data_file(name).read_text(encoding="utf-8")
    return _FOOTPRINT_KEY.sub(lambda m: str(footprints[m.group(1)].pk), text).encode("utf-8")


def _upload(
    importer: Organisation, name: str, footprints: dict[str, Footprint], report: DemoExchangeReport
) -> dict[str, Any]:
    """Upload the CSV ``name`` as the importer's preparer, unless the importer has an upload
    of that name already: after a supplier corrected a footprint the file would name the
    correction, and its rows would clash with the shipments recorded from the first upload."""
    record: ShipmentImport | None = (
        shipment_imports_visible_to(organisation=importer)
        .filter(file_name=name)
        .order_by("created_at", "id")
        .first()
    )
    new = record is None
    if record is None:
        upload = SimpleUploadedFile(name, shipments_csv(name, footprints), content_type="text/csv")
        actor = demo_actor(importer, "preparer")
        record, new = shipments_import_csv(actor=actor, organisation=importer, upload=upload)
    stored = record.report or {}  # an upload from the pages is done by its work row
    imported = stored.get("imported", [])
    failed = stored.get("failed", [])
    if failed:
        first = failed[0]["problems"][0]["message"]
        raise DemoSeedError(f"{len(failed)} row(s) of {name} failed to import; first: {first}")
    already = stored.get("already_present", [])
    if new:
        report.created.append(
            f"{importer.slug}: uploaded {record.file_name}: {len(imported)} shipment(s) "
            f"imported, {len(already)} already present"
        )
    return {
        "import_id": str(record.pk),
        "file": record.file_name,
        "new": new,
        "rows_total": record.rows_total,
        "imported": [(row["line"], row["reference"]) for row in imported],
        "already_present": len(already),
    }


def importer_play(
    spec: dict[str, Any], footprints: dict[str, Footprint], report: DemoExchangeReport
) -> ImporterRow:
    importer = demo_organisation(spec["organisation"])
    upload = _upload(importer, spec["file"], footprints, report)
    user = demo_actor(importer, "preparer").user
    threshold = threshold_report(organisation=importer, year=spec["year"], user=user)
    status = threshold.status
    return ImporterRow(
        organisation=importer.slug,
        upload=upload,
        threshold={
            "level": str(status.level),
            "exceeded": status.exceeded,
            "counted_mass_t": status.counted_mass_t,
            "counted_shipments": status.counted_shipments,
            "crossed_by": status.crossed_by.reference if status.crossed_by else None,
            "crossed_on": status.crossed_on,
            "message": status.messages[0] if status.messages else "",
            "warnings": [w.message for w in threshold.splitting_warnings],
        },
        declaration=declaration_document(
            declaration_report(organisation=importer, year=spec["year"])
        ),
    )
