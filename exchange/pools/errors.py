"""Typed errors of the pools app (rendered by the API's one error envelope and the pages).
An illegal move of a membership is ``core.workflows.IllegalTransition``, as for every
workflow."""

from __future__ import annotations

from core.errors import Conflict, ValidationFailed


class NotAnAssociation(ValidationFailed):
    """Only an organisation of kind ``association`` runs pools."""

    code = "not_an_association"


class AlreadyInPool(Conflict):
    """The organisation is already invited to, or a member of, the pool."""

    code = "already_in_pool"


class NotAMember(ValidationFailed):
    """Only an active member contributes to a pool."""

    code = "not_a_pool_member"


class NotContributable(ValidationFailed):
    """The footprint is not one of the member's published, signed footprints."""

    code = "not_contributable"


class AlreadyWithdrawn(Conflict):
    code = "contribution_withdrawn"


class NothingToRelease(ValidationFailed):
    """A release needs at least one published cell."""

    code = "nothing_to_release"
