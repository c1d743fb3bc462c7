"""Typed errors of the sharing app (rendered by the API's one error envelope). An illegal move
of a request is ``core.workflows.IllegalTransition``, as for every workflow."""

from __future__ import annotations

from core.errors import Conflict, ValidationFailed


class GrantAlreadyRevoked(Conflict):
    code = "grant_revoked"


class ReminderTooSoon(Conflict):
    """The buyer already reminded the supplier of this request today (one a day)."""

    code = "reminder_too_soon"


class PrecursorNotOffered(ValidationFailed):
    """The draft and position named are not a purchased precursor of the import's drafts."""

    code = "precursor_not_offered"


class FootprintNotShared(ValidationFailed):
    """The footprint to link is not a published footprint the organisation may read, or not
    of the precursor's goods category."""

    code = "footprint_not_shared"


class SupplierNotOnPlatform(ValidationFailed):
    """The precursor's name in the workbook matches no organisation to ask."""

    code = "supplier_not_on_platform"


class RequestAlreadyOpen(Conflict):
    """An open request to that supplier for that CN code and period exists already."""

    code = "request_already_open"
