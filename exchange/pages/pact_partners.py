"""An organisation's partner PACT hosts and the footprints fetched from them.

- ``pact/partners/``: the registered partners; owners and admins register (``new/``), change
  (``<id>/edit/``: the secret is write-only, empty keeps it) and archive (``<id>/archive/``)
  them, everyone else reads (the role set of the machine-client pages,
  ``accounts.pages.administration``);
- ``pact/partners/<id>/``: a partner's facts and the footprints fetched from it;
- ``pact/fetched/`` and ``pact/fetched/<id>/``: the fetched footprints, each with its origin,
  its schema check, its facts, the document pretty-printed and the exact stored bytes
  (``document.json``).

The same services and selectors as everywhere (``exchange.partners.services.partners``,
``exchange.partners.selectors``): another organisation's partner or footprint is a 404.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext, gettext_lazy

from accounts.pages.base import OrganisationPage
from accounts.roles import ADMIN_ROLES, ALL_ROLES
from accounts.selectors import api_clients_visible_to
from core.errors import ApplicationError
from exchange.partners.models import FetchedFootprint, PactPartner
from exchange.partners.selectors import (
    fetched_footprints_of,
    fetched_get,
    partner_get,
    partners_of,
)
from exchange.partners.services.partners import partner_archive, partner_create, partner_update
from suppliers.pages.forms import ServiceForm, choice_field

#: Rows on one page of a list.
PAGE_SIZE = 50


class PartnerForm(ServiceForm):
    """The fields of ``partner_create`` / ``partner_update``."""

    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=200,
        help_text=gettext_lazy("Who runs the host, e.g. “Jinghua Steel (SAP SDX)”"),
    )
    base_url = forms.CharField(
        label=gettext_lazy("Base URL"),
        max_length=500,
        help_text=gettext_lazy(
            "https://host[:port][/path] of its PACT API: /3/footprints and /3/events are under it"
        ),
    )
    auth_base_url = forms.CharField(
        label=gettext_lazy("Authentication base URL"),
        max_length=500,
        required=False,
        help_text=gettext_lazy(
            "Where its /auth/token is when it publishes no OpenID configuration; empty: the "
            "base URL"
        ),
    )
    client_id = forms.CharField(
        label=gettext_lazy("Client id"),
        max_length=300,
        help_text=gettext_lazy("The client id the partner gave you to call its host"),
    )
    secret = forms.CharField(
        label=gettext_lazy("Client secret"),
        max_length=1000,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    machine_client = choice_field(
        gettext_lazy("Our machine client it uses"),
        [],
        blank="—",
        help_text=gettext_lazy(
            "The machine client of your organisation the partner calls this platform with: "
            "its events are recognised by it"
        ),
    )

    def __init__(
        self, *args: Any, clients: list[tuple[str, str]], editing: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        machine = self.fields["machine_client"]
        assert isinstance(machine, forms.ChoiceField)
        machine.choices = [("", "—"), *clients]
        self.fields["secret"].required = not editing
        self.fields["secret"].help_text = (
            gettext_lazy("Stored encrypted and never shown again; leave empty to keep it")
            if editing
            else gettext_lazy("Stored encrypted and never shown again")
        )

    @staticmethod
    def initial_of(partner: PactPartner) -> dict[str, Any]:
        return {
            "name": partner.name,
            "base_url": partner.base_url,
            "auth_base_url": partner.auth_base_url,
            "client_id": partner.client_id,
            "machine_client": str(partner.machine_client_id or ""),
        }

    def service_data(self) -> dict[str, Any]:
        return {
            "name": self.text("name"),
            "base_url": self.text("base_url"),
            "auth_base_url": self.text("auth_base_url"),
            "client_id": self.text("client_id"),
            "secret": str(self.data.get(self.add_prefix("secret"), "")),
            "machine_client_id": self.text("machine_client") or None,
        }


def problem_text(problem: dict[str, Any]) -> str:
    """One schema problem in the page's language (Chinese when the check gave it)."""
    if (get_language() or "").startswith("zh") and problem.get("message_zh"):
        return str(problem["message_zh"])
    return str(problem.get("message_en") or problem.get("code") or "")


def document_shown(fetched: FetchedFootprint) -> str:
    """The stored document pretty-printed; as text when it is not JSON."""
    raw = bytes(fetched.document or b"")
    try:
        return json.dumps(json.loads(raw), indent=2, ensure_ascii=False)
    except ValueError:
        return raw.decode("utf-8", errors="replace")


class PartnerPage(OrganisationPage):
    """A page of one of the organisation's partners (here and in ``pact_client``)."""

    def partner(self, partner_id: uuid.UUID) -> PactPartner:
        try:
            return partner_get(organisation=self.organisation, partner_id=partner_id)
        except PactPartner.DoesNotExist:
            raise Http404("No such partner.") from None

    def clients(self) -> list[tuple[str, str]]:
        active = api_clients_visible_to(organisation=self.organisation).filter(
            revoked_at__isnull=True
        )
        return [(str(c.pk), f"{c.name} ({c.client_id})") for c in active]


class PartnerListPage(PartnerPage):
    """``pact/partners/``: the organisation's partners, active first."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        partners = list(partners_of(organisation=self.organisation))
        context = self.get_context_data(partners=partners, can_manage=self.role in ADMIN_ROLES)
        return render(request, "exchange/pages/pact_partners.html", context)


class PartnerCreatePage(PartnerPage):
    """``pact/partners/new/``: register a partner."""

    role_map = {"GET": ADMIN_ROLES, "POST": ADMIN_ROLES}

    def render_form(self, request: HttpRequest, form: PartnerForm) -> HttpResponse:
        context = self.get_context_data(form=form, partner=None)
        return render(request, "exchange/pages/pact_partner_form.html", context)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self.render_form(request, PartnerForm(clients=self.clients(), editing=False))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        form = PartnerForm(request.POST, clients=self.clients(), editing=False)
        try:
            partner = partner_create(
                actor=self.actor, organisation=self.organisation, **form.service_data()
            )
        except ApplicationError as exc:
            form.add_service_error(exc)
            return self.render_form(request, form)
        messages.success(
            request, gettext("Partner %(name)s is registered.") % {"name": partner.name}
        )
        return redirect(
            "exchange-pages:pact-partner", org_slug=self.organisation.slug, partner_id=partner.pk
        )


class PartnerDetailPage(PartnerPage):
    """``pact/partners/<id>/``: the partner's facts and the footprints fetched from it."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, partner_id: uuid.UUID, **kwargs: Any) -> HttpResponse:
        partner = self.partner(partner_id)
        fetched = fetched_footprints_of(organisation=self.organisation, partner=partner)
        page = Paginator(fetched, PAGE_SIZE).get_page(request.GET.get("page"))
        context = self.get_context_data(
            partner=partner, page_obj=page, can_manage=self.role in ADMIN_ROLES
        )
        return render(request, "exchange/pages/pact_partner.html", context)


class PartnerEditPage(PartnerPage):
    """``pact/partners/<id>/edit/``: change a partner; the secret is write-only."""

    role_map = {"GET": ADMIN_ROLES, "POST": ADMIN_ROLES}

    def render_form(
        self, request: HttpRequest, partner: PactPartner, form: PartnerForm
    ) -> HttpResponse:
        context = self.get_context_data(form=form, partner=partner)
        return render(request, "exchange/pages/pact_partner_form.html", context)

    def get(self, request: HttpRequest, partner_id: uuid.UUID, **kwargs: Any) -> HttpResponse:
        partner = self.partner(partner_id)
        form = PartnerForm(
            initial=PartnerForm.initial_of(partner), clients=self.clients(), editing=True
        )
        return self.render_form(request, partner, form)

    def post(self, request: HttpRequest, partner_id: uuid.UUID, **kwargs: Any) -> HttpResponseBase:
        partner = self.partner(partner_id)
        form = PartnerForm(request.POST, clients=self.clients(), editing=True)
        try:
            partner_update(actor=self.actor, partner=partner, **form.service_data())
        except ApplicationError as exc:
            form.add_service_error(exc)
            return self.render_form(request, partner, form)
        messages.success(request, gettext("Partner %(name)s is saved.") % {"name": partner.name})
        return redirect(
            "exchange-pages:pact-partner", org_slug=self.organisation.slug, partner_id=partner.pk
        )


class PartnerArchivePage(PartnerPage):
    """``POST pact/partners/<id>/archive/``: no more exchanges with it; what was fetched stays."""

    role_map = {"POST": ADMIN_ROLES}

    def post(self, request: HttpRequest, partner_id: uuid.UUID, **kwargs: Any) -> HttpResponseBase:
        partner = partner_archive(actor=self.actor, partner=self.partner(partner_id))
        messages.success(
            request,
            gettext("Partner %(name)s is archived; the footprints fetched from it stay.")
            % {"name": partner.name},
        )
        return redirect(
            "exchange-pages:pact-partner", org_slug=self.organisation.slug, partner_id=partner.pk
        )


class _FetchedPage(OrganisationPage):
    role_map = {"GET": ALL_ROLES}

    def fetched(self, fetched_id: uuid.UUID) -> FetchedFootprint:
        try:
            return fetched_get(organisation=self.organisation, fetched_id=fetched_id)
        except FetchedFootprint.DoesNotExist:
            raise Http404("No such fetched footprint.") from None


class FetchedListPage(_FetchedPage):
    """``pact/fetched/``: every footprint fetched from a partner, newest first."""

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        fetched = fetched_footprints_of(organisation=self.organisation)
        page = Paginator(fetched, PAGE_SIZE).get_page(request.GET.get("page"))
        context = self.get_context_data(page_obj=page)
        return render(request, "exchange/pages/pact_fetched_list.html", context)


class FetchedDetailPage(_FetchedPage):
    """``pact/fetched/<id>/``: origin, partner, schema check, facts, the document."""

    def get(self, request: HttpRequest, fetched_id: uuid.UUID, **kwargs: Any) -> HttpResponse:
        fetched = self.fetched(fetched_id)
        problems = [
            {"path": p.get("path") or "", "text": problem_text(p)}
            for p in (fetched.problems or [])
            if isinstance(p, dict)
        ]
        context = self.get_context_data(
            fetched=fetched, problems=problems, document=document_shown(fetched)
        )
        return render(request, "exchange/pages/pact_fetched.html", context)


class FetchedDocumentPage(_FetchedPage):
    """``pact/fetched/<id>/document.json``: the exact bytes as received."""

    def get(self, request: HttpRequest, fetched_id: uuid.UUID, **kwargs: Any) -> HttpResponse:
        fetched = self.fetched(fetched_id)
        response = HttpResponse(bytes(fetched.document or b""), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{fetched.pk}.json"'
        return response
