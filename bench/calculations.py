"""Benchmark: SEE of a generated supply chain of 100,000 goods over 6 tiers.

Both sides walk the same graph in the same process:

- floor: a plain dict walk with floats: the same iterative depth-first order, then
  ``(attributed + Σ mass · SEE) / activity`` per channel, precursors pre-resolved to tuples, no
  validation, no provenance, no dataclasses;
- ours: ``cbam.compute_see`` on frozen ``GoodInput`` dataclasses with Decimal:
  validation of every good (ids, CN codes, numbers, references, default values, cycles),
  default-value lookups with CN/country fallback, exempt origins, the cross-over indirect
  channel, ``SeeResult`` per good. Provenance is built on demand, not here.

The graph (seeded, deterministic): tier 0 = sinter, pig iron, DRI, ferro-alloys; tier 1 =
crude steel; tiers 2-5 = iron or steel products. A good of tier t > 0 references 1-4 goods of
lower tiers (mostly t - 1); about 30 % of goods also buy a precursor with supplier data, 20 %
one on default values (several origins, so the CN and country fallbacks run) and 5 % one from
the EU (counts zero). Half of the goods give their electricity factor, the rest use the
country's default grid factor.

Run: ``.venv/bin/python bench/calculations.py [--goods 100000] [--repeat 5] [--seed 7]``
Goals: ours < 2 s, < 5× the floor, process peak memory < 1 GB. Figures go to
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cbam import GoodInput, PrecursorInput, compute_see  # noqa: E402
from cbam.csv_snapshot import snapshot_from_csv  # noqa: E402
from cbam.defaults import (  # noqa: E402
    electricity_factor_for,
    match_default_value,
)

TIER_SHARES = (0.25, 0.20, 0.18, 0.15, 0.12, 0.10)
TIER0_CODES = ("26011200", "72011011", "72031000", "72024110", "72021120")
CRUDE_STEEL_CODES = ("72071111", "72061000", "72189911", "72241010")
DEFAULT_PRECURSORS = (
    ("72024110", "IN"),
    ("72024110", "VN"),
    ("72011011", "BR"),
    ("72031000", "CN"),
)
COUNTRIES = ("CN", "IN", "TR", "VN", "KR", "BR")


def _dec(rng: random.Random, low: float, high: float, places: int = 3) -> Decimal:
    return Decimal(f"{rng.uniform(low, high):.{places}f}")


def generate(n_goods: int, seed: int, snapshot_categories: dict[str, str]) -> list[GoodInput]:
    rng = random.Random(seed)
    products = sorted(
        c for c, cat in snapshot_categories.items() if cat == "Iron or steel products"
    )
    sizes = [int(n_goods * share) for share in TIER_SHARES]
    sizes[-1] += n_goods - sum(sizes)
    tiers: list[list[str]] = []
    goods: list[GoodInput] = []
    for tier, size in enumerate(sizes):
        ids = [f"T{tier}-{k}" for k in range(size)]
        for good_id in ids:
            if tier == 0:
                cn = rng.choice(TIER0_CODES)
            elif tier == 1:
                cn = rng.choice(CRUDE_STEEL_CODES)
            else:
                cn = rng.choice(products)
            precursors: list[PrecursorInput] = []
            if tier > 0:
                for _ in range(rng.randint(1, 4)):
                    lower = tier - 1 if rng.random() < 0.8 else rng.randrange(tier)
                    precursors.append(
                        PrecursorInput(mass_t=_dec(rng, 10, 5000), good=rng.choice(tiers[lower]))
                    )
            if rng.random() < 0.30:
                precursors.append(
                    PrecursorInput(
                        mass_t=_dec(rng, 1, 800),
                        cn_code=rng.choice(TIER0_CODES),
                        country_of_origin=rng.choice(COUNTRIES),
                        see_direct=_dec(rng, 0.1, 3, 4),
                        see_indirect=_dec(rng, 0, 0.5, 4),
                        footprint_id=f"pcf-{rng.randrange(10**9)}",
                    )
                )
            if rng.random() < 0.20:
                cn_code, country = rng.choice(DEFAULT_PRECURSORS)
                precursors.append(
                    PrecursorInput(
                        mass_t=_dec(rng, 1, 300), cn_code=cn_code, country_of_origin=country
                    )
                )
            if rng.random() < 0.05:
                precursors.append(
                    PrecursorInput(
                        mass_t=_dec(rng, 1, 300),
                        cn_code="72071111",
                        country_of_origin="DE",
                        see_direct=Decimal("1.9"),
                        see_indirect=Decimal("0.1"),
                    )
                )
            given_factor = rng.random() < 0.5
            goods.append(
                GoodInput(
                    id=good_id,
                    cn_code=cn,
                    country_of_origin=rng.choice(COUNTRIES),
                    activity_level_t=_dec(rng, 1000, 20000),
                    attributed_direct_tco2e=_dec(rng, 100, 40000),
                    electricity_mwh=_dec(rng, 10, 9000),
                    electricity_factor_tco2_per_mwh=_dec(rng, 0.3, 0.9) if given_factor else None,
                    precursors=tuple(precursors),
                )
            )
        tiers.append(ids)
    rng.shuffle(goods)  # input order must not matter
    return goods


def to_floor_graph(goods: list[GoodInput], snapshot: object) -> tuple[dict, list[str]]:
    """The same graph as plain dicts and floats; defaults and grid factors pre-resolved."""
    from cbam.reference import ReferenceSnapshot

    assert isinstance(snapshot, ReferenceSnapshot)
    graph: dict[str, tuple] = {}
    for g in goods:
        factor = g.electricity_factor_tco2_per_mwh
        if factor is None:
            row = electricity_factor_for(snapshot, g.country_of_origin)
            assert row is not None
            factor = row.tco2_per_mwh
        refs = []
        fixed = []
        for p in g.precursors:
            if p.good is not None:
                refs.append((p.good, float(p.mass_t)))
            elif p.country_of_origin in snapshot.exempt_countries:
                continue
            elif p.see_direct is not None:
                fixed.append((float(p.mass_t), float(p.see_direct), float(p.see_indirect or 0)))
            else:
                match = match_default_value(snapshot, p.cn_code or "", p.country_of_origin)
                assert match is not None
                fixed.append((float(p.mass_t), float(match.row.see_direct), 0.0))
        graph[g.id] = (
            float(g.activity_level_t),
            float(g.attributed_direct_tco2e),
            float(g.electricity_mwh or 0) * float(factor),
            refs,
            fixed,
        )
    return graph, [g.id for g in goods]


def floor_walk(graph: dict, ids: list[str]) -> dict[str, tuple[float, float]]:
    """Bare floor: iterative DFS order, then SEE per channel with floats."""
    state: dict[str, int] = {}
    order: list[str] = []
    for root in ids:
        if root in state:
            continue
        state[root] = 1
        stack = [root]
        cursor = [0]
        while stack:
            node = stack[-1]
            refs = graph[node][3]
            k = cursor[-1]
            while k < len(refs):
                child = refs[k][0]
                k += 1
                if child not in state:
                    cursor[-1] = k
                    state[child] = 1
                    stack.append(child)
                    cursor.append(0)
                    break
            else:
                stack.pop()
                cursor.pop()
                state[node] = 2
                order.append(node)
    see: dict[str, tuple[float, float]] = {}
    for node in order:
        activity, direct, indirect, refs, fixed = graph[node]
        for child, mass in refs:
            d, i = see[child]
            direct += mass * d
            indirect += mass * i
        for mass, d, i in fixed:
            direct += mass * d
            indirect += mass * i
        see[node] = (direct / activity, indirect / activity)
    return see


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--goods", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    snapshot = snapshot_from_csv(ROOT / "reference" / "data")
    t0 = time.perf_counter()
    goods = generate(args.goods, args.seed, dict(snapshot.category_by_cn))
    graph, ids = to_floor_graph(goods, snapshot)
    edges = sum(len(g.precursors) for g in goods)
    print(
        f"generated {len(goods)} goods, {edges} precursor links in {time.perf_counter() - t0:.1f} s"
    )

    ours: list[float] = []
    floor: list[float] = []
    for _ in range(args.repeat):
        gc.collect()
        start = time.perf_counter()
        floor_result = floor_walk(graph, ids)
        floor.append(time.perf_counter() - start)
        del floor_result
        gc.collect()
        start = time.perf_counter()
        calc = compute_see(goods, snapshot)
        ours.append(time.perf_counter() - start)
        del calc

    # Same figures on both sides (floats agree to ~1e-12 relative).
    calc = compute_see(goods, snapshot)
    floor_result = floor_walk(graph, ids)
    worst = max(
        abs(float(calc.results[i].see_direct) - floor_result[i][0]) / max(floor_result[i][0], 1e-12)
        for i in ids[:: max(1, len(ids) // 2000)]
    )
    del calc, floor_result
    gc.collect()

    tracemalloc.start()
    calc = compute_see(goods, snapshot)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del calc

    maxrss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    floor_median = statistics.median(floor)
    ours_median = statistics.median(ours)
    print(
        f"floor (float dict walk) median {floor_median:.3f} s   runs {[round(x, 3) for x in floor]}"
    )
    print(f"compute_see median      {ours_median:.3f} s   runs {[round(x, 3) for x in ours]}")
    print(f"ratio {ours_median / floor_median:.2f}x   worst relative difference {worst:.1e}")
    print(f"compute_see allocations peak (tracemalloc) {traced_peak / 2**20:.0f} MiB")
    print(f"process peak RSS (inputs + floor graph + results) {maxrss_mib:.0f} MiB")
    ok = ours_median < 2.0 and ours_median < 5 * floor_median and maxrss_mib < 1024
    print("goals (< 2 s, < 5x floor, < 1 GiB):", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
