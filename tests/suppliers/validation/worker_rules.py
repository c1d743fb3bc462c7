"""Test rules for worker processes: named in ``CBAM_EXTRA_RULE_MODULES`` by
``test_worker_validation``, imported by ``suppliers.validation.loading`` in the worker, added
to the shipped rules. Never imported by the test process itself (it would register them for
every other test)."""

from __future__ import annotations

from suppliers.validation.registry import rule
from tests.suppliers.validation.rule_fixtures import precursor_masses, slow

rule(code="TEST-SLOW-001", title="Slow (tests)", legal_source="tests")(slow)
rule(code="TEST-INFO-001", title="Precursor masses (tests)", legal_source="tests")(precursor_masses)
