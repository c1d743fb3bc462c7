"""How an organisation and its first owner come to the platform: a sign-up from an e-mailed
link, or, on a fresh install, the ``create_first_organisation`` command.

**Sign-up** of a company that is not on the platform yet, from an e-mailed link.

There is no open registration: a company joins because someone on the platform asked it for
data (a buyer's footprint request sent to an e-mail address), and the e-mail carries a
sign-up link made by :func:`sign_up_url`. The link holds a token signed with the platform's
``SECRET_KEY`` (``django.core.signing``, salted for this use, with its time of issue): it
names the invited e-mail address and cannot be forged or altered. The person who opens it
creates their account with that address (they cannot choose another) and the organisation,
of which they become the owner (:func:`organisation_sign_up`).

A link works for ``SIGN_UP_LINK_TTL`` after it was made, and only while no account has the
address: once the person has signed up (or joined the platform otherwise, e.g. invited by a
colleague) the link answers "used", and they log in instead. Nothing is stored per link, so
the e-mail's sender needs no write; requests sent to the address meanwhile wait for it
(``exchange.sharing`` listens to ``organisation.created`` and ``membership.created``).

**The first organisation** (``first_organisation_create``): a production install starts
empty and nobody could sign up (there is no one to invite them); the operator creates the
first organisation and its owner from the command line, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from accounts.audit import Actor, audit_record
from accounts.models import Organisation, User
from accounts.roles import Role
from accounts.services.organisations import organisation_create, organisation_values_check
from core.errors import ApplicationError, Conflict, NotFound, ValidationFailed
from core.links import absolute_url

SIGN_UP_SALT = "accounts.sign_up"
#: How long a sign-up link works: long enough for a supplier to find the e-mail, ask around
#: and come back before a request's due date; a new request e-mails a new link.
SIGN_UP_LINK_TTL = timedelta(days=60)
USER_SIGNED_UP = "user.signed_up"
FIRST_ORGANISATION_CREATED = "organisation.first_created"
FULL_NAME_MAX_LENGTH = 200


class SignUpLinkExpired(ApplicationError):
    status = 410
    code = "sign_up_link_expired"


class SignUpLinkUsed(Conflict):
    code = "sign_up_link_used"


@dataclass(frozen=True)
class SignUpInvitation:
    """What a valid link says: the invited address, and the company name the sender typed
    (a suggestion for the legal name, possibly empty)."""

    email: str
    organisation_name: str


def sign_up_token(*, email: str, organisation_name: str = "") -> str:
    """A signed, dated token naming ``email`` (and the suggested company name)."""
    payload = {"e": email.strip().lower(), "n": organisation_name.strip()}
    return signing.dumps(payload, salt=SIGN_UP_SALT, compress=True)


def sign_up_url(*, email: str, organisation_name: str = "") -> str:
    """The link an e-mail to a company not on the platform carries (absolute, ``SITE_URL``)."""
    token = sign_up_token(email=email, organisation_name=organisation_name)
    return absolute_url(f"/sign-up/{token}/")


def _link_used(email: str) -> SignUpLinkUsed:
    return SignUpLinkUsed(
        gettext(
            "This sign-up link has been used: %(email)s has an account on CBAM Exchange. "
            "Log in with it; requests sent to this address show in its organisation."
        )
        % {"email": email}
    )


def sign_up_invitation(*, token: str) -> SignUpInvitation:
    """Read a sign-up link without using it (mail scanners open links).

    Raises ``NotFound`` for a token that was not made by :func:`sign_up_token` (or was
    altered), ``SignUpLinkExpired`` past ``SIGN_UP_LINK_TTL``, and ``SignUpLinkUsed`` once an
    account has the address.
    """
    try:
        payload: Any = signing.loads(token, salt=SIGN_UP_SALT, max_age=SIGN_UP_LINK_TTL)
    except signing.SignatureExpired:
        raise SignUpLinkExpired(
            gettext(
                "This sign-up link has expired. Ask the company that wrote to you to send "
                "its request again: the new e-mail carries a new link."
            )
        ) from None
    except signing.BadSignature:
        raise NotFound(
            gettext(
                "This sign-up link is not valid: copy the whole link from the e-mail, or ask "
                "the company that wrote to you for a new one."
            )
        ) from None
    email = payload.get("e", "") if isinstance(payload, dict) else ""
    if not email:
        raise NotFound(gettext("This sign-up link is not valid."))
    if User.objects.filter(email__iexact=email).exists():
        raise _link_used(email)
    return SignUpInvitation(email=email, organisation_name=str(payload.get("n", "")))


def _password_problems(*, email: str, full_name: str, password: str) -> list[str]:
    try:
        validate_password(password, user=User(email=email, full_name=full_name))
    except ValidationError as exc:
        return list(exc.messages)
    return []


def _owner_and_organisation_create(
    *,
    actor: Actor | None,
    email: str,
    full_name: str,
    password: str,
    language: str,
    legal_name: str,
    legal_name_latin: str,
    country: str,
    kinds: list[str],
    identifiers: list[dict[str, str]],
) -> tuple[User, Organisation]:
    """The person's account, the organisation (kinds, identifiers) with them as its owner and
    active organisation. Every refused field is named at once; nothing is written then.
    ``actor`` None: the new person acts for themselves. Runs in the caller's transaction."""
    full_name = (full_name or "").strip()
    errors: dict[str, list[str]] = {}
    if not full_name:
        errors["full_name"] = [gettext("Must not be blank: your name, as colleagues know it.")]
    elif len(full_name) > FULL_NAME_MAX_LENGTH:
        errors["full_name"] = [
            gettext("At most %(max)d characters.") % {"max": FULL_NAME_MAX_LENGTH}
        ]
    problems = _password_problems(email=email, full_name=full_name, password=password)
    if problems:
        errors["password"] = problems
    try:
        organisation_values_check(
            legal_name=legal_name,
            legal_name_latin=legal_name_latin,
            country=country,
            kinds=kinds,
            identifiers=identifiers,
        )
    except ValidationFailed as exc:
        errors.update(exc.extra.get("fields", {}))
    if errors:
        raise ValidationFailed(gettext("Some fields need correcting."), fields=errors)
    try:
        # A savepoint: two sign-ups racing with one link meet at the e-mail's unique index.
        with transaction.atomic():
            user = User.objects.create_user(
                email,
                password,
                full_name=full_name,
                language=language if language in {c for c, _ in settings.LANGUAGES} else "",
            )
    except IntegrityError:
        raise _link_used(email) from None
    organisation = organisation_create(
        actor=actor or Actor(user=user),
        legal_name=legal_name,
        legal_name_latin=legal_name_latin,
        country=country,
        kinds=kinds,
        identifiers=identifiers,
        owner=user,
    )
    User.objects.filter(pk=user.pk).update(active_organisation=organisation)
    user.active_organisation = organisation
    return user, organisation


@transaction.atomic
def organisation_sign_up(
    *,
    token: str,
    full_name: str,
    password: str,
    language: str,
    legal_name: str,
    legal_name_latin: str,
    country: str,
    kinds: list[str],
    identifier_scheme: str,
    identifier_value: str,
) -> tuple[User, Organisation]:
    """Create the invited person's account and their organisation, with them as its owner.

    One transaction: the user (e-mail from the link, ``language`` for their pages and
    e-mails), the organisation with its kinds and identifier (``organisation_create``, which
    records ``organisation.created``: the exchange then finds requests waiting for the
    address), the owner membership, and ``user.signed_up``. Every refused field is named at
    once in ``ValidationFailed.extra["fields"]`` (``full_name``, ``password``, the
    organisation's fields, ``identifiers.0`` for the identifier); nothing is written then.
    """
    invitation = sign_up_invitation(token=token)
    user, organisation = _owner_and_organisation_create(
        actor=None,
        email=invitation.email,
        full_name=full_name,
        password=password,
        language=language,
        legal_name=legal_name,
        legal_name_latin=legal_name_latin,
        country=country,
        kinds=kinds,
        identifiers=[{"scheme": identifier_scheme, "value": identifier_value}],
    )
    audit_record(
        actor=Actor(user=user),
        organisation=organisation,
        action=USER_SIGNED_UP,
        obj=user,
        after={"email": user.email, "organisation": organisation.slug, "role": Role.OWNER.value},
    )
    return user, organisation


class OrganisationsExist(Conflict):
    code = "organisations_exist"


@transaction.atomic
def first_organisation_create(
    *,
    email: str,
    full_name: str,
    password: str,
    legal_name: str,
    legal_name_latin: str,
    country: str,
    kinds: list[str],
    identifiers: list[dict[str, str]],
    force: bool = False,
) -> tuple[User, Organisation]:
    """The first organisation of an install and its owner (``create_first_organisation``).

    Refused (``OrganisationsExist``) when any organisation exists, unless ``force``: a second
    run must not quietly add an organisation to a live platform. The e-mail must not have an
    account yet. Audited as the platform's (``organisation.created`` and
    ``organisation.first_created``, which says whether it was forced).
    """
    existing = Organisation.objects.count()
    if existing and not force:
        raise OrganisationsExist(
            f"There are already {existing} organisation(s) on this platform: new ones join "
            "by invitation. Pass --force to create another one anyway."
        )
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationFailed(
            f"{email!r} is not an e-mail address.", fields={"email": ["not an e-mail address"]}
        ) from None
    if User.objects.filter(email__iexact=email).exists():
        raise Conflict(f"{email} already has an account.", extra={"fields": {"email": ["taken"]}})
    actor = Actor.platform("create_first_organisation")
    user, organisation = _owner_and_organisation_create(
        actor=actor,
        email=email,
        full_name=full_name,
        password=password,
        language="",
        legal_name=legal_name,
        legal_name_latin=legal_name_latin,
        country=country,
        kinds=kinds,
        identifiers=identifiers,
    )
    audit_record(
        actor=actor,
        organisation=organisation,
        action=FIRST_ORGANISATION_CREATED,
        obj=organisation,
        after={"owner": email, "forced": bool(existing), "organisations_before": existing},
    )
    return user, organisation
