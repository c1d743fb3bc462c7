"""Every validation rule: one module per rule, importing this package registers them all.

Each module holds one or more small pure functions ``(ctx: RuleContext) -> Iterable[Finding]``
decorated with ``@rule(code=..., title=..., legal_source=...)`` (one registered function per
code), each with its legal source in its docstring, its code in ``docs/validation-rules.md`` and
its tests in ``tests/suppliers/validation/test_rule_<module>.py``. The ranges they compare
against are data in ``suppliers.validation.plausibility``. To add a rule, see CONTRIBUTING.md
("Recipe: add a validation rule").
"""

from suppliers.validation.rules import (
    carbon_price,
    completeness,
    default_value,
    electricity,
    mass_balance,
    physical_plausibility,
    precision,
    precursor_footprints,
    scope,
    unit_slips,
    verification,
)

RULE_MODULES = (
    scope,
    physical_plausibility,
    unit_slips,
    default_value,
    completeness,
    mass_balance,
    electricity,
    precursor_footprints,
    verification,
    carbon_price,
    precision,
)

__all__ = [
    "RULE_MODULES",
    "carbon_price",
    "completeness",
    "default_value",
    "electricity",
    "mass_balance",
    "physical_plausibility",
    "precision",
    "precursor_footprints",
    "scope",
    "unit_slips",
    "verification",
]
