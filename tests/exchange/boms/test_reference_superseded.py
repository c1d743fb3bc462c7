"""A stored BOM result says when it was computed on reference data that a newer version has
replaced since, until it is recomputed (issue: results keep saying which version they used)."""

from __future__ import annotations

from datetime import date

from accounts.audit import Actor
from exchange.boms.models import AggregationResult
from exchange.boms.services.aggregation import products_recompute
from reference.datasets import DEFAULT_VALUES
from reference.models import ReferenceVersion
from reference.services import reference_version_load
from tests.exchange.boms.conftest import Chain

TODAY = date(2026, 11, 21)
V2 = "default_values v2 (IR 2025/2621 Annex I as replaced by IR 2026/1740)"


def _aggregation(chain: Chain) -> dict:
    response = chain.api("viewer").get(chain.url(f"buyer-products/{chain.billet.pk}/aggregation/"))
    assert response.status_code == 200, response.content
    return response.json()


def test_a_result_on_a_replaced_version_says_so_until_it_is_recomputed(chain: Chain, tmp_path):
    products_recompute(organisation_id=chain.buyer.pk, today=TODAY)
    before = _aggregation(chain)
    assert before["reference_superseded"] == []
    v2 = ReferenceVersion.objects.get(dataset=DEFAULT_VALUES, number=2)
    assert v2.pk in before["versions"]["reference_versions"]

    # A later correction of the default values, valid from the same day (a one-row table is
    # enough to be a version of its own).
    path = tmp_path / "defaults-v3.csv"
    path.write_text(
        "cn_code,country,direct_tco2e_per_t,indirect_tco2e_per_t,total_tco2e_per_t,"
        "production_route\n7201,CN,1.700,,1.700,\n",
        encoding="utf-8",
    )
    reference_version_load(
        dataset=DEFAULT_VALUES,
        path_or_file=path,
        label="a later correction",
        valid_from=date(2026, 1, 1),
        actor=Actor.platform("tests"),
    )

    stale = _aggregation(chain)
    assert stale["reference_superseded"] == [
        {
            "dataset": "default_values",
            "used": V2,
            "in_force": "default_values v3 (a later correction)",
        }
    ]
    assert stale["see_direct"] == before["see_direct"]  # the stored figures, not recomputed

    products_recompute(organisation_id=chain.buyer.pk, today=TODAY)

    fresh = _aggregation(chain)
    assert fresh["reference_superseded"] == []
    v3 = ReferenceVersion.objects.get(dataset=DEFAULT_VALUES, number=3)
    assert (
        v3.pk in AggregationResult.objects.get(product=chain.billet).versions["reference_versions"]
    )


def test_asking_for_a_recompute_is_audited_with_who_asked(chain: Chain) -> None:
    from accounts.models import AuditEvent
    from core.models import Job

    response = chain.api("preparer").post(chain.url(f"buyer-products/{chain.billet.pk}/recompute/"))

    assert response.status_code == 202, response.content
    job = Job.objects.get(pk=response.json()["job"])
    assert (job.kind, job.payload) == (
        "boms.recompute",
        {"reason": "requested", "product_ids": [str(chain.billet.pk)]},
    )
    event = AuditEvent.objects.get(action="buyer_product.recompute_requested")
    assert event.actor_user == chain.users["preparer"]
    assert event.organisation == chain.buyer
    assert event.object_id == str(chain.billet.pk)
    assert event.after == {"job": job.pk}
