"""Fixtures of the accounts tests (the shared ones live in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from accounts.models import Organisation, User
from accounts.roles import Role
from tests.factories import MembershipFactory


@pytest.fixture
def owner_user(organisation: Organisation) -> User:
    return MembershipFactory(
        organisation=organisation, role=Role.OWNER, user__email="owner@acme.example"
    ).user


@pytest.fixture
def client_as() -> Callable[[User], APIClient]:
    """A fresh API client authenticated as ``user`` (one client per person in a test)."""

    def make(user: User) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make
