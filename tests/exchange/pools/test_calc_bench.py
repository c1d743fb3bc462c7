"""The pools benchmark's code path at a tiny size (no timing here: bench/pools.py measures)."""

from __future__ import annotations

from bench.pools import (
    check_against_floor,
    floor,
    floor_rows,
    generate,
    grouped,
    sort_only_floor,
)
from exchange.pools.calculations.disclosure import DisclosureSettings, pool_statistics


def test_the_bench_pool_has_every_cell_and_agrees_with_its_floors():
    observations = generate(600, 2, 40, seed=3)

    results = pool_statistics(observations, DisclosureSettings())
    rows = floor_rows(observations)
    plain = floor(rows)

    assert len(observations) == 600
    assert len(results) == 2 * 10 * 5 * 4  # headings × CN codes × countries × years
    assert sort_only_floor(grouped(rows)) == plain
    check_against_floor(results, plain)
