"""A supplier footprint's stored decision changes (a refresh finds it may no longer be used):
the buyer's bill of materials follows at once through the decision's audit event, without
waiting for the periodic sweep."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import AuditEvent
from core.jobs import job_execute
from core.models import Job
from exchange.boms.models import AggregationResult
from exchange.boms.services.aggregation import products_recompute
from suppliers.events import FOOTPRINT_DECISION_CHANGED as DECISION_CHANGED_ACTION
from suppliers.models import DefaultValueDecisionRecord
from suppliers.services.decision_records import footprint_decision_refresh
from tests.exchange.boms.conftest import Chain, published_footprint
from tests.exchange.boms.test_chain import COIL_DEFAULT, TODAY, cents
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

D = Decimal


def _run_recompute_jobs() -> int:
    jobs = list(Job.objects.filter(kind="boms.recompute", status="pending"))
    for job in jobs:
        job_execute(job_id=job.pk)
    return len(jobs)


def test_a_decision_that_flips_to_default_moves_the_line_to_its_default(chain: Chain) -> None:
    products_recompute(organisation_id=chain.buyer.pk, today=TODAY)
    Job.objects.filter(kind="boms.recompute").delete()
    exposure_url = chain.url(f"buyer-products/{chain.screws.pk}/exposure/")
    assert chain.api("viewer").get(exposure_url).json()["cost_eur_per_t"] == "129.64"

    # The rolling mill's coil was stored as "actual data allowed"; refreshed now from its
    # real inputs (a factory footprint), the default value must be used.
    record = footprint_decision_refresh(footprint_id=chain.coil.pk, today=date(2026, 11, 21))

    assert record is not None
    assert record.actual_data_allowed is False
    # No verification statement; no precursor declared for a steel product (mass balance).
    codes = ["CBAM-MASS-001", "CBAM-VERIFY-001"]
    assert sorted({reason["code"] for reason in record.reasons}) == codes
    event = AuditEvent.objects.get(action=DECISION_CHANGED_ACTION)
    assert (event.organisation, event.object_id) == (chain.rolling_mill, str(chain.coil.pk))
    assert event.before == {"actual_data_allowed": True, "reasons": []}
    assert event.after == {"actual_data_allowed": False, "reasons": codes}
    assert _run_recompute_jobs() == 1

    body = chain.api("viewer").get(exposure_url).json()
    coil_line = {line["line"]: line for line in body["lines"]}[str(chain.lines["coil"].pk)]
    assert coil_line["use"] == "default"
    assert sorted({r["code"] for r in coil_line["reasons"]}) == codes
    # The same flip as revoking the grant (test_chain): 129.64 + the coil line's saving.
    assert body["cost_eur_per_t"] == cents(D("133.04"))
    screws = AggregationResult.objects.get(product=chain.screws)
    # The coil line on 7208 CN 3.187 (default_values v2): 2.40942 + 0.4 × (3.187 − 2.1) = 2.84422
    assert screws.see_direct == D("2.40942") + D("0.4") * (COIL_DEFAULT - D("2.1"))
    assert screws.see_direct == D("2.84422")

    # Refreshing again with nothing changed records nothing and enqueues nothing.
    DefaultValueDecisionRecord.objects.filter(footprint=chain.coil).update(inputs_fingerprint="x")
    footprint_decision_refresh(footprint_id=chain.coil.pk, today=date(2026, 11, 21))
    assert AuditEvent.objects.filter(action=DECISION_CHANGED_ACTION).count() == 1
    assert _run_recompute_jobs() == 0


def test_a_decision_change_of_a_footprint_no_bill_uses_creates_no_work(chain: Chain) -> None:
    elsewhere = published_footprint(OrganisationFactory(), cn_code="72083900", see_direct="2.0")

    footprint_decision_refresh(footprint_id=elsewhere.pk, today=date(2026, 11, 21))

    assert AuditEvent.objects.filter(action=DECISION_CHANGED_ACTION).count() == 1
    assert not Job.objects.filter(kind="boms.recompute").exists()
