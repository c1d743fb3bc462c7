"""Create and update organisations, their kinds and identifiers."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext

from accounts import events
from accounts.audit import Actor, audit_record, changes
from accounts.identifiers import InvalidIdentifier, parse_identifier
from accounts.models import (
    Membership,
    Organisation,
    OrganisationIdentifier,
    OrganisationKindAssignment,
    User,
)
from accounts.roles import OrganisationKind, Role
from core.countries import normalise_country
from core.errors import Conflict, ValidationFailed


def organisation_summary(organisation: Organisation) -> dict[str, Any]:
    return {
        "legal_name": organisation.legal_name,
        "legal_name_latin": organisation.legal_name_latin,
        "country": organisation.country,
        "kinds": sorted(k.kind for k in organisation.kinds.all()),
        "identifiers": sorted(i.urn for i in organisation.identifiers.all()),
    }


def _clean(
    *,
    legal_name: str | None,
    legal_name_latin: str | None,
    country: str | None,
    kinds: list[str] | None,
    identifiers: list[dict[str, str]] | None,
    exclude_organisation: Organisation | None = None,
) -> tuple[dict[str, Any], list[tuple[str, str, str]] | None]:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    if legal_name is not None:
        if not legal_name.strip():
            errors["legal_name"] = [
                gettext("Must not be blank: the legal name in its original script.")
            ]
        values["legal_name"] = legal_name.strip()
    if legal_name_latin is not None:
        if not legal_name_latin.strip():
            errors["legal_name_latin"] = [
                gettext("Must not be blank: the legal name in Latin script.")
            ]
        elif not legal_name_latin.isascii():
            errors["legal_name_latin"] = [
                gettext("%(value)s contains non-Latin characters; give the romanised name.")
                % {"value": repr(legal_name_latin)}
            ]
        values["legal_name_latin"] = legal_name_latin.strip()
    if country is not None:
        code = normalise_country(country)
        if code is None:
            errors["country"] = [
                gettext(
                    "%(value)s is not an ISO 3166-1 alpha-2 country code; expected e.g. CN, DE."
                )
                % {"value": repr(country)}
            ]
        values["country"] = code
    if kinds is not None:
        bad = sorted(set(kinds) - set(OrganisationKind.values))
        if bad:
            errors["kinds"] = [
                gettext("Unknown kind(s) %(kinds)s; expected any of %(expected)s.")
                % {"kinds": ", ".join(bad), "expected": ", ".join(OrganisationKind.values)}
            ]
        elif not kinds:
            errors["kinds"] = [gettext("At least one kind is required.")]
        values["kinds"] = sorted(set(kinds))
    parsed: list[tuple[str, str, str]] | None = None
    if identifiers is not None:
        parsed = []
        seen: set[str] = set()
        for index, item in enumerate(identifiers):
            try:
                ident = parse_identifier(item.get("scheme", ""), item.get("value", ""))
            except InvalidIdentifier as exc:
                errors[f"identifiers.{index}"] = [str(exc)]
                continue
            if ident.urn in seen:  # else the unique constraint fails mid-write: a 500
                errors[f"identifiers.{index}"] = [
                    gettext("%(urn)s is listed twice.") % {"urn": ident.urn}
                ]
                continue
            seen.add(ident.urn)
            clash = OrganisationIdentifier.objects.filter(urn=ident.urn)
            if exclude_organisation is not None:
                clash = clash.exclude(organisation=exclude_organisation)
            if clash.exists():
                errors[f"identifiers.{index}"] = [
                    gettext("%(urn)s is already registered to another organisation.")
                    % {"urn": ident.urn}
                ]
            parsed.append((ident.scheme, ident.value, ident.urn))
    if errors:
        raise ValidationFailed(gettext("The organisation data is invalid."), fields=errors)
    return values, parsed


def organisation_values_check(
    *,
    legal_name: str,
    legal_name_latin: str,
    country: str,
    kinds: list[str],
    identifiers: list[dict[str, str]],
) -> None:
    """Raise ``ValidationFailed`` naming every field ``organisation_create`` would refuse
    (``identifiers.<i>`` for the i-th identifier); a form that also asks for other things (a
    sign-up asks for a password) reports all its problems at once."""
    _clean(
        legal_name=legal_name,
        legal_name_latin=legal_name_latin,
        country=country,
        kinds=kinds,
        identifiers=identifiers,
    )


def _unique_slug(base: str) -> str:
    root = slugify(base)[:70] or "organisation"
    slug, n = root, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{root}-{n}"
    return slug


@transaction.atomic
def organisation_create(
    *,
    actor: Actor,
    legal_name: str,
    legal_name_latin: str,
    country: str,
    kinds: list[str],
    identifiers: list[dict[str, str]] | None = None,
    owner: User | None = None,
    slug: str | None = None,
) -> Organisation:
    """Register an organisation; ``owner`` becomes its first member with the owner role."""
    values, parsed = _clean(
        legal_name=legal_name,
        legal_name_latin=legal_name_latin,
        country=country,
        kinds=kinds,
        identifiers=identifiers or [],
    )
    if slug and Organisation.objects.filter(slug=slug).exists():
        raise Conflict(f"The slug {slug!r} is taken.", extra={"fields": {"slug": ["taken"]}})
    organisation = Organisation.objects.create(
        slug=slug or _unique_slug(values["legal_name_latin"]),
        legal_name=values["legal_name"],
        legal_name_latin=values["legal_name_latin"],
        country=values["country"],
    )
    OrganisationKindAssignment.objects.bulk_create(
        OrganisationKindAssignment(organisation=organisation, kind=k) for k in values["kinds"]
    )
    OrganisationIdentifier.objects.bulk_create(
        OrganisationIdentifier(organisation=organisation, scheme=s, value=v, urn=u)
        for s, v, u in parsed or []
    )
    if owner is not None:
        Membership.objects.create(user=owner, organisation=organisation, role=Role.OWNER)
    audit_record(
        actor=actor,
        organisation=organisation,
        action=events.ORGANISATION_CREATED,
        obj=organisation,
        after=organisation_summary(organisation),
    )
    return organisation


@transaction.atomic
def organisation_update(
    *,
    actor: Actor,
    organisation: Organisation,
    legal_name: str | None = None,
    legal_name_latin: str | None = None,
    country: str | None = None,
    kinds: list[str] | None = None,
    identifiers: list[dict[str, str]] | None = None,
) -> Organisation:
    """Change an organisation's names, country, kinds or identifiers (replacing the set)."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = organisation_summary(organisation)
    values, parsed = _clean(
        legal_name=legal_name,
        legal_name_latin=legal_name_latin,
        country=country,
        kinds=kinds,
        identifiers=identifiers,
        exclude_organisation=organisation,
    )
    for field in ("legal_name", "legal_name_latin", "country"):
        if field in values:
            setattr(organisation, field, values[field])
    organisation.save()
    if "kinds" in values:
        organisation.kinds.exclude(kind__in=values["kinds"]).delete()
        existing = set(organisation.kinds.values_list("kind", flat=True))
        OrganisationKindAssignment.objects.bulk_create(
            OrganisationKindAssignment(organisation=organisation, kind=k)
            for k in values["kinds"]
            if k not in existing
        )
    if parsed is not None:
        organisation.identifiers.all().delete()
        OrganisationIdentifier.objects.bulk_create(
            OrganisationIdentifier(organisation=organisation, scheme=s, value=v, urn=u)
            for s, v, u in parsed
        )
    old, new = changes(before, organisation_summary(organisation))
    if new:
        audit_record(
            actor=actor,
            organisation=organisation,
            action="organisation.updated",
            obj=organisation,
            before=old,
            after=new,
        )
    return organisation
