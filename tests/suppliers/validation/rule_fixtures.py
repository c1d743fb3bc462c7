"""Small rules for the pipeline tests, as plain functions (registered by nobody at import).

The pipeline tests put them into an emptied registry for one test (``conftest.rules``), so they
do not depend on the shipped rules; ``worker_rules`` registers some of them in a worker
process (``CBAM_EXTRA_RULE_MODULES``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from decimal import Decimal

from suppliers.validation.types import Finding, RuleContext

ACTIVITY_LIMIT_T = Decimal(500000)


def activity_above_limit(ctx: RuleContext) -> Iterator[Finding]:
    """Error: an activity level above 500 000 t (a stand-in for any error)."""
    level = ctx.facts.activity_level
    if level.value > ACTIVITY_LIMIT_T:
        yield Finding(
            code="TEST-ERR-001",
            severity="error",
            path="activity_level",
            message_en=f"{level.value_entered} {level.unit_entered} is above the test limit "
            "of 500000 t.",
            message_zh=f"{level.value_entered} {level.unit_entered} 超过测试上限 500000 吨。",
            evidence={"activity_level_t": str(level.value), "limit_t": str(ACTIVITY_LIMIT_T)},
        )


def electricity_noted(ctx: RuleContext) -> Iterator[Finding]:
    """Warning: electricity was entered (a stand-in for any warning)."""
    electricity = ctx.facts.electricity
    if electricity is not None:
        yield Finding(
            code="TEST-WARN-001",
            severity="warning",
            path="electricity",
            message_en="Electricity consumption is checked against the grid factor.",
            message_zh="用电量按电网排放因子核对。",
            evidence={
                "electricity_mwh": str(electricity.value),
                "as_entered": f"{electricity.value_entered} {electricity.unit_entered}",
            },
        )


def precursor_masses(ctx: RuleContext) -> Iterator[Finding]:
    """Info per precursor, with its mass and category."""
    for precursor in ctx.facts.precursors:
        yield Finding(
            code="TEST-INFO-001",
            severity="info",
            path=f"precursors[{precursor.position}].mass_per_t",
            message_en=f"{precursor.category} precursor counted.",
            message_zh=f"已计入前体 {precursor.category}。",
            evidence={"mass_t_per_t": str(precursor.mass_t_per_t.value)},
            default_value_required=precursor.see_source == "default_value",
        )


def crashes(ctx: RuleContext) -> Iterator[Finding]:
    """A rule with a bug."""
    raise KeyError("electricity_factor")


def slow(ctx: RuleContext) -> Iterator[Finding]:
    """Takes ``CBAM_TEST_SLOW_RULE_SECONDS`` (in a worker: long enough to be killed mid-run)."""
    time.sleep(float(os.environ.get("CBAM_TEST_SLOW_RULE_SECONDS") or 0))
    yield Finding(
        code="TEST-SLOW-001",
        severity="info",
        path="",
        message_en="Checked slowly.",
        message_zh="已慢速检查。",
        evidence={"footprint": ctx.facts.id},
    )


def crashes_above_limit(ctx: RuleContext) -> Iterator[Finding]:
    """A rule with a bug that only footprints above 500 000 t reach."""
    if ctx.facts.activity_level.value > ACTIVITY_LIMIT_T:
        raise KeyError("electricity_factor")
    return iter(())
