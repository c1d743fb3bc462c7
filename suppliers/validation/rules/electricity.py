"""CBAM-ELEC-*: the electricity emission factor comes from a source CBAM accepts."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from cbam.defaults import electricity_factor_for
from suppliers.validation.plausibility import (
    GRID_FACTOR_RANGE,
    GRID_FACTOR_TOLERANCE,
    OFFICIAL_NATIONAL_GRID_FACTORS,
    OfficialGridFactor,
    fmt,
    slip_of,
)
from suppliers.validation.registry import rule
from suppliers.validation.types import Finding, RuleContext

_SOURCE = "Reg. (EU) 2023/956 Annex IV point 6; IR (EU) 2025/2547 Annex III"
_DEFAULT_FACTOR = "IR (EU) 2025/2621 Annex II"

#: Sources people try that CBAM does not accept (normalised spelling -> English, Chinese).
REFUSED_SOURCES: dict[str, tuple[str, str]] = {
    "green_certificate": ("Green certificates", "绿色电力证书（绿证）"),
    "green_certificates": ("Green certificates", "绿色电力证书（绿证）"),
    "guarantee_of_origin": ("Guarantees of origin", "电力来源担保（GO）"),
    "guarantees_of_origin": ("Guarantees of origin", "电力来源担保（GO）"),
    "go": ("Guarantees of origin", "电力来源担保（GO）"),
    "rec": ("Renewable energy certificates", "可再生能源证书（REC）"),
    "recs": ("Renewable energy certificates", "可再生能源证书（REC）"),
    "i_rec": ("Renewable energy certificates (I-REC)", "国际可再生能源证书（I-REC）"),
    "irec": ("Renewable energy certificates (I-REC)", "国际可再生能源证书（I-REC）"),
    "energy_attribute_certificate": ("Energy attribute certificates", "能源属性证书"),
    "energy_attribute_certificates": ("Energy attribute certificates", "能源属性证书"),
    "eac": ("Energy attribute certificates", "能源属性证书"),
}
#: Sources that allow an actual factor, with evidence.
EVIDENCED_SOURCES: dict[str, tuple[str, str]] = {
    "direct_link": ("a direct technical link to the generator", "与发电设施的直接技术连接"),
    "ppa": ("a power purchase agreement", "购电协议（PPA）"),
}


def normalised_source(source: str) -> str:
    return source.strip().lower().replace("-", "_").replace(" ", "_")


def _close(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) <= GRID_FACTOR_TOLERANCE


def _country_default(ctx: RuleContext) -> tuple[str, str]:
    row = electricity_factor_for(ctx.snapshot, ctx.facts.country)
    return (fmt(row.tco2_per_mwh), row.ref) if row is not None else ("", "")


@rule(
    code="CBAM-ELEC-001",
    title="No green certificates or guarantees of origin",
    legal_source=_SOURCE,
)
def no_certificates(ctx: RuleContext) -> Iterator[Finding]:
    """An actual electricity emission factor is allowed only for electricity through a direct
    technical link or a power purchase agreement (Reg. (EU) 2023/956 Annex IV point 6; IR (EU)
    2025/2547 Annex III); guarantees of origin, green and other renewable-energy certificates
    are not accepted. The service refuses them at entry, but a PACT document or imported data
    may still carry them.

    Error at ``electricity_factor_source``; the country default factor applies."""
    facts = ctx.facts
    refused = REFUSED_SOURCES.get(normalised_source(facts.electricity_factor_source))
    if refused is None:
        return
    name_en, name_zh = refused
    default, ref = _country_default(ctx)
    factor = fmt(facts.electricity_factor.value) if facts.electricity_factor else ""
    yield Finding(
        code="CBAM-ELEC-001",
        severity="error",
        path="electricity_factor_source",
        message_en=(
            f"{name_en} are not accepted for CBAM (Reg. (EU) 2023/956 Annex IV point 6): the "
            f"country default factor {default} tCO2/MWh for {facts.country} ({_DEFAULT_FACTOR}) "
            "applies, unless the electricity comes through a direct technical link or a power "
            "purchase agreement, with evidence."
        ),
        message_zh=(
            f"CBAM 不接受{name_zh}（(EU) 2023/956 号条例附件四第 6 点）：除非电力通过直接技术"
            f"连接或购电协议供应并附有证明材料，否则适用 {facts.country} 的默认排放因子 "
            f"{default} tCO2/MWh（(EU) 2025/2621 号实施条例附件二）。"
        ),
        evidence={
            "electricity_factor_source": facts.electricity_factor_source,
            "electricity_factor": factor,
            "country_default_factor": default,
            "country_default_ref": ref,
        },
    )


@rule(
    code="CBAM-ELEC-002",
    title="Direct link or PPA backed by evidence",
    legal_source=_SOURCE,
)
def direct_link_or_ppa_has_evidence(ctx: RuleContext) -> Iterator[Finding]:
    """A direct technical link or a power purchase agreement allows an actual factor only with
    evidence (Reg. (EU) 2023/956 Annex IV point 6; IR (EU) 2025/2547 Annex III): the contract
    or the metering of the link, attached as an ``electricity`` evidence file.

    Error at ``electricity_factor_source`` when no such file is attached."""
    facts = ctx.facts
    source = EVIDENCED_SOURCES.get(normalised_source(facts.electricity_factor_source))
    if source is None or "electricity" in facts.evidence_kinds:
        return
    name_en, name_zh = source
    default, ref = _country_default(ctx)
    yield Finding(
        code="CBAM-ELEC-002",
        severity="error",
        path="electricity_factor_source",
        message_en=(
            f"The electricity factor is claimed through {name_en}, but no evidence is attached. "
            "Attach the contract or the metering data as an 'electricity' evidence file; "
            f"without it the country default factor {default} tCO2/MWh for {facts.country} "
            "applies."
        ),
        message_zh=(
            f"电力排放因子声称来自{name_zh}，但未附证明材料。请以“electricity”类证明文件上传"
            f"合同或计量数据；否则适用 {facts.country} 的默认排放因子 {default} tCO2/MWh。"
        ),
        evidence={
            "electricity_factor_source": facts.electricity_factor_source,
            "evidence_kinds": "; ".join(sorted(facts.evidence_kinds)),
            "country_default_factor": default,
            "country_default_ref": ref,
        },
    )


def _official_factor_check(
    ctx: RuleContext,
) -> tuple[Decimal, list[OfficialGridFactor], OfficialGridFactor | None] | None:
    """(factor, the country's known official factors, the official factor it matches) for a
    factor that is neither refused, nor evidenced, nor a unit slip, nor the Annex II default."""
    facts = ctx.facts
    factor = facts.electricity_factor
    if factor is None:
        return None
    source = normalised_source(facts.electricity_factor_source)
    if source in REFUSED_SOURCES or source in EVIDENCED_SOURCES:
        return None
    if slip_of(factor.value, GRID_FACTOR_RANGE) is not None:
        return None  # CBAM-UNIT-006
    default = electricity_factor_for(ctx.snapshot, facts.country)
    if default is not None and _close(factor.value, default.tco2_per_mwh):
        return None
    official = [f for f in OFFICIAL_NATIONAL_GRID_FACTORS if f.country == facts.country]
    matched = next((f for f in official if _close(factor.value, f.tco2_per_mwh)), None)
    return factor.value, official, matched


@rule(
    code="CBAM-ELEC-003",
    title="Official national factor is not outdated",
    legal_source=_SOURCE,
)
def official_factor_is_current(ctx: RuleContext) -> Iterator[Finding]:
    """An official national grid factor must be the one for the period (Reg. (EU) 2023/956
    Annex IV point 6; IR (EU) 2025/2547 Annex III): China's national electricity factor fell
    from 0.6205 (2023) to 0.5777 tCO2/MWh (2024), see
    ``suppliers.validation.plausibility.OFFICIAL_NATIONAL_GRID_FACTORS``.

    Warning at ``electricity_factor`` when the factor is an official value of an earlier year
    than the newest one published for a year up to the period's."""
    found = _official_factor_check(ctx)
    if found is None:
        return
    value, official, matched = found
    if matched is None:
        return
    year = ctx.facts.period_end.year
    current = max(
        (f for f in official if f.data_year <= year), key=lambda f: f.data_year, default=None
    )
    if current is None or matched.data_year >= current.data_year:
        return
    yield Finding(
        code="CBAM-ELEC-003",
        severity="warning",
        path="electricity_factor",
        message_en=(
            f"Electricity factor {fmt(value)} tCO2/MWh is the official national factor for "
            f"{matched.data_year}; a newer one is published: {fmt(current.tco2_per_mwh)} "
            f"tCO2/MWh ({current.data_year}, {current.source}). Use the newer factor or the "
            "country default."
        ),
        message_zh=(
            f"电力排放因子 {fmt(value)} tCO2/MWh 是 {matched.data_year} 年的全国官方因子，"
            f"已有更新的数值：{fmt(current.tco2_per_mwh)} tCO2/MWh（{current.data_year} 年）。"
            "请使用更新的因子或该国默认因子。"
        ),
        evidence={
            "electricity_factor": fmt(value),
            "data_year": str(matched.data_year),
            "current_factor": fmt(current.tco2_per_mwh),
            "current_data_year": str(current.data_year),
        },
    )


@rule(
    code="CBAM-ELEC-004",
    title="Electricity factor is an official one",
    legal_source=_SOURCE,
)
def factor_is_official(ctx: RuleContext) -> Iterator[Finding]:
    """Without a direct link or a PPA, the factor is the country default (IR (EU) 2025/2621
    Annex II) or an official national factor (Reg. (EU) 2023/956 Annex IV point 6; IR (EU)
    2025/2547 Annex III); unofficial regional factors are a greenwashing risk.

    Warning at ``electricity_factor`` when the factor is neither the Annex II value nor an
    official national factor known to the platform."""
    found = _official_factor_check(ctx)
    if found is None:
        return
    value, official, matched = found
    if matched is not None:
        return
    facts = ctx.facts
    default, ref = _country_default(ctx)
    known = "; ".join(f"{f.data_year}: {fmt(f.tco2_per_mwh)}" for f in official)
    source = normalised_source(facts.electricity_factor_source)
    if source == "country_default":
        why_en = f"it is given as the country default, but that is {default} tCO2/MWh"
        why_zh = f"其来源填写为国家默认因子，但该默认值为 {default} tCO2/MWh"
    elif source == "official_national":
        why_en = f"it is not an official national factor known for {facts.country}" + (
            f" ({known})" if known else ""
        )
        why_zh = f"它不是平台已知的 {facts.country} 全国官方因子" + (
            f"（{known}）" if known else ""
        )
    else:
        why_en = "no accepted source is given for it"
        why_zh = "未说明可接受的来源"
    yield Finding(
        code="CBAM-ELEC-004",
        severity="warning",
        path="electricity_factor",
        message_en=(
            f"Electricity factor {fmt(value)} tCO2/MWh is not an official one: {why_en}. Use "
            f"the country default ({default} tCO2/MWh, {_DEFAULT_FACTOR}) or the official "
            "national factor, and name its publication; regional or unofficial factors are not "
            "accepted."
        ),
        message_zh=(
            f"电力排放因子 {fmt(value)} tCO2/MWh 不是官方因子：{why_zh}。请使用该国默认因子"
            f"（{default} tCO2/MWh，(EU) 2025/2621 号实施条例附件二）或全国官方因子并注明出处；"
            "地区性或非官方因子不被接受。"
        ),
        evidence={
            "electricity_factor": fmt(value),
            "electricity_factor_source": facts.electricity_factor_source,
            "electricity_factor_reference": facts.electricity_factor_reference,
            "country_default_factor": default,
            "country_default_ref": ref,
            "official_factors": known,
        },
    )
