"""Messages in the reader's language: the Django side of ``cbam.messages``.

Services and the pure input layer describe problems with ``cbam.messages.Message`` (English
text that remembers its template and parameters); the API answers that English text as it is,
and a page shows :func:`localise` of it, translated by the catalogue of the package that wrote
the template. A plain ``str`` (a message not made translatable yet, or a value a person typed)
is shown as it is.

The templates of the engine (``cbam``) are not in any package's catalogue, as ``makemessages``
only reads the package it runs in: :data:`ENGINE_TEMPLATES` lists them here, so that they are
extracted into core's catalogue; tests/suppliers/pages/test_messages.py checks that every
template the engine can produce is listed.
"""

from __future__ import annotations

import re
from functools import cache

from django.utils.translation import gettext, gettext_noop

from cbam.messages import Message

#: The engine's message templates (``cbam.numbers``), for core's catalogue.
ENGINE_TEMPLATES: tuple[str, ...] = (
    gettext_noop("a number of at most %(maximum)s"),
    gettext_noop("a number of at most %(maximum)s %(unit)s"),
    gettext_noop('expected a number, e.g. "1500.5"; got %(value)s'),
    gettext_noop("%(value)s is not a finite number"),
    gettext_noop(
        '%(value)s is too long for a number; expected at most %(limit)s characters, e.g. "1500.5"'
    ),
    gettext_noop("%(value)s is not a number: use a point as decimal separator"),
    gettext_noop("%(value)s is not a number: use the digits 0-9"),
    gettext_noop("%(value)s is not a number: write it without underscores or spaces"),
    gettext_noop('%(value)s is not a number; expected e.g. "1500.5"'),
    gettext_noop("%(value)s is not a number"),
    gettext_noop("%(value)s is out of range; expected %(bounds)s"),
    gettext_noop("%(value)s is too small; expected 0 or a number of at least %(smallest)s"),
    gettext_noop("%(value)s has more than %(digits)s significant digits; round it"),
)


#: The engine's calculation problems (``cbam.validation``, ``cbam.defaults``: plain English,
#: written before messages were translatable), as templates of their exact English. A problem
#: the services pass on goes through :func:`engine_message`, which recognises it and makes it
#: a ``Message``; text no template reproduces exactly stays as it is. Once the engine marks
#: these itself (``cbam.messages.gettext_noop``), this list goes.
ENGINE_PROBLEMS: tuple[str, ...] = (
    gettext_noop("must be greater than zero (it is the SEE denominator)"),
    gettext_noop("must not be negative (got %(value)s)"),
    gettext_noop(
        "unknown CN code %(code)s: expected the 8 digits of the Combined Nomenclature, "
        "e.g. 72085120"
    ),
    gettext_noop("CN code %(code)s is not a CBAM good (Annex I of Reg. 2023/956)"),
    gettext_noop(
        "no default value for CN %(code)s (%(where)s) in IR 2025/2621 Annex I; give actual "
        "see_direct (and see_indirect)"
    ),
    gettext_noop("%(country)s or Other countries"),
    gettext_noop("Other countries"),
    gettext_noop(
        "no default grid factor for %(country)s nor OTHER (IR 2025/2621 Annex II); give "
        "electricity_factor_tco2_per_mwh"
    ),
    gettext_noop("give either attributed_indirect_tco2e or electricity_mwh (× factor), not both"),
    gettext_noop(
        "electricity_factor_tco2_per_mwh needs the electricity consumed (electricity_mwh)"
    ),
)

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@cache
def _engine_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    patterns = []
    for template in ENGINE_PROBLEMS:
        parts = _PLACEHOLDER.split(template)
        # split gives text, name, text, name, …: text escaped, each name a lazy group.
        regex = "".join(
            re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
            for index, part in enumerate(parts)
        )
        patterns.append((template, re.compile(f"^{regex}$", re.S)))
    return tuple(patterns)


def engine_message(text: str) -> str:
    """``text``, a problem of the engine, as a ``Message`` a page can say in its language (its
    parameters too, when one is itself such a text); ``text`` unchanged when no template of
    :data:`ENGINE_PROBLEMS` makes exactly that English."""
    if isinstance(text, Message):
        return text
    for template, pattern in _engine_patterns():
        match = pattern.match(text)
        if match is None:
            continue
        params = {name: engine_message(value) for name, value in match.groupdict().items()}
        message = Message(template, params)
        if message == text:
            return message
    return text


def localise(text: str) -> str:
    """``text`` in the active language when it is a ``Message`` whose template the catalogues
    translate (its message parameters too); otherwise ``text`` unchanged."""
    if not isinstance(text, Message):
        return text
    translated = gettext(text.template)
    if not text.params:
        return translated
    params = {
        name: localise(value) if isinstance(value, Message) else value
        for name, value in text.params.items()
    }
    return translated % params


def message_json(text: str) -> object:
    """``text`` as stored JSON that can still be said in another language later: a ``Message``
    as its template and parameters (parameters that are messages, the same way), a plain
    ``str`` as it is. A report written now is read later in its reader's language."""
    if not isinstance(text, Message):
        return str(text)
    return {
        "template": text.template,
        "params": {
            name: message_json(value) if isinstance(value, Message) else str(value)
            for name, value in text.params.items()
        },
    }


def message_from_json(value: object) -> str:
    """The message :func:`message_json` stored (a ``Message`` that :func:`localise` translates);
    anything else as text. A template the parameters do not fill gives its English as it is."""
    if isinstance(value, dict) and isinstance(value.get("template"), str):
        params = value.get("params")
        filled = (
            {str(name): message_from_json(v) for name, v in params.items()}
            if isinstance(params, dict)
            else {}
        )
        try:
            return Message(value["template"], filled)
        except (KeyError, ValueError, TypeError):
            return value["template"]
    return "" if value is None else str(value)
