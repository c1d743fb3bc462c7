"""The one JSON parser of the API: bounded before it parses, strict about what it accepts.

- The body's nesting is measured on the raw text before ``json.loads`` sees it: more than
  :data:`MAX_JSON_DEPTH` levels is refused (Python's parser recurses once per level and a body
  of 10,000 brackets would exhaust the stack).
- ``NaN``, ``Infinity`` and ``-Infinity`` are not JSON (RFC 8259 §6) and are refused.
- A key given twice in one object is refused (RFC 8259 §4 leaves it open; silently keeping the
  last one hides mistakes).
- Every string, keys included, is checked by :func:`core.text.text_problem`: no control
  characters but tab, line feed and carriage return, no unpaired surrogates (``"\\ud800"``,
  which PostgreSQL cannot store), at most :data:`core.text.MAX_TEXT_CHARS` characters. The
  error names the JSON path of the string (``verification.verifier_name``).

The body's size is bounded before any of this by ``core.middleware.RequestSizeLimitMiddleware``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from core.errors import ValidationFailed
from core.text import text_problem

#: Deepest nesting of objects and arrays accepted in a JSON body.
MAX_JSON_DEPTH = 32

# A JSON string (with its escapes) or one bracket: strings are skipped whole so that brackets
# inside them are not counted.
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def json_depth_exceeds(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the nesting of ``body`` goes deeper than ``limit`` (linear, no recursion)."""
    depth = 0
    for match in _TOKENS.finditer(body):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif token in (b"]", b"}"):
            depth -= 1
    return False


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number; send numbers as finite decimals")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {key[:60]!r} appears twice in one object")
        result[key] = value
    return result


def json_text_problems(data: Any) -> dict[str, list[str]]:
    """Every string of decoded JSON (keys included) that ``text_problem`` refuses, by dotted
    path (``precursors.0.cn_code``, as the error envelope names fields)."""
    problems: dict[str, list[str]] = {}
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                problems.setdefault(path or "non_field_errors", []).append(problem)
        elif isinstance(value, Mapping):
            for key, item in value.items():
                child = f"{path}.{key}" if path else str(key)
                problem = text_problem(str(key))
                if problem:
                    problems.setdefault(f"{child[:80]} (the key)", []).append(problem)
                stack.append((child, item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}" if path else str(i), item) for i, item in enumerate(value))
    return problems


def parse_json_body(body: bytes) -> Any:
    """Decode a JSON request body under the rules above; ``ParseError`` for malformed JSON,
    ``ValidationFailed`` naming each refused string."""
    if json_depth_exceeds(body):
        raise ParseError(f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        text = body.decode("utf-8")
        data = json.loads(
            text, parse_constant=_refuse_constant, object_pairs_hook=_no_duplicate_keys
        )
    except UnicodeDecodeError:
        raise ParseError("JSON parse error - not UTF-8 text") from None
    except (ValueError, RecursionError) as exc:  # DRF's own wording, then the reason
        raise ParseError(f"JSON parse error - {str(exc)[:200]}") from None
    problems = json_text_problems(data)
    if problems:
        first, messages = next(iter(sorted(problems.items())))
        raise ValidationFailed(
            f"Invalid input. {first}: {messages[0]}", fields=dict(sorted(problems.items()))
        )
    return data


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with :func:`parse_json_body`'s bounds."""

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        body = stream.read() if stream is not None else b""
        return parse_json_body(body)
