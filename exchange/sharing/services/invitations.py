"""Requests sent by e-mail to a company not on the platform: the invitation e-mail (a work row)
and, once the company has joined, the announcement of the requests waiting for it."""

from __future__ import annotations

from django.core.mail import send_mail
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.services.registration import sign_up_url
from core.links import absolute_url
from exchange.sharing.models import (
    FootprintRequest,
    NotificationKind,
    RequestStatus,
)
from exchange.sharing.services.mail import email_languages, email_written
from exchange.sharing.services.notifications import notification_create
from exchange.sharing.texts import organisation_name, request_facts, request_what


def _answer_url(request: FootprintRequest) -> str:
    """Where the e-mail sends the person: the sign-up page (a link signed for this address,
    accounts.services.registration), or the login page when the address has an account."""
    if User.objects.filter(email__iexact=request.supplier_email).exists():
        return absolute_url("/login/?next=/dashboard/")
    return sign_up_url(email=request.supplier_email, organisation_name=request.supplier_name)


def _invitation_email(request: FootprintRequest, *, reminder: bool = False) -> tuple[str, str]:
    """Subject and body of the invitation in the active language (``reminder``: the buyer
    sends it again, "send a reminder now")."""
    facts = request_facts(request)
    words = {
        "buyer": organisation_name(facts, "buyer"),
        "what": request_what(facts),
        "due": date_format(request.due_date, "DATE_FORMAT"),
        "name": request.supplier_name,
        "message": request.message,
        "site": _answer_url(request),
        "email": request.supplier_email,
    }
    paragraphs = [
        _("Dear %(name)s,") % words if request.supplier_name else "",
        _(
            "%(buyer)s uses CBAM Exchange to collect the embedded emissions of the goods it "
            "buys, and asks you for the product carbon footprint of %(what)s, by %(due)s."
        )
        % words,
        _("Their message: %(message)s") % words if request.message else "",
        _("Without your data, EU default values (with a mark-up) apply to these goods."),
        _(
            "To answer, register your company on CBAM Exchange (%(site)s) with this e-mail "
            "address (%(email)s), or ask a colleague who is on it to invite you. The request "
            "then appears in your requests inbox, where you can claim it for your organisation."
        )
        % words,
    ]
    subject = _("%(buyer)s asks for a product carbon footprint (CBAM)") % words
    if reminder:
        subject = _("Reminder: %(subject)s") % {"subject": subject}
    return subject, "\n\n".join(p for p in paragraphs if p) + "\n"


def request_invitation_email_send(*, request_id: str, reminder: bool = False) -> bool:
    """E-mail the invitation of a supplier not on the platform (the work row's one call), in
    the language the person chose if they have an account, else in Chinese and English: the
    company's country is not known yet. Sends nothing (False) when the request has been
    claimed or closed meanwhile. ``reminder``: the buyer's reminder, the same e-mail with a
    subject that says so."""
    request = (
        FootprintRequest.objects.select_related("buyer", "supplier_product")
        .filter(pk=request_id)
        .first()
    )
    if request is None or request.status != RequestStatus.OPEN or request.supplier_id:
        return False
    person = User.objects.filter(email__iexact=request.supplier_email).first()
    languages = email_languages(language=person.language if person else "", country=None)
    subject, body = email_written(languages, lambda: _invitation_email(request, reminder=reminder))
    send_mail(
        subject=subject, message=body, from_email=None, recipient_list=[request.supplier_email]
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
            dedupe_key=f"request.invited:{request.pk}",
            obj=request,
            data={**request_facts(request), "invited": True},
        )
        created += notification is not None
    return created
