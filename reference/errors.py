"""Errors of reference-data loading: every bad row is reported, with line, column and value."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.errors import ValidationFailed


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One thing wrong in a reference CSV: where (line, column), what was found, what is expected.

    ``line`` is the physical line of the file (1 = first line, ``#`` lines counted), None for a
    problem of the file as a whole; ``column`` is None for a problem of the header.
    """

    line: int | None
    column: str | None
    value: str
    problem: str
    expected: str

    @property
    def text(self) -> str:
        where = ", ".join(
            part
            for part in (
                f"line {self.line}" if self.line is not None else "",
                f"column {self.column}" if self.column is not None else "",
            )
            if part
        )
        found = f"{self.value!r} {self.problem}" if self.column is not None else self.problem
        head = f"{where}: {found}" if where else found
        return f"{head}; expected {self.expected}" if self.expected else head

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "message": self.text,
        }


class ReferenceDataInvalid(ValidationFailed):
    """A reference CSV was refused; ``problems`` lists every bad row. Nothing was written."""

    code = "reference_data_invalid"

    def __init__(self, *, dataset: str, file_name: str, problems: Sequence[RowProblem]) -> None:
        self.dataset = dataset
        self.file_name = file_name
        self.problems: tuple[RowProblem, ...] = tuple(problems)
        count = len(self.problems)
        super().__init__(
            f"{dataset}: {count} problem{'s' if count != 1 else ''} in {file_name}; "
            "nothing was loaded",
            extra={
                "dataset": dataset,
                "file": file_name,
                "problems": [p.as_dict() for p in self.problems],
            },
        )


class ReferenceDataMissing(ValidationFailed):
    """No version of a reference table is valid on the date asked (a date before the
    definitive period, or reference data not loaded): the date cannot be calculated."""

    code = "reference_data_missing"
