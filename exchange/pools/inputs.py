"""What an association and its members send to the pools, declared once (``core.inputs``): the
API documents these bodies (``core.api.inputs.serializer_for``), the services
(``exchange.pools.services``) parse them with the same declarations, so the API and the pages
give the same messages.

The disclosure settings are bounded here only as numbers (a percentage, a whole number); the
rule each must meet (at least 3 organisations, a share above 0 and at most 100 %) is the pure
``DisclosureSettings.checked`` of ``exchange.pools.calculations.disclosure``.
"""

from __future__ import annotations

from decimal import Decimal

from cbam.messages import gettext_noop
from cbam.numbers import PERCENT, PRICE, Bounds
from core.inputs import INTEGER, LIST, NUMBER, OBJECT, TEXT, UUID, Field, Input

#: A count of organisations in a setting (a pool of more members than that is not a pool).
ORGANISATIONS = Bounds(Decimal(1000))

SETTINGS_FIELDS = (
    Field(
        "min_contributors",
        INTEGER,
        gettext_noop(
            "The fewest distinct organisations a published cell holds, at least 3 (default 5)"
        ),
        bounds=ORGANISATIONS,
    ),
    Field(
        "max_share_pct",
        NUMBER,
        gettext_noop(
            "The largest share of a cell's production one organisation may hold, in percent, "
            "above 0 and at most 100 (default 25)"
        ),
        bounds=PERCENT,
    ),
    Field(
        "dominance_n",
        INTEGER,
        gettext_noop(
            "n of the (n, k) dominance rule: how many of the largest organisations are "
            "counted, at least 1 (default 2)"
        ),
        bounds=ORGANISATIONS,
    ),
    Field(
        "dominance_pct",
        NUMBER,
        gettext_noop(
            "k of the (n, k) dominance rule: the share of a cell's emissions in percent the n "
            "largest may not exceed, above 0 and at most 100 (default 85)"
        ),
        bounds=PERCENT,
    ),
)

_SETTINGS = Field(
    "settings",
    OBJECT,
    gettext_noop("The disclosure control; a setting left out keeps its value (or its default)"),
    fields=SETTINGS_FIELDS,
)

POOL_INPUT = Input(
    "PoolInput",
    (
        Field(
            "name",
            TEXT,
            gettext_noop("The pool's name, e.g. Hot-rolled steel, China"),
            required=True,
            max_length=200,
        ),
        Field(
            "description",
            TEXT,
            gettext_noop("What the pool covers and who may join"),
            max_length=2000,
        ),
        _SETTINGS,
    ),
    help="A new data pool of the association with its disclosure control.",
)

POOL_SETTINGS_INPUT = Input(
    "PoolSettingsInput",
    (_SETTINGS,),
    help="New disclosure settings: every cell is decided again under them.",
)

POOL_INVITE_INPUT = Input(
    "PoolInviteInput",
    (
        Field(
            "organisation",
            TEXT,
            gettext_noop("The slug (or numeric id) of the company to invite"),
            required=True,
            max_length=100,
        ),
    ),
    help="Invite a company to the pool; its administrators accept or decline.",
)

POOL_CONTRIBUTE_INPUT = Input(
    "PoolContributeInput",
    (
        Field(
            "footprints",
            LIST,
            gettext_noop(
                "Ids of your published, signed footprints: their lineages join the pool (later "
                "versions follow)"
            ),
            required=True,
            item=Field("footprint", UUID, gettext_noop("a footprint id (UUID)")),
        ),
    ),
    help="Opt footprint lineages into the pool.",
)

POOL_RELEASE_INPUT = Input(
    "PoolReleaseInput",
    (
        Field(
            "certificate_price_eur",
            NUMBER,
            gettext_noop(
                "EUR per CBAM certificate for the gaps in EUR/t (default: the last published price)"
            ),
            bounds=PRICE,
        ),
    ),
    help="Publish the pool's statistics as they are now as a signed, numbered release.",
)
