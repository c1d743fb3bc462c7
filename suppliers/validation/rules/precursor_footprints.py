"""CBAM-PRECURSOR-*: a precursor's footprint referenced from the platform can be relied on.

Only for precursors whose SEE comes from a footprint published on the platform
(``see_source == "platform_footprint"``). A finding marked ``default_value_required`` means the
precursor's actual figures cannot be used: its default value applies instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from suppliers.validation.registry import rule
from suppliers.validation.rules._common import DEFINITIVE_PERIOD_START, precursor_path
from suppliers.validation.types import (
    Finding,
    PrecursorFacts,
    ReferencedFootprintFacts,
    RuleContext,
)

_SOURCE = "IR (EU) 2025/2547 Annex III point B; Reg. (EU) 2023/956 Art. 8"
PLATFORM_FOOTPRINT = "platform_footprint"


def _referenced(ctx: RuleContext) -> Iterator[tuple[PrecursorFacts, ReferencedFootprintFacts]]:
    for precursor in ctx.facts.precursors:
        if precursor.see_source == PLATFORM_FOOTPRINT and precursor.source is not None:
            yield precursor, precursor.source


def _evidence(source: ReferencedFootprintFacts, **extra: str) -> dict[str, str]:
    return {"footprint": source.id, "organisation": source.organisation_slug, **extra}


def _revoked_before_signing(source: ReferencedFootprintFacts) -> bool:
    return source.key_revoked_at is not None and not source.revoked_later


@rule(code="CBAM-PRECURSOR-001", title="The signature is valid", legal_source=_SOURCE)
def signature_is_valid(ctx: RuleContext) -> Iterator[Finding]:
    """A supplier's actual figures count only when they are the supplier's, unaltered (IR (EU)
    2025/2547 Annex III point B; Reg. (EU) 2023/956 Art. 8): the signature over the published
    document must verify.

    Error at ``precursors[i].source_footprint``, default value required. A signature made with
    a key revoked before signing is CBAM-PRECURSOR-002 instead."""
    for precursor, source in _referenced(ctx):
        if source.signature_valid or _revoked_before_signing(source):
            continue
        yield Finding(
            code="CBAM-PRECURSOR-001",
            severity="error",
            path=precursor_path(precursor, "source_footprint"),
            message_en=(
                f"The signature of footprint {source.id} ({source.organisation_slug}) does not "
                f"verify: {source.signature_reason}. Its figures cannot be used; the default "
                "value applies to this precursor."
            ),
            message_zh=(
                f"碳足迹 {source.id}（{source.organisation_slug}）的签名验证失败："
                f"{source.signature_reason}。其数据不能使用，该前体物须采用默认值。"
            ),
            evidence=_evidence(source, signature_reason=source.signature_reason),
            default_value_required=True,
        )


@rule(code="CBAM-PRECURSOR-002", title="The signing key was not revoked", legal_source=_SOURCE)
def key_not_revoked_before_signing(ctx: RuleContext) -> Iterator[Finding]:
    """A signature made with a key already revoked proves nothing (IR (EU) 2025/2547 Annex III
    point B; Reg. (EU) 2023/956 Art. 8).

    Error at ``precursors[i].source_footprint``, default value required, when the key was
    revoked at or before the signature."""
    for precursor, source in _referenced(ctx):
        if not _revoked_before_signing(source) or source.key_revoked_at is None:
            continue
        revoked = source.key_revoked_at.isoformat()
        yield Finding(
            code="CBAM-PRECURSOR-002",
            severity="error",
            path=precursor_path(precursor, "source_footprint"),
            message_en=(
                f"Footprint {source.id} ({source.organisation_slug}) was signed with a key "
                f"revoked on {revoked}, before the signature. Its figures cannot be used; the "
                "default value applies to this precursor. Ask the supplier to publish it again."
            ),
            message_zh=(
                f"碳足迹 {source.id}（{source.organisation_slug}）的签名密钥已于 {revoked} "
                "被吊销，早于签名时间。其数据不能使用，该前体物须采用默认值。请供应商重新发布。"
            ),
            evidence=_evidence(source, key_revoked_at=revoked),
            default_value_required=True,
        )


@rule(code="CBAM-PRECURSOR-003", title="The signing key was revoked later", legal_source=_SOURCE)
def key_revoked_after_signing(ctx: RuleContext) -> Iterator[Finding]:
    """A key revoked after the signature leaves the signature valid, but the revocation says
    something went wrong with the supplier's keys (IR (EU) 2025/2547 Annex III point B;
    Reg. (EU) 2023/956 Art. 8); the signing time is the signer's own claim.

    Warning at ``precursors[i].source_footprint``."""
    for precursor, source in _referenced(ctx):
        if not source.revoked_later or source.key_revoked_at is None:
            continue
        revoked = source.key_revoked_at.isoformat()
        yield Finding(
            code="CBAM-PRECURSOR-003",
            severity="warning",
            path=precursor_path(precursor, "source_footprint"),
            message_en=(
                f"The key that signed footprint {source.id} ({source.organisation_slug}) was "
                f"revoked on {revoked}, after the signature. The signature stays valid; ask the "
                "supplier why the key was revoked."
            ),
            message_zh=(
                f"签署碳足迹 {source.id}（{source.organisation_slug}）的密钥已于 {revoked} "
                "被吊销，晚于签名时间。签名仍然有效；请向供应商了解吊销原因。"
            ),
            evidence=_evidence(source, key_revoked_at=revoked),
        )


@rule(code="CBAM-PRECURSOR-004", title="The footprint is the newest", legal_source=_SOURCE)
def footprint_not_deprecated(ctx: RuleContext) -> Iterator[Finding]:
    """A deprecated footprint has a newer version (IR (EU) 2025/2547 Annex III point B; Reg.
    (EU) 2023/956 Art. 8): the supplier corrected it.

    Warning at ``precursors[i].source_footprint``."""
    for precursor, source in _referenced(ctx):
        if source.status != "deprecated":
            continue
        yield Finding(
            code="CBAM-PRECURSOR-004",
            severity="warning",
            path=precursor_path(precursor, "source_footprint"),
            message_en=(
                f"Footprint {source.id} ({source.organisation_slug}) is deprecated: the supplier "
                "published a newer version. Use the newer footprint."
            ),
            message_zh=(
                f"碳足迹 {source.id}（{source.organisation_slug}）已被弃用：供应商已发布新版本。"
                "请改用新版本。"
            ),
            evidence=_evidence(source, status=source.status),
        )


@rule(code="CBAM-PRECURSOR-005", title="The footprint is published", legal_source=_SOURCE)
def footprint_is_published(ctx: RuleContext) -> Iterator[Finding]:
    """Only published (signed) footprints carry a supplier's figures (IR (EU) 2025/2547 Annex III
    point B; Reg. (EU) 2023/956 Art. 8).

    Error at ``precursors[i].source_footprint``, default value required, when the referenced
    footprint is missing or neither published nor deprecated."""
    for precursor in ctx.facts.precursors:
        if precursor.see_source != PLATFORM_FOOTPRINT:
            continue
        source = precursor.source
        if source is not None and source.status in ("published", "deprecated"):
            continue
        status = source.status if source is not None else "missing"
        ident = source.id if source is not None else ""
        yield Finding(
            code="CBAM-PRECURSOR-005",
            severity="error",
            path=precursor_path(precursor, "source_footprint"),
            message_en=(
                f"The referenced footprint {ident or '(none)'} is not published (status: "
                f"{status}). Its figures cannot be used; the default value applies to this "
                "precursor."
            ),
            message_zh=(
                f"所引用的碳足迹 {ident or '（无）'} 未发布（状态：{status}），其数据不能使用，"
                "该前体物须采用默认值。"
            ),
            evidence={"footprint": ident, "status": status},
            default_value_required=True,
        )


@rule(code="CBAM-PRECURSOR-006", title="The reference periods overlap", legal_source=_SOURCE)
def reference_periods_overlap(ctx: RuleContext) -> Iterator[Finding]:
    """A precursor's SEE should be that of the precursor consumed in the period (IR (EU)
    2025/2547 Annex III point B; Reg. (EU) 2023/956 Art. 8): a footprint of another period is
    a stand-in.

    Warning at ``precursors[i].source_footprint`` when the periods do not overlap."""
    facts = ctx.facts
    for precursor, source in _referenced(ctx):
        if source.period_start <= facts.period_end and source.period_end >= facts.period_start:
            continue
        theirs = f"{source.period_start.isoformat()}/{source.period_end.isoformat()}"
        ours = f"{facts.period_start.isoformat()}/{facts.period_end.isoformat()}"
        yield Finding(
            code="CBAM-PRECURSOR-006",
            severity="warning",
            path=precursor_path(precursor, "source_footprint"),
            message_en=(
                f"Footprint {source.id} covers {theirs}, which does not overlap this footprint's "
                f"period {ours}. Use the supplier's footprint for the period the precursor was "
                "consumed in."
            ),
            message_zh=(
                f"碳足迹 {source.id} 的报告期为 {theirs}，与本碳足迹的报告期 {ours} 不重叠。"
                "请使用该前体物消耗期间对应的供应商碳足迹。"
            ),
            evidence=_evidence(source, source_period=theirs, period=ours),
        )


@rule(code="CBAM-PRECURSOR-007", title="The footprint is verified", legal_source=_SOURCE)
def footprint_is_verified(ctx: RuleContext) -> Iterator[Finding]:
    """A purchased precursor may use actual data only with a verification report covering its
    production period (IR (EU) 2025/2547 Annex III point B; Reg. (EU) 2023/956 Art. 8), from
    the definitive period (2026) on.

    Warning at ``precursors[i].source_footprint``, default value required, when the referenced
    footprint of a definitive-period production has no verification statement."""
    for precursor, source in _referenced(ctx):
        if source.period_end < DEFINITIVE_PERIOD_START:
            continue
        if source.verification_statement_date is not None:
            continue
        yield Finding(
            code="CBAM-PRECURSOR-007",
            severity="warning",
            path=precursor_path(precursor, "source_footprint"),
            message_en=(
                f"Footprint {source.id} ({source.organisation_slug}) has no verification "
                "statement: from 2026 a precursor's actual figures need one, so the default "
                "value applies to this precursor until the supplier adds it."
            ),
            message_zh=(
                f"碳足迹 {source.id}（{source.organisation_slug}）没有核查声明：自 2026 年起，"
                "前体物的实际数据须经核查，在供应商补充核查声明之前，该前体物须采用默认值。"
            ),
            evidence=_evidence(source, period_end=source.period_end.isoformat()),
            default_value_required=True,
        )
