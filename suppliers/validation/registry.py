"""The one registry of validation rules.

A rule is a small pure function decorated with ``@rule(code=..., title=..., legal_source=...)``
in its own module under ``suppliers/validation/rules/``; ``rules/__init__.py`` imports every
module so that importing the package registers them all. Codes are listed and explained in
``docs/validation-rules.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from suppliers.validation.types import Finding, RuleContext

RuleFunction = Callable[[RuleContext], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    legal_source: str
    check: RuleFunction


RULES: dict[str, Rule] = {}


def rule(*, code: str, title: str, legal_source: str) -> Callable[[RuleFunction], RuleFunction]:
    """Register ``check`` under ``code`` (e.g. ``"CBAM-UNIT-001"``)."""

    def decorator(check: RuleFunction) -> RuleFunction:
        existing = RULES.get(code)
        if existing is not None and existing.check is not check:
            raise ValueError(f"rule code {code} is already registered by {existing.check!r}")
        RULES[code] = Rule(code=code, title=title, legal_source=legal_source, check=check)
        return check

    return decorator


class RuleCrashed(Exception):
    """A rule raised an unexpected exception: the run fails with the rule's code (never a
    silent pass), and the work row is retried up to its attempt limit."""

    def __init__(self, code: str, error: BaseException) -> None:
        super().__init__(f"rule {code} crashed: {type(error).__name__}: {error}")
        self.code = code


def rules_version() -> str:
    """A stable label of the rule set, stored on each run: the sorted codes."""
    import hashlib

    return hashlib.sha256(",".join(sorted(RULES)).encode()).hexdigest()[:12]


def run_rules(ctx: RuleContext) -> list[Finding]:
    """Every registered rule over ``ctx``, findings in a stable order (code, path)."""
    findings: list[Finding] = []
    for code in sorted(RULES):
        try:
            findings.extend(RULES[code].check(ctx))
        except Exception as exc:
            raise RuleCrashed(code, exc) from exc
    return sorted(findings, key=lambda f: (f.code, f.path, f.message_en))
