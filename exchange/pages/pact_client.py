"""The platform as a PACT client, for one partner of the organisation: fetch its footprints
now (a work row; its page shows the progress, polled by htmx every 2 s, then the counts), send
it a request (PACT's eight criteria and a comment; the service's errors at their field), and
follow the requests sent with their answers and the events delivered to it (status,
attempts, last error, next attempt). Another organisation's partner answers 404.

The partner's own page (list, registration, settings) is ``exchange.pages.pact_partners``;
these pages live under its URL.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.roles import ALL_ROLES, WRITER_ROLES
from core.errors import ApplicationError
from core.models import Job
from exchange.pages.forms import form_errors_add
from exchange.pages.pact_client_forms import PactRequestForm
from exchange.pages.pact_partners import PartnerPage
from exchange.pages.pools_releases import found
from exchange.partners.models import PactPartner
from exchange.partners.selectors import (
    SHOWN,
    deliveries_to,
    fetch_job_of,
    fetch_jobs_of,
    outbound_requests_to,
)
from exchange.partners.services.fetching import fetch_progress, partner_fetch_start
from exchange.partners.services.outbound import criteria_pairs, outbound_request_send


def fetch_state(job: Job) -> dict[str, Any]:
    """What a page says of a fetch: its status, how far it got, its counts or its error."""
    result = job.result if isinstance(job.result, dict) else {}
    finished = job.status in (Job.Status.SUCCEEDED, Job.Status.FAILED)
    return {
        "job": job,
        "finished": finished,
        "progress": fetch_progress(job=job),
        "counts": result if finished and "error" not in result else None,
        "error": result.get("error") or (job.last_error if job.status == Job.Status.FAILED else ""),
    }


class PartnerExchangePage(PartnerPage):
    """``pact/partners/<partner>/exchange/``: fetch now, send a request, the requests sent
    and the events delivered."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, partner_id: uuid.UUID, **kwargs: Any) -> HttpResponse:
        partner = self.partner(partner_id)
        return render_exchange(self, request, partner, PactRequestForm())


def render_exchange(
    page: PartnerPage, request: HttpRequest, partner: PactPartner, form: PactRequestForm
) -> HttpResponse:
    latest = fetch_jobs_of(partner=partner).first()
    context = page.get_context_data(
        partner=partner,
        form=form,
        requests=[
            (sent, criteria_pairs(sent.criteria))
            for sent in outbound_requests_to(partner=partner)[:SHOWN]
        ],
        deliveries=list(deliveries_to(partner=partner)[:SHOWN]),
        latest_fetch=fetch_state(latest) if latest is not None else None,
        can_write=page.role in WRITER_ROLES,
    )
    return render(request, "exchange/pages/pact_client/exchange.html", context)


class PartnerFetchPage(PartnerPage):
    """``POST pact/partners/<partner>/fetch/``: start fetching every footprint the partner
    lists; then its progress page."""

    role_map = {"POST": WRITER_ROLES}

    def post(self, request: HttpRequest, partner_id: uuid.UUID, **kwargs: Any) -> HttpResponseBase:
        partner = self.partner(partner_id)
        try:
            job = partner_fetch_start(actor=self.actor, partner=partner)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect(
                "exchange-pages:pact-partner-exchange",
                org_slug=self.organisation.slug,
                partner_id=partner.pk,
            )
        messages.success(request, _("Fetching the partner's footprints: this page follows it."))
        return redirect(
            "exchange-pages:pact-partner-fetch-status",
            org_slug=self.organisation.slug,
            partner_id=partner.pk,
            fetch_job_id=job.pk,
        )


class _FetchPage(PartnerPage):
    role_map = {"GET": ALL_ROLES}

    def context(self, partner_id: uuid.UUID, fetch_job_id: object) -> dict[str, Any]:
        partner = self.partner(partner_id)
        job = found(fetch_job_of, partner=partner, job_id=fetch_job_id)
        return self.get_context_data(partner=partner, state=fetch_state(job))


class PartnerFetchStatusPage(_FetchPage):
    """``pact/partners/<partner>/fetches/<job>/``: one fetch, its progress, then its counts."""

    def get(
        self, request: HttpRequest, partner_id: uuid.UUID, fetch_job_id: object, **kwargs: Any
    ) -> HttpResponse:
        return render(
            request,
            "exchange/pages/pact_client/fetch.html",
            self.context(partner_id, fetch_job_id),
        )


class PartnerFetchProgressPage(_FetchPage):
    """The fetch's progress fragment (htmx polls it every 2 s until the fetch is over)."""

    def get(
        self, request: HttpRequest, partner_id: uuid.UUID, fetch_job_id: object, **kwargs: Any
    ) -> HttpResponse:
        return render(
            request,
            "exchange/pages/pact_client/fetch_progress.html",
            self.context(partner_id, fetch_job_id),
        )


class PartnerRequestPage(PartnerPage):
    """``POST pact/partners/<partner>/requests/``: send a request; errors at their fields on
    the exchange page."""

    role_map = {"POST": WRITER_ROLES}

    def post(self, request: HttpRequest, partner_id: uuid.UUID, **kwargs: Any) -> HttpResponseBase:
        partner = self.partner(partner_id)
        form = PactRequestForm(request.POST)
        if form.is_valid():
            try:
                outbound_request_send(
                    actor=self.actor,
                    organisation=self.organisation,
                    partner=partner,
                    criteria=form.criteria(),
                    comment=form.cleaned_data["comment"],
                )
            except ApplicationError as error:
                form_errors_add(form, error)
            else:
                messages.success(
                    request, _("Request sent: the partner answers it on the platform's address.")
                )
                return redirect(
                    "exchange-pages:pact-partner-exchange",
                    org_slug=self.organisation.slug,
                    partner_id=partner.pk,
                )
        return render_exchange(self, request, partner, form)
