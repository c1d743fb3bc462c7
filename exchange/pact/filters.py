"""The ListFootprints filters of PACT v3: the pure rules live in ``suppliers.pact.filters``,
beneath every app, so that the platform as a client (``exchange.partners``: the criteria of a
request it sends) applies the same rules as the host; this module keeps the host's name."""

from suppliers.pact.filters import (
    PAGINATION_PARAMETERS,
    VALIDITY_YEARS_WITHOUT_PERIOD,
    FilterError,
    FootprintFilter,
    filter_parse,
    footprint_matches,
    parse_datetime,
    validity_period,
)

__all__ = [
    "PAGINATION_PARAMETERS",
    "VALIDITY_YEARS_WITHOUT_PERIOD",
    "FilterError",
    "FootprintFilter",
    "filter_parse",
    "footprint_matches",
    "parse_datetime",
    "validity_period",
]
