"""Exposure and projections are priced at the certificate price published last, named with its
period and date; before any price is published, at the labelled assumption of the setting."""

from __future__ import annotations

from datetime import date

import pytest

from exchange.boms.models import AggregationResult
from exchange.boms.services.aggregation import products_recompute
from tests.exchange.boms.conftest import Chain

pytestmark = pytest.mark.django_db


def test_before_the_first_publication_exposure_is_priced_on_the_labelled_assumption(
    chain: Chain,
) -> None:
    # 2026-04-06: Q1 2026 (EUR 75.36) is published the next day; the setting says 80.00.
    products_recompute(organisation_id=chain.buyer.pk, today=date(2026, 4, 6))

    body = chain.api("viewer").get(chain.url(f"buyer-products/{chain.screws.pk}/exposure/")).json()

    assert body["certificate_price_eur"] == "80.00"
    assert body["certificate_price"]["basis"] == "assumption"
    assert body["certificate_price"]["label"] == (
        "assumption EUR 80.00 (setting CBAM_CERTIFICATE_PRICE_EUR = 80.00): "
        "no price published for it"
    )
    # The same certificates as test_chain (1.722102 per t), at 80: 137.76816.
    assert body["cost_eur_per_t"] == "137.77"
    stored = AggregationResult.objects.get(product=chain.screws)
    assert stored.exposure["notes"] == [
        "every year priced on an assumption: assumption EUR 80.00 (setting "
        "CBAM_CERTIFICATE_PRICE_EUR = 80.00): no price published for it"
    ]
    assert stored.versions["certificate_price"]["basis"] == "assumption"


def test_once_published_the_last_price_and_its_date_are_used(chain: Chain) -> None:
    products_recompute(organisation_id=chain.buyer.pk, today=date(2026, 4, 7))

    stored = AggregationResult.objects.get(product=chain.screws)

    # 1.722102 certificates per t × 75.36 = 129.77760672.
    assert stored.exposure["current"]["cost_eur_per_t"] == "129.78"
    assert stored.exposure["certificate_price"]["price_eur"] == "75.36"
    assert stored.exposure["certificate_price"]["published_on"] == "2026-04-07"
    assert stored.exposure["notes"] == []
    assert stored.versions["certificate_price_eur"] == "75.36"
