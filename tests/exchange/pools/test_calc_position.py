"""A member's position in a published cell (issue 16): the percentile band, a value on a
percentile belonging to the band below, and the differences in tCO2e/t and EUR/t."""

from __future__ import annotations

from decimal import Decimal

import pytest

from exchange.pools.calculations.position import band_of, differences, position_of
from exchange.pools.calculations.statistics import Distribution

D = Decimal
CELL = Distribution(
    mean=D("2.10000"),
    p10=D("1.78000"),
    p25=D("1.90000"),
    median=D("2.10000"),
    p75=D("2.30000"),
    p90=D("2.42000"),
)


@pytest.mark.parametrize(
    ("value", "band"),
    [
        ("0", "below_p10"),
        ("1.78000", "below_p10"),
        ("1.78001", "p10_p25"),
        ("1.90000", "p10_p25"),
        ("2.10000", "p25_median"),
        ("2.10001", "median_p75"),
        ("2.30000", "median_p75"),
        ("2.42000", "p75_p90"),
        ("2.42001", "above_p90"),
    ],
)
def test_a_value_on_a_percentile_goes_to_the_band_below(value, band):
    assert band_of(D(value), CELL) == band


def test_differences_to_the_median_and_to_the_default():
    # 2.5 - 2.1 = 0.4 (× 75.36 = 30.144); 2.5 - 3.5057 = -1.0057 (× 75.36 = -75.789552)
    assert differences(D("2.50000"), CELL, D("3.50570"), D("75.36")) == (
        D("0.40000"),
        D("-1.00570"),
        D("-75.79"),
    )
    assert differences(D("2.50000"), CELL, None, D("75.36")) == (D("0.40000"), None, None)
    position = position_of(D("2.50000"), CELL, D("3.50570"), D("75.36"))
    assert position.band == "above_p90"
    assert position.to_median_eur == D("30.14")
