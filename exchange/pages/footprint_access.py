"""``footprints/<id>/access/``: who can see one of this organisation's footprints: the buyers
holding a live grant on its lineage (a grant on one version reaches every later one), since
when, and revoking each with a reason.

The footprint's page (``suppliers``, which may not import the exchange) loads it by URL name
as an htmx fragment; without htmx, or opened by its link, it is a page of its own. Revoking
goes through ``exchange.sharing.services.grants.grant_revoke``, as the grant's own page does.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from accounts.pages.base import OrganisationPage
from accounts.roles import ALL_ROLES, WRITER_ROLES
from core.errors import ApplicationError
from exchange.pages.forms import RevokeForm, form_errors_add
from exchange.sharing.errors import GrantAlreadyRevoked
from exchange.sharing.models import Grant
from exchange.sharing.selectors import grants_given_by
from exchange.sharing.services.grants import grant_revoke
from suppliers.models import Footprint
from suppliers.selectors import footprints_owned_by


class FootprintAccessPage(OrganisationPage):
    """GET: the live grants of the footprint's lineage; POST ``grant`` and ``reason``: revoke
    one of them (WRITER_ROLES, as on the grant's page)."""

    role_map = {"GET": ALL_ROLES, "POST": WRITER_ROLES}

    def footprint(self, footprint_id: str) -> Footprint:
        return get_object_or_404(
            footprints_owned_by(organisation=self.organisation)
            .select_related(None)
            .select_related("product")
            .prefetch_related(None),
            pk=footprint_id,
        )

    def live_grants(self, footprint: Footprint) -> QuerySet[Grant]:
        return (
            grants_given_by(supplier=self.organisation, live=True)
            .filter(footprints__lineage=footprint.lineage)
            .prefetch_related(None)
            .distinct()
        )

    def render_access(
        self,
        request: HttpRequest,
        footprint: Footprint,
        *,
        failed: uuid.UUID | None = None,
        form: RevokeForm | None = None,
    ) -> HttpResponse:
        context = self.get_context_data(
            footprint=footprint,
            grants=list(self.live_grants(footprint)),
            can_revoke=self.role in WRITER_ROLES,
            failed=failed,
            form=form,
        )
        fragment = bool(request.headers.get("HX-Request"))
        context["fragment"] = fragment
        template = "footprint_access.html" if fragment else "footprint_access_page.html"
        return render(request, f"exchange/pages/{template}", context)

    def get(self, request: HttpRequest, footprint_id: str, **kwargs: Any) -> HttpResponse:
        return self.render_access(request, self.footprint(footprint_id))

    def post(self, request: HttpRequest, footprint_id: str, **kwargs: Any) -> HttpResponse:
        footprint = self.footprint(footprint_id)
        form = RevokeForm(request.POST)
        grant = self._grant(footprint, str(request.POST.get("grant", "")))
        if grant is None:
            messages.error(request, _("Choose a grant that is still live."))
            return self.render_access(request, footprint)
        if form.is_valid():
            try:
                grant_revoke(actor=self.actor, grant=grant, reason=form.cleaned_data["reason"])
            except GrantAlreadyRevoked:
                messages.error(request, _("This grant is already revoked."))
            except ApplicationError as error:
                form_errors_add(form, error)
                return self.render_access(request, footprint, failed=grant.pk, form=form)
            else:
                messages.success(request, _("Revoked: the buyer no longer sees this footprint."))
            return self.render_access(request, footprint)
        # Shown again with its errors, answered 200 (htmx swaps only 2xx answers).
        return self.render_access(request, footprint, failed=grant.pk, form=form)

    def _grant(self, footprint: Footprint, raw: str) -> Grant | None:
        try:
            grant_id = uuid.UUID(raw)
        except ValueError:
            return None
        return self.live_grants(footprint).filter(pk=grant_id).first()
