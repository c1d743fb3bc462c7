"""Authorisation-matrix samples for the sharing endpoints (see tests/matrix_samples.py)."""

from __future__ import annotations

from accounts.models import Organisation
from accounts.roles import Role
from tests.exchange.sharing.builders import (
    grant_of,
    notification_for,
    open_request,
    published_footprint,
    shared_with,
)
from tests.factories import MembershipFactory, OrganisationFactory
from tests.matrix_samples_types import SampleMaker


def _sent_request(org: Organisation) -> str:
    """An open request ``org`` sent (as buyer) to another organisation."""
    return str(open_request(buyer=org, supplier=OrganisationFactory()).pk)


def _incoming_request(org: Organisation) -> str:
    """An open request another organisation sent to ``org`` (as supplier)."""
    return str(open_request(buyer=OrganisationFactory(), supplier=org).pk)


def _invited_request(org: Organisation) -> str:
    """An open request sent by e-mail to a member of ``org`` before it was on the platform."""
    member = MembershipFactory(organisation=org, role=Role.VIEWER).user
    return str(
        open_request(buyer=OrganisationFactory(), supplier=None, supplier_email=member.email).pk
    )


def _grant(org: Organisation) -> str:
    """A live grant ``org`` gave another organisation on one of its published footprints."""
    return str(grant_of(org, OrganisationFactory(), published_footprint(org)).pk)


def _effort_supplier(org: Organisation) -> str:
    """A supplier ``org`` (as buyer) asked for data: its evidence of efforts' key."""
    return open_request(buyer=org, supplier=OrganisationFactory()).supplier.slug


def _policy_buyer(org: Organisation) -> str:
    """A buyer that asked ``org`` (as supplier) for a footprint: its sharing policy's key."""
    return open_request(buyer=OrganisationFactory(), supplier=org).buyer.slug


SAMPLES: dict[str, SampleMaker] = {
    "footprint_request_id": _sent_request,
    "incoming_request_id": _incoming_request,
    "invited_request_id": _invited_request,
    "grant_id": _grant,
    # A footprint of another organisation shared *with* ``org``.
    "shared_footprint_id": lambda org: str(shared_with(org).pk),
    "notification_id": lambda org: str(notification_for(org).pk),
    "effort_supplier": _effort_supplier,
    "policy_buyer": _policy_buyer,
}
