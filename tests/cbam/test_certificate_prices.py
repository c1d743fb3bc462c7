"""The certificate price of a date of importation: its quarter in 2026, its calendar week from
2027 (Reg. 2023/956 Art. 21 as amended by Reg. 2025/2083; IR 2025/2548), the last published
price, and the labelled assumption where none is published."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cbam.certificate_prices import (
    QUARTERLY,
    WEEKLY,
    CertificatePriceRow,
    PriceAssumption,
    PricingPeriod,
    certificate_price_json,
    given_price,
    is_pricing_period,
    last_published_price,
    price_for_importation,
    pricing_period,
)

D = Decimal
# The shipped figures (reference/data/certificate-prices-ir2025-2548.csv).
Q1 = CertificatePriceRow(
    date(2026, 1, 1), date(2026, 3, 31), QUARTERLY, D("75.36"), date(2026, 4, 7), "", "line 7"
)
Q2 = CertificatePriceRow(
    date(2026, 4, 1), date(2026, 6, 30), QUARTERLY, D("75.28"), date(2026, 7, 6), "", "line 8"
)
ASSUMED = PriceAssumption(D("75.00"), "setting X = 75.00")


@pytest.mark.parametrize(
    ("on", "period"),
    [
        (date(2026, 1, 1), (date(2026, 1, 1), date(2026, 3, 31), QUARTERLY, "Q1 2026")),
        (date(2026, 3, 31), (date(2026, 1, 1), date(2026, 3, 31), QUARTERLY, "Q1 2026")),
        (date(2026, 4, 1), (date(2026, 4, 1), date(2026, 6, 30), QUARTERLY, "Q2 2026")),
        (date(2026, 9, 30), (date(2026, 7, 1), date(2026, 9, 30), QUARTERLY, "Q3 2026")),
        (date(2026, 12, 31), (date(2026, 10, 1), date(2026, 12, 31), QUARTERLY, "Q4 2026")),
        # From 2027 the calendar week, Monday to Sunday: 1 January 2027 is a Friday, in the
        # ISO week 2026-W53 that began on Monday 28 December 2026.
        (date(2027, 1, 1), (date(2026, 12, 28), date(2027, 1, 3), WEEKLY, "2026-W53")),
        (date(2027, 1, 3), (date(2026, 12, 28), date(2027, 1, 3), WEEKLY, "2026-W53")),
        (date(2027, 1, 4), (date(2027, 1, 4), date(2027, 1, 10), WEEKLY, "2027-W01")),
        (date(2027, 1, 10), (date(2027, 1, 4), date(2027, 1, 10), WEEKLY, "2027-W01")),
    ],
)
def test_the_period_of_a_date_of_importation_is_its_quarter_then_its_week(on, period):
    found = pricing_period(on)

    assert (found.start, found.end, found.kind, found.label) == period


def test_a_date_at_either_edge_of_a_quarter_gets_that_quarters_published_price():
    rows = (Q1, Q2)

    end_of_q1 = price_for_importation(rows, on=date(2026, 3, 31), assumption=ASSUMED)
    start_of_q2 = price_for_importation(rows, on=date(2026, 4, 1), assumption=ASSUMED)
    end_of_q2 = price_for_importation(rows, on=date(2026, 6, 30), assumption=ASSUMED)

    assert (end_of_q1.price_eur, end_of_q1.basis, end_of_q1.row) == (D("75.36"), "published", Q1)
    assert (start_of_q2.price_eur, start_of_q2.basis, start_of_q2.row) == (
        D("75.28"),
        "published",
        Q2,
    )
    assert end_of_q2.row == Q2
    assert end_of_q1.label == "Q1 2026 quarterly average EUR 75.36 published 2026-04-07 (line 7)"


def test_a_quarter_without_a_published_price_gets_the_labelled_assumption():
    price = price_for_importation((Q1, Q2), on=date(2026, 7, 1), assumption=ASSUMED)

    assert (price.price_eur, price.basis, price.row, price.published_on) == (
        D("75.00"),
        "assumption",
        None,
        None,
    )
    assert price.period == PricingPeriod(date(2026, 7, 1), date(2026, 9, 30), QUARTERLY)
    assert price.label == (
        "assumption EUR 75.00 for Q3 2026 (setting X = 75.00): no price published for it"
    )


def test_a_weekly_row_prices_goods_imported_in_its_week_from_2027():
    week = CertificatePriceRow(
        date(2027, 1, 4), date(2027, 1, 10), WEEKLY, D("70"), date(2027, 1, 12), "", "line 9"
    )

    monday = price_for_importation((Q1, Q2, week), on=date(2027, 1, 4), assumption=ASSUMED)
    next_monday = price_for_importation((Q1, Q2, week), on=date(2027, 1, 11), assumption=ASSUMED)

    assert (monday.price_eur, monday.basis) == (D("70"), "published")
    assert (next_monday.price_eur, next_monday.basis) == (D("75.00"), "assumption")
    assert next_monday.period is not None
    assert next_monday.period.label == "2027-W02"


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2026, 4, 6), None),  # nothing published yet
        (date(2026, 4, 7), Q1),
        (date(2026, 7, 5), Q1),
        (date(2026, 7, 6), Q2),
        (date(2026, 12, 6), Q2),
    ],
)
def test_the_last_published_price_is_the_one_published_last_by_the_day(as_of, expected):
    price = last_published_price((Q2, Q1), as_of=as_of, assumption=ASSUMED)

    if expected is None:
        assert (price.price_eur, price.basis, price.period) == (D("75.00"), "assumption", None)
        assert price.label == "assumption EUR 75.00 (setting X = 75.00): no price published for it"
    else:
        assert (price.price_eur, price.basis, price.row) == (
            expected.price_eur,
            "published",
            expected,
        )
        assert price.published_on == expected.publication_date


def test_a_price_given_by_the_caller_says_so():
    price = given_price(D("80"))

    assert certificate_price_json(price) == {
        "period": None,
        "period_start": None,
        "period_end": None,
        "kind": None,
        "basis": "given",
        "price_eur": "80.00",
        "published_on": None,
        "source": "given by the caller",
        "label": "EUR 80 given by the caller for every period",
    }


@pytest.mark.parametrize(
    ("start", "end", "kind", "whole"),
    [
        (date(2026, 1, 1), date(2026, 3, 31), QUARTERLY, True),
        (date(2026, 1, 1), date(2026, 3, 30), QUARTERLY, False),
        (date(2026, 2, 1), date(2026, 4, 30), QUARTERLY, False),
        (date(2027, 1, 1), date(2027, 3, 31), QUARTERLY, False),  # 2027 is priced per week
        (date(2027, 1, 4), date(2027, 1, 10), WEEKLY, True),
        (date(2026, 12, 28), date(2027, 1, 3), WEEKLY, True),
        (date(2026, 12, 21), date(2026, 12, 27), WEEKLY, False),  # 2026 is priced per quarter
        (date(2027, 1, 5), date(2027, 1, 11), WEEKLY, False),  # Tuesday to Monday
        (date(2026, 1, 1), date(2026, 3, 31), "monthly", False),
    ],
)
def test_a_published_row_must_cover_one_whole_period(start, end, kind, whole):
    assert is_pricing_period(start, end, kind) is whole
