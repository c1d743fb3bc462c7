"""Reading a reference CSV: source notes, header, numbered rows; checking its columns."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from reference.datasets.specs import DatasetSpec
from reference.errors import RowProblem


@dataclass(frozen=True)
class CsvFile:
    """A reference CSV: its ``#`` notes, its header (and its line) and numbered data rows."""

    source: str
    header_line: int
    columns: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]


def read_csv(data: bytes) -> CsvFile | RowProblem:
    """Split the file into notes, header and rows; a file-level problem instead when unreadable.

    Lines starting with ``#`` are source notes (kept as the version's source text); the first
    other line is the header. Line numbers are physical lines, so they match an editor's.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return RowProblem(
            data[: exc.start].count(b"\n") + 1,
            None,
            "",
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02X})",
            "a CSV file encoded as UTF-8",
        )
    notes: list[str] = []
    numbers: list[int] = []

    def lines() -> Iterator[str]:
        for number, line in enumerate(io.StringIO(text, newline=""), start=1):
            if line.startswith("#"):
                notes.append(line.rstrip("\r\n"))
                continue
            if not line.strip():
                continue
            numbers.append(number)
            yield line

    reader = csv.reader(lines())
    header = next(reader, None)
    if header is None:
        return RowProblem(
            None, None, "", "the file has no header line", "a header line naming the columns"
        )
    header_line = numbers[-1]
    columns = tuple(name.strip() for name in header)
    rows: list[tuple[int, dict[str, str]]] = []
    for record in reader:
        # A quoted value may span several physical lines: report the row's first line.
        first = numbers[-1] - sum(value.count("\n") for value in record)
        values = {
            name: (record[i].strip() if i < len(record) else "") for i, name in enumerate(columns)
        }
        if len(record) > len(columns):
            values[""] = ",".join(record[len(columns) :])
        rows.append((first, values))
    return CsvFile(
        source="\n".join(notes), header_line=header_line, columns=columns, rows=tuple(rows)
    )


def column_problem(spec: DatasetSpec, csv_file: CsvFile) -> RowProblem | None:
    """One problem naming expected and found columns, or None when the header is right."""
    found = csv_file.columns
    allowed = set(spec.required) | set(spec.optional)
    missing = [c for c in spec.required if c not in found]
    unexpected = [c for c in found if c not in allowed]
    repeated = sorted({c for c in found if found.count(c) > 1})
    if not (missing or unexpected or repeated):
        return None
    details = [f"found {', '.join(found)}"]
    if missing:
        details.append(f"missing {', '.join(missing)}")
    if unexpected:
        details.append(f"not allowed {', '.join(c or '(blank)' for c in unexpected)}")
    if repeated:
        details.append(f"repeated {', '.join(repeated)}")
    expected = ", ".join(spec.required)
    if spec.optional:
        expected += f" (optional: {', '.join(spec.optional)})"
    return RowProblem(
        csv_file.header_line,
        None,
        "",
        f"wrong columns for {spec.name}: " + "; ".join(details),
        expected,
    )
