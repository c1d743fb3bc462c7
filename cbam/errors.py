"""The one error the calculation engine raises for bad input: a list of problems with paths.

Every problem names where it is (a JSON path into the request, e.g.
``goods[1].precursors[0].good``), what is wrong and, where it helps, what would be right. The
parser collects *all* problems before raising, so a user fixes a request in one round.

``CalculationError`` mirrors the attributes of ``core.errors.ApplicationError`` (``status``,
``code``, ``message``, ``extra``) without importing it, so the engine stays standard-library
only; the service layer re-raises it as a ``ValidationFailed`` with the same ``extra``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# Problem codes (stable, machine-readable).
REQUIRED = "required"
NOT_A_NUMBER = "not_a_number"
NEGATIVE = "negative"
ZERO_VALUE = "zero"
INVALID = "invalid"
UNKNOWN_CN_CODE = "unknown_cn_code"
OUT_OF_SCOPE = "out_of_scope"
UNKNOWN_GOOD = "unknown_good"
DUPLICATE_ID = "duplicate_id"
CYCLE = "cycle"
NO_DEFAULT_VALUE = "no_default_value"
NO_UNKNOWN_ORIGIN_VALUE = "no_unknown_origin_value"
NO_ELECTRICITY_FACTOR = "no_electricity_factor"
NO_BENCHMARK = "no_benchmark"
CONFLICT = "conflict"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: where (JSON path), what, and a stable code."""

    path: str
    message: str
    code: str = INVALID

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "code": self.code, "message": self.message}


class ProblemsError(Exception):
    """Bad input, with *every* problem found: the base of the pure packages' errors
    (``CalculationError`` here, ``suppliers.pact.errors.FootprintDocumentError``)."""

    status: int = 400
    code: str = "invalid"
    #: What the problems are in, for the message: "2 problems in <subject>; first: …".
    subject: str = "the input"

    def __init__(self, problems: Iterable[Problem], message: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError(f"{type(self).__name__} needs at least one problem")
        if message is None:
            first = self.problems[0]
            count = len(self.problems)
            noun = "problem" if count == 1 else "problems"
            message = f"{count} {noun} in {self.subject}; first: {first.path}: {first.message}"
        self.message = message
        self.extra: dict[str, Any] = {"problems": [p.as_dict() for p in self.problems]}
        super().__init__(message)

    @property
    def paths(self) -> list[str]:
        return [p.path for p in self.problems]


class CalculationError(ProblemsError):
    """The input cannot be calculated; ``problems`` lists every reason found."""

    code = "calculation_invalid"
    subject = "the calculation input"
