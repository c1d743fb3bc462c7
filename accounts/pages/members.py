"""``/o/<org>/members/``: who is in the organisation, with which role, and who is invited.

Every member sees the list (as the API's member list); owners and admins change roles,
remove members, invite by e-mail and revoke pending invitations, through the services the API
uses (``accounts.services.memberships``, ``accounts.services.invitations``) and with its role
sets. The services' rules hold here too and are said on the page when they refuse: only an
owner touches the owner role, nobody changes their own role, the last owner stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from accounts.models import Invitation, Membership
from accounts.pages.base import OrganisationPage
from accounts.pages.forms import apply_service_errors
from accounts.roles import ADMIN_ROLES, ALL_ROLES, Role
from accounts.selectors import invitations_visible_to, memberships_visible_to
from accounts.services.invitations import (
    invitation_create,
    invitation_revoke,
    invitation_status_label,
)
from accounts.services.memberships import membership_change_role, membership_remove
from core.errors import ApplicationError

TEMPLATE = "accounts/pages/members.html"


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email"))
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)


@dataclass(frozen=True)
class MemberRow:
    membership: Membership
    is_me: bool
    can_change_role: bool
    can_remove: bool
    error: str


@dataclass(frozen=True)
class InvitationRow:
    invitation: Invitation
    status: str
    status_label: str
    error: str


def _grantable_roles(acting_role: str) -> list[tuple[str, str]]:
    """The roles the viewer may give: only an owner grants the owner role."""
    return [
        (value, str(label))
        for value, label in Role.choices
        if acting_role == Role.OWNER or value != Role.OWNER
    ]


class _MembersBase(OrganisationPage):
    """The members page as every action of it answers when a service refuses: the list
    again, with the refusal beside the row it concerns (200: see ``accounts.pages.forms``)."""

    def render_members(
        self,
        request: HttpRequest,
        *,
        invite_form: InviteForm | None = None,
        errors: dict[UUID, str] | None = None,
    ) -> HttpResponse:
        errors = errors or {}
        is_admin = self.role in ADMIN_ROLES
        owner = self.role == Role.OWNER
        rows = [
            MemberRow(
                membership=membership,
                is_me=membership.user_id == self.user.pk,
                can_change_role=is_admin
                and membership.user_id != self.user.pk
                and (owner or membership.role != Role.OWNER),
                can_remove=is_admin and (owner or membership.role != Role.OWNER),
                error=errors.get(membership.pk, ""),
            )
            for membership in memberships_visible_to(organisation=self.organisation)
        ]
        invitations: list[InvitationRow] = []
        if is_admin:
            now = timezone.now()
            invitations = [
                InvitationRow(
                    invitation=invitation,
                    status=(state := invitation.status_at(now)),
                    status_label=invitation_status_label(state),
                    error=errors.get(invitation.pk, ""),
                )
                for invitation in invitations_visible_to(organisation=self.organisation)
            ]
        roles = _grantable_roles(self.role)
        if invite_form is None:
            invite_form = InviteForm(initial={"role": Role.PREPARER})
        invite_form.fields["role"].choices = roles  # type: ignore[attr-defined]
        context = self.get_context_data(
            rows=rows,
            invitations=invitations,
            invite_form=invite_form,
            roles=roles,
            is_admin=is_admin,
            invitation_days=settings.INVITATION_TTL.days,
        )
        return render(request, TEMPLATE, context)


class MembersPage(_MembersBase):
    role_map = {"GET": ALL_ROLES, "POST": ADMIN_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self.render_members(request)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        """Invite someone: the e-mail goes out from a worker, in their language."""
        form = InviteForm(request.POST)
        if form.is_valid():
            try:
                invitation, _raw_token = invitation_create(
                    actor=self.actor,
                    acting_role=self.role,
                    organisation=self.organisation,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                )
            except ApplicationError as exc:
                apply_service_errors(form, exc)
                return self.render_members(request, invite_form=form)
            messages.success(
                request,
                gettext("Invitation sent to %(email)s.") % {"email": invitation.email},
            )
            return redirect("accounts-pages:members", org_slug=self.organisation.slug)
        return self.render_members(request, invite_form=form)


class MemberRolePage(_MembersBase):
    """``POST …/members/<id>/role/``: give a member another role."""

    role_map = {"POST": ADMIN_ROLES}

    def post(self, request: HttpRequest, membership_id: UUID, **kwargs: Any) -> HttpResponse:
        membership = get_object_or_404(
            memberships_visible_to(organisation=self.organisation), pk=membership_id
        )
        form = RoleForm(request.POST)
        if not form.is_valid():
            message = gettext("Choose one of the roles.")
            return self.render_members(request, errors={membership.pk: message})
        try:
            membership = membership_change_role(
                actor=self.actor,
                acting_role=self.role,
                membership=membership,
                role=form.cleaned_data["role"],
            )
        except ApplicationError as exc:
            return self.render_members(request, errors={membership.pk: exc.message})
        messages.success(
            request,
            gettext("%(email)s is now %(role)s.")
            % {"email": membership.user.email, "role": Role(membership.role).label},
        )
        return redirect("accounts-pages:members", org_slug=self.organisation.slug)


class MemberRemovePage(_MembersBase):
    """``POST …/members/<id>/remove/``: take a member out of the organisation."""

    role_map = {"POST": ADMIN_ROLES}

    def post(self, request: HttpRequest, membership_id: UUID, **kwargs: Any) -> HttpResponse:
        membership = get_object_or_404(
            memberships_visible_to(organisation=self.organisation), pk=membership_id
        )
        email = membership.user.email
        try:
            membership_remove(actor=self.actor, acting_role=self.role, membership=membership)
        except ApplicationError as exc:
            return self.render_members(request, errors={membership.pk: exc.message})
        messages.success(request, gettext("%(email)s was removed.") % {"email": email})
        if membership.user_id == self.user.pk:  # they left: this organisation is gone for them
            return redirect("web:home")
        return redirect("accounts-pages:members", org_slug=self.organisation.slug)


class InvitationRevokePage(_MembersBase):
    """``POST …/invitations/<id>/revoke/``: the link of a pending invitation stops working."""

    role_map = {"POST": ADMIN_ROLES}

    def post(self, request: HttpRequest, invitation_id: UUID, **kwargs: Any) -> HttpResponse:
        invitation = get_object_or_404(
            invitations_visible_to(organisation=self.organisation), pk=invitation_id
        )
        try:
            invitation = invitation_revoke(actor=self.actor, invitation=invitation)
        except ApplicationError as exc:
            return self.render_members(request, errors={invitation.pk: exc.message})
        messages.success(
            request,
            gettext("The invitation of %(email)s is revoked.") % {"email": invitation.email},
        )
        return redirect("accounts-pages:members", org_slug=self.organisation.slug)
