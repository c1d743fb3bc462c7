"""The organisation dashboard: "what needs me". Each item links to the page where it is done.

What it lists depends on the viewer's role (a reviewer sees what waits for review, a preparer
the drafts that have findings) and on what the organisation does; counts come from the same
selectors as the API, so the dashboard never disagrees with the lists it links to.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.pages.base import OrganisationPage
from accounts.roles import ALL_ROLES, REVIEW_ROLES, WRITER_ROLES
from accounts.selectors import signing_keys_visible_to
from exchange.pages.requests import DUE_SOON_DAYS
from exchange.sharing.models import RequestStatus
from exchange.sharing.selectors import requests_received_by
from exchange.sharing.services.notifications import notifications_visible_to
from exchange.sharing.texts import notification_text
from suppliers.models import Footprint, FootprintStatus
from suppliers.selectors import footprints_owned_by

#: Items of each list shown on the dashboard (the list page shows them all).
SHOWN = 5


class OrganisationDashboardPage(OrganisationPage):
    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        organisation = self.organisation
        today = timezone.localdate()
        drafts = _links(footprints_owned_by(organisation=organisation)).filter(
            status__in=(FootprintStatus.DRAFT, FootprintStatus.REJECTED)
        )
        in_review = _links(
            footprints_owned_by(organisation=organisation, status=FootprintStatus.IN_REVIEW)
        )
        requests_open = requests_received_by(supplier=organisation, status=RequestStatus.OPEN)
        due_soon = requests_open.filter(due_date__lte=today + timedelta(days=DUE_SOON_DAYS))
        unread = notifications_visible_to(organisation=organisation, unread=True)
        keys = signing_keys_visible_to(organisation=organisation)
        context = self.get_context_data(
            drafts=list(drafts[:SHOWN]) if self.role in WRITER_ROLES else [],
            drafts_count=drafts.count() if self.role in WRITER_ROLES else 0,
            in_review=list(in_review[:SHOWN]) if self.role in REVIEW_ROLES else [],
            in_review_count=in_review.count() if self.role in REVIEW_ROLES else 0,
            due_soon=list(due_soon.order_by("due_date", "id")[:SHOWN]),
            requests_open_count=requests_open.count(),
            notifications=[(n, notification_text(n)[0]) for n in unread[:SHOWN]],
            notifications_count=unread.count(),
            keys=list(keys[:SHOWN]),
            today=today,
            due_soon_days=DUE_SOON_DAYS,
        )
        return render(request, "web/dashboard.html", context)


def _links(footprints: QuerySet[Footprint]) -> QuerySet[Footprint]:
    """What a link to a footprint shows (product, CN code, period, status): no precursors,
    evidence or validation runs, no calculation or signed document."""
    return (
        footprints.select_related(None)
        .select_related("product")
        .prefetch_related(None)
        .only(
            "id",
            "status",
            "period_start",
            "period_end",
            "created_at",
            "product__name",
            "product__cn_code",
        )
    )
