"""Messages of the pure input layer in the page's language, and the same English as before
everywhere else (the API, CSV reports)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from cbam.messages import Message
from cbam.numbers import SPECIFIC, NumberError, parse_number
from core.inputs import Parsed
from core.messages import ENGINE_TEMPLATES, localise
from suppliers.inputs import FOOTPRINT_INPUT


def _templates_marked_in(package: Path) -> set[str]:
    found = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "gettext_noop"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(node.args[0].value)
    return found


def test_every_template_of_the_engine_is_listed_for_cores_catalogue():
    engine = _templates_marked_in(Path(settings.BASE_DIR) / "cbam")
    assert engine, "the engine marks its message templates with gettext_noop"
    assert engine - set(ENGINE_TEMPLATES) == set()


def test_a_message_is_its_english_text_and_says_itself_in_chinese_on_a_page():
    with pytest.raises(NumberError) as raised:
        parse_number("1e9", SPECIFIC)
    message = raised.value.message

    assert isinstance(message, Message)
    assert message == "'1e9' is out of range; expected a number of at most 10,000"
    with translation.override("zh-hans"):
        assert localise(message) == "'1e9' 超出范围；应为不超过 10,000 的数"
    with translation.override("en"):
        assert localise(message) == message


def test_a_problem_of_the_input_layer_nests_the_fields_help_in_the_same_language():
    parsed = Parsed()
    spec = FOOTPRINT_INPUT.field("carbon_price").fields[1]  # amount, a number >= 0 per tCO2e

    parsed.take(spec, "abc", "carbon_price.amount")

    [problem] = parsed.errors["carbon_price.amount"]
    assert problem == "'abc' is not a number; expected a number >= 0 per tCO2e."
    with translation.override("zh-hans"):
        assert localise(problem) == "'abc' 不是数字；应为：每 tCO2e 的金额，≥ 0。"


def test_a_plain_text_is_shown_as_it_is():
    with translation.override("zh-hans"):
        assert localise("Draft") == "Draft"
