"""Roles of a member in an organisation, and the role sets endpoints grant methods to."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    PREPARER = "preparer", _("Preparer")
    REVIEWER = "reviewer", _("Reviewer")
    VIEWER = "viewer", _("Viewer")


ALL_ROLES: frozenset[str] = frozenset(Role.values)
ADMIN_ROLES: frozenset[str] = frozenset({Role.OWNER, Role.ADMIN})
WRITER_ROLES: frozenset[str] = frozenset({Role.OWNER, Role.ADMIN, Role.PREPARER})
REVIEW_ROLES: frozenset[str] = frozenset({Role.OWNER, Role.ADMIN, Role.REVIEWER})

# Roles a machine client may hold: machines never administer an organisation.
MACHINE_ROLES: frozenset[str] = frozenset({Role.PREPARER, Role.REVIEWER, Role.VIEWER})


class OrganisationKind(models.TextChoices):
    PRODUCER = "producer", _("Producer")
    MANUFACTURER = "manufacturer", _("Manufacturer")
    IMPORTER = "importer", _("Importer")
    ASSOCIATION = "association", _("Industry association")
    VERIFIER = "verifier", _("Verifier")


MACHINE_ROLE_CHOICES: list[tuple[str, str]] = [
    (r, str(Role(r).label)) for r in sorted(MACHINE_ROLES)
]
