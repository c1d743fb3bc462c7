"""The one error the footprint document builder raises: every problem of the input, with paths.

Each problem names where it is (a path into :class:`~suppliers.pact.inputs.FootprintDocumentInput`,
e.g. ``reference_period_end`` or ``precursors[1].footprint_id``), what is wrong and what would
be right. The builder collects *all* problems before raising, so the caller fixes the input in
one round.

``FootprintDocumentError`` mirrors the attributes of ``core.errors.ApplicationError``
(``status``, ``code``, ``message``, ``extra``) without importing it, so the package stays free
of Django and of the rest of the project (like ``exchange.calculations.errors``); the service
that publishes a footprint re-raises it as a ``ValidationFailed`` with the same ``extra``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# Problem codes (stable, machine-readable).
REQUIRED = "required"
INVALID = "invalid"
NEGATIVE = "negative"
NOT_POSITIVE = "not_positive"
OUT_OF_RANGE = "out_of_range"
TOO_PRECISE = "too_precise"
ORDER = "order"
DUPLICATE = "duplicate"
CONFLICT = "conflict"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: where (field path), what, and a stable code."""

    path: str
    message: str
    code: str = INVALID

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "code": self.code, "message": self.message}


class FootprintDocumentError(ValueError):
    """The input cannot become a PACT ProductFootprint; ``problems`` lists every reason."""

    status: int = 400
    code: str = "footprint_document_invalid"

    def __init__(self, problems: Iterable[Problem], message: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("FootprintDocumentError needs at least one problem")
        if message is None:
            first = self.problems[0]
            count = len(self.problems)
            noun = "problem" if count == 1 else "problems"
            message = (
                f"{count} {noun} in the footprint document input; "
                f"first: {first.path}: {first.message}"
            )
        self.message = message
        self.extra: dict[str, Any] = {"problems": [p.as_dict() for p in self.problems]}
        super().__init__(message)

    @property
    def paths(self) -> list[str]:
        return [p.path for p in self.problems]
