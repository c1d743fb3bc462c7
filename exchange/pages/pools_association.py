"""The association's side of the data pools: its pools (and a new one), each pool's dashboard
(members with who invited and who accepted, pending invitations, inviting a company, ending a
membership, the disclosure settings, coverage by CN heading as counts of cells, releases) and
the release preview, the only place where the reason a cell is suppressed shows, from which an
administrator publishes. The same selectors and services as the pools' API.

Every member of the association reads; writes need an administrator (``ADMIN_ROLES``). The
association's staff never see an individual footprint here: cells, counts and releases only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.pages.base import OrganisationPage
from accounts.roles import ADMIN_ROLES, ALL_ROLES, OrganisationKind
from core.errors import ApplicationError, NotFound
from core.workflows import IllegalTransition
from exchange.pages.forms import form_errors_add
from exchange.pages.pool_forms import (
    InviteForm,
    MembershipEndForm,
    PoolCreateForm,
    PoolSettingsForm,
    ReleaseForm,
)
from exchange.pages.pools_releases import (
    CELLS_PER_PAGE,
    cell_view,
    cells_chart,
    found,
    reference_names,
)
from exchange.pools.models import EndedBy, MembershipStatus, Pool
from exchange.pools.selectors import (
    pool_coverage,
    pool_membership_run_by,
    pool_memberships,
    pool_releases,
    pool_run_by,
    pools_run_by,
)
from exchange.pools.services.memberships import pool_invite, pool_membership_end
from exchange.pools.services.pools import SETTING_FIELDS, pool_create, pool_settings_update
from exchange.pools.services.releases import (
    pool_release_publish,
    release_document,
    release_preview,
    release_price,
)
from exchange.sharing.directory import SEARCH_MIN_CHARS, supplier_by_slug, suppliers_search


def suppression_labels() -> dict[str, str]:
    """Why a cell is suppressed, as the preview says it (``Suppression`` of the pure rule)."""
    return {
        "contributors": _("fewer contributing organisations than the minimum"),
        "share": _("one organisation above the largest share of production"),
        "dominance": _("the largest organisations dominate the cell's emissions"),
        "differencing": _(
            "suppressed so that no member's value can be recovered by subtraction from a "
            "neighbouring cell"
        ),
    }


def suppression_label(reason: str) -> str:
    return suppression_labels().get(str(reason).lower(), str(reason))


class PoolListPage(OrganisationPage):
    """``pools/``: the association's pools with their members, invitations and contributions;
    an administrator creates one here."""

    role_map = {"GET": ALL_ROLES, "POST": ADMIN_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self.render_list(request, PoolCreateForm())

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        form = PoolCreateForm(request.POST)
        if form.is_valid():
            data = form.settings()
            try:
                pool = pool_create(
                    actor=self.actor,
                    association=self.organisation,
                    name=data.pop("name"),
                    description=data.pop("description"),
                    settings=data,
                )
            except ApplicationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, _("Pool created: invite the companies now."))
                return redirect(
                    "exchange-pages:pool", org_slug=self.organisation.slug, pool_id=pool.pk
                )
        return self.render_list(request, form)

    def render_list(self, request: HttpRequest, form: PoolCreateForm) -> HttpResponse:
        context = self.get_context_data(
            pools=list(pools_run_by(organisation=self.organisation)),
            form=form,
            can_create=self.can("POST"),
            is_association=OrganisationKind.ASSOCIATION in self.kinds,
        )
        return render(request, "exchange/pages/pools/list.html", context)


class _PoolPage(OrganisationPage):
    """A page of one of the association's pools (another organisation's pool: 404)."""

    def pool(self, pool_id: object) -> Pool:
        pool: Pool = found(pool_run_by, organisation=self.organisation, pool_id=pool_id)
        return pool

    def render_pool(
        self,
        request: HttpRequest,
        pool: Pool,
        *,
        invite_form: InviteForm | None = None,
        end_form: MembershipEndForm | None = None,
        settings_form: PoolSettingsForm | None = None,
        query: str = "",
    ) -> HttpResponse:
        memberships = list(pool_memberships(pool=pool))
        invite_form = invite_form or InviteForm()
        chosen = str(invite_form["organisation"].value() or "")
        context = self.get_context_data(
            pool=pool,
            members=[m for m in memberships if m.status == MembershipStatus.ACTIVE],
            invited=[m for m in memberships if m.status == MembershipStatus.INVITED],
            former=[
                m
                for m in memberships
                if m.status not in (MembershipStatus.ACTIVE, MembershipStatus.INVITED)
            ],
            coverage=[
                {
                    "cn": c.heading.split("|", 1)[0],
                    "route": c.heading.split("|", 1)[-1],
                    "published": c.published,
                    "suppressed": c.suppressed,
                }
                for c in pool_coverage(pool=pool)
            ],
            releases=list(pool_releases(pool=pool)[:10]),
            invite_form=invite_form,
            end_form=end_form or MembershipEndForm(),
            settings_form=settings_form
            or PoolSettingsForm(initial={name: getattr(pool, name) for name in SETTING_FIELDS}),
            can_admin=self.role in ADMIN_ROLES,
            reasons=suppression_labels(),
            **self.candidates(query, chosen=chosen),
        )
        return render(request, "exchange/pages/pools/pool.html", context)

    def candidates(self, query: str, *, chosen: str) -> dict[str, Any]:
        """The companies the search offers to invite (never the association itself); the one
        chosen first, so that a form shown again keeps it."""
        query = query.strip()[:100]
        found_ = list(suppliers_search(buyer=self.organisation, query=query)) if query else []
        picked = supplier_by_slug(buyer=self.organisation, slug=chosen) if chosen else None
        if picked is not None and picked.pk not in {o.pk for o in found_}:
            found_.insert(0, picked)
        return {
            "q": query,
            "too_short": 0 < len(query) < SEARCH_MIN_CHARS,
            "search_min_chars": SEARCH_MIN_CHARS,
            "candidates": found_,
            "chosen": chosen,
        }


class PoolPage(_PoolPage):
    """``pools/<pool>/``: the pool's dashboard. ``?q=`` searches the companies to invite (htmx
    asks for the results alone)."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, pool_id: object, **kwargs: Any) -> HttpResponse:
        pool = self.pool(pool_id)
        query = request.GET.get("q", "")
        if request.headers.get("HX-Request") == "true":
            context = self.get_context_data(pool=pool, **self.candidates(query, chosen=""))
            return render(request, "exchange/pages/pools/invite_results.html", context)
        return self.render_pool(request, pool, query=query)


class PoolInvitePage(_PoolPage):
    """``POST pools/<pool>/invite/``: invite the company chosen; it is notified."""

    role_map = {"POST": ADMIN_ROLES}

    def post(self, request: HttpRequest, pool_id: object, **kwargs: Any) -> HttpResponseBase:
        pool = self.pool(pool_id)
        form = InviteForm(request.POST)
        if form.is_valid():
            invited = supplier_by_slug(
                buyer=self.organisation, slug=form.cleaned_data["organisation"]
            )
            if invited is None:
                form.add_error("organisation", _("No such company on CBAM Exchange; search again."))
            else:
                try:
                    pool_invite(actor=self.actor, pool=pool, organisation=invited)
                except ApplicationError as error:
                    form_errors_add(form, error)
                else:
                    messages.success(
                        request,
                        _("Invitation sent: %(name)s is notified and can accept it.")
                        % {"name": invited.legal_name or invited.legal_name_latin},
                    )
                    return redirect(
                        "exchange-pages:pool", org_slug=self.organisation.slug, pool_id=pool.pk
                    )
        return self.render_pool(request, pool, invite_form=form, query=request.POST.get("q", ""))


class PoolMembershipEndPage(_PoolPage):
    """``POST pools/<pool>/members/end/``: end a membership or withdraw an invitation (the
    member's contributions leave every later statistic)."""

    role_map = {"POST": ADMIN_ROLES}

    def post(self, request: HttpRequest, pool_id: object, **kwargs: Any) -> HttpResponseBase:
        pool = self.pool(pool_id)
        form = MembershipEndForm(request.POST)
        if form.is_valid():
            try:
                membership = pool_membership_run_by(
                    organisation=self.organisation,
                    pool_id=pool.pk,
                    membership_id=form.cleaned_data["membership"],
                )
                ended = pool_membership_end(
                    actor=self.actor, membership=membership, side=EndedBy.ASSOCIATION
                )
            except NotFound:
                form.add_error(None, _("No such membership in this pool; use the row's button."))
            except IllegalTransition:
                form.add_error(None, _("This membership has already ended."))
            except ApplicationError as error:
                form_errors_add(form, error)
            else:
                done = (
                    _("Invitation withdrawn.")
                    if ended.answered_at is None
                    else _("Membership ended: its contributions leave every later statistic.")
                )
                messages.success(request, done)
                return redirect(
                    "exchange-pages:pool", org_slug=self.organisation.slug, pool_id=pool.pk
                )
        return self.render_pool(request, self.pool(pool_id), end_form=form)


class PoolSettingsPage(_PoolPage):
    """``POST pools/<pool>/settings/``: change the disclosure control; every cell is decided
    again."""

    role_map = {"POST": ADMIN_ROLES}

    def post(self, request: HttpRequest, pool_id: object, **kwargs: Any) -> HttpResponseBase:
        pool = self.pool(pool_id)
        form = PoolSettingsForm(request.POST)
        if form.is_valid():
            try:
                pool_settings_update(actor=self.actor, pool=pool, settings=form.settings())
            except ApplicationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, _("Settings saved: every cell was decided again."))
                return redirect(
                    "exchange-pages:pool", org_slug=self.organisation.slug, pool_id=pool.pk
                )
        return self.render_pool(request, pool, settings_form=form)


class ReleasePreviewPage(_PoolPage):
    """``pools/<pool>/release/``: GET, what a release would publish now (every cell; the
    suppressed ones with their reason, which only this preview shows); POST, publish it at
    the stated certificate price (default: the last published one)."""

    role_map = {"GET": ALL_ROLES, "POST": ADMIN_ROLES}

    def get(self, request: HttpRequest, pool_id: object, **kwargs: Any) -> HttpResponse:
        return self.render_preview(request, self.pool(pool_id), ReleaseForm())

    def post(self, request: HttpRequest, pool_id: object, **kwargs: Any) -> HttpResponseBase:
        pool = self.pool(pool_id)
        form = ReleaseForm(request.POST)
        if form.is_valid():
            try:
                release = pool_release_publish(
                    actor=self.actor,
                    pool=pool,
                    certificate_price_eur=form.cleaned_data["certificate_price_eur"],
                )
            except ApplicationError as error:
                form_errors_add(form, error)
            else:
                messages.success(
                    request,
                    _("Release %(number)s published and signed.") % {"number": release.number},
                )
                return redirect(
                    "exchange-pages:pool-release",
                    org_slug=self.organisation.slug,
                    pool_id=pool.pk,
                    release_number=release.number,
                )
        return self.render_preview(request, pool, form)

    def render_preview(self, request: HttpRequest, pool: Pool, form: ReleaseForm) -> HttpResponse:
        preview = release_preview(pool=pool)
        now = timezone.now().replace(microsecond=0)
        price = release_price(None, on=now.date())
        number = (pool.releases.aggregate(last=Max("number"))["last"] or 0) + 1
        # The very document a release would sign now, each suppressed cell with its reason.
        reasons = {cell.key: suppression_label(cell.suppression) for cell in preview.cells}
        cells = []
        if preview.cells:
            document = release_document(
                pool=pool, number=number, released_at=now, price=price, preview=preview
            )
            cells = [
                cell_view(c, suppression="" if c.get("published") else reasons[c["cell"]])
                for c in document["cells"]
            ]
        page = Paginator(cells, CELLS_PER_PAGE).get_page(request.GET.get("page"))
        context = self.get_context_data(
            pool=pool,
            form=form,
            preview=preview,
            page_obj=page,
            cells=list(page.object_list),
            number=number,
            last_price=price,
            by_reason=[(suppression_label(r), n) for r, n in preview.by_reason.items()],
            chart=cells_chart(
                list(page.object_list),
                title=_("Counted emissions per tonne, by cell"),
                id="preview-chart",
            ),
            reference_names=reference_names(),
            can_publish=self.can("POST") and preview.published > 0,
        )
        return render(request, "exchange/pages/pools/preview.html", context)
