"""The one error the footprint document builder raises: every problem of the input, with paths.

Each problem names where it is (a path into :class:`~suppliers.pact.inputs.FootprintDocumentInput`,
e.g. ``reference_period_end`` or ``precursors[1].footprint_id``), what is wrong and what would
be right. The builder collects *all* problems before raising, so the caller fixes the input in
one round.

``FootprintDocumentError`` mirrors the attributes of ``core.errors.ApplicationError``
(``status``, ``code``, ``message``, ``extra``) without importing it, so the package stays free
of Django and of the rest of the project (like ``cbam.errors``); the service
that publishes a footprint re-raises it as a ``ValidationFailed`` with the same ``extra``.
"""

from __future__ import annotations

from cbam.errors import Problem, ProblemsError

__all__ = ["FootprintDocumentError", "Problem"]

# Problem codes (stable, machine-readable).
REQUIRED = "required"
INVALID = "invalid"
NEGATIVE = "negative"
NOT_POSITIVE = "not_positive"
OUT_OF_RANGE = "out_of_range"
TOO_PRECISE = "too_precise"
ORDER = "order"
DUPLICATE = "duplicate"
CONFLICT = "conflict"


class FootprintDocumentError(ProblemsError, ValueError):
    """The input cannot become a PACT ProductFootprint; ``problems`` lists every reason."""

    code = "footprint_document_invalid"
    subject = "the footprint document input"
