"""Acting on the offers for the purchased precursors of an imported communication template
(``exchange.sharing.precursor_offers``): link a draft's precursor to a supplier's footprint
shared with the importer, or send that supplier a footprint request.

Both go through the platform's own services, so validation, recomputation, notifications and
their audit events are the usual ones (``footprint_update``: ``footprint.updated``;
``request_send``: ``footprint_request.sent``), and each also records what it did for the
import (``communication_template.precursor_linked`` / ``…_requested``) in the same
transaction.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import Actor, audit_record
from accounts.models import Organisation
from exchange.sharing.errors import (
    FootprintNotShared,
    PrecursorNotOffered,
    RequestAlreadyOpen,
    SupplierNotOnPlatform,
)
from exchange.sharing.precursor_offers import (
    PrecursorOffer,
    footprint_goods_category,
    precursor_offer_get,
)
from exchange.sharing.selectors import footprints_shared_with, footprints_visible_to
from exchange.sharing.services.requests import RequestInput, request_send
from suppliers.models import (
    CommunicationTemplateImport,
    Footprint,
    FootprintStatus,
    PrecursorSeeSource,
)
from suppliers.services.footprints import footprint_precursor_inputs, footprint_update

PRECURSOR_LINKED = "communication_template.precursor_linked"
PRECURSOR_REQUESTED = "communication_template.precursor_requested"
#: Days a supplier is given to answer a request sent from an import, unless told otherwise.
REQUEST_DUE_DAYS = 30


def _offer(
    organisation: Organisation,
    template_import: CommunicationTemplateImport,
    footprint_id: uuid.UUID,
    position: int,
) -> PrecursorOffer:
    offer = precursor_offer_get(
        organisation=organisation,
        template_import=template_import,
        footprint_id=footprint_id,
        position=position,
    )
    if offer is None:
        raise PrecursorNotOffered(
            _("This is not a purchased precursor of this import."),
            fields={
                "position": [
                    _(
                        "Footprint %(footprint)s has no purchased precursor at position "
                        "%(position)s from this import; expected a draft the import created and "
                        "the position of one of its purchased precursors."
                    )
                    % {"footprint": footprint_id, "position": position}
                ]
            },
        )
    return offer


def _summary(offer: PrecursorOffer) -> dict[str, object]:
    return {
        "footprint": str(offer.draft.pk),
        "position": offer.position,
        "workbook_name": offer.workbook.name,
        "cell": offer.workbook.name_cell,
        "cn_code": offer.precursor.cn_code,
        "see_source": offer.precursor.see_source,
        "source_footprint": str(offer.precursor.source_footprint_id or "") or None,
    }


@transaction.atomic
def template_precursor_link(
    *,
    actor: Actor,
    organisation: Organisation,
    template_import: CommunicationTemplateImport,
    footprint_id: uuid.UUID,
    position: int,
    source_footprint_id: uuid.UUID,
) -> PrecursorOffer:
    """Make the purchased precursor at ``position`` of a draft the import created use
    ``source_footprint_id`` (``platform_footprint``): a published footprint the organisation
    may read (its own or shared with it by a live grant) of the precursor's goods category. The
    precursor takes that footprint's CN code and SEE; the draft is saved through
    ``footprint_update`` (only a draft changes: ``FootprintImmutable`` otherwise), so its SEE
    is recomputed as for any edit. Returns the offer as it stands after."""
    # Locked first, so that the precursors read below are the ones written back.
    Footprint.objects.select_for_update().filter(organisation=organisation, pk=footprint_id).first()
    offer = _offer(organisation, template_import, footprint_id, position)
    source = (
        footprints_visible_to(organisation=organisation)
        .filter(pk=source_footprint_id, status=FootprintStatus.PUBLISHED)
        .select_related("product")
        .first()
    )
    if source is None:
        raise FootprintNotShared(
            _("This footprint cannot be linked."),
            fields={
                "source_footprint": [
                    _(
                        "%(id)s is not a published footprint your organisation may read; expected "
                        "one of yours or one a supplier shared with you."
                    )
                    % {"id": source_footprint_id}
                ]
            },
        )
    category = footprint_goods_category(source)
    if category != offer.category:
        raise FootprintNotShared(
            _("This footprint cannot be linked."),
            fields={
                "source_footprint": [
                    _(
                        "%(id)s is a footprint of %(category)s (CN %(cn)s); this precursor is "
                        "%(expected)s. Expected a footprint of %(expected)s."
                    )
                    % {
                        "id": source_footprint_id,
                        "category": category or "—",
                        "cn": source.product.cn_code,
                        "expected": offer.category or offer.precursor.cn_code,
                    }
                ]
            },
        )
    before = _summary(offer)
    precursors = footprint_precursor_inputs(offer.draft)
    precursors[position] = {
        "cn_code": source.product.cn_code,
        "mass_per_t": precursors[position]["mass_per_t"],
        "country_of_origin": precursors[position]["country_of_origin"],
        "see_source": PrecursorSeeSource.PLATFORM_FOOTPRINT,
        "source_footprint": str(source.pk),
    }
    footprint_update(
        actor=actor,
        footprint=offer.draft,
        data={"precursors": precursors},
        readable=footprints_shared_with(buyer=organisation),
    )
    linked = _offer(organisation, template_import, footprint_id, position)
    audit_record(
        actor=actor,
        organisation=organisation,
        action=PRECURSOR_LINKED,
        obj=template_import,
        before=before,
        after=_summary(linked),
    )
    return linked


@transaction.atomic
def template_precursor_request(
    *,
    actor: Actor,
    organisation: Organisation,
    template_import: CommunicationTemplateImport,
    footprint_id: uuid.UUID,
    position: int,
    due_date: date | None = None,
    today: date | None = None,
) -> PrecursorOffer:
    """Ask the supplier the precursor's name matched for the footprint of that good
    (``request_send``: the precursor's CN code, the draft's period, the installation when the
    name was an installation's; due in ``REQUEST_DUE_DAYS`` days unless ``due_date``). Refused
    when the name matched no one (``SupplierNotOnPlatform``) or a request to that supplier for
    that CN code and period is still open (``RequestAlreadyOpen``). Returns the offer with
    its open request."""
    # One request at a time per import: two clicks cannot both pass the open-request check.
    CommunicationTemplateImport.objects.select_for_update().filter(pk=template_import.pk).first()
    offer = _offer(organisation, template_import, footprint_id, position)
    if offer.supplier is None:
        raise SupplierNotOnPlatform(
            _("No organisation on the platform to ask."),
            fields={
                "position": [
                    (
                        _(
                            "%(name)s (%(cell)s) is the name of several organisations on the "
                            "platform; expected one."
                        )
                        if offer.match.ambiguous
                        else _(
                            "%(name)s (%(cell)s) is the name of no organisation or "
                            "installation on the platform; expected one of theirs."
                        )
                    )
                    % {"name": offer.workbook.name, "cell": offer.workbook.name_cell}
                ]
            },
        )
    if offer.open_request is not None:
        raise RequestAlreadyOpen(
            _(
                "You already asked %(supplier)s for this footprint; the request is open until "
                "%(due)s."
            )
            % {"supplier": offer.supplier, "due": offer.open_request.due_date.isoformat()},
            extra={"request": str(offer.open_request.pk)},
        )
    today = today or timezone.localdate()
    request_send(
        actor=actor,
        buyer=organisation,
        data=RequestInput(
            period_start=offer.draft.period_start,
            period_end=offer.draft.period_end,
            due_date=due_date or today + timedelta(days=REQUEST_DUE_DAYS),
            supplier=offer.supplier.slug,
            cn_code=offer.precursor.cn_code,
            description=f"{offer.category or offer.precursor.cn_code}: {offer.workbook.name}",
            installation=offer.installation.pk if offer.installation else None,
        ),
        today=today,
    )
    requested = _offer(organisation, template_import, footprint_id, position)
    assert requested.open_request is not None
    audit_record(
        actor=actor,
        organisation=organisation,
        action=PRECURSOR_REQUESTED,
        obj=template_import,
        after={**_summary(requested), "request": str(requested.open_request.pk)},
    )
    return requested
