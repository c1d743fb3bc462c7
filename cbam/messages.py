"""Messages people read, written by pure code and still translatable (stdlib only).

A :class:`Message` *is* its English text (a ``str``: the API, CSV reports, logs and every
comparison see exactly the text they always saw) and keeps the template and parameters it was
made from, so that a page can say it in the reader's language: ``core.messages.localise`` looks
the template up in the translation catalogues and fills in the parameters, localising those
that are messages themselves.

Templates are marked with :func:`gettext_noop`: the name Django's ``makemessages`` extracts
without any option, so each message is written once, where the problem is found, and its
Chinese sits in the catalogue of the package that writes it. Parameters are named
(``%(value)s``), so a translation may put them in another order.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["Message", "gettext_noop"]


class Message(str):
    """English text made from ``template % params``; ``template`` is the catalogue's msgid."""

    template: str
    params: Mapping[str, object]

    def __new__(cls, template: str, params: Mapping[str, object] | None = None) -> Message:
        values = dict(params or {})
        self = super().__new__(cls, template % values if values else template)
        self.template = template
        self.params = values
        return self


def gettext_noop(template: str, /, **params: object) -> Message:
    """``template`` (English, ``%(name)s`` placeholders) filled with ``params``, translatable
    later. Named after Django's marker so that ``makemessages`` finds the template."""
    return Message(template, params)
