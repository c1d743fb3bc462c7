"""Notifications of this organisation: unread first, each written in the reader's language
from its kind and facts (``exchange.sharing.texts``), marked read one by one (htmx swaps the
row) or all at once. The same services and roles as ``exchange.sharing.api.notifications``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render

from accounts.pages.base import OrganisationPage
from accounts.roles import ALL_ROLES
from exchange.sharing.models import Notification
from exchange.sharing.services.notifications import (
    notification_mark_read,
    notifications_mark_all_read,
    notifications_visible_to,
)
from exchange.sharing.texts import notification_page, notification_text

#: Notifications on one page of the list.
PAGE_SIZE = 50


@dataclass(frozen=True)
class NotificationRow:
    notification: Notification
    subject: str
    body: str
    page: str | None


def notification_row(notification: Notification, *, organisation_slug: str) -> NotificationRow:
    subject, body = notification_text(notification)
    return NotificationRow(
        notification=notification,
        subject=subject,
        body=body,
        page=notification_page(notification, organisation_slug=organisation_slug),
    )


class NotificationListPage(OrganisationPage):
    """``notifications/``: unread first, then newest first."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        notifications = notifications_visible_to(organisation=self.organisation).order_by(
            F("read_at").desc(nulls_first=True), "-created_at", "id"
        )
        page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
        slug = self.organisation.slug
        context = self.get_context_data(
            page_obj=page,
            rows=[notification_row(n, organisation_slug=slug) for n in page.object_list],
            unread_count=notifications_visible_to(
                organisation=self.organisation, unread=True
            ).count(),
        )
        return render(request, "exchange/pages/notifications.html", context)


class NotificationReadPage(OrganisationPage):
    """``POST notifications/<id>/read/``: any member may; htmx gets the row back, a plain form
    goes back to the list."""

    role_map = {"POST": ALL_ROLES}

    def post(
        self, request: HttpRequest, notification_id: uuid.UUID, **kwargs: Any
    ) -> HttpResponseBase:
        notification = get_object_or_404(
            notifications_visible_to(organisation=self.organisation), pk=notification_id
        )
        read = notification_mark_read(actor=self.actor, notification=notification)
        if request.headers.get("HX-Request") == "true":
            row = notification_row(read, organisation_slug=self.organisation.slug)
            context = self.get_context_data(row=row)
            return render(request, "exchange/pages/notification_row.html", context)
        return redirect("exchange-pages:notifications", org_slug=self.organisation.slug)


class NotificationReadAllPage(OrganisationPage):
    """``POST notifications/read-all/``: every unread notification of the organisation."""

    role_map = {"POST": ALL_ROLES}

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        notifications_mark_all_read(actor=self.actor, organisation=self.organisation)
        return redirect("exchange-pages:notifications", org_slug=self.organisation.slug)
