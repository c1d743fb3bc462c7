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
- **From the pages, a work row**: ``shipments_upload`` checks the file as a whole at once (so
  the form can say what is wrong with it) and keeps it with a work row
  (``declarations.import_shipments``) that checks and writes its rows
  (``shipments_import_run``), counting the rows checked for the page that polls it
  (``exchange.declarations.progress``). The API and ``manage.py import_shipments`` import in
  the request (``shipments_import_csv``). Both go through the same row checks and writes.

Every problem is a ``cbam.messages.Message``: the report stores its English text (``message``,
as the API and the command show it) and the message itself (``text``, template and
parameters: ``core.messages.message_json``), so that a page says it in its reader's language.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import Actor, audit_event, audit_record, audit_record_many
from accounts.models import Organisation
from cbam.messages import Message, gettext_noop
from core.errors import ApplicationError, Conflict, ValidationFailed
from core.jobs import TransientJobError, job_create
from core.messages import message_json
from exchange.declarations.models import Shipment, ShipmentImport
from exchange.declarations.progress import import_progress_set
from exchange.declarations.services.shipments import (
    FIELDS,
    REQUIRED,
    ReferenceCache,
    shipment_clean,
    shipment_stored_data,
    wrong,
)

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
DEFAULT_MAX_ROWS = 5000
COLUMNS_REQUIRED = ("reference", *REQUIRED)
#: The work row that checks and writes the rows of an upload from the pages.
IMPORT_JOB = "declarations.import_shipments"
UPLOADED = "shipment_import.uploaded"
IMPORTED = "shipment_import.created"
#: The page's count of rows checked is updated after this many rows.
PROGRESS_EVERY_ROWS = 100


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
    message: Message, expected: str, code: str = "shipment_file_invalid"
) -> ValidationFailed:
    return ShipmentFileInvalid(
        gettext_noop("%(problem)s; nothing was imported", problem=message),
        code=code,
        fields={"file": [wrong(message, expected)]},
    )


def _joined(parts: list[Message]) -> Message:
    """Several problems as one message, "first; second; …" (translatable part by part)."""
    if len(parts) == 1:
        return parts[0]
    return gettext_noop("%(first)s; %(rest)s", first=parts[0], rest=_joined(parts[1:]))


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
                    gettext_noop("the file has more than %(rows)s rows", rows=upload_max_rows()),
                    gettext_noop(
                        "at most %(rows)s rows per file: split it into several files",
                        rows=upload_max_rows(),
                    ),
                    "too_many_rows",
                )
    except csv.Error as exc:
        raise _file_error(
            gettext_noop(
                "line %(line)s: the CSV cannot be read (%(error)s)",
                line=reader.line_num,
                error=str(exc),
            ),
            gettext_noop("a CSV file"),
        ) from None
    if header is None:
        raise _file_error(
            gettext_noop("the file is empty"),
            gettext_noop(
                "a header line naming the columns: %(columns)s", columns=", ".join(FIELDS)
            ),
        )
    return header, rows


def _check_header(header: tuple[str, ...]) -> None:
    problems: list[Message] = []
    unknown = [c for c in header if c not in FIELDS]
    if unknown:
        problems.append(
            gettext_noop(
                "unknown column(s) %(columns)s", columns=", ".join(repr(c) for c in unknown)
            )
        )
    missing = [c for c in COLUMNS_REQUIRED if c not in header]
    if missing:
        problems.append(gettext_noop("missing column(s) %(columns)s", columns=", ".join(missing)))
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        problems.append(gettext_noop("repeated column(s) %(columns)s", columns=", ".join(repeated)))
    if problems:
        raise _file_error(
            gettext_noop("line 1 (header): %(problems)s", problems=_joined(problems)),
            gettext_noop(
                "the columns %(required)s and optionally %(optional)s",
                required=", ".join(COLUMNS_REQUIRED),
                optional=", ".join(c for c in FIELDS if c not in COLUMNS_REQUIRED),
            ),
        )


def _echo(value: str) -> str:
    """A cell as the report shows it: at most 100 characters, control characters and unpaired
    surrogates written as escapes (the report is stored as JSON, which may hold neither)."""
    short = value if len(value) <= 100 else f"{value[:100]}… ({len(value):,} characters)"
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", short)


def _problem(line: int, column: str, value: str, message: str) -> dict[str, Any]:
    """One problem of a row: ``message`` in English with its line and column (the API, the
    command), ``text`` the message alone as ``message_json`` keeps it (the pages)."""
    return {
        "line": line,
        "column": column,
        "value": _echo(value),
        "message": f"line {line}, column {column}: {message}",
        "text": message_json(message),
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


def _size_checked(size: int) -> int:
    limit = upload_max_bytes()
    if size > limit:
        raise UploadTooLarge(
            gettext_noop(
                "The file has %(size)s bytes; at most %(limit)s bytes are accepted. Split it into "
                "several files.",
                size=size,
                limit=limit,
            ),
            extra={
                "fields": {"file": [gettext_noop("is larger than %(limit)s bytes", limit=limit)]},
                "max_bytes": limit,
            },
        )
    return limit


def _read(data: bytes) -> tuple[tuple[str, ...], list[_Row]]:
    """The header and rows of a whole file, or the error that refuses it (not UTF-8, empty,
    too many rows, unknown, missing or repeated columns)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _file_error(
            gettext_noop(
                "line %(line)s: the file is not UTF-8 text (byte 0x%(byte)s)",
                line=line,
                byte=f"{data[exc.start]:02X}",
            ),
            gettext_noop("a CSV file encoded as UTF-8"),
        ) from None
    header, rows = _rows(text)
    _check_header(header)
    return header, rows


@dataclass
class _Checked:
    """The rows of a file sorted by what becomes of them (nothing written yet)."""

    imported: list[tuple[_Row, Shipment]]
    already: list[dict[str, Any]]
    failed: list[dict[str, Any]]


def _check_rows(
    *,
    actor: Actor,
    organisation: Organisation,
    header: tuple[str, ...],
    rows: list[_Row],
    progress: Callable[[int], None] | None = None,
) -> _Checked:
    """Each row checked by ``shipment_clean`` and against the shipments already recorded;
    ``progress(n)`` is told every ``PROGRESS_EVERY_ROWS`` rows."""
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
    checked = _Checked(imported=[], already=[], failed=[])
    for done, row in enumerate(rows):
        if progress is not None and done and done % PROGRESS_EVERY_ROWS == 0:
            progress(done)
        _check_row(actor, organisation, header, row, today, cache, existing, seen, checked)
    if progress is not None:
        progress(len(rows))
    return checked


def _check_row(
    actor: Actor,
    organisation: Organisation,
    header: tuple[str, ...],
    row: _Row,
    today: Any,
    cache: ReferenceCache,
    existing: dict[str, Shipment],
    seen: dict[str, int],
    checked: _Checked,
) -> None:
    reference = row.cells.get("reference", "").strip()
    problems: list[dict[str, Any]] = []
    if row.extra_cells:
        problems.append(
            _problem(
                row.line,
                "(row)",
                "",
                wrong(
                    gettext_noop(
                        "%(cells)s cells for %(columns)s columns",
                        cells=len(header) + row.extra_cells,
                        columns=len(header),
                    ),
                    gettext_noop(
                        "one cell per header column (quote a value that contains a comma)"
                    ),
                ),
            )
        )
    if not reference:
        problems.append(
            _problem(
                row.line,
                "reference",
                "",
                wrong(
                    gettext_noop("is required"),
                    gettext_noop(
                        "your key of the consignment, unique in your organisation (e.g. the "
                        "customs declaration MRN and item number)"
                    ),
                ),
            )
        )
    elif reference in seen:
        problems.append(
            _problem(
                row.line,
                "reference",
                reference,
                wrong(
                    gettext_noop(
                        "%(value)s repeats line %(line)s",
                        value=repr(reference),
                        line=seen[reference],
                    ),
                    gettext_noop("one row per consignment"),
                ),
            )
        )
    else:
        seen[reference] = row.line
    stored = existing.get(reference) if reference else None
    if stored is not None and not problems:
        differ = _differences(shipment_stored_data(stored), row.cells)
        if not differ:
            checked.already.append(
                {"line": row.line, "reference": reference, "shipment_id": str(stored.pk)}
            )
            return
        problems.append(
            _problem(
                row.line,
                "reference",
                reference,
                wrong(
                    gettext_noop(
                        "%(value)s is already used by shipment %(shipment)s with different "
                        "%(columns)s",
                        value=repr(reference),
                        shipment=stored.pk,
                        columns=", ".join(differ),
                    ),
                    gettext_noop("a new reference, or edit that shipment"),
                ),
            )
        )
    cleaned = shipment_clean(organisation=organisation, data=row.cells, today=today, cache=cache)
    for column, messages in cleaned.errors.items():
        for message in messages:
            problems.append(_problem(row.line, column, row.cells.get(column, "").strip(), message))
    if problems:
        checked.failed.append({"line": row.line, "reference": reference, "problems": problems})
        return
    checked.imported.append(
        (row, Shipment(organisation=organisation, created_by=actor.user, **cleaned.values))
    )


def _write(
    *, actor: Actor, organisation: Organisation, record: ShipmentImport, checked: _Checked
) -> None:
    """Save ``record`` with its counts and report, the imported shipments and the audit events
    (inside the caller's transaction)."""
    record.rows_imported = len(checked.imported)
    record.rows_already_present = len(checked.already)
    record.rows_failed = len(checked.failed)
    record.report = {
        "file": record.file_name,
        "sha256": record.sha256,
        "rows_total": record.rows_total,
        "imported": [
            {"line": row.line, "reference": s.reference, "shipment_id": str(s.pk)}
            for row, s in checked.imported
        ],
        "already_present": checked.already,
        "failed": checked.failed,
    }
    record.content = None
    record.save()
    shipments = [s for _, s in checked.imported]
    for shipment in shipments:
        shipment.source_import = record
    Shipment.objects.bulk_create(shipments)
    audit_record(
        actor=actor,
        organisation=organisation,
        action=IMPORTED,
        obj=record,
        after={
            "file": record.file_name,
            "sha256": record.sha256,
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


_RACED = gettext_noop(
    "Another upload recorded some of these shipments (or this file) at the same moment; upload "
    "the file again: rows already imported are skipped."
)


def shipments_import_csv(
    *, actor: Actor, organisation: Organisation, upload: UploadedFile | None
) -> tuple[ShipmentImport, bool]:
    """Import the shipments of a CSV upload in the request (the API, the command; see the
    module docstring). Returns the import with its report and whether it is new (False: this
    file was uploaded before)."""
    if upload is None:
        raise ShipmentFileInvalid(
            gettext_noop("No file was uploaded."),
            fields={
                "file": [
                    gettext_noop("is required: send the CSV as multipart/form-data field 'file'")
                ]
            },
        )
    limit = _size_checked(upload.size or 0)
    data = upload.read(limit + 1)
    _size_checked(len(data))
    digest = hashlib.sha256(data).hexdigest()
    previous = ShipmentImport.objects.filter(organisation=organisation, sha256=digest).first()
    if previous is not None:
        return previous, False
    header, rows = _read(data)
    checked = _check_rows(actor=actor, organisation=organisation, header=header, rows=rows)
    record = ShipmentImport(
        organisation=organisation,
        file_name=(upload.name or "")[:255],
        sha256=digest,
        size_bytes=len(data),
        rows_total=len(rows),
        created_by=actor.user,
        created_by_label=actor.label,
    )
    try:
        with transaction.atomic():
            _write(actor=actor, organisation=organisation, record=record, checked=checked)
    except IntegrityError:
        raise Conflict(_RACED) from None
    return record, True


def shipments_upload(
    *, actor: Actor, organisation: Organisation, content: bytes, file_name: str = ""
) -> tuple[ShipmentImport, bool]:
    """Keep an upload for its work row, which checks and writes its rows
    (``shipments_import_run``), once the file as a whole is found readable: too large, not
    UTF-8, too many rows or a bad header raise here and nothing is kept. The same file again
    returns the import made of it first (done or not) and False."""
    _size_checked(len(content))
    digest = hashlib.sha256(content).hexdigest()
    previous = ShipmentImport.objects.filter(organisation=organisation, sha256=digest).first()
    if previous is not None:
        return previous, False
    _header, rows = _read(content)
    try:
        with transaction.atomic():
            record = ShipmentImport.objects.create(
                organisation=organisation,
                file_name=file_name[:255],
                sha256=digest,
                size_bytes=len(content),
                rows_total=len(rows),
                rows_imported=0,
                rows_already_present=0,
                rows_failed=0,
                report=None,
                content=content,
                created_by=actor.user,
                created_by_label=actor.label,
            )
            job = job_create(
                kind=IMPORT_JOB,
                payload={
                    "import_id": str(record.pk),
                    "user_id": str(actor.user.pk) if actor.user is not None else None,
                },
                organisation_id=organisation.pk,
            )
            record.job_id = job.pk
            record.save(update_fields=["job_id"])
            audit_record(
                actor=actor,
                organisation=organisation,
                action=UPLOADED,
                obj=record,
                after={"file": record.file_name, "sha256": digest, "rows_total": len(rows)},
            )
    except IntegrityError:  # the same file uploaded at the same moment
        return ShipmentImport.objects.get(organisation=organisation, sha256=digest), False
    return record, True


def shipments_import_run(*, import_id: str, actor: Actor) -> dict[str, int]:
    """Check and write the rows of a kept upload (the work row's handler), in one transaction
    with its report. Safe to run twice: an import with its report is left as it is. A row
    recorded by another upload at the same moment makes it try again (``TransientJobError``):
    the next attempt reports that row as already present."""
    with transaction.atomic():
        record = (
            ShipmentImport.objects.select_for_update()
            .select_related("organisation")
            .get(pk=import_id)
        )
        if record.report is None:
            header, rows = _read(bytes(record.content or b""))
            checked = _check_rows(
                actor=actor,
                organisation=record.organisation,
                header=header,
                rows=rows,
                progress=lambda done: import_progress_set(import_id=record.pk, done=done),
            )
            try:
                with transaction.atomic():
                    _write(
                        actor=actor,
                        organisation=record.organisation,
                        record=record,
                        checked=checked,
                    )
            except IntegrityError:
                raise TransientJobError(str(_RACED)) from None
    return {
        "rows_total": record.rows_total,
        "rows_imported": record.rows_imported,
        "rows_already_present": record.rows_already_present,
        "rows_failed": record.rows_failed,
    }
