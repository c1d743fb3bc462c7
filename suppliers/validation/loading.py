"""Which rule modules a process loads: the shipped rules, plus any named in the setting
``VALIDATION_EXTRA_RULE_MODULES`` (environment ``CBAM_EXTRA_RULE_MODULES``, comma-separated
dotted module paths).

``SuppliersConfig.ready()`` calls ``rules_load`` in every process (web and worker), so the rule
set is the same wherever a run or a dry run executes. Extra modules register their rules with
the same ``@rule`` decorator when imported; the tests use this to give a real worker process a
deliberately slow rule (``tests/suppliers/validation/worker_rules.py``). A deployment may use it
for rules of its own; the rule codes then change ``rules_version()``, which every run records.
"""

from __future__ import annotations

import importlib

from django.conf import settings


def rules_load() -> list[str]:
    """Import the shipped rules and the extra rule modules; returns the extra modules' names.
    A module that cannot be imported stops the process (a worker must not validate with a
    rule set other than the one configured)."""
    importlib.import_module("suppliers.validation.rules")
    extra = list(getattr(settings, "VALIDATION_EXTRA_RULE_MODULES", []))
    for name in extra:
        importlib.import_module(name)
    return extra
