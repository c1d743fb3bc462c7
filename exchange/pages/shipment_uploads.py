"""Uploading a CSV of shipments from the pages: the form (the file as a whole is checked at
once: its errors are shown at the field), then the upload's page, whose progress fragment
htmx polls every 2 s while its work row checks the rows, until the report: every problem with
its line, column, the value found, what is wrong and what is expected, in the page's language.

Valid rows are imported, rows with a problem are not (the service's contract: one bad row
never blocks the others); the same file again writes nothing and leads to its first report.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext

from accounts.pages.base import OrganisationPage
from accounts.roles import ALL_ROLES, WRITER_ROLES
from cbam.messages import Message
from core.errors import ApplicationError
from core.messages import localise, message_from_json
from exchange.declarations.models import ShipmentImport
from exchange.declarations.selectors import (
    ImportState,
    shipment_import_state,
    shipment_imports_listed,
    shipment_imports_visible_to,
)
from exchange.declarations.services.imports import COLUMNS_REQUIRED, shipments_upload
from exchange.declarations.services.shipments import FIELDS
from exchange.pages.shipment_forms import EXPECTED, LABELS, ShipmentUploadForm

#: Earlier uploads listed under the form.
RECENT_UPLOADS = 10
#: Problems shown on the page at most (the API's report has them all).
PROBLEMS_SHOWN = 1000
#: The templates whose message is "<problem>; expected <what>" (or with a colon): the report
#: shows the two in their own columns.
_SPLIT = ("%(problem)s; expected %(expected)s", "%(problem)s: expected %(expected)s")


def problem_parts(problem: dict[str, Any]) -> tuple[str, str]:
    """What is wrong and what is expected, in the page's language. A message stored without
    its template (an older report) is shown as it was written; a message without an
    expectation gets the column's."""
    message = message_from_json(problem.get("text", problem.get("message", "")))
    if isinstance(message, Message) and message.template in _SPLIT:
        wrong, expected = message.params["problem"], message.params["expected"]
        return localise(wrong) if isinstance(wrong, str) else str(wrong), (
            localise(expected) if isinstance(expected, str) else str(expected)
        )
    said = localise(message)
    column = str(problem.get("column", ""))
    expected = EXPECTED.get(column) if "expected" not in str(message) else None
    return said, str(expected) if expected is not None else ""


def _report_shown(record: ShipmentImport) -> dict[str, Any] | None:
    report = record.report
    if report is None:
        return None
    problems = []
    for row in report.get("failed", []):
        for problem in row.get("problems", []):
            wrong, expected = problem_parts(problem)
            column = str(problem.get("column", ""))
            problems.append(
                {
                    "line": problem.get("line", row.get("line")),
                    "reference": row.get("reference", ""),
                    "column": column,
                    "column_label": LABELS.get(column, ""),
                    "value": problem.get("value", ""),
                    "wrong": wrong,
                    "expected": expected,
                }
            )
    return {
        "problems": problems[:PROBLEMS_SHOWN],
        "problems_total": len(problems),
        "failed_lines": [row.get("line") for row in report.get("failed", [])],
    }


class ShipmentUploadPage(OrganisationPage):
    """``shipments/upload/``: the form and the latest uploads."""

    role_map = {"GET": WRITER_ROLES, "POST": WRITER_ROLES}

    def render_form(self, request: HttpRequest, form: ShipmentUploadForm) -> HttpResponse:
        rows = list(shipment_imports_listed(organisation=self.organisation)[:RECENT_UPLOADS])
        context = self.get_context_data(
            form=form,
            uploads=[(row, shipment_import_state(record=row)) for row in rows],
            columns_required=COLUMNS_REQUIRED,
            columns_optional=[c for c in FIELDS if c not in COLUMNS_REQUIRED],
            columns=[(c, LABELS[c], EXPECTED[c], c in COLUMNS_REQUIRED) for c in FIELDS],
        )
        return render(request, "exchange/pages/shipment_upload.html", context)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self.render_form(request, ShipmentUploadForm())

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        form = ShipmentUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_form(request, form)
        upload = form.cleaned_data["file"]
        try:
            record, created = shipments_upload(
                actor=self.actor,
                organisation=self.organisation,
                content=upload.read(),
                file_name=str(upload.name or ""),
            )
        except ApplicationError as error:
            for problem in error.extra.get("fields", {}).get("file", []) or [error.message]:
                form.add_error("file", localise(problem))
            return self.render_form(request, form)
        if created:
            messages.success(
                request,
                gettext("The file is uploaded: its %(rows)s rows are being checked.")
                % {"rows": record.rows_total},
            )
        else:
            messages.info(
                request,
                gettext(
                    "This file was uploaded before: nothing was written again. Here is what "
                    "became of it."
                ),
            )
        return redirect(
            "exchange-pages:shipment-upload",
            org_slug=self.organisation.slug,
            shipment_import_id=record.pk,
        )


class _UploadPage(OrganisationPage):
    role_map = {"GET": ALL_ROLES}

    def context(self, shipment_import_id: str) -> dict[str, Any]:
        record = get_object_or_404(
            shipment_imports_visible_to(organisation=self.organisation).defer("content"),
            pk=shipment_import_id,
        )
        state: ImportState = shipment_import_state(record=record)
        return self.get_context_data(
            record=record,
            state=state,
            report=_report_shown(record),
            can_write=self.role in WRITER_ROLES,
        )


class ShipmentUploadStatusPage(_UploadPage):
    """``shipments/uploads/<id>/``: one upload, its progress until its rows are checked, then
    its report."""

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return render(
            request,
            "exchange/pages/shipment_upload_status.html",
            self.context(kwargs["shipment_import_id"]),
        )


class ShipmentUploadProgressPage(_UploadPage):
    """The upload's progress or report (the fragment htmx polls every 2 s; it stops polling
    once the upload is done or failed)."""

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return render(
            request,
            "exchange/pages/shipment_upload_progress.html",
            self.context(kwargs["shipment_import_id"]),
        )
