"""Roles of a member in an organisation, and the role sets endpoints grant methods to."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    PREPARER = "preparer", "Preparer"
    REVIEWER = "reviewer", "Reviewer"
    VIEWER = "viewer", "Viewer"


ALL_ROLES: frozenset[str] = frozenset(Role.values)
ADMIN_ROLES: frozenset[str] = frozenset({Role.OWNER, Role.ADMIN})
WRITER_ROLES: frozenset[str] = frozenset({Role.OWNER, Role.ADMIN, Role.PREPARER})
REVIEW_ROLES: frozenset[str] = frozenset({Role.OWNER, Role.ADMIN, Role.REVIEWER})

# Roles a machine client may hold: machines never administer an organisation.
MACHINE_ROLES: frozenset[str] = frozenset({Role.PREPARER, Role.REVIEWER, Role.VIEWER})


class OrganisationKind(models.TextChoices):
    PRODUCER = "producer", "Producer"
    MANUFACTURER = "manufacturer", "Manufacturer"
    IMPORTER = "importer", "Importer"
    ASSOCIATION = "association", "Industry association"
    VERIFIER = "verifier", "Verifier"


MACHINE_ROLE_CHOICES: list[tuple[str, str]] = [(r, Role(r).label) for r in sorted(MACHINE_ROLES)]
