"""Grants this organisation gave: who can read which of its footprints, and revoking. The same
selectors, services and roles as ``exchange.sharing.api.grants``."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.pages.base import OrganisationPage
from accounts.roles import ALL_ROLES, WRITER_ROLES
from core.errors import ApplicationError
from exchange.pages.forms import RevokeForm, form_errors_add
from exchange.sharing.errors import GrantAlreadyRevoked
from exchange.sharing.models import Grant
from exchange.sharing.selectors import grants_given_by
from exchange.sharing.services.grants import grant_revoke

#: Grants on one page of the list.
PAGE_SIZE = 50


class GrantListPage(OrganisationPage):
    """``grants/``: the grants given, newest first, live or revoked."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        grants = grants_given_by(supplier=self.organisation)
        page = Paginator(grants, PAGE_SIZE).get_page(request.GET.get("page"))
        context = self.get_context_data(page_obj=page)
        return render(request, "exchange/pages/grants.html", context)


class _GivenGrantPage(OrganisationPage):
    def given(self, grant_id: uuid.UUID) -> Grant:
        return get_object_or_404(grants_given_by(supplier=self.organisation), pk=grant_id)

    def render_detail(
        self, request: HttpRequest, grant: Grant, form: RevokeForm | None = None
    ) -> HttpResponse:
        context = self.get_context_data(
            grant=grant,
            can_revoke=self.role in WRITER_ROLES and grant.is_live,
            form=form or RevokeForm(),
        )
        return render(request, "exchange/pages/grant_detail.html", context)


class GrantDetailPage(_GivenGrantPage):
    """``grants/<id>/``: the buyer, the footprints it can read, and the revoke form."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, grant_id: uuid.UUID, **kwargs: Any) -> HttpResponse:
        return self.render_detail(request, self.given(grant_id))


class GrantRevokePage(_GivenGrantPage):
    """``POST grants/<id>/revoke/``: the buyer no longer reads any version of the footprints."""

    role_map = {"POST": WRITER_ROLES}

    def post(self, request: HttpRequest, grant_id: uuid.UUID, **kwargs: Any) -> HttpResponseBase:
        grant = self.given(grant_id)
        form = RevokeForm(request.POST)
        if not grant.is_live:
            form.add_error(None, _("This grant is already revoked."))
        elif form.is_valid():
            try:
                grant_revoke(actor=self.actor, grant=grant, reason=form.cleaned_data["reason"])
            except GrantAlreadyRevoked:
                form.add_error(None, _("This grant is already revoked."))
            except ApplicationError as error:
                form_errors_add(form, error)
            else:
                return redirect(
                    "exchange-pages:grant", org_slug=self.organisation.slug, grant_id=grant.pk
                )
        # The page again with the errors, answered 200 as a form shown again is (a 4xx would
        # be reported by the browser as a failed load).
        return self.render_detail(request, self.given(grant_id), form)
