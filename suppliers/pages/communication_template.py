"""Importing an EU communication template from the pages: the upload form, then the import's
page, whose progress fragment htmx polls every 2 s until the report is there (per good: CN
code, process, the engine's SEE beside the workbook's own, the drafts created; the problems at
their ``sheet!cell`` in the page's language).

The upload goes through ``communication_template_upload`` (a work row reads the file), with
the "import what is valid" choice when ticked (the report then lists, per good, what was left
out and why); the same file again leads to the import of its first upload with the same choice,
or of the upload that wrote it, whose report it shows (the service's digest rule).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, gettext_lazy

from accounts.pages.base import OrganisationPage
from accounts.roles import ALL_ROLES, WRITER_ROLES
from core.errors import ApplicationError
from suppliers.api.communication_template import (
    ImportState,
    communication_template_imports_of,
    import_states,
)
from suppliers.eu_template.workbook import MAX_FILE_BYTES
from suppliers.models import CommunicationTemplateImport
from suppliers.pages.footprints import error_messages
from suppliers.services.eu_template_import import communication_template_upload, file_digest

#: Earlier imports listed under the upload form.
RECENT_IMPORTS = 10


class TemplateUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Communication template (.xlsx)"),
        help_text=gettext_lazy(
            "The European Commission's communication template for installations (version 2.x), "
            "filled in; at most 20 MB."
        ),
        error_messages={"required": gettext_lazy("Choose the workbook to import.")},
    )
    import_valid = forms.BooleanField(
        required=False,
        label=gettext_lazy("Import what is valid (leave out the processes with problems)"),
        help_text=gettext_lazy(
            "Without this choice a file with any problem is refused whole. With it, the goods "
            "of the processes without problems are imported, and the report lists each good, "
            "process and purchased precursor left out, with the cells why."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                gettext("The file is %(size)s bytes; at most %(limit)s bytes are accepted.")
                % {"size": upload.size, "limit": MAX_FILE_BYTES}
            )
        return upload


def _report_shown(report: dict[str, Any] | None) -> dict[str, Any] | None:
    """The report as the page shows it: goods with their workbook values side by side."""
    if report is None:
        return None
    goods = []
    for good in report.get("goods", []):
        workbook = good.get("workbook") or {}
        goods.append(
            {
                **good,
                "rows": [
                    (
                        key,
                        good.get(f"see_{key}"),
                        workbook.get(f"see_{key}"),
                    )
                    for key in ("direct", "indirect", "total")
                ],
                "workbook_cells": ", ".join(workbook.get("cells") or []),
            }
        )
    problems = report.get("problems", [])
    left_out = report.get("left_out") or []
    return {
        **report,
        "goods": goods,
        "left_out_goods": [e for e in left_out if e.get("row") is not None],
        "left_out_others": [e for e in left_out if e.get("row") is None],
        # With left_out, the errors are shown with what each left out, not as a refusal.
        "errors": [] if left_out else [p for p in problems if p.get("severity") == "error"],
        "warnings": [p for p in problems if p.get("severity") != "error"],
    }


class TemplateImportPage(OrganisationPage):
    """The upload form and the organisation's latest imports."""

    role_map = {"GET": WRITER_ROLES, "POST": WRITER_ROLES}

    def render_form(self, request: HttpRequest, form: TemplateUploadForm) -> HttpResponse:
        rows = list(
            communication_template_imports_of(organisation=self.organisation)[:RECENT_IMPORTS]
        )
        states = import_states(rows)
        context = self.get_context_data(
            form=form,
            imports=[(row, states[row.pk]) for row in rows],
            max_megabytes=MAX_FILE_BYTES // (1024 * 1024),
        )
        return render(request, "suppliers/pages/template_import.html", context)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self.render_form(request, TemplateUploadForm())

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        form = TemplateUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_form(request, form)
        upload = form.cleaned_data["file"]
        content = upload.read()
        seen = set(
            CommunicationTemplateImport.objects.filter(
                organisation=self.organisation, sha256=file_digest(content)
            ).values_list("pk", flat=True)
        )
        try:
            row = communication_template_upload(
                actor=self.actor,
                organisation=self.organisation,
                content=content,
                file_name=str(upload.name or ""),
                import_valid=form.cleaned_data["import_valid"],
            )
        except ApplicationError as exc:
            for message in error_messages(exc):
                form.add_error("file", message)
            return self.render_form(request, form)
        if row.pk in seen:
            messages.info(
                request,
                gettext("This file was uploaded before: here is its first import's report."),
            )
        else:
            messages.success(request, gettext("The workbook is uploaded; it is being read."))
        return redirect(
            "suppliers-pages:template-import-status",
            org_slug=self.organisation.slug,
            import_id=row.pk,
        )


class _ImportPage(OrganisationPage):
    role_map = {"GET": ALL_ROLES}

    def context(self, import_id: str) -> dict[str, Any]:
        row = get_object_or_404(
            communication_template_imports_of(organisation=self.organisation), pk=import_id
        )
        state: ImportState = import_states([row])[row.pk]
        return self.get_context_data(
            row=row,
            state=state,
            report=_report_shown(row.report),
            can_write=self.role in WRITER_ROLES,
        )


class TemplateImportStatusPage(_ImportPage):
    """One import: its progress until the work row is done, then its report."""

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return render(
            request,
            "suppliers/pages/template_import_status.html",
            self.context(kwargs["import_id"]),
        )


class TemplateImportProgressPage(_ImportPage):
    """The import's progress or report (the fragment htmx polls every 2 s; it stops polling
    once the import is done or failed)."""

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return render(
            request,
            "suppliers/pages/template_import_progress.html",
            self.context(kwargs["import_id"]),
        )
