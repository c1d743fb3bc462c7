"""An organisation's administration pages for owners and admins: machine clients (the secret is
shown once, when made or rotated) and the audit log with filters. Same services, selectors and
role sets as the API (accounts/api/clients.py, accounts/api/audit.py)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from accounts.pages.base import OrganisationPage
from accounts.roles import ADMIN_ROLES, MACHINE_ROLE_CHOICES, Role
from accounts.scopes import ALL_SCOPES
from accounts.selectors import api_clients_visible_to, audit_events_visible_to
from accounts.services.api_clients import api_client_create, api_client_revoke, api_client_rotate
from core.errors import ApplicationError

AUDIT_PAGE_SIZE = 50


class ApiClientForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=120,
        help_text=gettext_lazy("Which system this is, e.g. “ERP export”."),
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=[(code, Role(code).label) for code, _ in MACHINE_ROLE_CHOICES],
        initial=Role.VIEWER,
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"),
        choices=[(scope, scope) for scope in sorted(ALL_SCOPES)],
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("What the client may read (…:read) or change (…:write)."),
    )


class ApiClientsPage(OrganisationPage):
    """``/o/<org>/clients/``: list, register (secret shown once), rotate, revoke."""

    role_map = {"GET": ADMIN_ROLES, "POST": ADMIN_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self._render(request, ApiClientForm())

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        action = request.POST.get("action", "create")
        clients = api_clients_visible_to(organisation=self.organisation)
        if action in ("rotate", "revoke"):
            client = get_object_or_404(clients, pk=request.POST.get("client", ""))
            try:
                if action == "revoke":
                    api_client_revoke(actor=self.actor, client=client)
                    messages.success(
                        request,
                        gettext("Client %(name)s revoked: it and its tokens no longer work.")
                        % {"name": client.name},
                    )
                    return redirect(request.path)
                client, secret = api_client_rotate(actor=self.actor, client=client)
            except ApplicationError as exc:
                messages.error(request, exc.message)
                return redirect(request.path)
            return self._render(request, ApiClientForm(), new_secret=(client, secret))
        form = ApiClientForm(request.POST)
        if form.is_valid():
            try:
                client, secret = api_client_create(
                    actor=self.actor, organisation=self.organisation, **form.cleaned_data
                )
            except ApplicationError as exc:
                for field, errors in exc.extra.get("fields", {}).items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                return self._render(request, ApiClientForm(), new_secret=(client, secret))
        return self._render(request, form)

    def _render(
        self,
        request: HttpRequest,
        form: ApiClientForm,
        new_secret: tuple[Any, str] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        context = self.get_context_data(
            form=form,
            clients=list(api_clients_visible_to(organisation=self.organisation)),
            new_secret=new_secret,
            token_url=request.build_absolute_uri("/api/v1/auth/token/"),
        )
        return render(request, "accounts/pages/clients.html", context, status=status)


class AuditFilterForm(forms.Form):
    action = forms.CharField(
        label=gettext_lazy("Action starts with"), required=False, max_length=80
    )
    actor = forms.CharField(label=gettext_lazy("Who (contains)"), required=False, max_length=255)
    since = forms.DateField(label=gettext_lazy("From"), required=False)
    until = forms.DateField(label=gettext_lazy("To (inclusive)"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", gettext("Must be on or after the first day."))
        return cleaned


class AuditLogPage(OrganisationPage):
    """``/o/<org>/audit/``: every change, newest first, with who, what, before and after."""

    role_map = {"GET": ADMIN_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = AuditFilterForm(request.GET or None)
        events = audit_events_visible_to(organisation=self.organisation)
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            if data["action"]:
                events = events.filter(action__startswith=data["action"].strip())
            if data["actor"]:
                events = events.filter(actor_label__icontains=data["actor"].strip())
            zone = timezone.get_current_timezone()
            if data["since"]:
                events = events.filter(
                    created_at__gte=datetime.combine(data["since"], time.min, tzinfo=zone)
                )
            if data["until"]:
                events = events.filter(
                    created_at__lte=datetime.combine(data["until"], time.max, tzinfo=zone)
                )
        elif form.is_bound:
            events = events.none()
        paginator = Paginator(events, AUDIT_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = self.get_context_data(
            form=form, events=page, query=query.urlencode(), paginator=paginator
        )
        return render(request, "accounts/pages/audit.html", context)
