"""``/communication-templates/<id>/precursor-offers/``: the offers of an import, and the link and
request actions, with exact answers; another organisation's import is a 404. The world:
template_world.py."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from exchange.sharing.models import FootprintRequest
from suppliers.models import Footprint, FootprintStatus
from tests.factories import OrganisationFactory
from tests.matrix_samples import SAMPLES

from .template_world import PP1_NAME, PP2_NAME, PP3_NAME, TemplateWorld

pytestmark = pytest.mark.django_db


def offers_url(world: TemplateWorld, action: str = "") -> str:
    return world.producer.url(
        f"communication-templates/{world.import_id}/precursor-offers/{action}"
    )


def _offer(world: TemplateWorld, position: int, **changes):
    """The expected answer for one of the draft's precursors, before any action."""
    base = {
        "footprint": str(world.draft.pk),
        "footprint_status": "draft",
        "position": position,
        "country_of_origin": "CN",
        "see_source": "own_verified",
        "source_footprint": None,
        "ambiguous": False,
        "candidates": [],
        "open_request": None,
    }
    by_position = {
        0: {
            "workbook": {"name": PP1_NAME, "cell": "A_InstData!L102", "named": True},
            "cn_code": "72061000",
            "category": "Crude steel",
            "supplier": {
                "slug": "tangshan-slab",
                "legal_name": "唐山钢坯有限公司",
                "legal_name_latin": "Tangshan Slab Co",
                "matched_by": "organisation",
                "installation": None,
            },
            "candidates": [
                {
                    "id": str(world.slab.pk),
                    "product": "Slab Q235",
                    "cn_code": "72071114",
                    "installation": "Tangshan caster",
                    "period_start": "2026-01-01",
                    "period_end": "2026-12-31",
                    "see_direct": "1.80000",
                    "see_indirect": "0.20000",
                    "see_total": "2.00000",
                }
            ],
            "can_request": True,
        },
        1: {
            "workbook": {"name": PP2_NAME, "cell": "A_InstData!L103", "named": True},
            "cn_code": "72011011",
            "category": "Pig iron",
            "supplier": {
                "slug": "hebei-pig-iron",
                "legal_name": "河北生铁有限公司",
                "legal_name_latin": "Hebei Pig Iron Co",
                "matched_by": "installation",
                "installation": str(world.pig_iron_works.pk),
            },
            "can_request": True,
        },
        2: {
            "workbook": {"name": PP3_NAME, "cell": "A_InstData!L104", "named": True},
            "cn_code": "72011011",
            "category": "Pig iron",
            "supplier": None,
            "can_request": False,
        },
    }
    return {**base, **by_position[position], **changes}


def test_the_offers_name_each_purchased_precursor_its_supplier_and_shared_footprints(
    world, django_assert_num_queries
):
    with django_assert_num_queries(11):
        answer = world.producer.api("viewer").get(offers_url(world))

    assert answer.status_code == 200
    assert answer.json() == {
        "id": world.import_id,
        "offers": [_offer(world, 0), _offer(world, 1), _offer(world, 2)],
    }


def test_link_answers_the_offer_and_the_draft_uses_the_platform_footprint(world):
    answer = world.producer.api("preparer").post(
        offers_url(world, "link/"),
        {"footprint": str(world.draft.pk), "position": 0, "source_footprint": str(world.slab.pk)},
        format="json",
    )

    assert answer.status_code == 200, answer.json()
    assert answer.json() == _offer(
        world,
        0,
        cn_code="72071114",
        see_source="platform_footprint",
        source_footprint=str(world.slab.pk),
    )
    world.draft.refresh_from_db()
    assert (world.draft.see_direct, world.draft.see_indirect, world.draft.see_total) == (
        D("2.74000"),
        D("0.28500"),
        D("3.02500"),
    )


def test_link_of_a_footprint_not_shared_is_400_and_changes_nothing(world):
    answer = world.producer.api("preparer").post(
        offers_url(world, "link/"),
        {
            "footprint": str(world.draft.pk),
            "position": 0,
            "source_footprint": str(world.unshared_slab.pk),
        },
        format="json",
    )

    assert answer.status_code == 400
    assert answer.json()["code"] == "footprint_not_shared"
    assert list(answer.json()["extra"]["fields"]) == ["source_footprint"]
    assert world.draft.precursors.get(position=0).see_source == "own_verified"


def test_link_once_the_footprint_is_submitted_is_409(world):
    Footprint.objects.filter(pk=world.draft.pk).update(status=FootprintStatus.SUBMITTED)

    answer = world.producer.api("preparer").post(
        offers_url(world, "link/"),
        {"footprint": str(world.draft.pk), "position": 0, "source_footprint": str(world.slab.pk)},
        format="json",
    )

    assert (answer.status_code, answer.json()["code"]) == (409, "footprint_immutable")


def test_a_link_without_its_fields_is_400_naming_them(world):
    answer = world.producer.api("preparer").post(offers_url(world, "link/"), {}, format="json")

    assert answer.status_code == 400
    assert sorted(answer.json()["extra"]["fields"]) == ["footprint", "position", "source_footprint"]


def test_request_answers_201_with_the_open_request(world):
    answer = world.producer.api("preparer").post(
        offers_url(world, "request/"),
        {"footprint": str(world.draft.pk), "position": 1},
        format="json",
    )

    request = FootprintRequest.objects.get()
    assert answer.status_code == 201, answer.json()
    due = timezone.localdate() + timedelta(days=30)
    assert answer.json() == _offer(
        world,
        1,
        can_request=False,
        open_request={"id": str(request.pk), "due_date": due.isoformat()},
    )
    assert (request.supplier, request.cn_code, request.due_date) == (
        world.pig_iron_co,
        "72011011",
        due,
    )


def test_request_with_a_due_date_and_again_while_open(world):
    api = world.producer.api("preparer")
    body = {"footprint": str(world.draft.pk), "position": 0, "due_date": "2027-03-31"}

    first = api.post(offers_url(world, "request/"), body, format="json")
    again = api.post(offers_url(world, "request/"), body, format="json")

    assert first.status_code == 201
    assert first.json()["open_request"]["due_date"] == "2027-03-31"
    assert (again.status_code, again.json()["code"]) == (409, "request_already_open")
    assert again.json()["extra"] == {"request": first.json()["open_request"]["id"]}
    assert FootprintRequest.objects.count() == 1


def test_request_for_a_name_nobody_has_is_400(world):
    answer = world.producer.api("preparer").post(
        offers_url(world, "request/"),
        {"footprint": str(world.draft.pk), "position": 2},
        format="json",
    )

    assert (answer.status_code, answer.json()["code"]) == (400, "supplier_not_on_platform")
    assert FootprintRequest.objects.count() == 0


def test_a_viewer_may_read_but_not_act(world):
    api = world.producer.api("viewer")
    body = {"footprint": str(world.draft.pk), "position": 1}

    assert api.post(offers_url(world, "request/"), body, format="json").status_code == 403
    assert FootprintRequest.objects.count() == 0


def test_another_organisations_import_is_404(world):
    other = OrganisationFactory()
    foreign = SAMPLES["import_id"](other)
    api = world.producer.api("owner")
    url = world.producer.url(f"communication-templates/{foreign}/precursor-offers/")

    assert api.get(url).status_code == 404
    body = {"footprint": str(world.draft.pk), "position": 1}
    assert api.post(f"{url}request/", body, format="json").status_code == 404
    assert FootprintRequest.objects.count() == 0
