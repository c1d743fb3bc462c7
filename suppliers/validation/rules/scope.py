"""CBAM-SCOPE-*: the good and its precursors are inside CBAM, on a route of their category."""

from __future__ import annotations

from collections.abc import Iterator

from suppliers.validation.registry import rule
from suppliers.validation.rules._common import category_zh, precursor_path
from suppliers.validation.types import CategoryFacts, Finding, RuleContext

#: The goods-category table's placeholder for "any route" (the category is not route-relevant).
ANY_ROUTE = "All production routes"

_ANNEX_I = "Reg. (EU) 2023/956 Art. 2(1) and Annex I"
_ROUTES = "IR (EU) 2025/2547 Annex II; communication template v2.1.1"
_PRECURSORS = "IR (EU) 2025/2547 Annex III point B; communication template v2.1.1"


def specific_routes(category: CategoryFacts) -> tuple[str, ...]:
    """The category's production routes, () when any route will do."""
    return tuple(route for route in category.production_routes if route != ANY_ROUTE)


@rule(code="CBAM-SCOPE-001", title="The CN code is a CBAM good", legal_source=_ANNEX_I)
def cn_code_is_a_cbam_good(ctx: RuleContext) -> Iterator[Finding]:
    """Only goods listed by CN code in Reg. (EU) 2023/956 Art. 2(1) and Annex I (as amended by
    Reg. (EU) 2025/2083) are CBAM goods; a footprint of anything else has no CBAM meaning.

    Error at ``product.cn_code`` when the CN code has no aggregated goods category."""
    facts = ctx.facts
    if facts.category is not None:
        return
    yield Finding(
        code="CBAM-SCOPE-001",
        severity="error",
        path="product.cn_code",
        message_en=(
            f"CN code {facts.cn_code} is not a CBAM good (Annex I of Reg. (EU) 2023/956): no "
            "CBAM footprint can be published for it. Check the product's CN code."
        ),
        message_zh=(
            f"CN 编码 {facts.cn_code} 不属于 CBAM 货物（(EU) 2023/956 号条例附件一），"
            "无法为其发布 CBAM 碳足迹。请核对产品的 CN 编码。"
        ),
        evidence={"cn_code": facts.cn_code},
    )


@rule(code="CBAM-SCOPE-002", title="The production route fits the category", legal_source=_ROUTES)
def production_route_fits_the_category(ctx: RuleContext) -> Iterator[Finding]:
    """The production routes of each aggregated goods category are fixed by IR (EU) 2025/2547
    Annex II; communication template v2.1.1 (e.g. crude steel: basic oxygen steelmaking or
    electric arc furnace).

    Error at ``product.production_route`` when a route is given that is not one of them (a
    category made by any route accepts any)."""
    facts = ctx.facts
    if facts.category is None or not facts.production_route:
        return
    routes = specific_routes(facts.category)
    # A category made by any route (steel products, cement...) has nothing to check.
    if not routes or facts.production_route in routes:
        return
    expected = " | ".join(routes)
    yield Finding(
        code="CBAM-SCOPE-002",
        severity="error",
        path="product.production_route",
        message_en=(
            f"Production route '{facts.production_route}' is not a route of "
            f"{facts.category.name}; expected one of: {expected}."
        ),
        message_zh=(
            f"生产路线“{facts.production_route}”不属于{category_zh(facts.category.name)}"
            f"的生产路线；应为以下之一：{expected}。"
        ),
        evidence={
            "production_route": facts.production_route,
            "category": facts.category.name,
            "routes": " | ".join(routes),
        },
    )


@rule(
    code="CBAM-SCOPE-003",
    title="Precursors are relevant precursors of the category",
    legal_source=_PRECURSORS,
)
def precursors_are_relevant(ctx: RuleContext) -> Iterator[Finding]:
    """Only the relevant precursors of the product's aggregated goods category count in the SEE
    of a complex good (IR (EU) 2025/2547 Annex III point B; communication template v2.1.1);
    anything else (a good outside CBAM, or a CBAM good that is not a relevant precursor of this
    category) carries no embedded emissions into it.

    Error at ``precursors[i].cn_code`` for each such precursor."""
    facts = ctx.facts
    if facts.category is None:
        return
    relevant = facts.category.relevant_precursors
    allowed = ", ".join(relevant) if relevant else "none"
    allowed_zh = "、".join(category_zh(c) for c in relevant) if relevant else "无"
    for precursor in facts.precursors:
        if precursor.category is not None and precursor.category in relevant:
            continue
        if precursor.category is None:
            what_en = f"CN {precursor.cn_code} is not a CBAM good"
            what_zh = f"CN {precursor.cn_code} 不属于 CBAM 货物"
        else:
            what_en = (
                f"CN {precursor.cn_code} ({precursor.category}) is not a relevant precursor "
                f"of {facts.category.name}"
            )
            what_zh = (
                f"CN {precursor.cn_code}（{category_zh(precursor.category)}）不是"
                f"{category_zh(facts.category.name)}的相关前体物"
            )
        yield Finding(
            code="CBAM-SCOPE-003",
            severity="error",
            path=precursor_path(precursor, "cn_code"),
            message_en=(
                f"{what_en}: its emissions do not count in this good. Relevant precursors of "
                f"{facts.category.name}: {allowed}. Remove it or correct its CN code."
            ),
            message_zh=(
                f"{what_zh}，其排放不计入本货物。{category_zh(facts.category.name)}的相关前体物："
                f"{allowed_zh}。请删除该前体物或更正其 CN 编码。"
            ),
            evidence={
                "cn_code": precursor.cn_code,
                "precursor_category": precursor.category or "",
                "relevant_precursors": "; ".join(relevant),
            },
        )


@rule(
    code="CBAM-SCOPE-004",
    title="A route is named where the category has several",
    legal_source=_ROUTES,
)
def route_named_where_it_matters(ctx: RuleContext) -> Iterator[Finding]:
    """Where a category has several production routes (IR (EU) 2025/2547 Annex II;
    communication template v2.1.1), the route decides the benchmark and the plausible range.

    Warning at ``product.production_route`` when neither the route nor a benchmark route
    qualifier is given."""
    facts = ctx.facts
    if facts.category is None or facts.production_route or facts.benchmark_route:
        return
    routes = specific_routes(facts.category)
    if not routes:
        return
    yield Finding(
        code="CBAM-SCOPE-004",
        severity="warning",
        path="product.production_route",
        message_en=(
            f"{facts.category.name} is made by several routes ({' | '.join(routes)}); name the "
            "product's route so that the right benchmark and checks apply."
        ),
        message_zh=(
            f"{category_zh(facts.category.name)}有多种生产路线（{' | '.join(routes)}），"
            "请注明产品的生产路线，以便适用正确的基准值和检查。"
        ),
        evidence={"category": facts.category.name, "routes": " | ".join(routes)},
    )
