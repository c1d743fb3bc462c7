"""factory_boy factories for the accounts app."""

from __future__ import annotations

from datetime import date, timedelta

import factory
from django.utils import timezone

from accounts.models import ApiClient, Invitation, Membership, Organisation, User
from accounts.roles import Role
from core.crypto import sha256_hex


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"org-{n}")
    legal_name = factory.Sequence(lambda n: f"组织 {n}")
    legal_name_latin = factory.Sequence(lambda n: f"Organisation {n}")
    country = "CN"

    @factory.post_generation
    def kinds(obj, create, extracted, **kwargs):
        if create:
            for kind in extracted or ["producer"]:
                obj.kinds.create(kind=kind)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.VIEWER


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.PREPARER
    token_hash = factory.Sequence(lambda n: sha256_hex(f"invitation-token-{n}"))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class ApiClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApiClient

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"ERP connector {n}")
    client_id = factory.Sequence(lambda n: f"cbx_test{n:020d}")
    secret_hash = factory.LazyAttribute(lambda o: sha256_hex(f"secret-of-{o.client_id}"))
    role = Role.VIEWER
    scopes = factory.LazyFunction(lambda: ["organisation:read"])


class InstallationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "suppliers.Installation"

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"高炉厂 {n}")
    name_latin = factory.Sequence(lambda n: f"Blast furnace works {n}")
    country = "CN"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "suppliers.Product"

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Hot-rolled coil {n}")
    cn_code = "72083900"
    category = "Iron or steel products"


class FootprintFactory(factory.django.DjangoModelFactory):
    """A draft footprint with fixed figures (no engine run): for access-control tests."""

    class Meta:
        model = "suppliers.Footprint"

    organisation = factory.SubFactory(OrganisationFactory)
    product = factory.LazyAttribute(lambda o: ProductFactory(organisation=o.organisation))
    installation = factory.LazyAttribute(lambda o: InstallationFactory(organisation=o.organisation))
    period_start = date(2026, 1, 1)
    period_end = date(2026, 12, 31)
    attributed_direct_tco2e = 1800
    activity_level_t = 1000
    see_direct = "1.80000"
    see_indirect = "0.00000"
    see_total = "1.80000"
