"""Typed errors of the pools' pure rules. Each names the field that was wrong; the services
turn them into the user's language (``exchange.pools.services.pools``)."""

from __future__ import annotations

from core.errors import ValidationFailed


class PoolSettingsInvalid(ValidationFailed):
    """A disclosure setting outside its allowed range (``field`` names it)."""

    code = "pool_settings_invalid"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, fields={field: [message]})
        self.field = field


class ObservationInvalid(ValidationFailed):
    """A contributed footprint the statistics cannot take (``field`` names what was wrong)."""

    code = "pool_observation_invalid"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, fields={field: [message]})
        self.field = field
