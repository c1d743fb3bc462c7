"""Change a member's role, remove a member, switch the active organisation.

Rules: only an owner grants, changes or removes the owner role; an organisation always keeps
at least one owner; nobody changes their own role.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext

from accounts import events
from accounts.audit import Actor, audit_record
from accounts.models import Membership, Organisation, User
from accounts.roles import Role
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


def _check_role_value(role: str) -> None:
    if role not in Role.values:
        raise ValidationFailed(
            gettext("Unknown role %(role)s.") % {"role": repr(role)},
            fields={
                "role": [
                    gettext("%(role)s is not a role; expected one of %(roles)s.")
                    % {"role": repr(role), "roles": ", ".join(Role.values)}
                ]
            },
        )


def _guard_owner_change(*, acting_role: str, target: Membership, new_role: str | None) -> None:
    touches_owner = target.role == Role.OWNER or new_role == Role.OWNER
    if touches_owner and acting_role != Role.OWNER:
        raise PermissionDenied(gettext("Only an owner can grant, change or remove the owner role."))
    if target.role == Role.OWNER and new_role != Role.OWNER:
        owners = Membership.objects.select_for_update().filter(
            organisation_id=target.organisation_id, role=Role.OWNER
        )
        if len(owners) <= 1:
            raise Conflict(
                gettext(
                    "An organisation must keep at least one owner: make someone else owner first."
                )
            )


@transaction.atomic
def membership_change_role(
    *, actor: Actor, acting_role: str, membership: Membership, role: str
) -> Membership:
    _check_role_value(role)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if actor.user is not None and membership.user_id == actor.user.pk:
        raise PermissionDenied(
            gettext("You cannot change your own role; ask another admin or owner.")
        )
    if membership.role == role:
        return membership
    _guard_owner_change(acting_role=acting_role, target=membership, new_role=role)
    before = {"role": membership.role}
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        actor=actor,
        organisation=membership.organisation,
        action="membership.role_changed",
        obj=membership,
        before=before,
        after={"role": role, "user": membership.user.email},
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: Actor, acting_role: str, membership: Membership) -> None:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    _guard_owner_change(acting_role=acting_role, target=membership, new_role=None)
    user = membership.user
    audit_record(
        actor=actor,
        organisation=membership.organisation,
        action="membership.removed",
        obj=membership,
        before={"user": user.email, "role": membership.role},
    )
    membership.delete()
    if user.active_organisation_id == membership.organisation_id:
        user.active_organisation = None
        user.save(update_fields=["active_organisation"])


@transaction.atomic
def membership_create(
    *, actor: Actor, organisation: Organisation, user: User, role: str
) -> Membership:
    _check_role_value(role)
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise Conflict(
            gettext("%(email)s is already a member of %(organisation)s.")
            % {"email": user.email, "organisation": organisation}
        )
    membership = Membership.objects.create(organisation=organisation, user=user, role=role)
    audit_record(
        actor=actor,
        organisation=organisation,
        action=events.MEMBERSHIP_CREATED,
        obj=membership,
        after={"user": user.email, "role": role},
    )
    return membership


@transaction.atomic
def user_switch_organisation(*, user: User, organisation_slug: str) -> Organisation:
    """Make one of the user's organisations the active one in the web UI."""
    membership = (
        Membership.objects.select_related("organisation")
        .filter(user=user, organisation__slug=organisation_slug)
        .first()
    )
    if membership is None:
        raise NotFound(gettext("No such organisation among yours."))
    User.objects.filter(pk=user.pk).update(active_organisation=membership.organisation)
    user.active_organisation = membership.organisation
    return membership.organisation
