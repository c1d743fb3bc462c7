"""Bulk upload of shipments from a CSV file, with a per-row report.

Decisions (docs/declarations.md):

- **Valid rows are imported, bad rows reported**: one bad row never blocks the others, and
  the report lists every row by its line in the file: ``imported`` (with the new shipment's
  id), ``already_present`` (its reference names a shipment recorded before with the same
  values: skipped), ``failed`` (each problem with column, value, what was wrong and what is
  expected). All imported rows commit together with the report, or none do.
- **Idempotent**: the same file uploaded again (same SHA-256) returns the first upload's report
  and writes nothing. Each row needs a ``reference`` (the importer's key for the consignment,
  e.g. the customs declaration MRN and item number), unique within the organisation: after
  fixing the bad rows, re-uploading the whole file imports only the rows not yet imported. A
  reference already used with *different* values is a failed row, never an overwrite.
- A problem of the file as a whole (too large, too many rows, not UTF-8, a missing or unknown
  column) refuses the file: 413 or 400, nothing is written.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import Actor, audit_event, audit_record, audit_record_many
from accounts.models import Organisation
from core.errors import ApplicationError, Conflict, ValidationFailed
from exchange.declarations.models import Shipment, ShipmentImport
from exchange.declarations.services.shipments import (
    FIELDS,
    REQUIRED,
    ReferenceCache,
    shipment_clean,
    shipment_stored_data,
)

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
DEFAULT_MAX_ROWS = 5000
COLUMNS_REQUIRED = ("reference", *REQUIRED)


class UploadTooLarge(ApplicationError):
    status = 413
    code = "upload_too_large"


class ShipmentFileInvalid(ValidationFailed):
    code = "shipment_file_invalid"


def upload_max_bytes() -> int:
    return int(getattr(settings, "DECLARATIONS_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def upload_max_rows() -> int:
    return int(getattr(settings, "DECLARATIONS_UPLOAD_MAX_ROWS", DEFAULT_MAX_ROWS))


_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


@dataclass(frozen=True)
class _Row:
    line: int
    cells: dict[str, str]
    extra_cells: int


def _file_error(
    message: str, expected: str, code: str = "shipment_file_invalid"
) -> ValidationFailed:
    return ShipmentFileInvalid(
        f"{message}; nothing was imported",
        code=code,
        fields={"file": [f"{message}; expected {expected}"]},
    )


def _rows(text: str) -> tuple[tuple[str, ...], list[_Row]]:
    """Header and rows of the CSV, each row with its physical line (header = line 1)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header: tuple[str, ...] | None = None
    rows: list[_Row] = []
    line = 0
    try:
        for record in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = tuple(cell.strip() for cell in record)
                continue
            cells = {name: record[i] if i < len(record) else "" for i, name in enumerate(header)}
            rows.append(_Row(start, cells, max(0, len(record) - len(header))))
            if len(rows) > upload_max_rows():
                raise _file_error(
                    f"the file has more than {upload_max_rows()} rows",
                    f"at most {upload_max_rows()} rows per file: split it into several files",
                    "too_many_rows",
                )
    except csv.Error as exc:
        raise _file_error(
            f"line {reader.line_num}: the CSV cannot be read ({exc})", "a CSV file"
        ) from None
    if header is None:
        raise _file_error(
            "the file is empty", f"a header line naming the columns: {', '.join(FIELDS)}"
        )
    return header, rows


def _check_header(header: tuple[str, ...]) -> None:
    problems = []
    unknown = [c for c in header if c not in FIELDS]
    if unknown:
        problems.append(f"unknown column(s) {', '.join(repr(c) for c in unknown)}")
    missing = [c for c in COLUMNS_REQUIRED if c not in header]
    if missing:
        problems.append(f"missing column(s) {', '.join(missing)}")
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        problems.append(f"repeated column(s) {', '.join(repeated)}")
    if problems:
        raise _file_error(
            "line 1 (header): " + "; ".join(problems),
            f"the columns {', '.join(COLUMNS_REQUIRED)} and optionally "
            f"{', '.join(c for c in FIELDS if c not in COLUMNS_REQUIRED)}",
        )


def _echo(value: str) -> str:
    """A cell as the report shows it: at most 100 characters, control characters and unpaired
    surrogates written as escapes (the report is stored as JSON, which may hold neither)."""
    short = value if len(value) <= 100 else f"{value[:100]}… ({len(value):,} characters)"
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", short)


def _problem(line: int, column: str, value: str, message: str) -> dict[str, Any]:
    return {
        "line": line,
        "column": column,
        "value": _echo(value),
        "message": f"line {line}, column {column}: {message}",
    }


def _differences(stored: dict[str, Any], row: dict[str, str]) -> list[str]:
    differ = []
    for name in FIELDS:
        new = row.get(name, "").strip()
        old = str(stored.get(name, "") or "")
        if name == "customs_procedure":
            new, old = new or "40", old or "40"
        if name == "cn_code":
            new = new.replace(" ", "").replace(".", "")
        if name == "country_of_origin":
            new = new.upper()
        if name == "quantity":
            try:
                same = Decimal(new) == Decimal(old)
            except InvalidOperation:
                same = False
            if not same:
                differ.append(name)
            continue
        if new != old:
            differ.append(name)
    return differ


def shipments_import_csv(
    *, actor: Actor, organisation: Organisation, upload: UploadedFile | None
) -> tuple[ShipmentImport, bool]:
    """Import the shipments of a CSV upload (see the module docstring). Returns the import
    with its report and whether it is new (False: this file was uploaded before)."""
    if upload is None:
        raise ShipmentFileInvalid(
            "No file was uploaded.",
            fields={"file": ["is required: send the CSV as multipart/form-data field 'file'"]},
        )
    limit = upload_max_bytes()
    if (upload.size or 0) > limit:
        raise UploadTooLarge(
            f"The file has {upload.size} bytes; at most {limit} bytes are accepted. Split it "
            "into several files.",
            extra={"fields": {"file": [f"is larger than {limit} bytes"]}, "max_bytes": limit},
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise UploadTooLarge(f"The file is larger than {limit} bytes; split it.")
    digest = hashlib.sha256(data).hexdigest()
    previous = ShipmentImport.objects.filter(organisation=organisation, sha256=digest).first()
    if previous is not None:
        return previous, False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _file_error(
            f"line {line}: the file is not UTF-8 text (byte 0x{data[exc.start]:02X})",
            "a CSV file encoded as UTF-8",
        ) from None
    header, rows = _rows(text)
    _check_header(header)

    today = timezone.localdate()
    cache = ReferenceCache()
    references = [r.cells.get("reference", "").strip() for r in rows]
    existing = {
        s.reference: s
        for s in Shipment.objects.filter(
            organisation=organisation, reference__in=[r for r in references if r]
        )
    }
    seen: dict[str, int] = {}
    imported: list[tuple[_Row, Shipment]] = []
    already: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for row in rows:
        reference = row.cells.get("reference", "").strip()
        problems: list[dict[str, Any]] = []
        if row.extra_cells:
            problems.append(
                _problem(
                    row.line,
                    "(row)",
                    "",
                    f"{len(header) + row.extra_cells} cells for {len(header)} columns; expected "
                    "one cell per header column (quote a value that contains a comma)",
                )
            )
        if not reference:
            problems.append(
                _problem(
                    row.line,
                    "reference",
                    "",
                    "is required; expected your key of the consignment, unique in your "
                    "organisation (e.g. the customs declaration MRN and item number)",
                )
            )
        elif reference in seen:
            problems.append(
                _problem(
                    row.line,
                    "reference",
                    reference,
                    f"{reference!r} repeats line {seen[reference]}; expected one row per "
                    "consignment",
                )
            )
        else:
            seen[reference] = row.line
        stored = existing.get(reference) if reference else None
        if stored is not None and not problems:
            differ = _differences(shipment_stored_data(stored), row.cells)
            if differ:
                problems.append(
                    _problem(
                        row.line,
                        "reference",
                        reference,
                        f"{reference!r} is already used by shipment {stored.pk} with different "
                        f"{', '.join(differ)}; expected a new reference, or edit that shipment",
                    )
                )
            else:
                already.append(
                    {"line": row.line, "reference": reference, "shipment_id": str(stored.pk)}
                )
                continue
        cleaned = shipment_clean(
            organisation=organisation, data=row.cells, today=today, cache=cache
        )
        for column, messages in cleaned.errors.items():
            for message in messages:
                problems.append(
                    _problem(row.line, column, row.cells.get(column, "").strip(), message)
                )
        if problems:
            failed.append({"line": row.line, "reference": reference, "problems": problems})
            continue
        imported.append(
            (
                row,
                Shipment(
                    organisation=organisation,
                    created_by=actor.user,
                    **cleaned.values,
                ),
            )
        )

    report = {
        "file": upload.name or "",
        "sha256": digest,
        "rows_total": len(rows),
        "imported": [
            {"line": row.line, "reference": s.reference, "shipment_id": str(s.pk)}
            for row, s in imported
        ],
        "already_present": already,
        "failed": failed,
    }
    try:
        with transaction.atomic():
            record = ShipmentImport.objects.create(
                organisation=organisation,
                file_name=(upload.name or "")[:255],
                sha256=digest,
                size_bytes=len(data),
                rows_total=len(rows),
                rows_imported=len(imported),
                rows_already_present=len(already),
                rows_failed=len(failed),
                report=report,
                created_by=actor.user,
                created_by_label=actor.label,
            )
            shipments = [s for _, s in imported]
            for shipment in shipments:
                shipment.source_import = record
            Shipment.objects.bulk_create(shipments)
            audit_record(
                actor=actor,
                organisation=organisation,
                action="shipment_import.created",
                obj=record,
                after={
                    "file": record.file_name,
                    "sha256": digest,
                    "rows_total": record.rows_total,
                    "rows_imported": record.rows_imported,
                    "rows_already_present": record.rows_already_present,
                    "rows_failed": record.rows_failed,
                },
            )
            audit_record_many(
                [
                    audit_event(
                        actor=actor,
                        organisation=organisation,
                        action="shipment.created",
                        obj=s,
                        after=s.snapshot(),
                    )
                    for s in shipments
                ]
            )
    except IntegrityError:
        raise Conflict(
            "Another upload recorded some of these shipments (or this file) at the same moment; "
            "upload the file again: rows already imported are skipped."
        ) from None
    return record, True
