"""A verifier organisation of the platform confirms, in its own account, the verification of a
footprint that names it (Reg. 2023/956 Art. 8 and Annex VI: actual emissions are verified by an
accredited verifier). Naming a verifier shares the footprint with that organisation; it sees
only footprints that name it, and confirms before publication (a published footprint is
immutable)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.audit import Actor, audit_record
from accounts.models import Organisation
from core.errors import Conflict
from suppliers.models import Footprint, FootprintStatus

CONFIRMABLE = (FootprintStatus.SUBMITTED, FootprintStatus.IN_REVIEW, FootprintStatus.APPROVED)


def verification_requests_visible_to(*, organisation: Organisation) -> QuerySet[Footprint]:
    """Footprints of any producer that name ``organisation`` as their verifier (not drafts:
    the producer shares a footprint with its verifier by submitting it)."""
    return (
        Footprint.objects.filter(verifier_organisation=organisation)
        .exclude(status__in=(FootprintStatus.DRAFT, FootprintStatus.REJECTED))
        .select_related("organisation", "product", "installation")
        .order_by("-created_at", "id")
    )


@transaction.atomic
def footprint_verification_confirm(
    *, actor: Actor, verifier: Organisation, footprint: Footprint
) -> Footprint:
    locked = Footprint.objects.select_for_update(of=("self",)).get(pk=footprint.pk)
    if locked.verifier_organisation_id != verifier.pk:
        raise Conflict("This footprint does not name your organisation as its verifier.")
    if locked.status not in CONFIRMABLE:
        raise Conflict(
            f"This footprint is {locked.status}; a verification is confirmed while it is "
            "submitted, in review or approved (before publication)."
        )
    if locked.verifier_confirmed_at is not None:
        raise Conflict(f"Already confirmed on {locked.verifier_confirmed_at:%Y-%m-%d}.")
    locked.verifier_confirmed_at = timezone.now()
    locked.save(update_fields=["verifier_confirmed_at", "updated_at"])
    for organisation in (verifier, locked.organisation):
        audit_record(
            actor=actor,
            organisation=organisation,
            action="footprint.verification_confirmed",
            obj=locked,
            after={
                "verifier": verifier.slug,
                "producer": locked.organisation.slug,
                "statement_date": str(locked.verification_statement_date),
            },
        )
    return locked
