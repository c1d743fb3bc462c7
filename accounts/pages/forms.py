"""What the accounts pages share about forms: a service's refusal shown at the fields.

A form shown again with its errors answers 200, as the login page does: the page is the
answer, its errors are in it (marked ``role="alert"`` and beside each field). A 4xx document
is a failed load to the browser (an error in its console) and htmx swaps no 4xx answer. Only a
page that is itself a refusal (a dead link, a role not allowed) answers 4xx.
"""

from __future__ import annotations

from collections.abc import Mapping

from django import forms

from core.errors import ApplicationError


def apply_service_errors(
    form: forms.Form, error: ApplicationError, *, field_of: Mapping[str, str] | None = None
) -> None:
    """Put an ``ApplicationError`` on ``form``: each entry of ``extra["fields"]`` at its field
    (renamed through ``field_of``: the service's ``identifiers.0`` is the form's
    ``identifier_value``), a field the form lacks above it, and the message itself above it
    too (the summary an alert reads out) unless a field already says exactly that."""
    fields: dict[str, list[str]] = error.extra.get("fields") or {}
    for name, problems in fields.items():
        target = (field_of or {}).get(name, name)
        for problem in problems:
            form.add_error(target if target in form.fields else None, problem)
    if not any(error.message in problems for problems in fields.values()):
        form.add_error(None, error.message)
