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
