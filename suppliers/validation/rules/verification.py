"""CBAM-VERIFY-*: actual values of the definitive period need a verification statement.

From 2026 (the definitive period) the embedded emissions declared must be verified by an
accredited verifier; without a statement covering the reference period, buyers must declare the
default value. The footprint can still be reviewed and published (it is the producer's data), so
these findings are warnings that carry ``default_value_required``: they flag it, they do not
block it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Literal

from suppliers.validation.registry import rule
from suppliers.validation.rules._common import in_definitive_period
from suppliers.validation.types import Finding, FootprintFacts, RuleContext

_SOURCE = "Reg. (EU) 2023/956 Art. 8 and Annex VI"

Gap = Literal["missing", "date", "verifier", "declined"]


def verifier_named(facts: FootprintFacts) -> bool:
    return bool(facts.verifier_name.strip()) or bool(facts.verifier_organisation_slug)


def statement_gap(
    *,
    statement: date | None,
    period_start: date,
    verifier_named: bool,
    declined: bool,
    today: date,
) -> Gap | None:
    """Why a verification statement cannot back the actual values: no statement, a date that
    cannot cover the period (on or before its start, or in the future), no verifier named, the
    platform verifier named declined this submission; None when it can."""
    if statement is None:
        return "missing"
    if statement <= period_start or statement > today:
        return "date"
    if not verifier_named:
        return "verifier"
    if declined:
        return "declined"
    return None


def verification_gap(facts: FootprintFacts, today: date) -> Gap | None:
    """``statement_gap`` of a footprint's facts."""
    return statement_gap(
        statement=facts.verification_statement_date,
        period_start=facts.period_start,
        verifier_named=verifier_named(facts),
        declined=facts.verifier_declined,
        today=today,
    )


def actual_data_verified(facts: FootprintFacts, today: date) -> bool:
    """The actual values can be used: transitional period, or a statement that can cover it."""
    return not in_definitive_period(facts) or verification_gap(facts, today) is None


def _period(facts: FootprintFacts) -> str:
    return f"{facts.period_start.isoformat()}/{facts.period_end.isoformat()}"


@rule(code="CBAM-VERIFY-001", title="A verification statement is given", legal_source=_SOURCE)
def statement_given(ctx: RuleContext) -> Iterator[Finding]:
    """Actual embedded emissions of the definitive period must be verified by an accredited
    verifier (Reg. (EU) 2023/956 Art. 8 and Annex VI).

    Warning at ``verification``, default value required, when a period ending on or after
    2026-01-01 has no verification statement."""
    facts = ctx.facts
    if not in_definitive_period(facts) or verification_gap(facts, ctx.today) != "missing":
        return
    yield Finding(
        code="CBAM-VERIFY-001",
        severity="warning",
        path="verification",
        message_en=(
            f"No verification statement for the period {_period(facts)}: from 2026, actual "
            "values need one from an accredited verifier, so buyers must use the default value "
            "until it is added."
        ),
        message_zh=(
            f"报告期 {_period(facts)} 没有核查声明：自 2026 年起，实际数据须经认可核查机构核查，"
            "在补充核查声明之前，买方必须采用默认值。"
        ),
        evidence={"period_end": facts.period_end.isoformat(), "statement_date": ""},
        default_value_required=True,
    )


@rule(
    code="CBAM-VERIFY-002",
    title="The statement can cover the period",
    legal_source=_SOURCE,
)
def statement_covers_the_period(ctx: RuleContext) -> Iterator[Finding]:
    """A statement verifies the data of the reference period (Reg. (EU) 2023/956 Art. 8 and
    Annex VI), so it is dated after the period started and not in the future.

    Warning at ``verification.statement_date``, default value required, otherwise."""
    facts = ctx.facts
    if not in_definitive_period(facts) or verification_gap(facts, ctx.today) != "date":
        return
    statement = facts.verification_statement_date
    if statement is None:  # a "date" gap always has one
        return
    if statement > ctx.today:
        why_en, why_zh = (
            f"it is dated in the future (today is {ctx.today.isoformat()})",
            "日期晚于今天",
        )
    else:
        why_en = f"it is dated before the period started ({facts.period_start.isoformat()})"
        why_zh = f"日期早于报告期开始（{facts.period_start.isoformat()}）"
    yield Finding(
        code="CBAM-VERIFY-002",
        severity="warning",
        path="verification.statement_date",
        message_en=(
            f"The verification statement of {statement.isoformat()} cannot cover the period "
            f"{_period(facts)}: {why_en}. Buyers must use the default value until a statement "
            "covering the period is given."
        ),
        message_zh=(
            f"{statement.isoformat()} 的核查声明不能覆盖报告期 {_period(facts)}：{why_zh}。"
            "在提供覆盖该报告期的核查声明之前，买方必须采用默认值。"
        ),
        evidence={
            "statement_date": statement.isoformat(),
            "period_start": facts.period_start.isoformat(),
            "period_end": facts.period_end.isoformat(),
            "today": ctx.today.isoformat(),
        },
        default_value_required=True,
    )


@rule(code="CBAM-VERIFY-003", title="The verifier is named", legal_source=_SOURCE)
def verifier_is_named(ctx: RuleContext) -> Iterator[Finding]:
    """Only an accredited verifier's statement counts (Reg. (EU) 2023/956 Art. 8 and Annex VI):
    a verifier organisation of the platform, or the verifier's name (with its accreditation).

    Warning at ``verification.verifier_name``, default value required, when neither is given."""
    facts = ctx.facts
    if not in_definitive_period(facts) or verification_gap(facts, ctx.today) != "verifier":
        return
    yield Finding(
        code="CBAM-VERIFY-003",
        severity="warning",
        path="verification.verifier_name",
        message_en=(
            "The verification statement names no verifier: give the verifier organisation on the "
            "platform, or the accredited verifier's name and accreditation number. Until then "
            "buyers must use the default value."
        ),
        message_zh=(
            "核查声明未注明核查机构：请填写平台上的核查机构，或认可核查机构的名称及认可编号。"
            "在此之前，买方必须采用默认值。"
        ),
        evidence={"statement_date": str(facts.verification_statement_date or "")},
        default_value_required=True,
    )


@rule(
    code="CBAM-VERIFY-004",
    title="The statement was issued after the period",
    legal_source=_SOURCE,
)
def statement_after_the_period(ctx: RuleContext) -> Iterator[Finding]:
    """A statement issued before the period ended can have verified only the months up to then
    (Reg. (EU) 2023/956 Art. 8 and Annex VI); the rest are estimates.

    Info at ``verification.statement_date`` so the reviewer checks what it covers."""
    facts = ctx.facts
    statement = facts.verification_statement_date
    if not in_definitive_period(facts) or verification_gap(facts, ctx.today) is not None:
        return
    if statement is None or statement > facts.period_end:
        return
    yield Finding(
        code="CBAM-VERIFY-004",
        severity="info",
        path="verification.statement_date",
        message_en=(
            f"The verification statement of {statement.isoformat()} was issued before the period "
            f"ended ({facts.period_end.isoformat()}): check that it covers the whole period and "
            "which months are estimates."
        ),
        message_zh=(
            f"{statement.isoformat()} 的核查声明早于报告期结束（{facts.period_end.isoformat()}）"
            "签发：请确认其是否覆盖整个报告期，以及哪些月份为估算数据。"
        ),
        evidence={
            "statement_date": statement.isoformat(),
            "period_end": facts.period_end.isoformat(),
        },
    )


@rule(
    code="CBAM-VERIFY-005",
    title="The platform verifier confirmed the statement",
    legal_source=_SOURCE,
)
def verifier_confirmed(ctx: RuleContext) -> Iterator[Finding]:
    """A verifier of the platform confirms its statements on the platform (Reg. (EU) 2023/956
    Art. 8 and Annex VI: the statement is the verifier's, not the producer's).

    Info at ``verification`` while a named platform verifier has not confirmed."""
    facts = ctx.facts
    if not in_definitive_period(facts) or verification_gap(facts, ctx.today) is not None:
        return
    if not facts.verifier_organisation_slug or facts.verifier_confirmed:
        return
    yield Finding(
        code="CBAM-VERIFY-005",
        severity="info",
        path="verification",
        message_en=(
            f"The verifier {facts.verifier_organisation_slug} has not yet confirmed the statement "
            "on the platform."
        ),
        message_zh=f"核查机构 {facts.verifier_organisation_slug} 尚未在平台上确认该核查声明。",
        evidence={"verifier_organisation": facts.verifier_organisation_slug},
    )


@rule(
    code="CBAM-VERIFY-006",
    title="The platform verifier did not decline the statement",
    legal_source=_SOURCE,
)
def verifier_did_not_decline(ctx: RuleContext) -> Iterator[Finding]:
    """The statement is the verifier's (Reg. (EU) 2023/956 Art. 8 and Annex VI): once the
    platform verifier named has declined to confirm this submission, it backs nothing.

    Warning at ``verification``, default value required, until a new submission is answered
    otherwise (submitting again asks the verifier again)."""
    facts = ctx.facts
    verifier = facts.verifier_organisation_slug
    if (
        not in_definitive_period(facts)
        or verification_gap(facts, ctx.today) != "declined"
        or verifier is None  # only a platform verifier declines
    ):
        return
    yield Finding(
        code="CBAM-VERIFY-006",
        severity="warning",
        path="verification",
        message_en=(
            f"The verifier {verifier} declined to confirm the "
            "verification statement on the platform: buyers must use the default value until "
            "a new submission is confirmed."
        ),
        message_zh=(
            f"核查机构 {verifier} 在平台上不予确认该核查声明："
            "在新提交的版本获得确认之前，买方必须采用默认值。"
        ),
        evidence={"verifier_organisation": verifier},
        default_value_required=True,
    )
