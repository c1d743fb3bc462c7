"""Create the demo world (idempotent): six organisations, each with a user in every role.

All names are fictitious. Passwords are printed at the end; never run this in production.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.audit import Actor
from accounts.identifiers import uscc_check_char
from accounts.models import Membership, Organisation, User
from accounts.roles import Role
from accounts.services.organisations import organisation_create

DEMO_PASSWORD = "cbam-demo-2026"


def _uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


def _lei(base18: str) -> str:
    numeric = int("".join(str(int(c, 36)) for c in base18 + "00"))
    return f"{base18}{98 - numeric % 97:02d}"


DEMO_ORGANISATIONS: list[dict[str, Any]] = [
    {
        "slug": "hebei-steel",
        "legal_name": "河北恒岳钢铁有限公司",
        "legal_name_latin": "Hebei Hengyue Iron and Steel Co., Ltd.",
        "country": "CN",
        "kinds": ["producer"],
        "identifiers": [{"scheme": "cn-uscc", "value": _uscc("91130200MA0CBAM01")}],
        "domain": "hebei-steel.example",
    },
    {
        "slug": "shandong-aluminium",
        "legal_name": "山东鲁铝新材料有限公司",
        "legal_name_latin": "Shandong Lulv New Materials Co., Ltd.",
        "country": "CN",
        "kinds": ["producer"],
        "identifiers": [{"scheme": "cn-uscc", "value": _uscc("91370600MA0CBAM02")}],
        "domain": "shandong-aluminium.example",
    },
    {
        "slug": "ningbo-fasteners",
        "legal_name": "宁波海曙精密紧固件型材有限公司",
        "legal_name_latin": "Ningbo Haishu Precision Fasteners and Profiles Co., Ltd.",
        "country": "CN",
        "kinds": ["manufacturer"],
        "identifiers": [{"scheme": "cn-uscc", "value": _uscc("91330203MA0CBAM03")}],
        "domain": "ningbo-fasteners.example",
    },
    {
        "slug": "rhein-import",
        "legal_name": "Rhein Metallhandel GmbH",
        "legal_name_latin": "Rhein Metallhandel GmbH",
        "country": "DE",
        "kinds": ["importer"],
        "identifiers": [
            {"scheme": "eori", "value": "DE123456789012345"},
            {"scheme": "lei", "value": _lei("5299000CBAMDEMO001")},
        ],
        "domain": "rhein-import.example",
    },
    {
        "slug": "metals-carbon-association",
        "legal_name": "亚洲金属碳数据协会",
        "legal_name_latin": "Asian Metals Carbon Data Association",
        "country": "CN",
        "kinds": ["association"],
        "identifiers": [],
        "domain": "metals-association.example",
    },
    {
        "slug": "nordic-verification",
        "legal_name": "Nordic Emissions Verification AB",
        "legal_name_latin": "Nordic Emissions Verification AB",
        "country": "SE",
        "kinds": ["verifier"],
        "identifiers": [{"scheme": "lei", "value": _lei("5493000CBAMDEMO002")}],
        "domain": "nordic-verification.example",
    },
]


class Command(BaseCommand):
    help = "Create the demo organisations and users (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates known passwords; it refuses to run with DEBUG off"
            )
        actor = Actor.platform("seed_demo")
        rows: list[tuple[str, str, str]] = []
        with transaction.atomic():
            for spec in DEMO_ORGANISATIONS:
                organisation = Organisation.objects.filter(slug=spec["slug"]).first()
                if organisation is None:
                    organisation = organisation_create(
                        actor=actor,
                        slug=spec["slug"],
                        legal_name=spec["legal_name"],
                        legal_name_latin=spec["legal_name_latin"],
                        country=spec["country"],
                        kinds=spec["kinds"],
                        identifiers=spec["identifiers"],
                    )
                for role in Role.values:
                    email = f"{role}@{spec['domain']}"
                    user = User.objects.filter(email=email).first()
                    if user is None:
                        user = User.objects.create_user(
                            email, DEMO_PASSWORD, full_name=f"{role.title()} ({spec['slug']})"
                        )
                    Membership.objects.get_or_create(
                        user=user, organisation=organisation, defaults={"role": role}
                    )
                    rows.append((spec["legal_name_latin"], role, email))
        self.stdout.write(
            self.style.SUCCESS(f"Demo world ready. Logins (password for all: {DEMO_PASSWORD}):")
        )
        current = ""
        for org_name, role, email in rows:
            if org_name != current:
                self.stdout.write(f"  {org_name}")
                current = org_name
            self.stdout.write(f"    {role:<9} {email}")
