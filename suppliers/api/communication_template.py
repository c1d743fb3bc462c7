"""EU communication template imports: upload a filled workbook (kept, then read by a work row
with progress), poll the import, read its report; a dry run answers the report at once and
keeps nothing; ``import_valid=true`` imports what is valid, leaving out the processes,
precursors and goods with problems (the report's ``left_out``) rather than refusing the file.

The report is the contract of ``manage.py import_communication_template``
(``suppliers.eu_template.report``): a bad file answers its problems (``cell``, ``message_en``,
``message_zh``), never a 500. The same file again answers the row of its first upload with
the same choice, or of the upload that wrote it (the service's digest rule). A body over the
upload limit is refused with 413 before it is read
(``core.middleware.RequestSizeLimitMiddleware``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.base import OrganisationAPIView
from accounts.models import Organisation
from accounts.roles import ALL_ROLES, WRITER_ROLES
from cbam.messages import gettext_noop
from core.errors import ValidationFailed
from core.models import Job
from suppliers.models import CommunicationTemplateImport
from suppliers.services.eu_template_import import (
    communication_template_import,
    communication_template_upload,
    file_digest,
)

#: What a list or a poll reads of an import (never the kept upload itself).
IMPORT_COLUMNS = ("id", "file_name", "sha256", "import_valid", "report", "job_id", "created_at")


def communication_template_imports_of(
    *, organisation: Organisation
) -> QuerySet[CommunicationTemplateImport]:
    """The organisation's imports, newest first, without the kept file's bytes."""
    return CommunicationTemplateImport.objects.filter(organisation=organisation).only(
        *IMPORT_COLUMNS
    )


@dataclass(frozen=True)
class ImportState:
    """Where an import is: ``pending`` (its work row waits), ``running``, ``done`` (the report
    is there) or ``failed`` (the work row gave up; ``error`` says why)."""

    status: str
    done: int
    total: int
    error: str = ""


def import_states(rows: list[CommunicationTemplateImport]) -> dict[Any, ImportState]:
    """Each row's state, with its work row's progress (one query for all of them)."""
    job_ids = [row.job_id for row in rows if row.report is None and row.job_id is not None]
    jobs = (
        {
            job.pk: job
            for job in Job.objects.filter(pk__in=job_ids).only(
                "id", "status", "progress_done", "progress_total", "last_error"
            )
        }
        if job_ids
        else {}
    )
    states: dict[Any, ImportState] = {}
    for row in rows:
        if row.report is not None:
            states[row.pk] = ImportState("done", 2, 2)
            continue
        job = jobs.get(row.job_id) if row.job_id is not None else None
        if job is None:
            states[row.pk] = ImportState("pending", 0, 2)
        elif job.status == Job.Status.FAILED:
            states[row.pk] = ImportState(
                "failed", job.progress_done, job.progress_total or 2, job.last_error[:500]
            )
        elif job.status == Job.Status.RUNNING:
            states[row.pk] = ImportState("running", job.progress_done, job.progress_total or 2)
        else:
            states[row.pk] = ImportState("pending", job.progress_done, job.progress_total or 2)
    return states


class ProgressOutput(serializers.Serializer):
    done = serializers.IntegerField(help_text="Steps of the work row done (read, written)")
    total = serializers.IntegerField(help_text="Steps in all")


class ImportOutput(serializers.Serializer):
    id = serializers.UUIDField(allow_null=True, help_text="Null for a dry run (nothing kept)")
    file_name = serializers.CharField()
    sha256 = serializers.CharField(
        help_text="SHA-256 of the file: the same file with the same choice, the same row"
    )
    import_valid = serializers.BooleanField(
        help_text="The 'import what is valid' choice of this upload: leave out the processes, "
        "precursors and goods with problems instead of refusing the file"
    )
    status = serializers.ChoiceField(
        choices=["pending", "running", "done", "failed"],
        help_text="done: the report is there; failed: the work row gave up (see error)",
    )
    progress = ProgressOutput(allow_null=True, help_text="Null for a dry run")
    error = serializers.CharField(help_text="Why the work row failed; empty otherwise")
    created_at = serializers.DateTimeField(allow_null=True)
    report = serializers.JSONField(
        allow_null=True,
        help_text=(
            "Null until done. template_version, installation, reporting_period, goods (each "
            "process, cn_code, see_direct, see_indirect, see_total as 5-dp strings, workbook: "
            "the workbook's own values and cells, footprint: the created draft's id), "
            "problems (each cell, code, severity, message_en, message_zh), left_out (with "
            "import_valid: each good, process or purchased precursor left out: row, process, "
            "cn_code, product_name, precursor, cells, problems), imported, dry_run, "
            "import_valid"
        ),
    )


def import_output(row: CommunicationTemplateImport, state: ImportState) -> dict[str, Any]:
    return dict(
        ImportOutput(
            {
                "id": row.pk,
                "file_name": row.file_name,
                "sha256": row.sha256,
                "import_valid": row.import_valid,
                "status": state.status,
                "progress": {"done": state.done, "total": state.total},
                "error": state.error,
                "created_at": row.created_at,
                "report": row.report,
            }
        ).data
    )


_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off", ""})

UPLOAD_SCHEMA = {
    "multipart/form-data": {
        "type": "object",
        "properties": {
            "file": {
                "type": "string",
                "format": "binary",
                "description": "The filled communication template (.xlsx, v2.x)",
            },
            "dry_run": {
                "type": "boolean",
                "description": "Read and compute only: answer the report at once, keep nothing",
            },
            "import_valid": {
                "type": "boolean",
                "description": "Import what is valid: leave out the processes, purchased "
                "precursors and goods with problems (the report's left_out says what and why) "
                "instead of refusing the whole file",
            },
        },
        "required": ["file"],
    }
}


def _boolean(raw: Any, field: str) -> bool:
    text = str(raw if raw is not None else "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValidationFailed(
        gettext_noop("The upload is invalid."),
        fields={field: [gettext_noop("Expected true or false.")]},
    )


class CommunicationTemplateListApi(OrganisationAPIView):
    """Upload an EU communication template (multipart field ``file``) to import it: 202 with
    the import to poll; ``dry_run=true`` answers the report at once (200) and keeps nothing;
    ``import_valid=true`` imports what is valid.
    GET lists the organisation's imports, newest first."""

    role_map = {"GET": ALL_ROLES, "POST": WRITER_ROLES}
    scope_area = "footprints"
    parser_classes: ClassVar[list[Any]] = [MultiPartParser]  # type: ignore[misc]

    @extend_schema(responses=ImportOutput(many=True))
    def get(self, request: Request, org_slug: str) -> Response:
        assert self.pagination_class is not None
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            communication_template_imports_of(organisation=self.organisation), request, view=self
        )
        rows = list(page or [])
        states = import_states(rows)
        return paginator.get_paginated_response([import_output(r, states[r.pk]) for r in rows])

    @extend_schema(request=UPLOAD_SCHEMA, responses={202: ImportOutput, 200: ImportOutput})
    def post(self, request: Request, org_slug: str) -> Response:
        upload = request.FILES.get("file")
        dry_run = _boolean(request.data.get("dry_run"), "dry_run")
        import_valid = _boolean(request.data.get("import_valid"), "import_valid")
        if upload is None:
            raise ValidationFailed(
                gettext_noop("The upload is invalid."),
                fields={
                    "file": [gettext_noop("Attach the workbook as multipart form field 'file'.")]
                },
            )
        content = upload.read()
        file_name = str(upload.name or "")
        if dry_run:
            report = communication_template_import(
                actor=self.actor,
                organisation=self.organisation,
                content=content,
                file_name=file_name,
                dry_run=True,
                import_valid=import_valid,
            )
            return Response(
                ImportOutput(
                    {
                        "id": None,
                        "file_name": file_name[:255],
                        "sha256": file_digest(content),
                        "import_valid": import_valid,
                        "status": "done",
                        "progress": None,
                        "error": "",
                        "created_at": None,
                        "report": report,
                    }
                ).data,
                status=status.HTTP_200_OK,
            )
        row = communication_template_upload(
            actor=self.actor,
            organisation=self.organisation,
            content=content,
            file_name=file_name,
            import_valid=import_valid,
        )
        fresh = communication_template_imports_of(organisation=self.organisation).get(pk=row.pk)
        return Response(
            import_output(fresh, import_states([fresh])[fresh.pk]),
            status=status.HTTP_202_ACCEPTED,
        )


class CommunicationTemplateDetailApi(OrganisationAPIView):
    """One import: its status, the work row's progress and, once done, the report."""

    role_map = {"GET": ALL_ROLES}
    scope_area = "footprints"

    @extend_schema(responses=ImportOutput)
    def get(self, request: Request, org_slug: str, import_id: str) -> Response:
        row = self.get_object_or_404(
            communication_template_imports_of(organisation=self.organisation), pk=import_id
        )
        return Response(import_output(row, import_states([row])[row.pk]))
