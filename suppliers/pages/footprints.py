"""Footprints: the list, a footprint's page, the draft editor, and the workflow's buttons.

Every write goes through the service the API calls for it (``suppliers.api.footprints``), with
the same role sets; the buttons a page shows are those the viewer's role may press in the
footprint's status. A refusal of a service (four eyes, an illegal move, a missing comment)
comes back as a message on the footprint's page, in the page's language.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from accounts.pages.base import OrganisationPage
from accounts.roles import ADMIN_ROLES, ALL_ROLES, REVIEW_ROLES, WRITER_ROLES
from core.errors import ApplicationError
from core.messages import localise
from core.text import TextError, clean_text
from suppliers.api.footprints import signed_document_response, wants_original
from suppliers.inputs import QUANTITIES
from suppliers.models import (
    VERIFIABLE_STATUSES,
    EvidenceKind,
    Footprint,
    FootprintStatus,
    ValidationRun,
)
from suppliers.pages.footprint_form import LABELS, SPARE_PRECURSOR_ROWS, FootprintForm
from suppliers.pages.forms import field_name
from suppliers.selectors import (
    footprint_versions,
    footprints_owned_by,
    installations_visible_to,
    products_visible_to,
    verification_decisions_of_footprint,
)
from suppliers.services.evidence import evidence_add
from suppliers.services.footprints import footprint_create, footprint_update
from suppliers.services.publishing import footprint_correct, footprint_publish
from suppliers.services.workflow import (
    footprint_approve,
    footprint_deprecate,
    footprint_reject,
    footprint_reopen,
    footprint_submit,
    footprint_withdraw,
    four_eyes_refusal,
)
from suppliers.validation.runs import footprint_revalidate
from suppliers.validation.selectors import newest_runs

#: Footprints per page of the list.
PAGE_SIZE = 50
#: What the list reads of each footprint.
LIST_COLUMNS = (
    "id",
    "status",
    "period_start",
    "period_end",
    "see_total",
    "created_at",
    "product__name",
    "product__cn_code",
    "installation__name",
)


def _detail(page: OrganisationPage, footprint: Footprint) -> HttpResponseBase:
    return redirect(
        "suppliers-pages:footprint", org_slug=page.organisation.slug, footprint_id=footprint.pk
    )


def error_messages(error: ApplicationError) -> list[str]:
    """What a refusal says, in the page's language: its message, then each field's problem."""
    said = [localise(error.message)]
    for path, problems in (error.extra.get("fields") or {}).items():
        label = path_label(path)
        for problem in problems:
            said.append(f"{label}: {localise(problem)}" if label else localise(problem))
    return said


def path_label(path: str) -> str:
    """The label of the form field a service or finding path names (``precursors[0].cn_code``
    → "Precursor 1: CN code"), or the path itself when no field has it."""
    if not path:
        return ""
    name = field_name(path)
    if name.startswith("precursors-"):
        parts = name.split("-", 2)
        if len(parts) == 3 and parts[1].isdigit() and parts[2] in LABELS:
            return gettext("Precursor %(number)s: %(field)s") % {
                "number": int(parts[1]) + 1,
                "field": LABELS[parts[2]],
            }
    label = LABELS.get(name)
    return str(label) if label is not None else path


class FootprintListPage(OrganisationPage):
    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        status = request.GET.get("status", "")
        if status not in FootprintStatus.values:
            status = ""
        number = request.GET.get("page", "1")
        footprints = (
            footprints_owned_by(organisation=self.organisation, status=status or None)
            # The columns the list shows: not the calculation, the signed document or the
            # preceding version (each a large row of its own).
            .select_related(None)
            .select_related("product", "installation")
            .only(*LIST_COLUMNS)
            # Only the newest validation run's status and error count are shown: no
            # precursors, evidence or findings.
            .prefetch_related(None)
            .prefetch_related(
                Prefetch(
                    "validation_runs",
                    queryset=newest_runs().only(
                        "id", "footprint_id", "status", "error_count", "created_at"
                    ),
                    to_attr="latest_validation_runs",
                )
            )
        )
        paginator = Paginator(footprints, PAGE_SIZE)
        page = paginator.get_page(int(number) if number.isascii() and number.isdigit() else 1)
        context = self.get_context_data(
            page_obj=page,
            footprints=list(page.object_list),
            status=status,
            statuses=FootprintStatus.choices,
            can_write=self.role in WRITER_ROLES,
        )
        return render(request, "suppliers/pages/footprint_list.html", context)


class FootprintPage(OrganisationPage):
    """Base of the pages of one footprint, read through the organisation's selector."""

    def footprint(self, footprint_id: str) -> Footprint:
        return get_object_or_404(self.footprints(), pk=footprint_id)

    def footprints(self) -> QuerySet[Footprint]:
        return footprints_owned_by(organisation=self.organisation)


def latest_run(footprint: Footprint) -> ValidationRun | None:
    runs = getattr(footprint, "latest_validation_runs", [])
    run = runs[0] if runs else None
    if run is not None:
        for finding in run.findings.all():
            finding.field_label = path_label(finding.path)
    return run


class FootprintDetailPage(FootprintPage):
    role_map = {"GET": ALL_ROLES}

    def footprints(self) -> QuerySet[Footprint]:
        return (
            super()
            .footprints()
            .select_related("created_by", "submitted_by", "reviewed_by", "published_by", "decision")
        )

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        footprint = self.footprint(kwargs["footprint_id"])
        decision = getattr(footprint, "decision", None)
        four_eyes = review_refusal(self, footprint)
        context = self.get_context_data(
            footprint=footprint,
            run=latest_run(footprint),
            inputs=inputs_shown(footprint),
            calculation=footprint.calculation or {},
            timeline=_timeline(footprint),
            actions=[
                a.button(self, footprint)
                for a in ACTIONS
                if a.offered(self, footprint) and not (four_eyes and a.is_review)
            ],
            four_eyes=four_eyes,
            versions=footprint_versions(organisation=self.organisation, footprint=footprint),
            decision=decision,
            can_add_evidence=footprint.status == FootprintStatus.DRAFT
            and self.role in WRITER_ROLES,
            evidence_kinds=EvidenceKind.choices,
            published=footprint.status in (FootprintStatus.PUBLISHED, FootprintStatus.DEPRECATED),
            # The platform verifier's answers (one query, only when one is named).
            verification_answers=list(verification_decisions_of_footprint(footprint=footprint))
            if footprint.verifier_organisation_id is not None
            else [],
            verification_waiting=footprint.status in VERIFIABLE_STATUSES
            and footprint.verifier_confirmed_at is None
            and footprint.verifier_declined_at is None,
        )
        return render(request, "suppliers/pages/footprint_detail.html", context)


def review_refusal(page: OrganisationPage, footprint: Footprint) -> str:
    """Why the viewer, a reviewer, may not approve or reject ``footprint`` (the services' four
    eyes rule, said before the click), in the page's language; "" when they may, or when no
    review is open to them anyway."""
    if page.role not in REVIEW_ROLES or footprint.status not in RejectPage.offered_in:
        return ""
    refusal = four_eyes_refusal(user_id=page.user.pk, footprint=footprint)
    return localise(refusal) if refusal is not None else ""


def inputs_shown(footprint: Footprint) -> list[dict[str, Any]]:
    """Each quantity as entered (value and unit) beside its stored, normalised value."""
    entered = footprint.inputs_as_entered or {}
    rows = []
    for key, model_field, _kind, _required, _zero in QUANTITIES:
        value = entered.get(key)
        stored = getattr(footprint, model_field)
        if value is None and stored is None:
            continue
        rows.append(
            {
                "label": LABELS[key],
                "value": value.get("value") if isinstance(value, dict) else None,
                "unit": value.get("unit") if isinstance(value, dict) else "",
                "stored": stored,
            }
        )
    return rows


def _timeline(footprint: Footprint) -> list[dict[str, Any]]:
    steps = [
        (pgettext_lazy("event", "Created"), footprint.created_at, footprint.created_by, ""),
        (gettext_lazy("Submitted"), footprint.submitted_at, footprint.submitted_by, ""),
        (
            gettext_lazy("Reviewed"),
            footprint.reviewed_at,
            footprint.reviewed_by,
            footprint.review_comment,
        ),
        (gettext_lazy("Published"), footprint.published_at, footprint.published_by, ""),
        (gettext_lazy("Deprecated"), footprint.deprecated_at, None, ""),
    ]
    return [
        {"label": label, "at": at, "by": by, "comment": comment}
        for label, at, by, comment in steps
        if at is not None
    ]


class ValidationFragmentPage(FootprintPage):
    """The latest validation run, polled by htmx every 2 s while it is unfinished; once it is
    finished, an htmx request makes the page reload (``HX-Refresh``), so the footprint's new
    status, its findings and its buttons show together."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        footprint = self.footprint(kwargs["footprint_id"])
        run = latest_run(footprint)
        context = self.get_context_data(footprint=footprint, run=run)
        response = render(request, "suppliers/pages/validation.html", context)
        if request.headers.get("HX-Request") and (run is None or run.is_finished):
            response["HX-Refresh"] = "true"
        return response


class _FootprintFormPage(FootprintPage):
    role_map = {"GET": WRITER_ROLES, "POST": WRITER_ROLES}
    current: Footprint | None = None

    def footprints(self) -> QuerySet[Footprint]:
        # The form shows the draft's precursors; not its evidence or validation runs.
        return super().footprints().prefetch_related(None).prefetch_related("precursors")

    def form(self, data: Any = None, initial: dict[str, Any] | None = None) -> FootprintForm:
        rows = len(self.current.precursors.all()) if self.current is not None else 0
        if data is not None:
            rows = _posted_rows(data)
            if "add_precursor" in data:
                rows += 1
        else:
            rows += SPARE_PRECURSOR_ROWS
        # Only what a precursor's choice of footprint shows: product name and year (hundreds
        # of them; the whole rows carry the calculation and the signed document).
        published = (
            footprints_owned_by(organisation=self.organisation, status=FootprintStatus.PUBLISHED)
            .select_related(None)
            .select_related("product")
            .prefetch_related(None)
            .only("id", "period_start", "product__name")
        )
        return FootprintForm(
            data,
            initial=initial,
            products=products_visible_to(organisation=self.organisation).prefetch_related(None),
            installations=installations_visible_to(organisation=self.organisation),
            published=published,
            precursor_rows=rows,
        )

    def render_form(self, request: HttpRequest, form: FootprintForm) -> Any:
        context = self.get_context_data(form=form, footprint=self.current)
        return render(request, "suppliers/pages/footprint_form.html", context)

    def save(self, data: dict[str, Any]) -> Footprint:
        raise NotImplementedError

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        form = self.form(request.POST)
        if "add_precursor" in request.POST:
            return self.render_form(request, form)
        try:
            footprint = self.save(form.data_for_service(partial=self.current is not None))
        except ApplicationError as exc:
            form.add_service_error(exc, field_name)
            return self.render_form(request, form)
        messages.success(request, gettext("The draft is saved; its SEE is computed."))
        return _detail(self, footprint)


def _posted_rows(data: Any) -> int:
    """How many precursor rows the posted form had (its ``precursor_rows`` field)."""
    raw = str(data.get("precursor_rows", ""))
    rows = int(raw) if raw.isascii() and raw.isdigit() else 0
    return min(rows, 100)


class FootprintCreatePage(_FootprintFormPage):
    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self.render_form(request, self.form())

    def save(self, data: dict[str, Any]) -> Footprint:
        return footprint_create(actor=self.actor, organisation=self.organisation, data=data)


class FootprintEditPage(_FootprintFormPage):
    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        self.current = self.footprint(kwargs["footprint_id"])
        if self.current.status != FootprintStatus.DRAFT:
            messages.error(request, gettext("Only a draft can be edited."))
            return _detail(self, self.current)
        return self.render_form(request, self.form(initial=FootprintForm.initial_of(self.current)))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        self.current = self.footprint(kwargs["footprint_id"])
        return super().post(request, **kwargs)

    def save(self, data: dict[str, Any]) -> Footprint:
        assert self.current is not None
        return footprint_update(actor=self.actor, footprint=self.current, data=data)


# --- Workflow actions ----------------------------------------------------------------------


class FootprintActionPage(FootprintPage):
    """POST one workflow action (a button on the footprint's page); back to the page with a
    message saying what happened, or why the service refused."""

    #: The statuses the button is offered in (the service decides, this only hides it).
    offered_in: ClassVar[tuple[str, ...]] = ()
    url_name: ClassVar[str] = ""
    label: ClassVar[Promise]
    done: ClassVar[Promise]
    #: "" (none), "optional" or "required": a comment box beside the button.
    comment: ClassVar[str] = ""
    danger: ClassVar[bool] = False
    #: A reviewer's decision, refused by four eyes to whoever prepared or submitted it.
    is_review: ClassVar[bool] = False

    def perform(self, footprint: Footprint, comment: str) -> Footprint | Any:
        raise NotImplementedError

    @classmethod
    def offered(cls, page: OrganisationPage, footprint: Footprint) -> bool:
        return footprint.status in cls.offered_in and page.role in cls.role_map["POST"]

    @classmethod
    def button(cls, page: OrganisationPage, footprint: Footprint) -> dict[str, Any]:
        return {
            "name": cls.url_name,
            "label": cls.label,
            "comment": cls.comment,
            "danger": cls.danger,
        }

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        footprint = self.footprint(kwargs["footprint_id"])
        try:
            comment = clean_text(request.POST.get("comment", ""))
            result = self.perform(footprint, comment)
        except TextError as exc:
            messages.error(request, localise(exc.message))
            return self.back(request, footprint)
        except ApplicationError as exc:
            for message in error_messages(exc):
                messages.error(request, message)
            return self.back(request, footprint)
        messages.success(request, str(self.done))
        return self.back(request, result if isinstance(result, Footprint) else footprint)

    def back(self, request: HttpRequest, footprint: Footprint) -> HttpResponseBase:
        """Where the button was pressed: the review queue (``back=review``) or the footprint's
        page."""
        if request.POST.get("back") == "review":
            return redirect("suppliers-pages:review", org_slug=self.organisation.slug)
        return _detail(self, footprint)


class SubmitPage(FootprintActionPage):
    role_map = {"POST": WRITER_ROLES}
    offered_in = (FootprintStatus.DRAFT,)
    url_name = "footprint-submit"
    label = gettext_lazy("Submit for validation")
    done = gettext_lazy("Submitted: the validation is running.")

    def perform(self, footprint: Footprint, comment: str) -> Footprint:
        return footprint_submit(actor=self.actor, footprint=footprint)


class WithdrawPage(FootprintActionPage):
    role_map = {"POST": WRITER_ROLES}
    offered_in = (FootprintStatus.SUBMITTED,)
    url_name = "footprint-withdraw"
    label = gettext_lazy("Withdraw the submission")
    done = gettext_lazy("Withdrawn: the footprint is a draft again.")
    comment = "optional"

    def perform(self, footprint: Footprint, comment: str) -> Footprint:
        return footprint_withdraw(actor=self.actor, footprint=footprint, comment=comment)


class RevalidatePage(FootprintActionPage):
    role_map = {"POST": WRITER_ROLES}
    url_name = "footprint-revalidate"
    label = gettext_lazy("Validate again")
    done = gettext_lazy("The validation is running again.")

    @classmethod
    def offered(cls, page: OrganisationPage, footprint: Footprint) -> bool:
        run = latest_run(footprint)
        return (
            footprint.status == FootprintStatus.SUBMITTED
            and run is not None
            and run.is_finished
            and page.role in cls.role_map["POST"]
        )

    def perform(self, footprint: Footprint, comment: str) -> ValidationRun:
        return footprint_revalidate(actor=self.actor, footprint=footprint)


class ApprovePage(FootprintActionPage):
    role_map = {"POST": REVIEW_ROLES}
    offered_in = (FootprintStatus.IN_REVIEW,)
    url_name = "footprint-approve"
    label = gettext_lazy("Approve")
    done = gettext_lazy("Approved: it can be published now.")
    comment = "optional"
    is_review = True

    def perform(self, footprint: Footprint, comment: str) -> Footprint:
        return footprint_approve(actor=self.actor, footprint=footprint, comment=comment)


class RejectPage(FootprintActionPage):
    role_map = {"POST": REVIEW_ROLES}
    offered_in = (FootprintStatus.IN_REVIEW, FootprintStatus.APPROVED)
    url_name = "footprint-reject"
    label = pgettext_lazy("review", "Reject")
    done = gettext_lazy("Rejected: the preparer sees your comment.")
    comment = "required"
    danger = True
    is_review = True

    def perform(self, footprint: Footprint, comment: str) -> Footprint:
        return footprint_reject(actor=self.actor, footprint=footprint, comment=comment)


class ReopenPage(FootprintActionPage):
    role_map = {"POST": WRITER_ROLES}
    offered_in = (FootprintStatus.REJECTED,)
    url_name = "footprint-reopen"
    label = gettext_lazy("Reopen as a draft")
    done = gettext_lazy("The footprint is a draft again.")

    def perform(self, footprint: Footprint, comment: str) -> Footprint:
        return footprint_reopen(actor=self.actor, footprint=footprint)


class PublishPage(FootprintActionPage):
    role_map = {"POST": REVIEW_ROLES}
    offered_in = (FootprintStatus.APPROVED,)
    url_name = "footprint-publish"
    label = gettext_lazy("Publish (sign)")
    done = gettext_lazy("Published: the document is signed.")

    def perform(self, footprint: Footprint, comment: str) -> Footprint:
        return footprint_publish(actor=self.actor, footprint=footprint)


class DeprecatePage(FootprintActionPage):
    role_map = {"POST": ADMIN_ROLES}
    offered_in = (FootprintStatus.PUBLISHED,)
    url_name = "footprint-deprecate"
    label = gettext_lazy("Deprecate")
    done = gettext_lazy("Deprecated: buyers are told not to use it any more.")
    comment = "optional"
    danger = True

    def perform(self, footprint: Footprint, comment: str) -> Footprint:
        return footprint_deprecate(actor=self.actor, footprint=footprint, reason=comment)


class CorrectPage(FootprintActionPage):
    role_map = {"POST": WRITER_ROLES}
    offered_in = (FootprintStatus.PUBLISHED,)
    url_name = "footprint-correct"
    label = gettext_lazy("Correct (new version)")
    done = gettext_lazy("A new version is a draft: correct it, then submit it.")

    def perform(self, footprint: Footprint, comment: str) -> Footprint:
        return footprint_correct(actor=self.actor, footprint=footprint)


#: The buttons of a footprint's page, in the order shown.
ACTIONS: tuple[type[FootprintActionPage], ...] = (
    SubmitPage,
    WithdrawPage,
    RevalidatePage,
    ApprovePage,
    RejectPage,
    ReopenPage,
    PublishPage,
    CorrectPage,
    DeprecatePage,
)


class EvidencePage(FootprintPage):
    """POST a file (multipart) backing a claim of a draft (``evidence_add``)."""

    role_map = {"POST": WRITER_ROLES}

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        footprint = self.footprint(kwargs["footprint_id"])
        try:
            evidence_add(
                actor=self.actor,
                footprint=footprint,
                kind=str(request.POST.get("kind", "")),
                upload=request.FILES.get("file"),
            )
        except ApplicationError as exc:
            for message in error_messages(exc):
                messages.error(request, message)
        else:
            messages.success(request, gettext("The evidence is attached."))
        return _detail(self, footprint)


class DocumentPage(FootprintPage):
    """The signed PACT document of a published footprint, byte for byte as signed (JSON)."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        footprint = self.footprint(kwargs["footprint_id"])
        if footprint.status not in (FootprintStatus.PUBLISHED, FootprintStatus.DEPRECATED):
            messages.error(request, gettext("Only a published footprint has a signed document."))
            return _detail(self, footprint)
        return signed_document_response(footprint, original=wants_original(request))
