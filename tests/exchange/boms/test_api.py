"""Products and lines through the API: writes audited and enqueued, bad input refused with
the field, what was wrong and what is expected."""

from __future__ import annotations

import pytest

from accounts.models import AuditEvent
from core.models import Job
from exchange.boms.models import BomLine, BuyerProduct
from tests.exchange.boms.conftest import Chain, published_footprint

pytestmark = pytest.mark.django_db


def _line(chain: Chain, product: BuyerProduct, **data: object):
    body = {"mass_t_per_t": "1.02", "country_of_origin": "CN", **data}
    return chain.api("preparer").post(
        chain.url(f"buyer-products/{product.pk}/lines/"), body, format="json"
    )


def test_a_preparer_creates_a_product_and_a_line_audited_and_enqueued(chain: Chain) -> None:
    created = chain.api("preparer").post(
        chain.url("buyer-products/"),
        {"name": "Bolts", "cn_code": "7318 15 95", "country_of_production": "cn"},
        format="json",
    )
    assert created.status_code == 201, created.content
    product = BuyerProduct.objects.get(pk=created.json()["id"])
    assert (product.cn_code, product.country_of_production) == ("73181595", "CN")

    line = _line(chain, product, source="own_product", own_product=str(chain.hrc.pk))

    assert line.status_code == 201, line.content
    assert line.json()["cn_code"] == "72083900"
    actions = list(
        AuditEvent.objects.filter(action__startswith="b")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["buyer_product.created", "bom_line.created"]
    assert Job.objects.filter(
        kind="boms.recompute", payload__product_ids=[str(product.pk)]
    ).exists()


def test_a_footprint_without_a_grant_is_refused_naming_the_field(chain: Chain) -> None:
    stranger = published_footprint(chain.steel_mill, cn_code="72071114", see_direct="1.7")

    response = _line(chain, chain.hrc, source="supplier_footprint", footprint=str(stranger.pk))

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "live grant" in body["extra"]["fields"]["footprint"][0]
    assert "new line of Coil" in body["message"]
    assert not BomLine.objects.filter(footprint=stranger).exists()


def test_a_cycle_between_own_products_is_refused_with_the_chain(chain: Chain) -> None:
    # The billet would be made from the screws, which are made from coil made from billet.
    response = _line(chain, chain.billet, source="own_product", own_product=str(chain.screws.pk))

    assert response.status_code == 400
    message = response.json()["extra"]["fields"]["own_product"][0]
    assert message.startswith("This would make a cycle: Billet → Screws M8 → Coil → Billet")


@pytest.mark.parametrize(
    ("data", "field", "expected"),
    [
        ({"mass_t_per_t": "0"}, "mass_t_per_t", "Must be greater than zero (got 0)"),
        ({"mass_t_per_t": "-1"}, "mass_t_per_t", "Must be greater than zero (got -1)"),
        ({"mass_t_per_t": "a lot"}, "mass_t_per_t", "is not a number"),
        ({"cn_code": "39269097"}, "cn_code", "is not a CBAM good"),
        ({"cn_code": "7208"}, "cn_code", "expected 8 digits"),
        ({"country_of_origin": "XX"}, "country_of_origin", "not an ISO 3166-1 alpha-2"),
        ({"source": "guess"}, "source", "expected one of supplier_footprint"),
    ],
)
def test_bad_line_input_names_the_field_and_what_is_expected(
    chain: Chain, data: dict[str, str], field: str, expected: str
) -> None:
    before = BomLine.objects.count()

    response = _line(chain, chain.hrc, **{"source": "default_value", "cn_code": "72083900", **data})

    assert response.status_code == 400, response.content
    assert expected in response.json()["extra"]["fields"][field][0]
    assert BomLine.objects.count() == before


def test_a_product_used_by_another_cannot_be_deleted(chain: Chain) -> None:
    response = chain.api("admin").delete(chain.url(f"buyer-products/{chain.billet.pk}/"))

    assert response.status_code == 409
    assert response.json()["extra"]["used_in"] == ["Coil"]


def test_a_line_update_moves_it_to_the_default_value(chain: Chain) -> None:
    line = chain.lines["coil"]

    response = chain.api("preparer").patch(
        chain.url(f"buyer-products/{chain.screws.pk}/lines/{line.pk}/"),
        {"source": "default_value"},
        format="json",
    )

    assert response.status_code == 200, response.content
    line.refresh_from_db()
    assert (line.source, line.footprint_id, line.lineage) == ("default_value", None, None)


def test_the_aggregation_of_a_product_never_computed_is_pending(chain: Chain) -> None:
    response = chain.api("viewer").get(chain.url(f"buyer-products/{chain.screws.pk}/aggregation/"))

    assert response.status_code == 200
    assert response.json()["status"] == "pending"
