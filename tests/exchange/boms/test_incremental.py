"""An incremental recompute takes the unchanged own products a changed product is made from
as stored (``as_precursor``) and stores exactly what a full recompute stores."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from accounts.audit import Actor
from exchange.boms.calculations import FixedProduct, FixedState, fixable
from exchange.boms.models import AggregationResult, BuyerProduct
from exchange.boms.services.aggregation import products_recompute
from exchange.boms.services.aggregation.plan import recompute_plan
from exchange.sharing.services.grants import grant_revoke
from tests.exchange.boms.conftest import Chain

pytestmark = pytest.mark.django_db

D = Decimal
TODAY = date(2026, 11, 21)


def stored() -> dict[str, dict[str, Any]]:
    """Every stored result, every column but the time of computation."""
    return {
        str(row.pop("product_id")): row
        for row in AggregationResult.objects.values().order_by("product_id")
        if row.pop("computed_at")
    }


def computed_at() -> dict[str, Any]:
    return {
        str(p): t for p, t in AggregationResult.objects.values_list("product_id", "computed_at")
    }


@pytest.mark.parametrize(
    ("change", "seed", "recomputed", "fixed"),
    [
        # The crude steel of the coil falls back to its default: coil and screws change, the
        # billet is taken as stored.
        ("crude_steel", "hrc", {"hrc", "screws"}, {"billet"}),
        # The rolling mill's coil: only the screws change; the coil is taken as stored and
        # the billet below it is not read at all.
        ("coil", "screws", {"screws"}, {"hrc"}),
    ],
)
def test_an_incremental_recompute_stores_what_a_full_one_does(
    chain: Chain, change: str, seed: str, recomputed: set[str], fixed: set[str]
) -> None:
    products_recompute(organisation_id=chain.buyer.pk, today=TODAY)
    before, times = stored(), computed_at()
    ids = {name: str(getattr(chain, name).pk) for name in ("billet", "hrc", "screws")}
    grant_revoke(actor=Actor.platform("tests"), grant=chain.grants[change], reason="test")

    counts = products_recompute(
        organisation_id=chain.buyer.pk, product_ids=[ids[seed]], today=TODAY
    )
    incremental, times_after = stored(), computed_at()

    assert counts == {"stored": len(recomputed), "failed": 0, "unchanged": 0}
    assert {n for n, pid in ids.items() if times_after[pid] != times[pid]} == recomputed
    for name in recomputed:  # the change did change them
        assert incremental[ids[name]]["see_direct"] != before[ids[name]]["see_direct"]
        assert incremental[ids[name]]["inputs_digest"] != before[ids[name]]["inputs_digest"]

    products_recompute(organisation_id=chain.buyer.pk, today=TODAY)

    assert stored() == incremental  # SEE, lines, exposure, provenance, digests: all of it


def test_the_plan_takes_stored_results_below_the_changed_products(chain: Chain) -> None:
    products_recompute(organisation_id=chain.buyer.pk, today=TODAY)
    billet, hrc, screws = (str(p.pk) for p in (chain.billet, chain.hrc, chain.screws))
    result = AggregationResult.objects.get(product=chain.billet)
    context = result.as_precursor["context"]
    edges = {screws: {hrc}, hrc: {billet}}

    computed, fixed, digests = recompute_plan({screws}, edges, context, {1, 2})

    assert computed == {screws}
    assert set(fixed) == {hrc}
    assert fixed[hrc].result_id == str(AggregationResult.objects.get(product=chain.hrc).id)
    assert digests[hrc] == AggregationResult.objects.get(product=chain.hrc).inputs_digest
    # Exact figures, not the 10-decimal columns.
    assert fixed[hrc].current.see_direct == D("2.1706")
    assert list(fixed[hrc].current.default_direct_by_sector.values()) == [D("1.0956")]

    # Computed in another context (another year, price or reference data): read afresh.
    computed, fixed, _ = recompute_plan({screws}, edges, {**context, "price": "1.00"}, {1, 2})
    assert computed == {screws, hrc, billet}
    assert fixed == {}

    # A result without the document (stored before it existed) is read afresh too.
    AggregationResult.objects.filter(product=chain.hrc).update(as_precursor={})
    computed, fixed, _ = recompute_plan({screws}, edges, context, {1, 2})
    assert computed == {screws, hrc}
    assert set(fixed) == {billet}


def test_a_counted_indirect_part_cannot_be_carried_by_a_fixed_good() -> None:
    state = FixedState(D("2"), D("0.3"), D("0"), {}, {}, {1: D("1"), 2: D("1")})
    crossed = FixedState(D("2"), D("0.3"), D("0.1"), {}, {}, {1: D("1"), 2: D("1")})
    steel = FixedProduct("p", "72083900", "CN", "C", False, state, state)

    assert fixable(steel, {1, 2})
    assert not fixable(steel, {1, 2, 3})  # a period without its SEFA
    assert not fixable(FixedProduct("p", "72083900", "CN", "C", False, crossed, state), {1})
    # A category that counts its indirect emissions counts all of them: nothing to carry.
    assert fixable(FixedProduct("p", "25231000", "CN", "", True, crossed, crossed), {1})


def test_a_changed_product_made_of_a_failed_one_reads_it_afresh(chain: Chain) -> None:
    products_recompute(organisation_id=chain.buyer.pk, today=TODAY)
    AggregationResult.objects.filter(product=chain.billet).update(status="failed")
    BuyerProduct.objects.filter(pk=chain.hrc.pk).update(direct_tco2e_per_t=D("0.2"))

    products_recompute(organisation_id=chain.buyer.pk, product_ids=[chain.hrc.pk], today=TODAY)
    incremental = stored()
    products_recompute(organisation_id=chain.buyer.pk, today=TODAY)

    full = stored()
    billet = str(chain.billet.pk)
    assert incremental[billet]["status"] == "failed"  # computed alongside, not stored
    assert full[billet]["status"] == "ok"
    del full[billet], incremental[billet]
    assert full == incremental
