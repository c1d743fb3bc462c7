"""The supplier's requests inbox: what buyers asked for, answered with published footprints
or rejected with a reason, and requests e-mailed to our people before we were on the platform
(claimed here). The same selectors, services and roles as ``exchange.sharing.api.requests``."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.pages.base import OrganisationPage
from accounts.roles import ALL_ROLES, WRITER_ROLES
from core.errors import ApplicationError
from core.workflows import IllegalTransition
from exchange.pages.forms import FulfilForm, RejectForm, StatusFilterForm, form_errors_add
from exchange.partners.selectors import with_pact_origin
from exchange.sharing.models import FootprintRequest, RequestStatus
from exchange.sharing.selectors import (
    footprints_shareable_by,
    requests_claimable_by,
    requests_received_by,
)
from exchange.sharing.services.requests import request_claim, request_fulfil, request_reject
from suppliers.models import Footprint

#: Requests on one page of the inbox.
PAGE_SIZE = 50
#: An open request is marked "due soon" within this many days of its due date (as on the
#: dashboard's "Requests due soon").
DUE_SOON_DAYS = 14


def _due_context() -> dict[str, Any]:
    today = timezone.localdate()
    return {"today": today, "due_soon_until": today + timedelta(days=DUE_SOON_DAYS)}


class InboxPage(OrganisationPage):
    """``requests/``: requests received, newest first, filtered by status; and requests
    e-mailed to one of our members before we were on the platform, to claim."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = StatusFilterForm(request.GET or None)
        status = form.cleaned_data["status"] if form.is_valid() else None
        received = requests_received_by(supplier=self.organisation, status=status or None)
        page = Paginator(received, PAGE_SIZE).get_page(request.GET.get("page"))
        context = self.get_context_data(
            filter_form=form,
            status=status or "",
            query=urlencode({"status": status}) if status else "",
            page_obj=page,
            claimable=list(requests_claimable_by(organisation=self.organisation)),
            can_claim=self.role in WRITER_ROLES,
            due_soon_days=DUE_SOON_DAYS,
            **_due_context(),
        )
        return render(request, "exchange/pages/requests.html", context)


class _ReceivedRequestPage(OrganisationPage):
    def received(self, request_id: uuid.UUID) -> FootprintRequest:
        return get_object_or_404(
            with_pact_origin(requests_received_by(supplier=self.organisation)), pk=request_id
        )

    def render_detail(
        self,
        request: HttpRequest,
        received: FootprintRequest,
        *,
        fulfil_form: FulfilForm | None = None,
        reject_form: RejectForm | None = None,
    ) -> HttpResponse:
        can_answer = self.role in WRITER_ROLES and received.status == RequestStatus.OPEN
        footprints: list[Footprint] = []
        if can_answer:
            footprints = list(
                footprints_shareable_by(supplier=self.organisation, cn_code=received.cn_code)
            )
        context = self.get_context_data(
            request_row=received,
            can_answer=can_answer,
            footprints=footprints,
            chosen={str(v) for v in (fulfil_form["footprints"].value() or [])}
            if fulfil_form is not None and fulfil_form.is_bound
            else set(),
            fulfil_form=fulfil_form or _fulfil_form(footprints),
            reject_form=reject_form or RejectForm(),
            **_due_context(),
        )
        return render(request, "exchange/pages/request_detail.html", context)

    def answer(
        self,
        request: HttpRequest,
        request_id: uuid.UUID,
        form: FulfilForm | RejectForm,
        *,
        act: Callable[[FootprintRequest, dict[str, Any]], object],
    ) -> HttpResponseBase:
        """Fulfil or reject (``act``) an open request with a valid form, then back to its page;
        otherwise its page again with the form's errors (a service's error at its field, a
        request closed meanwhile above the form)."""
        received = self.received(request_id)
        if received.status != RequestStatus.OPEN:
            form.add_error(None, _not_open(received))
        elif form.is_valid():
            try:
                act(received, form.cleaned_data)
            except IllegalTransition:
                form.add_error(None, _not_open(self.received(request_id)))
            except ApplicationError as error:
                form_errors_add(form, error)
            else:
                return redirect(
                    "exchange-pages:request",
                    org_slug=self.organisation.slug,
                    incoming_request_id=received.pk,
                )
        # The page again with the errors, answered 200 as a form shown again is (a 4xx would
        # be reported by the browser as a failed load).
        fresh = self.received(request_id)
        if isinstance(form, FulfilForm):
            return self.render_detail(request, fresh, fulfil_form=form)
        return self.render_detail(request, fresh, reject_form=form)


def _fulfil_form(footprints: list[Footprint], data: Any = None) -> FulfilForm:
    return FulfilForm(data, choices=[(str(f.pk), str(f.pk)) for f in footprints])


def _not_open(received: FootprintRequest) -> str:
    return _("This request is %(status)s; only an open request can be answered.") % {
        "status": received.get_status_display().lower()
    }


class RequestDetailPage(_ReceivedRequestPage):
    """``requests/<id>/``: what is asked, the timeline, and the answers a writer may give."""

    role_map = {"GET": ALL_ROLES}

    def get(
        self, request: HttpRequest, incoming_request_id: uuid.UUID, **kwargs: Any
    ) -> HttpResponse:
        return self.render_detail(request, self.received(incoming_request_id))


class RequestFulfilPage(_ReceivedRequestPage):
    """``POST requests/<id>/fulfil/``: share the chosen published footprints (a grant)."""

    role_map = {"POST": WRITER_ROLES}

    def post(
        self, request: HttpRequest, incoming_request_id: uuid.UUID, **kwargs: Any
    ) -> HttpResponseBase:
        form = _fulfil_form(list(footprints_shareable_by(supplier=self.organisation)), request.POST)
        return self.answer(
            request,
            incoming_request_id,
            form,
            act=lambda received, data: request_fulfil(
                actor=self.actor, request=received, footprints=data["footprints"]
            ),
        )


class RequestRejectPage(_ReceivedRequestPage):
    """``POST requests/<id>/reject/``: decline, saying why (the buyer is told)."""

    role_map = {"POST": WRITER_ROLES}

    def post(
        self, request: HttpRequest, incoming_request_id: uuid.UUID, **kwargs: Any
    ) -> HttpResponseBase:
        return self.answer(
            request,
            incoming_request_id,
            RejectForm(request.POST),
            act=lambda received, data: request_reject(
                actor=self.actor, request=received, reason=data["reason"]
            ),
        )


class RequestClaimPage(OrganisationPage):
    """``POST requests/invited/<id>/claim/``: a request e-mailed to one of our members before
    we were on the platform becomes ours to answer."""

    role_map = {"POST": WRITER_ROLES}

    def post(
        self, request: HttpRequest, invited_request_id: uuid.UUID, **kwargs: Any
    ) -> HttpResponseBase:
        invited = get_object_or_404(
            requests_claimable_by(organisation=self.organisation), pk=invited_request_id
        )
        try:
            claimed = request_claim(
                actor=self.actor, organisation=self.organisation, request=invited
            )
        except ApplicationError:
            # Claimed or closed in the meantime: the inbox shows where it stands.
            return redirect("exchange-pages:requests", org_slug=self.organisation.slug)
        return redirect(
            "exchange-pages:request",
            org_slug=self.organisation.slug,
            incoming_request_id=claimed.pk,
        )
