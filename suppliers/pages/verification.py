"""A platform verifier's pages: the inbox of verification requests (submissions of producers'
footprints that name this organisation as their verifier and wait for its answer), a request
with the footprint and its evidence read-only, confirming it or declining it with a comment,
and the history of the organisation's answers. The same selectors, services and roles as
``suppliers.api.verification``; another verifier's request answers 404 like any object of
another organisation.

The footprint is shown with the producer's own read-only parts (``see.html``,
``footprint_inputs.html``, ``footprint_evidence.html``), its evidence downloaded through this
organisation's own URL (``verification/evidence/<id>/``).
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from accounts.pages.base import OrganisationPage
from accounts.roles import ALL_ROLES, REVIEW_ROLES
from core.errors import ApplicationError
from suppliers.models import (
    VERIFIABLE_STATUSES,
    Footprint,
    VerificationOutcome,
)
from suppliers.pages.downloads import evidence_response
from suppliers.pages.footprints import inputs_shown
from suppliers.pages.forms import ServiceForm
from suppliers.selectors import (
    verification_decisions_of,
    verification_evidence_visible_to,
    verification_request_is_visible,
    verification_requests_open,
    verification_requests_visible_to,
)
from suppliers.services.verification import (
    COMMENT_MAX_LENGTH,
    footprint_verification_confirm,
    footprint_verification_decline,
)

#: Rows on one page of the inbox and of the history.
PAGE_SIZE = 50


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() else 1


class VerificationInboxPage(OrganisationPage):
    """``verification/``: the submissions waiting for this organisation's answer, the longest
    waiting first."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        waiting = verification_requests_open(organisation=self.organisation).only(
            "id",
            "status",
            "period_start",
            "period_end",
            "submitted_at",
            "created_at",
            "verification_statement_date",
            "organisation__legal_name",
            "organisation__legal_name_latin",
            "organisation__country",
            "product__name",
            "product__cn_code",
            "installation__name",
            "installation__name_latin",
            "installation__country",
        )
        page = Paginator(waiting, PAGE_SIZE).get_page(_page_number(request))
        context = self.get_context_data(page_obj=page, can_answer=self.role in REVIEW_ROLES)
        return render(request, "suppliers/pages/verification_inbox.html", context)


class AnswerForm(ServiceForm):
    """A comment beside the confirm or decline button (the service says what it must be)."""

    comment = forms.CharField(
        label=gettext_lazy("Comment (optional)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DeclineForm(AnswerForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["comment"]
        field.label = gettext_lazy("Why you decline")
        field.required = True
        field.help_text = gettext_lazy(
            "The producer reads it: say what is wrong and what it must change."
        )


class _RequestPage(OrganisationPage):
    """A request (a footprint naming this organisation as verifier), read through the
    verifier's selector."""

    def request_footprint(self, request_id: uuid.UUID) -> Footprint:
        visible = (
            verification_requests_visible_to(organisation=self.organisation)
            .select_related("verifier_organisation")
            .prefetch_related("precursors", "evidence")
        )
        return get_object_or_404(visible, pk=request_id)

    def render_detail(
        self,
        request: HttpRequest,
        footprint: Footprint,
        *,
        confirm_form: AnswerForm | None = None,
        decline_form: DeclineForm | None = None,
    ) -> HttpResponse:
        open_now = (
            footprint.status in VERIFIABLE_STATUSES
            and footprint.verifier_confirmed_at is None
            and footprint.verifier_declined_at is None
        )
        answers = list(
            verification_decisions_of(organisation=self.organisation)
            .filter(footprint=footprint)
            .select_related(None)
            .select_related("decided_by")
        )
        context = self.get_context_data(
            footprint=footprint,
            calculation=footprint.calculation or {},
            inputs=inputs_shown(footprint),
            answers=answers,
            open_now=open_now,
            can_answer=open_now and self.role in REVIEW_ROLES,
            confirm_form=confirm_form or AnswerForm(prefix="confirm"),
            decline_form=decline_form or DeclineForm(prefix="decline"),
        )
        return render(request, "suppliers/pages/verification_detail.html", context)


class VerificationRequestPage(_RequestPage):
    """``verification/<id>/``: the footprint read-only, its evidence, the answers given, and
    the confirm and decline forms for reviewers, admins and owners while it is open."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, request_id: uuid.UUID, **kwargs: Any) -> HttpResponse:
        return self.render_detail(request, self.request_footprint(request_id))


class _AnswerPage(_RequestPage):
    role_map = {"POST": REVIEW_ROLES}
    form_class: type[AnswerForm] = AnswerForm
    prefix = ""
    done: Promise

    def answer(self, footprint: Footprint, comment: str) -> object:
        raise NotImplementedError

    def post(self, request: HttpRequest, request_id: uuid.UUID, **kwargs: Any) -> HttpResponse:
        """Answer with the posted comment, then back to the request's page; a refusal (no
        comment, not open any more) shows the page again with it at the form, answered 200."""
        footprint = self.request_footprint(request_id)
        form = self.form_class(request.POST, prefix=self.prefix)
        try:
            self.answer(footprint, form.text("comment"))
        except ApplicationError as exc:
            form.add_service_error(exc)
            fresh = self.request_footprint(request_id)
            if isinstance(form, DeclineForm):
                return self.render_detail(request, fresh, decline_form=form)
            return self.render_detail(request, fresh, confirm_form=form)
        messages.success(request, str(self.done))
        return redirect(
            "suppliers-pages:verification-request",
            org_slug=self.organisation.slug,
            request_id=footprint.pk,
        )


class VerificationConfirmPage(_AnswerPage):
    """``POST verification/<id>/confirm/``: confirm the submission's verification."""

    prefix = "confirm"
    done = gettext_lazy("Confirmed: the producer is told.")

    def answer(self, footprint: Footprint, comment: str) -> object:
        return footprint_verification_confirm(
            actor=self.actor, verifier=self.organisation, footprint=footprint, comment=comment
        )


class VerificationDeclinePage(_AnswerPage):
    """``POST verification/<id>/decline/``: decline it, saying why (required)."""

    form_class = DeclineForm
    prefix = "decline"
    done = gettext_lazy("Declined: the producer reads your comment.")

    def answer(self, footprint: Footprint, comment: str) -> object:
        return footprint_verification_decline(
            actor=self.actor, verifier=self.organisation, footprint=footprint, comment=comment
        )


class VerificationHistoryPage(OrganisationPage):
    """``verification/history/``: every answer this organisation gave, newest first, by
    outcome (``?outcome=confirmed|declined``)."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        outcome = request.GET.get("outcome", "")
        if outcome not in VerificationOutcome.values:
            outcome = ""
        answers: QuerySet[Any] = verification_decisions_of(organisation=self.organisation)
        if outcome:
            answers = answers.filter(outcome=outcome)
        page = Paginator(answers, PAGE_SIZE).get_page(_page_number(request))
        rows = [
            (
                answer,
                verification_request_is_visible(answer.footprint, organisation=self.organisation),
            )
            for answer in page.object_list
        ]
        context = self.get_context_data(
            page_obj=page,
            rows=rows,
            outcome=outcome,
            outcomes=VerificationOutcome.choices,
            query=urlencode({"outcome": outcome}) if outcome else "",
        )
        return render(request, "suppliers/pages/verification_history.html", context)


class VerificationEvidenceDownloadPage(OrganisationPage):
    """``verification/evidence/<id>/``: an evidence file of a footprint this organisation
    verifies, as uploaded (an attachment under its original name)."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        evidence = get_object_or_404(
            verification_evidence_visible_to(organisation=self.organisation),
            pk=kwargs["verification_evidence_id"],
        )
        return evidence_response(evidence)
