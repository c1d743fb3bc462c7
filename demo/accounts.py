"""The demo organisations and people (``organisations.json``, ``people.csv``), entered through
the accounts services by the platform.

Idempotent: an organisation is found by slug, a person by e-mail, a membership by person and
organisation. What is missing is created; a demo person whose role was changed gets the role
of ``people.csv`` back (the other seed steps act as these roles); the rest is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from accounts.audit import Actor
from accounts.models import Membership, Organisation, User
from accounts.roles import Role
from accounts.services.memberships import membership_change_role, membership_create
from accounts.services.organisations import organisation_create
from core.errors import ApplicationError
from demo.world import DemoSeedError, data_list, people

#: The password of every demo login; the commands refuse to run with DEBUG off.
DEMO_PASSWORD = "cbam-demo-2026"


@dataclass(frozen=True)
class Login:
    organisation: str  # its Latin name
    role: str
    email: str


@dataclass
class DemoAccountsReport:
    created: list[str] = field(default_factory=list)
    logins: list[Login] = field(default_factory=list)


def _organisation(spec: dict[str, Any], actor: Actor, report: DemoAccountsReport) -> None:
    if Organisation.objects.filter(slug=spec["slug"]).exists():
        return
    organisation = organisation_create(
        actor=actor,
        slug=spec["slug"],
        legal_name=spec["legal_name"],
        legal_name_latin=spec["legal_name_latin"],
        country=spec["country"],
        kinds=spec["kinds"],
        identifiers=spec["identifiers"],
    )
    report.created.append(f"organisation {organisation.slug}")


def _person(person: dict[str, str], actor: Actor, report: DemoAccountsReport) -> None:
    organisation = Organisation.objects.get(slug=person["organisation"])
    user = User.objects.filter(email=person["email"]).first()
    if user is None:
        # No service creates a bare user (people join by invitation); the manager's
        # create_user is what the invitation service uses too.
        user = User.objects.create_user(
            person["email"], DEMO_PASSWORD, full_name=person["full_name"]
        )
        report.created.append(f"person {user.email}")
    membership = Membership.objects.filter(organisation=organisation, user=user).first()
    if membership is None:
        membership_create(actor=actor, organisation=organisation, user=user, role=person["role"])
        report.created.append(f"membership {user.email} in {organisation.slug}")
    elif membership.role != person["role"]:
        membership_change_role(
            actor=actor, acting_role=Role.OWNER, membership=membership, role=person["role"]
        )
        report.created.append(
            f"role of {user.email} in {organisation.slug} back to {person['role']}"
        )


@transaction.atomic
def demo_accounts_seed() -> DemoAccountsReport:
    """Create (or complete) the demo organisations and logins; one transaction."""
    actor = Actor.platform("seed_demo")
    report = DemoAccountsReport()
    try:
        for spec in data_list("organisations.json"):
            _organisation(spec, actor, report)
        for person in people():
            _person(person, actor, report)
    except ApplicationError as exc:
        raise DemoSeedError(f"{exc.message} {exc.extra or ''}".strip()) from exc
    names = {o["slug"]: o["legal_name_latin"] for o in data_list("organisations.json")}
    report.logins = [Login(names[p["organisation"]], p["role"], p["email"]) for p in people()]
    return report
