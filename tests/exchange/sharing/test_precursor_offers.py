"""The purchased precursors of an imported communication template: which supplier each name
means on the platform, its footprints shared with the importer, and the two actions (link,
request) through the platform's own services. The world: template_world.py."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from accounts.audit import Actor
from accounts.models import AuditEvent
from exchange.sharing.errors import (
    FootprintNotShared,
    PrecursorNotOffered,
    RequestAlreadyOpen,
    SupplierNotOnPlatform,
)
from exchange.sharing.models import FootprintRequest
from exchange.sharing.precursor_offers import template_import_precursor_offers
from exchange.sharing.services.precursor_links import (
    template_precursor_link,
    template_precursor_request,
)
from suppliers.errors import FootprintImmutable
from suppliers.models import Footprint, FootprintStatus
from suppliers.services.footprints import footprint_precursor_inputs, footprint_update

from .template_world import PP1_NAME, PP2_NAME, PP3_NAME, TemplateWorld

pytestmark = pytest.mark.django_db


def _see(footprint: Footprint) -> tuple[D, D, D]:
    footprint.refresh_from_db()
    return footprint.see_direct, footprint.see_indirect, footprint.see_total


def _offers(world: TemplateWorld):
    return template_import_precursor_offers(
        organisation=world.producer.organisation, template_import=world.template_import
    )


def _link(world: TemplateWorld, position: int, source: Footprint):
    return template_precursor_link(
        actor=Actor(user=world.producer.users["preparer"]),
        organisation=world.producer.organisation,
        template_import=world.template_import,
        footprint_id=world.draft.pk,
        position=position,
        source_footprint_id=source.pk,
    )


def _request(world: TemplateWorld, position: int):
    return template_precursor_request(
        actor=Actor(user=world.producer.users["preparer"]),
        organisation=world.producer.organisation,
        template_import=world.template_import,
        footprint_id=world.draft.pk,
        position=position,
    )


def test_each_purchased_precursor_is_offered_with_its_cell_supplier_and_shared_footprints(world):
    offers = _offers(world)

    assert [
        (
            o.draft.pk,
            o.position,
            o.workbook.name,
            o.workbook.name_cell,
            o.category,
            o.precursor.cn_code,
            o.precursor.see_source,
            o.supplier.slug if o.supplier else None,
            o.match.via,
            o.installation,
            [c.pk for c in o.candidates],
            o.can_request,
        )
        for o in offers
    ] == [
        (
            world.draft.pk,
            0,
            PP1_NAME,
            "A_InstData!L102",
            "Crude steel",
            "72061000",
            "own_verified",
            "tangshan-slab",
            "organisation",
            None,
            [world.slab.pk],
            True,
        ),
        (
            world.draft.pk,
            1,
            PP2_NAME,
            "A_InstData!L103",
            "Pig iron",
            "72011011",
            "own_verified",
            "hebei-pig-iron",
            "installation",
            world.pig_iron_works,
            [],
            True,
        ),
        (
            world.draft.pk,
            2,
            PP3_NAME,
            "A_InstData!L104",
            "Pig iron",
            "72011011",
            "own_verified",
            None,
            "",
            None,
            [],
            False,
        ),
    ]
    assert _see(world.draft) == (D("2.84500"), D("0.39000"), D("3.23500"))


def test_linking_makes_the_draft_use_the_shared_footprint_and_recomputes_its_see(world):
    offer = _link(world, 0, world.slab)

    precursor = world.draft.precursors.get(position=0)
    assert (
        precursor.see_source,
        precursor.source_footprint_id,
        precursor.cn_code,
        precursor.mass_t_per_t,
        precursor.country_of_origin,
        precursor.see_direct,
        precursor.see_indirect,
    ) == ("platform_footprint", world.slab.pk, "72071114", D("1.05"), "CN", D("1.8"), D("0.2"))
    # direct 0.25 + 1.05 × 1.8 + 0.4 + 0.2; indirect 0.045 + 1.05 × 0.2 + 0.02 + 0.01
    assert _see(world.draft) == (D("2.74000"), D("0.28500"), D("3.02500"))
    assert (offer.linked, offer.draft.see_total) == (world.slab, D("3.02500"))
    # The other precursors are as they were.
    assert [
        (p.see_source, p.cn_code, p.see_direct, p.see_indirect)
        for p in world.draft.precursors.exclude(position=0)
    ] == [
        ("own_verified", "72011011", D("2"), D("0.1")),
        ("own_verified", "72011011", D("2"), D("0.1")),
    ]
    linked = AuditEvent.objects.get(action="communication_template.precursor_linked")
    assert (linked.actor_user, linked.object_id, linked.before, linked.after) == (
        world.producer.users["preparer"],
        str(world.template_import.pk),
        {
            "footprint": str(world.draft.pk),
            "position": 0,
            "workbook_name": PP1_NAME,
            "cell": "A_InstData!L102",
            "cn_code": "72061000",
            "see_source": "own_verified",
            "source_footprint": None,
        },
        {
            "footprint": str(world.draft.pk),
            "position": 0,
            "workbook_name": PP1_NAME,
            "cell": "A_InstData!L102",
            "cn_code": "72071114",
            "see_source": "platform_footprint",
            "source_footprint": str(world.slab.pk),
        },
    )
    assert AuditEvent.objects.filter(action="footprint.updated", object_id=str(world.draft.pk))


def _unchanged(world: TemplateWorld) -> None:
    assert _see(world.draft) == (D("2.84500"), D("0.39000"), D("3.23500"))
    assert world.draft.precursors.get(position=0).see_source == "own_verified"
    assert not AuditEvent.objects.filter(action="communication_template.precursor_linked")


def test_a_footprint_the_supplier_did_not_share_cannot_be_linked(world):
    with pytest.raises(FootprintNotShared) as refused:
        _link(world, 0, world.unshared_slab)

    assert refused.value.code == "footprint_not_shared"
    assert refused.value.extra["fields"] == {
        "source_footprint": [
            f"{world.unshared_slab.pk} is not a published footprint your organisation may read; "
            "expected one of yours or one a supplier shared with you."
        ]
    }
    _unchanged(world)


def test_a_shared_footprint_of_another_goods_category_cannot_be_linked(world):
    with pytest.raises(FootprintNotShared) as refused:
        _link(world, 0, world.coil)

    assert refused.value.extra["fields"] == {
        "source_footprint": [
            f"{world.coil.pk} is a footprint of Iron or steel products (CN 72083900); this "
            "precursor is Crude steel. Expected a footprint of Crude steel."
        ]
    }
    _unchanged(world)


def test_only_a_draft_is_linked(world):
    Footprint.objects.filter(pk=world.draft.pk).update(status=FootprintStatus.SUBMITTED)

    with pytest.raises(FootprintImmutable):
        _link(world, 0, world.slab)

    assert world.draft.precursors.get(position=0).see_source == "own_verified"


def test_a_position_that_is_not_a_purchased_precursor_is_refused(world):
    with pytest.raises(PrecursorNotOffered) as refused:
        _link(world, 3, world.slab)

    assert refused.value.code == "precursor_not_offered"
    _unchanged(world)


def test_a_request_goes_to_the_organisation_whose_installation_the_name_is(world):
    offer = _request(world, 1)

    request = FootprintRequest.objects.get()
    assert (
        request.buyer,
        request.supplier,
        request.cn_code,
        request.installation,
        request.period_start.isoformat(),
        request.period_end.isoformat(),
        request.due_date,
        request.description,
        request.status,
        request.created_by,
    ) == (
        world.producer.organisation,
        world.pig_iron_co,
        "72011011",
        world.pig_iron_works,
        "2026-01-01",
        "2026-12-31",
        timezone.localdate() + timedelta(days=30),
        f"Pig iron: {PP2_NAME}",
        "open",
        world.producer.users["preparer"],
    )
    assert (offer.open_request, offer.can_request) == (request, False)
    assert sorted(
        AuditEvent.objects.filter(
            action__in=["footprint_request.sent", "communication_template.precursor_requested"]
        ).values_list("action", flat=True)
    ) == ["communication_template.precursor_requested", "footprint_request.sent"]


def test_a_second_request_while_the_first_is_open_is_refused(world):
    first = _request(world, 1)

    with pytest.raises(RequestAlreadyOpen) as refused:
        _request(world, 1)

    assert refused.value.extra == {"request": str(first.open_request.pk)}
    assert FootprintRequest.objects.count() == 1


def test_no_request_for_a_name_no_organisation_has(world):
    with pytest.raises(SupplierNotOnPlatform) as refused:
        _request(world, 2)

    assert refused.value.extra["fields"] == {
        "position": [
            f"{PP3_NAME} (A_InstData!L104) is the name of no organisation or installation on "
            "the platform; expected one of theirs."
        ]
    }
    assert FootprintRequest.objects.count() == 0


def test_a_draft_whose_precursors_were_edited_since_the_import_offers_nothing(world):
    precursors = footprint_precursor_inputs(world.draft)
    footprint_update(
        actor=Actor(user=world.producer.users["preparer"]),
        footprint=world.draft,
        data={"precursors": precursors[:2]},
    )

    assert _offers(world) == []
