"""The buyer's requests: those sent (filtered by status and supplier, due dates, overdue
marked), a new request to a supplier on the platform or by e-mail to one that is not, and each
request's page with its timeline (``exchange.sharing.efforts.request_timeline``), withdrawal
and a reminder sent now (at most once a day). The same selectors, services and roles as
``exchange.sharing.api.requests``."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.pages.base import OrganisationPage
from accounts.roles import ALL_ROLES, WRITER_ROLES
from core.errors import ApplicationError
from core.workflows import IllegalTransition
from exchange.pages.buyer_forms import (
    PRODUCT_MISSING,
    SEND_ERROR_FIELDS,
    SendRequestForm,
    SentRequestFilterForm,
)
from exchange.pages.forms import ReasonForm
from exchange.pages.requests import DUE_SOON_DAYS, _due_context
from exchange.sharing.directory import (
    SEARCH_MIN_CHARS,
    supplier_by_slug,
    suppliers_known_to,
    suppliers_search,
)
from exchange.sharing.efforts import request_timeline, requests_to_supplier, supplier_choices
from exchange.sharing.errors import ReminderTooSoon
from exchange.sharing.models import FootprintRequest, RequestStatus
from exchange.sharing.selectors import requests_sent_by
from exchange.sharing.services.requests import (
    RequestInput,
    request_remind,
    request_reminder_possible_on,
    request_send,
    request_withdraw,
)

#: Requests on one page of the list.
PAGE_SIZE = 50


class WithdrawForm(ReasonForm):
    """The buyer's reason is optional (the supplier reads it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.required = False
        field.label = _("Why you withdraw it (optional)")
        field.help_text = _("The supplier is told that nothing more is needed, and why.")


class SentRequestListPage(OrganisationPage):
    """``sent-requests/``: requests sent, newest first, filtered by status and supplier."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = SentRequestFilterForm(
            request.GET or None, suppliers=supplier_choices(buyer=self.organisation)
        )
        status = supplier = ""
        if form.is_valid():
            status, supplier = form.cleaned_data["status"], form.cleaned_data["supplier"]
        sent = requests_sent_by(buyer=self.organisation, status=status or None)
        if supplier:
            sent = requests_to_supplier(sent, supplier)
        page = Paginator(sent, PAGE_SIZE).get_page(request.GET.get("page"))
        filters = {k: v for k, v in (("status", status), ("supplier", supplier)) if v}
        context = self.get_context_data(
            filter_form=form,
            filtered=bool(filters),
            query=urlencode(filters),
            page_obj=page,
            can_send=self.can_send(),
            due_soon_days=DUE_SOON_DAYS,
            **_due_context(),
        )
        return render(request, "exchange/pages/buyer_requests.html", context)

    def can_send(self) -> bool:
        return self.role in WRITER_ROLES


class SendRequestPage(OrganisationPage):
    """``sent-requests/new/``: the form. ``?q=`` searches the organisations on the platform
    (htmx asks for the results alone; without it the whole page comes back with what was
    typed); POST sends the request, or shows the form again with each problem at its field."""

    role_map = {"GET": WRITER_ROLES, "POST": WRITER_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        query = request.GET.get("q", "")
        if request.headers.get("HX-Request") == "true":
            context = self.get_context_data(**self.candidates(query, chosen=""))
            return render(request, "exchange/pages/buyer_supplier_results.html", context)
        # The search button submits what was typed so far: shown again, unjudged.
        initial = {
            name: request.GET[name] for name in SendRequestForm.base_fields if name in request.GET
        }
        return self.render_form(request, SendRequestForm(initial=initial or None), query)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        form = SendRequestForm(request.POST)
        if form.is_valid():
            try:
                sent = request_send(
                    actor=self.actor,
                    buyer=self.organisation,
                    data=RequestInput(**form.request_fields()),
                )
            except ApplicationError as error:
                _errors_at_fields(form, error)
            else:
                messages.success(request, _sent_message(sent))
                return redirect(
                    "exchange-pages:sent-request",
                    org_slug=self.organisation.slug,
                    footprint_request_id=sent.pk,
                )
        # Shown again with its errors, answered 200 (htmx swaps only 2xx answers).
        return self.render_form(request, form, request.POST.get("q", ""))

    def render_form(self, request: HttpRequest, form: SendRequestForm, query: str) -> HttpResponse:
        chosen = str(form["supplier"].value() or "")
        context = self.get_context_data(form=form, **self.candidates(query, chosen=chosen))
        return render(request, "exchange/pages/buyer_request_form.html", context)

    def candidates(self, query: str, *, chosen: str) -> dict[str, Any]:
        """The organisations offered: the search's matches, or those the buyer deals with;
        the one chosen first, so that a form shown again keeps it."""
        query = query.strip()[:100]
        if query:
            found = list(suppliers_search(buyer=self.organisation, query=query))
        else:
            found = list(suppliers_known_to(buyer=self.organisation))
        picked = supplier_by_slug(buyer=self.organisation, slug=chosen) if chosen else None
        if picked is not None and picked.pk not in {o.pk for o in found}:
            found.insert(0, picked)
        return {
            "q": query,
            "too_short": 0 < len(query) < SEARCH_MIN_CHARS,
            "search_min_chars": SEARCH_MIN_CHARS,
            "candidates": found,
            "chosen": chosen,
        }


def _errors_at_fields(form: SendRequestForm, error: ApplicationError) -> None:
    fields = error.extra.get("fields") or {}
    for name, problems in fields.items():
        target = SEND_ERROR_FIELDS.get(str(name), str(name))
        if name == "product":
            problems = [str(PRODUCT_MISSING)]
        form.add_error(target if target in form.fields else None, list(problems))
    if not fields:
        form.add_error(None, error.message)


def _sent_message(sent: FootprintRequest) -> str:
    if sent.supplier is None:
        return _(
            "Request sent: %(email)s gets it by e-mail with a link to register their company."
        ) % {"email": sent.supplier_email}
    return _("Request sent: the supplier is notified in the platform and by e-mail.")


class _SentRequestPage(OrganisationPage):
    def sent(self, request_id: uuid.UUID) -> FootprintRequest:
        return get_object_or_404(requests_sent_by(buyer=self.organisation), pk=request_id)

    def render_detail(
        self,
        request: HttpRequest,
        sent: FootprintRequest,
        *,
        withdraw_form: WithdrawForm | None = None,
        remind_error: str = "",
    ) -> HttpResponse:
        is_open = sent.status == RequestStatus.OPEN
        context = self.get_context_data(
            request_row=sent,
            timeline=request_timeline(request=sent),
            can_act=self.role in WRITER_ROLES and is_open,
            next_reminder_on=request_reminder_possible_on(sent) if is_open else None,
            withdraw_form=withdraw_form or WithdrawForm(),
            remind_error=remind_error,
            **_due_context(),
        )
        return render(request, "exchange/pages/buyer_request_detail.html", context)

    def back_to(self, request: HttpRequest, sent: FootprintRequest, done: str) -> HttpResponseBase:
        """After a change: the request's page, saying what was done."""
        messages.success(request, done)
        return redirect(
            "exchange-pages:sent-request",
            org_slug=self.organisation.slug,
            footprint_request_id=sent.pk,
        )


class SentRequestDetailPage(_SentRequestPage):
    """``sent-requests/<id>/``: what was asked, the timeline, withdraw and remind."""

    role_map = {"GET": ALL_ROLES}

    def get(
        self, request: HttpRequest, footprint_request_id: uuid.UUID, **kwargs: Any
    ) -> HttpResponse:
        return self.render_detail(request, self.sent(footprint_request_id))


class SentRequestWithdrawPage(_SentRequestPage):
    """``POST sent-requests/<id>/withdraw/``: nothing more is needed (reason optional)."""

    role_map = {"POST": WRITER_ROLES}

    def post(
        self, request: HttpRequest, footprint_request_id: uuid.UUID, **kwargs: Any
    ) -> HttpResponseBase:
        sent = self.sent(footprint_request_id)
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                request_withdraw(actor=self.actor, request=sent, reason=form.cleaned_data["reason"])
            except IllegalTransition:
                form.add_error(None, _not_open(self.sent(footprint_request_id)))
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                done = _("Withdrawn: the supplier is told nothing more is needed.")
                return self.back_to(request, sent, done)
        return self.render_detail(request, self.sent(footprint_request_id), withdraw_form=form)


class SentRequestRemindPage(_SentRequestPage):
    """``POST sent-requests/<id>/remind/``: remind the supplier now, once a day at most."""

    role_map = {"POST": WRITER_ROLES}

    def post(
        self, request: HttpRequest, footprint_request_id: uuid.UUID, **kwargs: Any
    ) -> HttpResponseBase:
        sent = self.sent(footprint_request_id)
        try:
            reminded = request_remind(actor=self.actor, request=sent)
        except IllegalTransition:
            problem = _not_open(self.sent(footprint_request_id))
        except ReminderTooSoon as error:
            problem = error.message
        else:
            return self.back_to(request, sent, _reminded_message(reminded))
        # The page again with the problem, answered 200 as a form shown again is.
        return self.render_detail(request, self.sent(footprint_request_id), remind_error=problem)


def _reminded_message(reminded: FootprintRequest) -> str:
    if reminded.supplier is None:
        return _("Reminder sent: the invitation is e-mailed to %(email)s again.") % {
            "email": reminded.supplier_email
        }
    return _("Reminder sent: the supplier is notified in the platform and by e-mail.")


def _not_open(sent: FootprintRequest) -> str:
    return _("This request is %(status)s; only an open request can be withdrawn or reminded.") % {
        "status": sent.get_status_display().lower()
    }
