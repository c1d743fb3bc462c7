"""What is wrong with a workbook, cell by cell, in English and Simplified Chinese.

A :class:`Problem` names its cell as ``sheet!cell`` (or the file, a sheet), what was found and
what was expected. Severity ``error`` refuses the file (nothing is written), or, with the
"import what is valid" choice, leaves out what it concerns (its :class:`Subject`: a production
process, a purchased precursor or a good; a problem without one concerns the whole file and
still refuses it); ``warning`` is reported and the import goes on (the workbook's own result
differs from the engine's).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]
SubjectKind = Literal["process", "purchased", "good"]


@dataclass(frozen=True, slots=True)
class Subject:
    """What a problem concerns when it is not the whole file: production process P<index>
    (1-10), purchased precursor PP<index> (1-20) or the good of Summary_Products row
    ``index``."""

    kind: SubjectKind
    index: int


@dataclass(frozen=True, slots=True)
class Problem:
    cell: str
    code: str
    message_en: str
    message_zh: str
    severity: Severity = "error"
    #: None: the whole file (never left out, always refused).
    subject: Subject | None = None

    def as_dict(self) -> dict[str, str]:
        return {
            "cell": self.cell,
            "code": self.code,
            "severity": self.severity,
            "message_en": self.message_en,
            "message_zh": self.message_zh,
        }


class TemplateRefused(Exception):
    """The workbook cannot be imported; ``problems`` says why, every one at once."""

    def __init__(self, problems: list[Problem], *, template_version: str | None = None) -> None:
        super().__init__("; ".join(f"{p.cell}: {p.message_en}" for p in problems))
        self.problems = problems
        self.template_version = template_version


def shown(value: object) -> str:
    """A cell's content as a message quotes it: text in quotes (cut at 60), others as text."""
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return repr(text)
    return str(value)
