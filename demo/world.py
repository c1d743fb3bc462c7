"""The demo world as data, and the look-ups every seed step shares.

The files under ``demo/data/`` are the world (see ``CONTRIBUTING.md``, "change the demo
world"); this module reads them and finds what an earlier step made: an organisation by slug,
a person by organisation and role (``people.csv``), the current version of a demo footprint by
its key (``footprints.json``). Every step is idempotent, so each look-up answers "does it exist
already?" rather than assuming a fresh database.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from accounts.audit import Actor
from accounts.models import Organisation, User
from core.errors import ValidationFailed
from suppliers.models import Footprint, FootprintStatus

DATA_DIR = Path(__file__).resolve().parent / "data"

T = TypeVar("T")


class DemoSeedError(Exception):
    """The demo cannot be seeded: something it builds on is missing or a step failed."""


def data_file(name: str) -> Path:
    return DATA_DIR / name


@cache
def data_list(name: str) -> list[dict[str, Any]]:
    """The records of ``demo/data/<name>`` (a JSON list of objects), read once per process;
    callers copy before they change a record."""
    records = json.loads(data_file(name).read_text(encoding="utf-8"))
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise DemoSeedError(f"demo/data/{name} must be a JSON list of objects.")
    return records


@cache
def people() -> list[dict[str, str]]:
    """``people.csv``: one demo login per row (organisation, role, email, full_name)."""
    with data_file("people.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def demo_organisation(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise DemoSeedError(f"the demo organisation {slug!r} does not exist: run seed_demo first.")
    return organisation


def demo_email(organisation_slug: str, role: str) -> str:
    """The demo person of ``people.csv`` who holds ``role`` in the organisation."""
    for person in people():
        if person["organisation"] == organisation_slug and person["role"] == role:
            return person["email"]
    raise DemoSeedError(f"demo/data/people.csv has no {role} of {organisation_slug}.")


def demo_actor(organisation: Organisation, role: str) -> Actor:
    """The demo person holding ``role`` in ``organisation``, an active member of it (made by
    seed_demo)."""
    email = demo_email(organisation.slug, role)
    user = User.objects.filter(
        email=email, memberships__organisation=organisation, is_active=True
    ).first()
    if user is None:
        raise DemoSeedError(f"{email} is not a member of {organisation.slug}: run seed_demo.")
    return Actor(user=user)


def footprint_spec(key: str) -> dict[str, Any]:
    """The record of ``footprints.json`` named ``key``."""
    for spec in data_list("footprints.json"):
        if spec["key"] == key:
            return spec
    raise DemoSeedError(f"no demo footprint {key!r} in demo/data/footprints.json.")


def footprint_current(organisation: Organisation, spec: dict[str, Any]) -> Footprint | None:
    """The footprint that stands for ``spec`` now, or None when the seed has not made it.

    The newest published version when there is one (a supplier may have corrected the demo
    footprint: the correction supersedes it), else the first one entered, whatever its status
    (the seed moves it on, or leaves a rejected or withdrawn one as the people left it).
    """
    versions = Footprint.objects.filter(
        organisation=organisation,
        product__name=spec["product"],
        installation__name_latin=spec["installation"],
        period_start=date.fromisoformat(spec["period_start"]),
        period_end=date.fromisoformat(spec["period_end"]),
    ).select_related("product", "installation")
    published = (
        versions.filter(status=FootprintStatus.PUBLISHED).order_by("-created_at", "-id").first()
    )
    return published or versions.order_by("created_at", "id").first()


def demo_call(service: Callable[..., T], **kwargs: Any) -> T:
    """Call a service; a refusal of the data becomes a ``DemoSeedError`` naming the service."""
    try:
        return service(**kwargs)
    except ValidationFailed as exc:
        raise DemoSeedError(f"{service.__name__}: {exc.message} {exc.extra}") from exc
