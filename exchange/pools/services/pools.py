"""Pools: an association creates one and sets its disclosure control."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import Actor, audit_record
from accounts.models import Organisation
from accounts.roles import OrganisationKind
from core.errors import ValidationFailed
from core.inputs import Parsed
from exchange.pools import events
from exchange.pools.calculations.disclosure import DisclosureSettings
from exchange.pools.calculations.errors import PoolSettingsInvalid
from exchange.pools.errors import NotAnAssociation
from exchange.pools.inputs import POOL_INPUT, SETTINGS_FIELDS
from exchange.pools.models import MIN_CONTRIBUTORS_FLOOR, Pool

SETTING_FIELDS = ("min_contributors", "max_share_pct", "dominance_n", "dominance_pct")


def _setting_help() -> dict[str, str]:
    # What each setting expects, in the user's language (the pure rule names the field).
    return {
        "min_contributors": _(
            "Expected a whole number of organisations, at least %(floor)s (a cell is never "
            "published with fewer, whatever the setting)."
        )
        % {"floor": MIN_CONTRIBUTORS_FLOOR},
        "max_share_pct": _("Expected a percentage above 0 and at most 100, e.g. 25."),
        "dominance_n": _("Expected a whole number of organisations, at least 1, e.g. 2."),
        "dominance_pct": _("Expected a percentage above 0 and at most 100, e.g. 85."),
    }


def disclosure_settings(pool: Pool) -> DisclosureSettings:
    """The pool's settings as the pure disclosure rule takes them."""
    return DisclosureSettings(
        min_contributors=pool.min_contributors,
        max_share_pct=Decimal(pool.max_share_pct),
        dominance_n=pool.dominance_n,
        dominance_pct=Decimal(pool.dominance_pct),
    )


def _checked(settings: DisclosureSettings) -> DisclosureSettings:
    try:
        return settings.checked()
    except PoolSettingsInvalid as exc:
        field = str(exc.field)
        raise ValidationFailed(
            _("The disclosure settings are not valid."),
            fields={field: [_setting_help().get(field, str(exc))]},
        ) from None


def _settings_of(values: object, base: DisclosureSettings) -> DisclosureSettings:
    """The settings ``values`` (a JSON object as sent: raw, parsed here with the declared
    fields of ``exchange.pools.inputs``) over ``base``, checked by the pure rule."""
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise ValidationFailed(
            _("The disclosure settings are not valid."),
            fields={
                "settings": [_('Expected an object of settings, e.g. {"min_contributors": 5}.')]
            },
        )
    unknown = sorted(set(values) - set(SETTING_FIELDS))
    if unknown:
        raise ValidationFailed(
            _("Unknown settings."),
            fields={
                str(name)[:40]: [
                    _("Expected one of: %(names)s.") % {"names": ", ".join(SETTING_FIELDS)}
                ]
                for name in unknown[:10]
            },
        )
    parsed = Parsed()
    chosen: dict[str, Any] = {}
    for spec in SETTINGS_FIELDS:
        if values.get(spec.name) is not None:
            chosen[spec.name] = parsed.take(spec, values[spec.name])
    if parsed.errors:
        raise ValidationFailed(_("The disclosure settings are not valid."), fields=parsed.errors)
    return _checked(
        DisclosureSettings(
            min_contributors=chosen.get("min_contributors", base.min_contributors),
            max_share_pct=chosen.get("max_share_pct", base.max_share_pct),
            dominance_n=chosen.get("dominance_n", base.dominance_n),
            dominance_pct=chosen.get("dominance_pct", base.dominance_pct),
        )
    )


def _settings_record(pool: Pool) -> dict[str, str]:
    return {name: str(getattr(pool, name)) for name in SETTING_FIELDS}


@transaction.atomic
def pool_create(
    *,
    actor: Actor,
    association: Organisation,
    name: object,
    description: object = "",
    settings: object = None,
) -> Pool:
    """A new pool run by ``association`` (which must be of kind association), with the
    default disclosure settings unless ``settings`` says otherwise. ``name``, ``description``
    and ``settings`` are taken as sent and parsed with ``exchange.pools.inputs.POOL_INPUT``."""
    if not association.kinds.filter(kind=OrganisationKind.ASSOCIATION).exists():
        raise NotAnAssociation(
            _("Only an industry association runs data pools."),
            fields={
                "organisation": [
                    _(
                        "This organisation is not an industry association; ask the platform's "
                        "administrators to add that kind."
                    )
                ]
            },
        )
    parsed = Parsed()
    clean_name: str = (parsed.take(POOL_INPUT.field("name"), name) or "").strip()
    clean_description: str = (
        parsed.take(POOL_INPUT.field("description"), description or "") or ""
    ).strip()
    if not clean_name and "name" not in parsed.errors:
        parsed.error("name", _("Expected the pool's name, e.g. 'Hot-rolled steel, China'."))
    if parsed.errors:
        raise ValidationFailed(_("The pool's data is invalid."), fields=parsed.errors)
    defaults = DisclosureSettings()
    chosen = _settings_of(settings, defaults)
    pool = Pool.objects.create(
        association=association,
        name=clean_name,
        description=clean_description,
        min_contributors=chosen.min_contributors,
        max_share_pct=chosen.max_share_pct,
        dominance_n=chosen.dominance_n,
        dominance_pct=chosen.dominance_pct,
        created_by=actor.user,
    )
    audit_record(
        actor=actor,
        organisation=association,
        action=events.POOL_CREATED,
        obj=pool,
        after={"name": pool.name, **_settings_record(pool)},
    )
    return pool


@transaction.atomic
def pool_settings_update(*, actor: Actor, pool: Pool, settings: object) -> Pool:
    """Change the disclosure settings (``settings`` as sent, parsed here; a setting left out
    keeps its value); every cell is decided again under them."""
    from exchange.pools.services.cells import pool_cells_refresh

    locked = Pool.objects.select_for_update().get(pk=pool.pk)
    before = _settings_record(locked)
    chosen = _settings_of(settings, disclosure_settings(locked))
    locked.min_contributors = chosen.min_contributors
    locked.max_share_pct = chosen.max_share_pct
    locked.dominance_n = chosen.dominance_n
    locked.dominance_pct = chosen.dominance_pct
    locked.save(update_fields=list(SETTING_FIELDS))
    after = _settings_record(locked)
    if after != before:
        audit_record(
            actor=actor,
            organisation=locked.association,
            action=events.POOL_SETTINGS_CHANGED,
            obj=locked,
            before=before,
            after=after,
        )
        pool_cells_refresh(pool=locked)
    return locked
