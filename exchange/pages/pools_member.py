"""A company's side of the data pools: the invitations it received and the pools it is in
(``data-pools/``), and each pool's page: the membership's facts, accepting or declining an
invitation, leaving (confirmed), its own contributions with withdrawal, opting more of its
published footprints in, and its position: where each of its own footprints stands in the
latest release (percentile band, difference to the median and to the default value in EUR/t).
Its own only: another member's figure never reaches this page.

Every member of the organisation reads; writes need an administrator (``ADMIN_ROLES``), as the
issue says ("a company's admin accepts", "a member's admin opts lineages in").
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.pages.base import OrganisationPage
from accounts.roles import ADMIN_ROLES, ALL_ROLES
from core.errors import ApplicationError, NotFound
from core.workflows import IllegalTransition
from exchange.pages.forms import form_errors_add
from exchange.pages.pool_forms import AnswerForm, ContributeForm, LeaveForm, WithdrawForm
from exchange.pages.pools_releases import cell_label
from exchange.pools.models import EndedBy, MembershipStatus, PoolMembership
from exchange.pools.selectors import (
    contributable_footprints,
    contribution_of,
    contributions_of,
    my_position,
    pool_membership_of,
    pool_memberships_of,
    pools_run_by,
)
from exchange.pools.services.contributions import pool_contribute, pool_contribution_withdraw
from exchange.pools.services.memberships import pool_invitation_answer, pool_membership_end
from suppliers.models import Footprint


def band_labels() -> dict[str, str]:
    """The percentile bands of ``exchange.pools.calculations.position.band_of``."""
    return {
        "below_p10": _("below P10 (among the lowest tenth)"),
        "p10_p25": _("between P10 and P25"),
        "p25_median": _("between P25 and the median"),
        "median_p75": _("between the median and P75"),
        "p75_p90": _("between P75 and P90"),
        "above_p90": _("above P90 (among the highest tenth)"),
    }


def footprint_choice(footprint: Footprint) -> str:
    """A contributable footprint as its checkbox says it: product, CN code, period and when
    this version was published (a correction is a newer version of the same lineage)."""
    published = footprint.published_at
    return _("%(product)s · CN %(cn)s · %(start)s – %(end)s · published %(published)s") % {
        "product": footprint.product.name,
        "cn": footprint.product.cn_code,
        "start": f"{footprint.period_start:%Y-%m-%d}",
        "end": f"{footprint.period_end:%Y-%m-%d}",
        "published": f"{published:%Y-%m-%d}" if published else "—",
    }


class MemberPoolListPage(OrganisationPage):
    """``data-pools/``: the invitations received and the pools the organisation is in."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        memberships = list(pool_memberships_of(organisation=self.organisation))
        context = self.get_context_data(
            invitations=[m for m in memberships if m.status == MembershipStatus.INVITED],
            memberships=[m for m in memberships if m.status == MembershipStatus.ACTIVE],
            can_answer=self.role in ADMIN_ROLES,
        )
        return render(request, "exchange/pages/pools/member_list.html", context)


class AssociationsPool(Exception):
    """The pool asked for on a member's page is one the organisation runs."""

    def __init__(self, pool_id: object) -> None:
        super().__init__(str(pool_id))
        self.pool_id = pool_id


class _MemberPoolPage(OrganisationPage):
    def membership(self, pool_id: object) -> PoolMembership:
        """The organisation's open membership of the pool (invited or member). The
        association that runs the pool is sent to its own page of it (``AssociationsPool``);
        anyone else gets 404."""
        try:
            return pool_membership_of(organisation=self.organisation, pool_id=pool_id)
        except NotFound as error:
            running = pools_run_by(organisation=self.organisation).filter(pk=str(pool_id))
            if running.exists():
                raise AssociationsPool(pool_id) from None
            raise Http404(error.message) from None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return super().dispatch(request, *args, **kwargs)
        except AssociationsPool as running:
            return redirect(
                "exchange-pages:pool", org_slug=self.organisation.slug, pool_id=running.pool_id
            )

    def render_member(
        self,
        request: HttpRequest,
        membership: PoolMembership,
        *,
        answer_form: AnswerForm | None = None,
        leave_form: LeaveForm | None = None,
        contribute_form: ContributeForm | None = None,
        withdraw_form: WithdrawForm | None = None,
    ) -> HttpResponse:
        pool = membership.pool
        active = membership.status == MembershipStatus.ACTIVE
        contributions: list[Any] = []
        contributable: list[Footprint] = []
        positions: list[dict[str, Any]] = []
        release = None
        if active:
            contributions = contributions_of(pool=pool, organisation=self.organisation)
            contributable = list(
                contributable_footprints(pool=pool, organisation=self.organisation)
            )
            release, found_positions = my_position(pool=pool, organisation=self.organisation)
            labels = band_labels()
            positions = [
                {
                    "position": p,
                    "label": cell_label(_key(p.key)),
                    "band": labels.get(p.band, p.band),
                }
                for p in found_positions
            ]
        context = self.get_context_data(
            membership=membership,
            pool=pool,
            active=active,
            contributions=contributions,
            contributable=contributable,
            contribute_form=contribute_form
            or ContributeForm(choices=[(str(f.pk), footprint_choice(f)) for f in contributable]),
            answer_form=answer_form or AnswerForm(),
            leave_form=leave_form or LeaveForm(),
            withdraw_form=withdraw_form or WithdrawForm(),
            release=release,
            positions=positions,
            can_admin=self.role in ADMIN_ROLES,
        )
        return render(request, "exchange/pages/pools/member.html", context)

    def back(self, request: HttpRequest, membership: PoolMembership, done: str) -> HttpResponseBase:
        messages.success(request, done)
        return redirect(
            "exchange-pages:pool-member",
            org_slug=self.organisation.slug,
            pool_id=membership.pool_id,
        )


def _key(key: Any) -> dict[str, Any]:
    return {name: getattr(key, name) for name in ("cn_code", "route", "country", "year")}


class MemberPoolPage(_MemberPoolPage):
    """``data-pools/<pool>/``: the membership, the contributions and the position."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, pool_id: object, **kwargs: Any) -> HttpResponse:
        return self.render_member(request, self.membership(pool_id))


class MemberAnswerPage(_MemberPoolPage):
    """``POST data-pools/<pool>/answer/``: accept or decline the invitation."""

    role_map = {"POST": ADMIN_ROLES}

    def post(self, request: HttpRequest, pool_id: object, **kwargs: Any) -> HttpResponseBase:
        membership = self.membership(pool_id)
        form = AnswerForm(request.POST)
        if form.is_valid():
            accept = form.cleaned_data["answer"] == "accept"
            try:
                pool_invitation_answer(actor=self.actor, membership=membership, accept=accept)
            except IllegalTransition:
                form.add_error(None, _("This invitation was already answered."))
            except ApplicationError as error:
                form_errors_add(form, error)
            else:
                if not accept:
                    messages.success(request, _("Invitation declined; the association is told."))
                    return redirect("exchange-pages:pools-member", org_slug=self.organisation.slug)
                done = _("Welcome to the pool: contribute your published footprints below.")
                return self.back(request, membership, done)
        return self.render_member(request, self.membership(pool_id), answer_form=form)


class MemberLeavePage(_MemberPoolPage):
    """``POST data-pools/<pool>/leave/``: end the membership (confirmed); every contribution
    is withdrawn from later statistics."""

    role_map = {"POST": ADMIN_ROLES}

    def post(self, request: HttpRequest, pool_id: object, **kwargs: Any) -> HttpResponseBase:
        membership = self.membership(pool_id)
        form = LeaveForm(request.POST)
        if form.is_valid():
            try:
                pool_membership_end(actor=self.actor, membership=membership, side=EndedBy.MEMBER)
            except IllegalTransition:
                form.add_error(None, _("This membership has already ended."))
            except ApplicationError as error:
                form_errors_add(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "You left the pool: your contributions leave every later statistic; "
                        "releases already published stay as released."
                    ),
                )
                return redirect("exchange-pages:pools-member", org_slug=self.organisation.slug)
        return self.render_member(request, self.membership(pool_id), leave_form=form)


class MemberContributePage(_MemberPoolPage):
    """``POST data-pools/<pool>/contribute/``: opt the chosen footprints' lineages in."""

    role_map = {"POST": ADMIN_ROLES}

    def post(self, request: HttpRequest, pool_id: object, **kwargs: Any) -> HttpResponseBase:
        membership = self.membership(pool_id)
        choices = [
            (str(f.pk), footprint_choice(f))
            for f in contributable_footprints(pool=membership.pool, organisation=self.organisation)
        ]
        form = ContributeForm(request.POST, choices=choices)
        if form.is_valid():
            try:
                created = pool_contribute(
                    actor=self.actor,
                    pool=membership.pool,
                    organisation=self.organisation,
                    footprints=form.cleaned_data["footprints"],
                )
            except ApplicationError as error:
                form_errors_add(form, error)
            else:
                done = ngettext(
                    "%(count)s footprint contributed: its lineage counts in the pool's "
                    "statistics from now on.",
                    "%(count)s footprints contributed: their lineages count in the pool's "
                    "statistics from now on.",
                    len(created),
                ) % {"count": len(created)}
                return self.back(request, membership, done)
        return self.render_member(request, membership, contribute_form=form)


class MemberWithdrawPage(_MemberPoolPage):
    """``POST data-pools/<pool>/withdraw/``: withdraw one contribution (a lineage)."""

    role_map = {"POST": ADMIN_ROLES}

    def post(self, request: HttpRequest, pool_id: object, **kwargs: Any) -> HttpResponseBase:
        membership = self.membership(pool_id)
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                contribution = contribution_of(
                    pool=membership.pool,
                    organisation=self.organisation,
                    contribution_id=form.cleaned_data["contribution"],
                )
                pool_contribution_withdraw(actor=self.actor, contribution=contribution)
            except NotFound:
                form.add_error(None, _("No such contribution of yours; use the row's button."))
            except ApplicationError as error:
                form_errors_add(form, error)
            else:
                done = _(
                    "Contribution withdrawn: it leaves every later statistic; releases already "
                    "published stay as released."
                )
                return self.back(request, membership, done)
        return self.render_member(request, membership, withdraw_form=form)
