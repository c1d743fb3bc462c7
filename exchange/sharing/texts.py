"""What a notification says, in the reader's language.

A notification stores its ``kind`` and the facts of the event in ``data`` (names, what was
asked, dates, a reason): :func:`notification_text` builds its subject and body from them in
the active language, when a page shows it or an e-mail is written for one person. The stored
``subject`` and ``body`` are the same text in English (the API's, and the fallback for a
notification whose ``data`` lacks a fact, e.g. one made before the fact was recorded).

Names of organisations are shown as the pages show them: the legal name in its original
script, then the Latin one in brackets when it differs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from accounts.models import Organisation
from exchange.sharing.models import FootprintRequest, NotificationKind
from suppliers.models import Footprint

# --------------------------------------------------------------------------- facts recorded


def organisation_facts(prefix: str, organisation: Organisation) -> dict[str, str]:
    """``<prefix>_name`` (original script) and ``<prefix>_name_latin`` of an organisation."""
    return {
        f"{prefix}_name": organisation.legal_name or organisation.legal_name_latin,
        f"{prefix}_name_latin": organisation.legal_name_latin,
    }


def request_facts(request: FootprintRequest) -> dict[str, Any]:
    """What a notification about ``request`` needs to be written in any language: the parties'
    names, what is asked for, the period, the due date, quantity and message."""
    product = request.supplier_product
    if request.supplier is not None:
        supplier = organisation_facts("supplier", request.supplier)
    else:
        supplier = {
            "supplier_name": request.supplier_name or request.supplier_email,
            "supplier_name_latin": "",
        }
    return {
        "request": str(request.pk),
        "buyer": request.buyer.slug,
        **organisation_facts("buyer", request.buyer),
        **supplier,
        "product_name": product.name if product is not None else "",
        "cn_code": request.cn_code,
        "description": request.description[:80],
        "period_start": request.period_start.isoformat(),
        "period_end": request.period_end.isoformat(),
        "due_date": request.due_date.isoformat(),
        "supplier_email": request.supplier_email,
        "quantity_t": str(request.quantity_t) if request.quantity_t is not None else None,
        "message": request.message,
    }


def footprint_facts(footprint: Footprint) -> dict[str, Any]:
    """What a notification about ``footprint`` needs: its id, product, CN code and period."""
    return {
        "footprint": str(footprint.pk),
        "product_name": footprint.product.name,
        "cn_code": footprint.product.cn_code,
        "period_start": footprint.period_start.isoformat(),
        "period_end": footprint.period_end.isoformat(),
    }


def footprint_name(product_name: str, period_start: date) -> str:
    """How a footprint is named in a message: its product and year (``Wire rod 2026``)."""
    return f"{product_name} {period_start:%Y}"


# --------------------------------------------------------------------------- pieces


def organisation_name(data: dict[str, Any], prefix: str) -> str:
    name = data[f"{prefix}_name"]
    latin = data.get(f"{prefix}_name_latin") or ""
    return f"{name} ({latin})" if latin and latin != name else str(name)


def organisation_display(organisation: Organisation) -> str:
    """An organisation's name as a message shows it (see the module's docstring)."""
    return organisation_name(organisation_facts("organisation", organisation), "organisation")


def _date(value: str) -> str:
    return date_format(date.fromisoformat(value), "DATE_FORMAT")


def request_period(data: dict[str, Any]) -> str:
    """A calendar year as its year, any other period as its first and last day."""
    start, end = date.fromisoformat(data["period_start"]), date.fromisoformat(data["period_end"])
    if (
        start.year == end.year
        and (start.month, start.day) == (1, 1)
        and (end.month, end.day)
        == (
            12,
            31,
        )
    ):
        return pgettext("period of a footprint", "%(year)s") % {"year": start.year}
    return _("%(start)s–%(end)s") % {
        "start": _date(data["period_start"]),
        "end": _date(data["period_end"]),
    }


def request_what(data: dict[str, Any]) -> str:
    """What a request asks for, in words: ``Hot-rolled coil (72083900), 2026``."""
    if data.get("product_name"):
        what = f"{data['product_name']} ({data['cn_code']})"
    elif data.get("cn_code"):
        what = f"CN {data['cn_code']}"
        if data.get("description"):
            what += f" ({data['description']})"
    else:
        what = str(data["description"])
    return _("%(what)s, %(period)s") % {"what": what, "period": request_period(data)}


def _quantity(value: str) -> str:
    """Every significant decimal of a stored quantity, never an exponent (``1000``, ``12.5``)."""
    return format(Decimal(value).normalize(), "f")


def _request_words(data: dict[str, Any]) -> dict[str, str]:
    return {
        "buyer": organisation_name(data, "buyer"),
        "supplier": organisation_name(data, "supplier"),
        "what": request_what(data),
        "due": _date(data["due_date"]),
    }


def _paragraphs(*parts: str) -> str:
    return "\n".join(part for part in parts if part)


# --------------------------------------------------------------------------- per kind

Text = tuple[str, str]


def _request_received(data: dict[str, Any]) -> Text:
    words = _request_words(data)
    if data.get("invited"):
        words["email"] = data["supplier_email"]
        return (
            _("%(buyer)s requested a footprint from %(email)s") % words,
            _(
                "Before your organisation was on CBAM Exchange, %(buyer)s asked %(email)s for "
                "the footprint of %(what)s, due %(due)s.\nClaim it in the requests inbox to "
                "answer it as your organisation."
            )
            % words,
        )
    quantity = data.get("quantity_t")
    return (
        _("%(buyer)s requests a footprint: %(what)s") % words,
        _paragraphs(
            _("%(buyer)s asks you for the product carbon footprint of %(what)s.") % words,
            _("Quantity bought: %(quantity)s t") % {"quantity": _quantity(quantity)}
            if quantity
            else "",
            _("Due date: %(due)s") % words,
            _("Message: %(message)s") % {"message": data["message"]} if data.get("message") else "",
        )
        + "\n\n"
        + _(
            "Answer it in the requests inbox: fulfil it with your published footprints, or "
            "reject it with a reason."
        ),
    )


def _request_due_soon(data: dict[str, Any]) -> Text:
    words = _request_words(data)
    return (
        _("Due %(due)s: the request of %(buyer)s for %(what)s") % words,
        _(
            "The request of %(buyer)s for %(what)s is due on %(due)s. Fulfil it with your "
            "published footprints or reject it with a reason; unanswered, it expires."
        )
        % words,
    )


def _request_reminded(data: dict[str, Any]) -> Text:
    words = _request_words(data)
    return (
        _("Reminder from %(buyer)s: %(what)s, due %(due)s") % words,
        _paragraphs(
            _(
                "%(buyer)s reminds you of its request for the product carbon footprint of "
                "%(what)s, due on %(due)s."
            )
            % words,
            _(
                "Answer it in the requests inbox: fulfil it with your published footprints, or "
                "reject it with a reason. Without your data, EU default values (with a mark-up) "
                "apply to these goods."
            ),
        ),
    )


def _request_fulfilled(data: dict[str, Any]) -> Text:
    words = _request_words(data)
    names = data["footprint_names"]
    words.update(count=str(len(names)), names=", ".join(names))
    return (
        _("%(supplier)s answered your request: %(what)s") % words,
        _paragraphs(
            ngettext(
                "%(supplier)s fulfilled your request for %(what)s with %(count)s footprint: "
                "%(names)s.",
                "%(supplier)s fulfilled your request for %(what)s with %(count)s footprints: "
                "%(names)s.",
                len(names),
            )
            % words,
            _("Read them under shared footprints."),
        ),
    )


def _reason(data: dict[str, Any]) -> str:
    return _("Reason: %(reason)s") % {"reason": data["reason"]} if data.get("reason") else ""


def _request_rejected(data: dict[str, Any]) -> Text:
    words = _request_words(data)
    return (
        _("%(supplier)s rejected your request: %(what)s") % words,
        _paragraphs(
            _("%(supplier)s rejected your request for %(what)s.") % words,
            _reason(data),
            _("Without the supplier's data, EU default values (with a mark-up) apply."),
        ),
    )


def _request_expired(data: dict[str, Any]) -> Text:
    words = _request_words(data)
    if data["side"] == "supplier":
        return (
            _("A request of %(buyer)s expired: %(what)s") % words,
            _(
                "The request of %(buyer)s for %(what)s passed its due date (%(due)s) unanswered "
                "and is closed."
            )
            % words,
        )
    return (
        _("Your request expired unanswered: %(what)s") % words,
        _(
            "%(supplier)s did not answer your request for %(what)s by its due date (%(due)s). "
            "Send a new request, or use EU default values."
        )
        % words,
    )


def _request_withdrawn(data: dict[str, Any]) -> Text:
    words = _request_words(data)
    return (
        _("%(buyer)s withdrew its request: %(what)s") % words,
        _paragraphs(
            _("%(buyer)s withdrew its request for %(what)s; nothing more is needed.") % words,
            _reason(data),
        ),
    )


def _footprint_shared(data: dict[str, Any]) -> Text:
    names = data["footprint_names"]
    words = {
        "supplier": organisation_name(data, "supplier"),
        "count": str(len(names)),
        "names": ", ".join(names),
    }
    return (
        ngettext(
            "%(supplier)s shared %(count)s footprint with you",
            "%(supplier)s shared %(count)s footprints with you",
            len(names),
        )
        % words,
        _paragraphs(
            _("%(supplier)s shared product carbon footprints with you: %(names)s.") % words,
            _("You can read them, and their later corrections, under shared footprints."),
        ),
    )


def _footprint_deprecated(data: dict[str, Any]) -> Text:
    words = {
        "supplier": organisation_name(data, "supplier"),
        "label": data["label"],
        "footprint": data["footprint"],
        "successor": data["superseded_by"] or "",
    }
    if data["superseded_by"]:
        body = (
            _(
                "%(supplier)s published a correction of its footprint of %(label)s: the version "
                "%(footprint)s is deprecated and replaced by %(successor)s, which you can read "
                "under shared footprints."
            )
            % words
        )
    else:
        body = (
            _(
                "%(supplier)s deprecated its footprint of %(label)s (%(footprint)s) without a "
                "replacement: do not use it for new declarations."
            )
            % words
        )
    return _("A footprint shared with you was deprecated: %(label)s") % words, body


def _key_revoked(data: dict[str, Any]) -> Text:
    words = {"supplier": organisation_name(data, "supplier"), "kid": data["kid"]}
    lines = [f"- {line}" for line in data["footprint_lines"]]
    return (
        _("%(supplier)s revoked a signing key of footprints shared with you") % words,
        _paragraphs(
            _(
                "%(supplier)s revoked its signing key %(kid)s. Signatures made with it after the "
                "revocation are invalid; earlier ones are flagged 'revoked later'. Check the "
                "verification status of these footprints:"
            )
            % words,
            *lines,
        ),
    )


def _grant_revoked(data: dict[str, Any]) -> Text:
    count = int(data["count"])
    words = {"supplier": organisation_name(data, "supplier"), "count": str(count)}
    return (
        ngettext(
            "%(supplier)s stopped sharing %(count)s footprint with you",
            "%(supplier)s stopped sharing %(count)s footprints with you",
            count,
        )
        % words,
        _paragraphs(
            ngettext(
                "%(supplier)s revoked your access to %(count)s footprint.",
                "%(supplier)s revoked your access to %(count)s footprints.",
                count,
            )
            % words,
            _reason(data),
            _(
                "Calculations that used them fall back to default values unless the supplier "
                "shares data again."
            ),
        ),
    )


def _verification_requested(data: dict[str, Any]) -> Text:
    words = {"producer": organisation_name(data, "producer"), "what": request_what(data)}
    statement = (
        _("Its verification statement is dated %(date)s.") % {"date": _date(data["statement_date"])}
        if data.get("statement_date")
        else ""
    )
    return (
        _("%(producer)s asks you to confirm a verification: %(what)s") % words,
        _paragraphs(
            _("%(producer)s names your organisation as the verifier of its footprint of %(what)s.")
            % words,
            statement,
        )
        + "\n\n"
        + _(
            "Check its figures and evidence in your verification inbox, then confirm the "
            "verification or decline it with a comment."
        ),
    )


def _comment(data: dict[str, Any]) -> str:
    return (
        pgettext("verifier's words", "Comment: %(comment)s") % {"comment": data["comment"]}
        if data.get("comment")
        else ""
    )


def _verification_confirmed(data: dict[str, Any]) -> Text:
    words = {"verifier": organisation_name(data, "verifier"), "what": request_what(data)}
    return (
        _("%(verifier)s confirmed the verification: %(what)s") % words,
        _paragraphs(
            _("%(verifier)s confirmed the verification of your footprint of %(what)s.") % words,
            _comment(data),
        ),
    )


def _verification_declined(data: dict[str, Any]) -> Text:
    words = {"verifier": organisation_name(data, "verifier"), "what": request_what(data)}
    return (
        _("%(verifier)s declined the verification: %(what)s") % words,
        _paragraphs(
            _("%(verifier)s declined to confirm the verification of your footprint of %(what)s.")
            % words,
            _comment(data),
            _(
                "Until a new submission is confirmed, buyers must use the default value instead "
                "of its figures. Correct the footprint and submit it again: the verifier is "
                "asked again."
            ),
        ),
    )


def _pool_invited(data: dict[str, Any]) -> Text:
    words = {"association": organisation_name(data, "association"), "pool": data["pool_name"]}
    return (
        _("%(association)s invites you to its data pool %(pool)s") % words,
        _paragraphs(
            _("%(association)s invites your organisation to join its data pool %(pool)s.") % words,
            _(
                "Members contribute signed footprints and see sector statistics that cannot be "
                "traced back to a company, and where their own footprint stands. The "
                "association never sees an individual footprint through the pool."
            ),
            _("An administrator of your organisation can accept or decline on the pool's page."),
        ),
    )


def _pool_joined(data: dict[str, Any]) -> Text:
    words = {"member": organisation_name(data, "member"), "pool": data["pool_name"]}
    return (
        _("%(member)s joined your data pool %(pool)s") % words,
        _("%(member)s accepted your invitation to the data pool %(pool)s.") % words,
    )


def _pool_left(data: dict[str, Any]) -> Text:
    words = {
        "member": organisation_name(data, "member"),
        "association": organisation_name(data, "association"),
        "pool": data["pool_name"],
    }
    if data.get("declined"):
        return (
            _("%(member)s declined the invitation to your data pool %(pool)s") % words,
            _("%(member)s declined your invitation to the data pool %(pool)s.") % words,
        )
    if data.get("side") == "association":
        # Sent to the association: the member ended its membership.
        return (
            _("%(member)s left your data pool %(pool)s") % words,
            _(
                "%(member)s ended its membership of the data pool %(pool)s. Its contributions "
                "leave every later statistic; releases already published stay as released."
            )
            % words,
        )
    return (
        _("%(association)s ended your membership of its data pool %(pool)s") % words,
        _(
            "%(association)s ended your organisation's membership of the data pool %(pool)s. "
            "Your contributions leave every later statistic; releases already published stay "
            "as released."
        )
        % words,
    )


def _pact_request(data: dict[str, Any]) -> str:
    return _("Your request to %(partner)s: %(criteria)s.") % {
        "partner": data["partner_name"],
        "criteria": data["criteria"],
    }


def _pact_fulfilled(data: dict[str, Any]) -> Text:
    names = data["footprint_names"]
    words = {"partner": data["partner_name"], "count": str(len(names)), "names": ", ".join(names)}
    return (
        ngettext(
            "%(partner)s answered your PACT request with %(count)s footprint",
            "%(partner)s answered your PACT request with %(count)s footprints",
            len(names),
        )
        % words,
        _paragraphs(
            _pact_request(data),
            ngettext(
                "It sent %(count)s footprint: %(names)s.",
                "It sent %(count)s footprints: %(names)s.",
                len(names),
            )
            % words,
            _(
                "They are stored exactly as received, with their PACT check, on the partner's "
                "exchange page; a bill-of-materials line can use them."
            ),
        ),
    )


def _pact_rejected(data: dict[str, Any]) -> Text:
    words = {
        "partner": data["partner_name"],
        "code": data["error_code"],
        "message": data["error_message"],
    }
    return (
        _("%(partner)s rejected your PACT request") % words,
        _paragraphs(
            _pact_request(data),
            _("Its answer: %(code)s: %(message)s") % words,
            _("Send a new request with other criteria, or use EU default values."),
        ),
    )


_WRITERS: dict[str, Callable[[dict[str, Any]], Text]] = {
    NotificationKind.REQUEST_RECEIVED: _request_received,
    NotificationKind.REQUEST_DUE_SOON: _request_due_soon,
    NotificationKind.REQUEST_REMINDED: _request_reminded,
    NotificationKind.REQUEST_FULFILLED: _request_fulfilled,
    NotificationKind.REQUEST_REJECTED: _request_rejected,
    NotificationKind.REQUEST_EXPIRED: _request_expired,
    NotificationKind.REQUEST_WITHDRAWN: _request_withdrawn,
    NotificationKind.FOOTPRINT_SHARED: _footprint_shared,
    NotificationKind.FOOTPRINT_DEPRECATED: _footprint_deprecated,
    NotificationKind.KEY_REVOKED: _key_revoked,
    NotificationKind.GRANT_REVOKED: _grant_revoked,
    NotificationKind.VERIFICATION_REQUESTED: _verification_requested,
    NotificationKind.VERIFICATION_CONFIRMED: _verification_confirmed,
    NotificationKind.VERIFICATION_DECLINED: _verification_declined,
    NotificationKind.POOL_INVITED: _pool_invited,
    NotificationKind.POOL_JOINED: _pool_joined,
    NotificationKind.POOL_LEFT: _pool_left,
    NotificationKind.PACT_FULFILLED: _pact_fulfilled,
    NotificationKind.PACT_REJECTED: _pact_rejected,
}


def notification_text_from(kind: str, data: dict[str, Any]) -> Text | None:
    """Subject and body of a notification of ``kind`` with ``data``, in the active language;
    None when ``data`` lacks a fact the text needs."""
    writer = _WRITERS.get(kind)
    if writer is None:
        return None
    try:
        return writer(data)
    except (KeyError, TypeError, ValueError):
        return None


def notification_text_english(kind: str, data: dict[str, Any]) -> Text | None:
    """The stored text: :func:`notification_text_from` in English."""
    with translation.override("en"):
        return notification_text_from(kind, data)


def notification_text(notification: Any) -> Text:
    """What ``notification`` says in the active language: built from its kind and data, else
    (an older row without the facts) its stored English subject and body."""
    return notification_text_from(notification.kind, notification.data or {}) or (
        notification.subject,
        notification.body,
    )


#: Notifications a buyer reads about its own request: its page among the sent requests.
_ON_THE_SENT_REQUEST_PAGE = frozenset(
    {
        NotificationKind.REQUEST_FULFILLED,
        NotificationKind.REQUEST_REJECTED,
    }
)


def _request_page(notification: Any, data: dict[str, Any], slug: str) -> str | None:
    """A request's page: in the supplier's inbox (the inbox itself for a request e-mailed
    before the organisation joined, to claim), or among the buyer's requests sent for what
    the buyer reads about its own request (answered, or expired on its side)."""
    if not data.get("request"):
        return None
    if data.get("invited"):
        return reverse("exchange-pages:requests", kwargs={"org_slug": slug})
    buyer_side = notification.kind in _ON_THE_SENT_REQUEST_PAGE or (
        notification.kind == NotificationKind.REQUEST_EXPIRED and data.get("side") == "buyer"
    )
    if buyer_side:
        return reverse(
            "exchange-pages:sent-request",
            kwargs={"org_slug": slug, "footprint_request_id": data["request"]},
        )
    if notification.kind == NotificationKind.REQUEST_EXPIRED and data.get("side") != "supplier":
        return None
    return reverse(
        "exchange-pages:request",
        kwargs={"org_slug": slug, "incoming_request_id": data["request"]},
    )


def _verification_request_page(notification: Any, data: dict[str, Any], slug: str) -> str:
    """The request's page in the verifier's inbox."""
    return reverse(
        "suppliers-pages:verification-request",
        kwargs={"org_slug": slug, "request_id": data["footprint"]},
    )


def _footprint_page(notification: Any, data: dict[str, Any], slug: str) -> str:
    """The producer's own page of the footprint."""
    return reverse(
        "suppliers-pages:footprint", kwargs={"org_slug": slug, "footprint_id": data["footprint"]}
    )


def _pool_page(notification: Any, data: dict[str, Any], slug: str) -> str:
    """The pool's page on the recipient's side: the association's pool page, or the
    member's; a member whose membership the association ended can no longer open the pool's
    page, so its list of pools."""
    if data["side"] == "association":
        return reverse("exchange-pages:pool", kwargs={"org_slug": slug, "pool_id": data["pool"]})
    if notification.kind == NotificationKind.POOL_LEFT:
        return reverse("exchange-pages:pools-member", kwargs={"org_slug": slug})
    return reverse("exchange-pages:pool-member", kwargs={"org_slug": slug, "pool_id": data["pool"]})


def _pact_partner_page(notification: Any, data: dict[str, Any], slug: str) -> str:
    """The exchange page of the partner that answered: the request with its answer."""
    return reverse(
        "exchange-pages:pact-partner-exchange",
        kwargs={"org_slug": slug, "partner_id": data["partner"]},
    )


#: Where each kind of notification is acted upon, for the organisation it was sent to. The
#: kinds a buyer receives about footprints (shared, deprecated, its key revoked, a grant
#: revoked) have no page of their own: the notifications list is then the place.
_PAGES: dict[str, Callable[[Any, dict[str, Any], str], str | None]] = {
    NotificationKind.REQUEST_RECEIVED: _request_page,
    NotificationKind.REQUEST_DUE_SOON: _request_page,
    NotificationKind.REQUEST_REMINDED: _request_page,
    NotificationKind.REQUEST_WITHDRAWN: _request_page,
    NotificationKind.REQUEST_FULFILLED: _request_page,
    NotificationKind.REQUEST_REJECTED: _request_page,
    NotificationKind.REQUEST_EXPIRED: _request_page,
    NotificationKind.VERIFICATION_REQUESTED: _verification_request_page,
    NotificationKind.VERIFICATION_CONFIRMED: _footprint_page,
    NotificationKind.VERIFICATION_DECLINED: _footprint_page,
    NotificationKind.POOL_INVITED: _pool_page,
    NotificationKind.POOL_JOINED: _pool_page,
    NotificationKind.POOL_LEFT: _pool_page,
    NotificationKind.PACT_FULFILLED: _pact_partner_page,
    NotificationKind.PACT_REJECTED: _pact_partner_page,
}


def notification_page(notification: Any, *, organisation_slug: str) -> str | None:
    """The path of the page where the notification's organisation acts upon it (see
    ``_PAGES``); None when there is no such page of its own (the notifications list is then
    the place) or the notification lacks the fact the page needs."""
    page = _PAGES.get(notification.kind)
    if page is None:
        return None
    try:
        return page(notification, notification.data or {}, organisation_slug)
    except (KeyError, NoReverseMatch):
        return None
