"""The organisation dashboard: "what needs me". Each item links to the page where it is done.

What it lists depends on the viewer's role (a reviewer sees what waits for review, a preparer
the drafts that have findings) and on what the organisation does (its kinds: a producer's
drafts, reviews, requests received and keys; a buyer's requests sent and largest savings; an
importer's threshold and declaration deadline; a verifier's requests waiting for an answer);
counts come from the same selectors as the API, so the dashboard never disagrees with the
lists it links to. Each part's queries run only for the kinds that show it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.pages.base import OrganisationPage
from accounts.roles import ALL_ROLES, REVIEW_ROLES, WRITER_ROLES, OrganisationKind
from accounts.selectors import signing_keys_visible_to
from exchange.boms.selectors import chase_ranking
from exchange.declarations.services.threshold import threshold_report
from exchange.pages.requests import DUE_SOON_DAYS
from exchange.pages.threshold import threshold_gauge
from exchange.pools.selectors import pools_run_by, releases_of_association
from exchange.sharing.models import RequestStatus
from exchange.sharing.selectors import requests_received_by, requests_sent_by
from exchange.sharing.services.notifications import notifications_visible_to
from exchange.sharing.texts import notification_text
from suppliers.models import Footprint, FootprintStatus
from suppliers.selectors import footprints_owned_by, verification_requests_open

#: Items of each list shown on the dashboard (the list page shows them all).
SHOWN = 5


class OrganisationDashboardPage(OrganisationPage):
    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        kinds = self.kinds or frozenset(OrganisationKind.values)
        context = self.get_context_data(today=timezone.localdate(), due_soon_days=DUE_SOON_DAYS)
        context.update(notifications_part(self.organisation))
        if OrganisationKind.PRODUCER in kinds:
            context.update(producer_part(self.organisation, self.role, context["today"]))
        if OrganisationKind.MANUFACTURER in kinds or OrganisationKind.IMPORTER in kinds:
            context.update(buyer_part(self.organisation, context["today"]))
        if OrganisationKind.IMPORTER in kinds:
            user = request.user if isinstance(request.user, User) else None
            context.update(importer_part(self.organisation, user, context["today"]))
        if OrganisationKind.VERIFIER in kinds:
            context.update(verifier_part(self.organisation))
        if OrganisationKind.ASSOCIATION in kinds:
            context.update(association_part(self.organisation))
        return render(request, "web/dashboard.html", context)


def notifications_part(organisation: Organisation) -> dict[str, Any]:
    unread = notifications_visible_to(organisation=organisation, unread=True)
    return {
        "notifications": [(n, notification_text(n)[0]) for n in unread[:SHOWN]],
        "notifications_count": unread.count(),
    }


def producer_part(organisation: Organisation, role: str, today: date) -> dict[str, Any]:
    """Drafts to finish (writers), footprints to review (reviewers), requests due soon, keys."""
    drafts = _links(footprints_owned_by(organisation=organisation)).filter(
        status__in=(FootprintStatus.DRAFT, FootprintStatus.REJECTED)
    )
    in_review = _links(
        footprints_owned_by(organisation=organisation, status=FootprintStatus.IN_REVIEW)
    )
    requests_open = requests_received_by(supplier=organisation, status=RequestStatus.OPEN)
    due_soon = requests_open.filter(due_date__lte=today + timedelta(days=DUE_SOON_DAYS))
    return {
        "producer": True,
        "drafts": list(drafts[:SHOWN]) if role in WRITER_ROLES else [],
        "drafts_count": drafts.count() if role in WRITER_ROLES else 0,
        "in_review": list(in_review[:SHOWN]) if role in REVIEW_ROLES else [],
        "in_review_count": in_review.count() if role in REVIEW_ROLES else 0,
        "due_soon": list(due_soon.order_by("due_date", "id")[:SHOWN]),
        "requests_open_count": requests_open.count(),
        "keys": list(signing_keys_visible_to(organisation=organisation)[:SHOWN]),
    }


def buyer_part(organisation: Organisation, today: date) -> dict[str, Any]:
    """Requests sent that are open (the overdue ones listed) and the largest savings."""
    sent_open = requests_sent_by(buyer=organisation, status=RequestStatus.OPEN)
    overdue = sent_open.filter(due_date__lt=today).order_by("due_date", "id")
    return {
        "buyer": True,
        "sent_open_count": sent_open.count(),
        "sent_overdue": list(overdue[:SHOWN]),
        "sent_overdue_count": overdue.count(),
        "savings": chase_ranking(organisation=organisation, shown=3).top,
    }


def importer_part(organisation: Organisation, user: User | None, today: date) -> dict[str, Any]:
    """This year's net mass against the 50 t, and when the year's declaration is due."""
    status = threshold_report(organisation=organisation, year=today.year, user=user).status
    return {
        "importer": True,
        "threshold_gauge": threshold_gauge(status),
        "threshold_year": today.year,
        "declaration_due": date(today.year + 1, 9, 30),
    }


def verifier_part(organisation: Organisation) -> dict[str, Any]:
    """Verification requests waiting for an answer, the longest waiting first."""
    waiting = verification_requests_open(organisation=organisation)
    return {
        "verifier": True,
        "verification_waiting": list(waiting[:SHOWN]),
        "verification_waiting_count": waiting.count(),
    }


def association_part(organisation: Organisation) -> dict[str, Any]:
    """The association's data pools: each with its members and pending invitations, and the
    last release of any of them."""
    # an association runs a handful of pools: all of them are counted, the first few listed
    pools = list(pools_run_by(organisation=organisation))
    return {
        "association": True,
        "pools": pools[:SHOWN],
        "pools_count": len(pools),
        # ``members`` and ``invited``: counts annotated by the selector
        "pool_members_count": sum(p.members for p in pools),  # type: ignore[attr-defined]
        "pool_invited_count": sum(p.invited for p in pools),  # type: ignore[attr-defined]
        "last_release": releases_of_association(organisation=organisation).first(),
    }


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
