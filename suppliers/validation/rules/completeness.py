"""CBAM-COMPLETE-*: every relevant precursor of the category is declared, or declared absent."""

from __future__ import annotations

from collections.abc import Iterator

from suppliers.validation.registry import rule
from suppliers.validation.rules._common import category_zh
from suppliers.validation.types import Finding, RuleContext

_SOURCE = "IR (EU) 2025/2547 Annex III point B"

#: (product category, precursor category) -> the routes on which the precursor is relevant.
#: The goods-category table keeps the template's note only as text: "Unwrought aluminium (from
#: other sources; secondary route)" is a relevant precursor of unwrought aluminium on the
#: secondary route only; a primary smelter has nothing to declare.
RELEVANT_ONLY_ON_ROUTES: dict[tuple[str, str], tuple[str, ...]] = {
    ("Unwrought aluminium", "Unwrought aluminium"): ("Secondary melting (recycling)", "L"),
}


def _relevant_here(ctx: RuleContext, precursor_category: str) -> bool:
    facts = ctx.facts
    if facts.category is None:
        return False
    routes = RELEVANT_ONLY_ON_ROUTES.get((facts.category.name, precursor_category))
    if routes is None:
        return True
    route = facts.production_route or facts.benchmark_route
    # Unknown route: ask (CBAM-SCOPE-004 asks for the route itself).
    return not route or route in routes or facts.benchmark_route in routes


@rule(
    code="CBAM-COMPLETE-001",
    title="Relevant precursors are declared or declared absent",
    legal_source=_SOURCE,
)
def relevant_precursors_accounted_for(ctx: RuleContext) -> Iterator[Finding]:
    """The SEE of a complex good includes every relevant precursor consumed (IR (EU) 2025/2547
    Annex III point B; the relevant precursors of each category are reference data). A
    category neither declared nor declared absent may be a forgotten precursor.

    Secondary-route precursors (``RELEVANT_ONLY_ON_ROUTES``) are not asked of other routes.

    Warning at ``precursors`` naming the categories not accounted for. A warning, not an
    error: most often the precursor is simply not used (hydrogen in a rolling mill), and the
    mass-balance rule (CBAM-MASS-001) catches a missing main input."""
    facts = ctx.facts
    if facts.category is None or not facts.category.relevant_precursors:
        return
    declared = {p.category for p in facts.precursors if p.category}
    absent = set(facts.precursors_declared_absent)
    missing = [
        category
        for category in facts.category.relevant_precursors
        if category not in declared and category not in absent and _relevant_here(ctx, category)
    ]
    if not missing:
        return
    yield Finding(
        code="CBAM-COMPLETE-001",
        severity="warning",
        path="precursors",
        message_en=(
            f"Relevant precursors of {facts.category.name} neither declared nor declared absent: "
            f"{'; '.join(missing)}. Declare each one used, with its mass per tonne, or declare "
            "that it is not used."
        ),
        message_zh=(
            f"{category_zh(facts.category.name)}的以下相关前体物既未申报也未声明不使用："
            f"{'；'.join(category_zh(c) for c in missing)}。请逐项申报所用前体物及其每吨用量，"
            "或声明未使用。"
        ),
        evidence={
            "missing": "; ".join(missing),
            "declared": "; ".join(sorted(declared)),
            "declared_absent": "; ".join(sorted(absent)),
        },
    )


@rule(
    code="CBAM-COMPLETE-002",
    title="A precursor is not both declared and declared absent",
    legal_source=_SOURCE,
)
def no_precursor_declared_both_ways(ctx: RuleContext) -> Iterator[Finding]:
    """A precursor category cannot be consumed (IR (EU) 2025/2547 Annex III point B) and declared
    absent at once.

    Error at ``precursors_declared_absent`` for each category declared both ways."""
    facts = ctx.facts
    declared = {p.category for p in facts.precursors if p.category}
    for category in facts.precursors_declared_absent:
        if category not in declared:
            continue
        yield Finding(
            code="CBAM-COMPLETE-002",
            severity="error",
            path="precursors_declared_absent",
            message_en=(
                f"{category} is declared as a precursor and also declared absent; remove one of "
                "the two."
            ),
            message_zh=f"{category_zh(category)}既被申报为前体物，又被声明为未使用；请删除其中之一。",
            evidence={"category": category},
        )
