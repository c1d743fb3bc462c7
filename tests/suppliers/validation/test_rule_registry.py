"""The rule set itself: every registered rule names a legal source in its docstring, has its
code listed in docs/validation-rules.md, and has a test file that exercises the code; rules
stay pure (no Django, no ORM)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import suppliers.validation.rules as rules_package
from suppliers.validation.registry import RULES

ROOT = Path(__file__).resolve().parents[3]
DOCS = (ROOT / "docs" / "validation-rules.md").read_text(encoding="utf-8")
TESTS = Path(__file__).resolve().parent
RULE_CODES = sorted(code for code in RULES if code.startswith("CBAM-"))


def _words(text: str | None) -> str:
    return " ".join((text or "").split())


def test_the_shipped_rule_set_is_registered():
    assert len(RULE_CODES) == 41
    prefixes = {code.rsplit("-", 1)[0] for code in RULE_CODES}
    assert prefixes == {
        "CBAM-SCOPE",
        "CBAM-PLAUS",
        "CBAM-UNIT",
        "CBAM-DEFAULT",
        "CBAM-COMPLETE",
        "CBAM-MASS",
        "CBAM-ELEC",
        "CBAM-PRECURSOR",
        "CBAM-VERIFY",
        "CBAM-PRICE",
        "CBAM-PRECISION",
    }


@pytest.mark.parametrize("code", RULE_CODES)
def test_every_rule_names_its_legal_source_in_its_docstring(code):
    rule = RULES[code]

    assert re.fullmatch(r"CBAM-[A-Z]+-\d{3}", code)
    assert rule.title
    assert rule.legal_source
    assert re.search(r"Reg\.|Regulation|Directive|IR \(EU\)", rule.legal_source)
    assert _words(rule.legal_source) in _words(rule.check.__doc__), code


@pytest.mark.parametrize("code", RULE_CODES)
def test_every_code_is_listed_in_the_docs(code):
    assert f"| {code} |" in DOCS


def test_the_docs_list_no_code_that_is_not_registered():
    listed = set(re.findall(r"^\| (CBAM-[A-Z]+-\d{3}) \|", DOCS, flags=re.MULTILINE))

    assert listed == set(RULE_CODES)


@pytest.mark.parametrize("code", RULE_CODES)
def test_every_rule_has_a_test_file_that_uses_its_code(code):
    module = RULES[code].check.__module__.rsplit(".", 1)[-1]
    test_file = TESTS / f"test_rule_{module}.py"

    assert test_file.exists(), f"{code}: no {test_file.name}"
    assert f'"{code}"' in test_file.read_text(encoding="utf-8"), f"{code} is not tested"


def test_every_rule_module_is_imported_by_the_package():
    modules = {p.stem for p in (ROOT / "suppliers/validation/rules").glob("*.py")}
    rule_modules = {m for m in modules if not m.startswith("_")}

    assert {m.__name__.rsplit(".", 1)[-1] for m in rules_package.RULE_MODULES} == rule_modules


def test_rules_are_pure():
    for path in (ROOT / "suppliers/validation/rules").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import) (django|rest_framework)", source, re.M), path
        assert "suppliers.models" not in source, path
    plausibility = (ROOT / "suppliers/validation/plausibility.py").read_text(encoding="utf-8")
    assert "django" not in plausibility
