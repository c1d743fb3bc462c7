"""Load versions of the reference tables: check every row first, then write all or nothing.

Reference data is platform-wide (no organisation). Each load writes one audit event with the
acting party, in the same transaction as the rows.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from accounts.audit import Actor, audit_record
from core.errors import Conflict, ValidationFailed
from reference import events
from reference.datasets import (
    BENCHMARKS,
    CN_CODES,
    DATASETS,
    DEFAULT_VALUES,
    GOODS_CATEGORIES,
    MARK_UPS,
    SHIPPED,
    SPECS,
    UNKNOWN_ORIGIN_VALUES,
    CheckContext,
    CsvFile,
    clean_rows,
    column_problem,
    read_csv,
)
from reference.errors import ReferenceDataInvalid, RowProblem
from reference.models import ROW_MODELS, ReferenceVersion
from reference.selectors import reference_version_valid_on

DATA_DIR = Path(__file__).resolve().parent / "data"
_BATCH_SIZE = 1000

PathOrFile = str | os.PathLike[str] | IO[bytes]


@dataclass(frozen=True)
class _Input:
    name: str
    data: bytes


def _read(path_or_file: PathOrFile) -> _Input:
    if isinstance(path_or_file, str | os.PathLike):
        path = Path(path_or_file)
        return _Input(path.name, path.read_bytes())
    data = path_or_file.read()
    if isinstance(data, str):  # a text-mode file handed in by mistake still works
        data = data.encode("utf-8")
    return _Input(Path(str(getattr(path_or_file, "name", "") or "upload.csv")).name, data)


def _needs(dataset: str, valid_from: date) -> RowProblem:
    return RowProblem(
        None,
        None,
        "",
        f"no {dataset} version is valid on {valid_from.isoformat()}",
        f"a {dataset} version valid on that day: load {dataset} first "
        "(manage.py load_reference_data)",
    )


def _check_context(dataset: str, valid_from: date) -> CheckContext | RowProblem:
    """The tables a new ``dataset`` version is checked against, as valid when it starts."""
    fields: dict[str, Any] = {"valid_from": valid_from.isoformat()}
    if dataset in {GOODS_CATEGORIES, CN_CODES, DEFAULT_VALUES, UNKNOWN_ORIGIN_VALUES, BENCHMARKS}:
        cn_version = reference_version_valid_on(dataset=CN_CODES, on=valid_from)
        if cn_version is None and dataset in {DEFAULT_VALUES, UNKNOWN_ORIGIN_VALUES, BENCHMARKS}:
            return _needs(CN_CODES, valid_from)
        if cn_version is not None:
            pairs = list(cn_version.cn_codes.values_list("cn_code", "category"))
            fields["cn_codes"] = frozenset(code for code, _ in pairs)
            fields["cn_code_categories"] = frozenset(category for _, category in pairs)
            fields["cn_codes_version"] = str(cn_version)
    if dataset in {CN_CODES, MARK_UPS}:
        categories_version = reference_version_valid_on(dataset=GOODS_CATEGORIES, on=valid_from)
        if categories_version is None:
            return _needs(GOODS_CATEGORIES, valid_from)
        pairs = list(categories_version.goods_categories.values_list("category", "sector"))
        fields["categories"] = frozenset(category for category, _ in pairs)
        fields["sectors"] = frozenset(sector for _, sector in pairs)
        fields["categories_version"] = str(categories_version)
    return CheckContext(**fields)


def reference_version_load(
    *,
    dataset: str,
    path_or_file: PathOrFile,
    label: str,
    valid_from: date,
    valid_to: date | None = None,
    actor: Actor,
) -> tuple[ReferenceVersion, bool]:
    """Load a CSV as a new version of a reference table: ``(version, created)``.

    Every row is checked before anything is written (columns, numbers, CN codes against the
    CN-code list of Annex I of Reg. 2023/956 valid on ``valid_from``, ISO 3166 country codes or
    "OTHER", categories and sectors, years); any problem raises :class:`ReferenceDataInvalid`
    listing them all, and nothing is written. A file identical to a loaded version of the
    table (same SHA-256) returns that version with ``created`` False.

    Validity: the previous open-ended versions that started before ``valid_from`` end the day
    before it. Without ``valid_to``, a new version loaded for a period before an existing
    later version ends the day before that one starts, so later years keep their figures.
    """
    spec = SPECS.get(dataset)
    if spec is None:
        raise ValidationFailed(
            f"unknown reference table {dataset!r}",
            fields={
                "dataset": [f"{dataset!r} is not a table; expected one of {', '.join(DATASETS)}"]
            },
        )
    label = label.strip()
    if not label or len(label) > 200:
        raise ValidationFailed(
            "a version needs a label",
            fields={
                "label": ["Give a label of 1 to 200 characters, e.g. 'IR 2026/1740 corrected'."]
            },
        )
    if valid_to is not None and valid_to < valid_from:
        raise ValidationFailed(
            "valid_to is before valid_from",
            fields={
                "valid_to": [
                    f"{valid_to.isoformat()} is before valid_from {valid_from.isoformat()}; "
                    "expected the last day the version applies, on or after valid_from"
                ]
            },
        )
    upload = _read(path_or_file)
    digest = hashlib.sha256(upload.data).hexdigest()
    existing = ReferenceVersion.objects.filter(dataset=dataset, sha256=digest).first()
    if existing is not None:
        return existing, False

    parsed = read_csv(upload.data)
    if isinstance(parsed, RowProblem):
        raise ReferenceDataInvalid(dataset=dataset, file_name=upload.name, problems=[parsed])
    problem = column_problem(spec, parsed)
    if problem is not None:
        raise ReferenceDataInvalid(dataset=dataset, file_name=upload.name, problems=[problem])
    context = _check_context(dataset, valid_from)
    if isinstance(context, RowProblem):
        raise ReferenceDataInvalid(dataset=dataset, file_name=upload.name, problems=[context])
    rows, problems = clean_rows(spec, parsed, context)
    if problems:
        raise ReferenceDataInvalid(dataset=dataset, file_name=upload.name, problems=problems)

    try:
        with transaction.atomic():
            version = _write(
                dataset=dataset,
                parsed=parsed,
                rows=rows,
                name=upload.name,
                digest=digest,
                label=label,
                valid_from=valid_from,
                valid_to=valid_to,
                actor=actor,
            )
    except IntegrityError as exc:
        # Two loads of the same table at once: the unique (dataset, number/sha256) refuses one.
        raise Conflict(
            f"another {dataset} version was loaded at the same time; load the file again",
            extra={"dataset": dataset},
        ) from exc
    return version, True


def _write(
    *,
    dataset: str,
    parsed: CsvFile,
    rows: list[dict[str, Any]],
    name: str,
    digest: str,
    label: str,
    valid_from: date,
    valid_to: date | None,
    actor: Actor,
) -> ReferenceVersion:
    same_table = ReferenceVersion.objects.filter(dataset=dataset)
    number = (same_table.aggregate(last=Max("number"))["last"] or 0) + 1
    if valid_to is None:
        next_start = (
            same_table.filter(valid_from__gt=valid_from)
            .order_by("valid_from")
            .values_list("valid_from", flat=True)
            .first()
        )
        if next_start is not None:
            valid_to = next_start - timedelta(days=1)
    version = ReferenceVersion.objects.create(
        dataset=dataset,
        number=number,
        label=label,
        source=parsed.source,
        file_name=name,
        valid_from=valid_from,
        valid_to=valid_to,
        sha256=digest,
        row_count=len(rows),
    )
    model = ROW_MODELS[dataset]
    model.objects.bulk_create(
        (model(**{**values, "version": version}) for values in rows), batch_size=_BATCH_SIZE
    )
    closed = []
    previous = (
        same_table.select_for_update()
        .filter(valid_to__isnull=True, valid_from__lt=valid_from)
        .exclude(pk=version.pk)
        .order_by("id")
    )
    for old in previous:
        old.valid_to = valid_from - timedelta(days=1)
        old.save(update_fields=["valid_to"])
        closed.append({"version": str(old), "valid_to": old.valid_to.isoformat()})
    audit_record(
        actor=actor,
        organisation=None,
        action=events.REFERENCE_VERSION_LOADED,
        obj=version,
        after={
            "dataset": dataset,
            "number": number,
            "label": label,
            "file": name,
            "sha256": digest,
            "row_count": len(rows),
            "valid_from": valid_from.isoformat(),
            "valid_to": valid_to.isoformat() if valid_to else None,
            "closed": closed,
        },
    )
    return version


def reference_data_load_shipped(*, actor: Actor) -> list[tuple[ReferenceVersion, bool]]:
    """Load every file shipped in ``reference/data/`` (``datasets.SHIPPED``: the tables of the
    definitive period, valid from 1 January 2026) in dependency order, in one transaction.
    Idempotent: a file already loaded returns its version with ``created`` False."""
    with transaction.atomic():
        return [
            reference_version_load(
                dataset=shipped.dataset,
                path_or_file=DATA_DIR / shipped.file_name,
                label=shipped.label,
                valid_from=shipped.valid_from,
                actor=actor,
            )
            for shipped in SHIPPED
        ]
