"""Bounds on text and on JSON bodies (``core.text``, ``core.api.parsers``)."""

from __future__ import annotations

import pytest
from rest_framework.exceptions import ParseError

from core.api.parsers import MAX_JSON_DEPTH, json_depth_exceeds, parse_json_body
from core.errors import ValidationFailed
from core.text import TextError, clean_text, text_problem


def test_plain_text_in_any_script_is_accepted():
    assert text_problem("恒岳钢铁厂 Hengyue Works\tline 1\nline 2\r\n") is None
    assert clean_text("  唐山钢铁厂  ", max_length=5) == "唐山钢铁厂"
    assert clean_text(None) == ""
    assert clean_text(12) == "12"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (
            "Heng\x00yue",
            "contains a control character (U+0000) at position 5; expected text without "
            "control characters",
        ),
        (
            "\x07bell",
            "contains a control character (U+0007) at position 1; expected text without "
            "control characters",
        ),
        (
            "ok\x7f",
            "contains a control character (U+007F) at position 3; expected text without "
            "control characters",
        ),
        ("x\ud800", "contains an unpaired surrogate (U+D800) at position 2; expected Unicode text"),
        ("x" * 20_001, "is 20,001 characters long; expected at most 20,000"),
    ],
)
def test_control_characters_surrogates_and_floods_are_refused(value, problem):
    assert text_problem(value) == problem


def test_a_fields_own_limit_applies():
    with pytest.raises(TextError, match=r"^is 301 characters long; expected at most 300$"):
        clean_text("x" * 301, max_length=300)
    with pytest.raises(TextError, match=r"^expected text, got dict$"):
        clean_text({"a": 1})


def test_nesting_is_measured_without_recursion_and_brackets_in_strings_do_not_count():
    assert json_depth_exceeds(b"[" * (MAX_JSON_DEPTH + 1)) is True
    assert json_depth_exceeds(b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH) is False
    assert json_depth_exceeds(b'{"a": "' + b"[" * 100 + b'"}') is False
    assert json_depth_exceeds(b'{"a": "\\"[[[[' + b"[" * 100 + b'"}') is False
    assert json_depth_exceeds(b"[" * 1_000_000) is True


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[" * 10_000, "JSON parse error - nested deeper than 32 levels"),
        (
            b'{"a": NaN}',
            "JSON parse error - NaN is not a JSON number; send numbers as finite decimals",
        ),
        (
            b'{"a": -Infinity}',
            "JSON parse error - -Infinity is not a JSON number; send numbers as finite decimals",
        ),
        (b'{"a": 1, "a": 2}', "JSON parse error - the key 'a' appears twice in one object"),
        (b"\xff\xfe", "JSON parse error - not UTF-8 text"),
    ],
)
def test_malformed_json_is_refused_before_any_view_sees_it(body, message):
    with pytest.raises(ParseError) as excinfo:
        parse_json_body(body)

    assert str(excinfo.value.detail) == message


def test_a_refused_string_is_named_by_its_json_path():
    body = (
        b'{"verification": {"verifier_name": "A\\u0000B"}, "precursors": [{"cn_code": "\\ud800"}]}'
    )

    with pytest.raises(ValidationFailed) as excinfo:
        parse_json_body(body)

    assert excinfo.value.extra == {
        "fields": {
            "precursors.0.cn_code": [
                "contains an unpaired surrogate (U+D800) at position 1; expected Unicode text"
            ],
            "verification.verifier_name": [
                "contains a control character (U+0000) at position 2; expected text without "
                "control characters"
            ],
        }
    }
    assert excinfo.value.message == (
        "Invalid input. precursors.0.cn_code: contains an unpaired surrogate (U+D800) at "
        "position 1; expected Unicode text"
    )


def test_json_numbers_keep_their_python_types():
    assert parse_json_body(b'{"a": 1.5, "b": 2, "c": "3"}') == {"a": 1.5, "b": 2, "c": "3"}
