"""Authorisation-matrix samples for the pools endpoints (see tests/matrix_samples.py).

``pool_id`` is a pool the organisation runs (the association's URLs and the releases');
``member_pool_id`` a pool of another association the organisation is an active member of (the
member's URLs). A membership, a release and a contribution sit in those same pools (created
once per organisation), so every URL of a route names objects that belong together."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from accounts.roles import OrganisationKind
from accounts.services.signing_keys import document_sign
from exchange.pools.models import (
    MembershipStatus,
    Pool,
    PoolContribution,
    PoolMembership,
    PoolRelease,
)
from exchange.pools.services.releases import DOCUMENT_TYPE, DOCUMENT_VERSION
from tests.factories import OrganisationFactory
from tests.matrix_samples_types import SampleMaker

SAMPLE_POOL = "Matrix sample pool"
SAMPLE_MEMBER_POOL = "Matrix sample pool of another association"


def _pool(org: Organisation) -> Pool:
    pool, _ = Pool.objects.get_or_create(association=org, name=SAMPLE_POOL)
    return pool


def _membership(org: Organisation) -> str:
    """An active member company of ``org``'s pool."""
    membership = PoolMembership.objects.create(
        pool=_pool(org),
        organisation=OrganisationFactory(),
        status=MembershipStatus.ACTIVE,
        invited_at=timezone.now(),
        answered_at=timezone.now(),
    )
    return str(membership.pk)


def _release(org: Organisation) -> str:
    """Release 1 of ``org``'s pool: a small document signed with ``org``'s real key."""
    pool = _pool(org)
    existing = pool.releases.first()
    if existing is not None:
        return str(existing.number)
    with transaction.atomic():
        signed = document_sign(
            organisation=org,
            document={
                "type": DOCUMENT_TYPE,
                "version": DOCUMENT_VERSION,
                "pool": {"id": str(pool.pk), "name": pool.name},
                "release": {"number": 1},
                "contributions": [],
                "cells": [],
            },
        )
    PoolRelease.objects.create(
        pool=pool,
        number=1,
        released_at=signed.signed_at,
        certificate_price_eur="75.00",
        cells_published=0,
        cells_suppressed=0,
        contributions_used=0,
        payload=signed.payload,
        jws=signed.jws,
        kid=signed.kid,
    )
    return "1"


def _member_pool(org: Organisation) -> Pool:
    """A pool of another association that ``org`` is an active member of."""
    membership = PoolMembership.objects.filter(
        organisation=org, pool__name=SAMPLE_MEMBER_POOL
    ).first()
    if membership is not None:
        return membership.pool
    association = OrganisationFactory(kinds=[OrganisationKind.ASSOCIATION])
    pool = Pool.objects.create(association=association, name=SAMPLE_MEMBER_POOL)
    PoolMembership.objects.create(
        pool=pool,
        organisation=org,
        status=MembershipStatus.ACTIVE,
        invited_at=timezone.now(),
        answered_at=timezone.now(),
    )
    return pool


def _contribution(org: Organisation) -> str:
    """An open contribution of ``org`` to the pool it is a member of (a lineage with no
    published version: it counts in no cell)."""
    contribution = PoolContribution.objects.create(
        pool=_member_pool(org), organisation=org, lineage=uuid.uuid4(), added_at=timezone.now()
    )
    return str(contribution.pk)


SAMPLES: dict[str, SampleMaker] = {
    "pool_id": lambda org: str(_pool(org).pk),
    "pool_membership_id": _membership,
    "release_number": _release,
    "member_pool_id": lambda org: str(_member_pool(org).pk),
    "contribution_id": _contribution,
}

# A release number is a value inside a pool (1, 2, …), not an object of its own: the pool in
# the same URL is what another organisation must not reach.
VALUE_PARAMS: frozenset[str] = frozenset({"release_number"})
