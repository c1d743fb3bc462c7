"""What a validation run keeps of its rules' output (pure: no ORM, no I/O).

- ``findings_unique``: the findings to store, a finding its rule repeated once; a severity
  that is not one of ``SEVERITIES`` is that rule's crash (``RuleCrashed``).
- ``finding_key``: the SHA-256 of code, path and English message, unique per run
  (``ValidationFinding.key``), so a repeated write can never store a finding twice.
- ``input_findings``: input that cannot be read or computed (no reference data for the period,
  a unit that does not fit) is itself a finding, ``CBAM-INPUT-000`` (error), never a crash.
"""

from __future__ import annotations

import hashlib

from cbam.messages import gettext_noop
from suppliers.validation.registry import RuleCrashed
from suppliers.validation.types import SEVERITIES, Finding

#: The finding for input that cannot be parsed or computed.
INPUT_CODE = "CBAM-INPUT-000"


def findings_unique(findings: list[Finding]) -> list[Finding]:
    """The findings to store: a finding repeated by its rule once; a severity that is not one
    of ``SEVERITIES`` is the rule's crash."""
    seen: set[str] = set()
    unique: list[Finding] = []
    for finding in findings:
        if finding.severity not in SEVERITIES:
            raise RuleCrashed(
                finding.code,
                ValueError(f"severity {finding.severity!r} is not one of {', '.join(SEVERITIES)}"),
            )
        key = finding_key(finding)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def finding_key(finding: Finding) -> str:
    raw = "\x00".join((finding.code, finding.path, finding.message_en))
    return hashlib.sha256(raw.encode()).hexdigest()


def input_findings(problems: dict[str, list[str]]) -> list[Finding]:
    """One ``CBAM-INPUT-000`` error per problem. The detail comes from the input checks, in
    English; the Chinese message frames it. ``message_en`` stays a translatable ``Message``
    (its problem too, when the input layer wrote one), so a page says all of it in its
    language (``core.messages.localise``)."""
    return [
        Finding(
            code=INPUT_CODE,
            severity="error",
            path=path,
            message_en=gettext_noop(
                "This input cannot be read or computed: %(problem)s", problem=message
            ),
            message_zh=f"无法读取或计算此项输入（{path or '文档'}）：{message}",
            evidence={},
        )
        for path, messages in problems.items()
        for message in messages
    ]
