"""Requests sent by e-mail to a company not on the platform: the invitation e-mail (a work row)
and, once the company has joined, the announcement of the requests waiting for it."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail

from accounts.models import Organisation
from exchange.sharing.models import (
    FootprintRequest,
    NotificationKind,
    RequestStatus,
)
from exchange.sharing.services.notifications import notification_create
from exchange.sharing.services.requests import (
    request_label,
)


def request_invitation_email_send(*, request_id: str) -> bool:
    """E-mail the invitation of a supplier not on the platform (the work row's one call).
    Sends nothing (False) when the request has been claimed or closed meanwhile."""
    request = (
        FootprintRequest.objects.select_related("buyer", "supplier_product")
        .filter(pk=request_id)
        .first()
    )
    if request is None or request.status != RequestStatus.OPEN or request.supplier_id:
        return False
    greeting = f"Dear {request.supplier_name},\n\n" if request.supplier_name else ""
    message = f"Their message: {request.message}\n\n" if request.message else ""
    send_mail(
        subject=f"{request.buyer} asks for a product carbon footprint (CBAM)",
        message=(
            f"{greeting}{request.buyer} uses CBAM Exchange to collect the embedded emissions "
            f"of the goods it buys, and asks you for the product carbon footprint of "
            f"{request_label(request)}, by {request.due_date}.\n\n{message}"
            "Without your data, EU default values (with a mark-up) apply to these goods.\n\n"
            f"To answer, register your company on CBAM Exchange ({settings.SITE_URL}/) with "
            f"this e-mail address ({request.supplier_email}), or ask a colleague who is on it "
            "to invite you. The request then appears under footprint requests, invited, "
            "where you can claim it for your organisation.\n"
        ),
        from_email=None,
        recipient_list=[request.supplier_email],
    )
    return True


# --------------------------------------------------------------------------- answering


def invited_requests_announce(*, organisation_id: int) -> int:
    """Tell an organisation about open requests sent by e-mail to one of its members before
    it (or they) were on the platform: one notification per request, once. Returns how many
    were new. The work row behind the ``organisation.created`` and ``membership.created``
    listeners calls it."""
    from exchange.sharing.selectors import requests_claimable_by

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    created = 0
    for request in requests_claimable_by(organisation=organisation):
        notification = notification_create(
            organisation=organisation,
            kind=NotificationKind.REQUEST_RECEIVED,
            subject=f"{request.buyer} requested a footprint from {request.supplier_email}",
            body=(
                f"Before {organisation} was on CBAM Exchange, {request.buyer} asked "
                f"{request.supplier_email} for the footprint of {request_label(request)}, "
                f"due {request.due_date}.\nClaim it under footprint requests, invited, to "
                "answer it as your organisation."
            ),
            dedupe_key=f"request.invited:{request.pk}",
            obj=request,
            data={"request": str(request.pk), "invited": True},
        )
        created += notification is not None
    return created
