"""Benchmark: an association data pool of 100,000 contributed footprints over 2,000 cells.

The pool (seeded, deterministic): ``--headings`` CN headings (default 10), one route (C) each,
so 10 components; each heading has 3 CN 6 subheadings of 2 CN 8 codes; 4 countries of
production; 3 reporting years. One footprint is placed in every finest cell first, so every
combination exists and the pool has exactly (1 + 3 + 6) CN codes × (4 + 1) countries ×
(3 + 1) years = 200 cells per heading, 2,000 cells (720 finest cells). The rest is drawn
unevenly, as a real sector is: 1,000 organisations of Pareto-distributed size, each with a home
country (CN 70 %, IN 15 %, VN 10 %, TR 5 %; 10 % of its footprints elsewhere) and one to three
headings; CN 8 codes weighted 40/25/15/10/7/3 %; SEE 0.8-3.0 tCO2e/t with 5 decimals. Thin
cells (a rare code made in Türkiye in one year) therefore fail the primary rules and the
secondary rule and the audit have work to do.

Measured in the same process, on the same numbers:

1. floor: plain sorted-list percentiles: each footprint's 12 cell keys as tuples, the three SEE
   channels appended to per-cell lists of floats, each list sorted, mean and type-7 P10 to
   P90 read off; no Decimal, no organisations, no disclosure control; and the strictest
   floor, sort-only: the same per-cell lists handed over ready (grouping not timed), only
   sorted and read;
2. ours: ``pool_statistics`` (exact Decimal statistics of every cell, primary rules, secondary
   rule, exact audit) from the ``Observation`` dataclasses;
3. one new contribution: ``component_statistics`` of the component it lands in, with it (what
   the live cells service recomputes; loading the component's rows is the service's part).

Goals (issue 16): ours under 5 s and within 3x the floor; one new contribution under 200 ms.

Run: ``.venv/bin/python bench/pools.py [--observations 100000] [--headings 10] [--repeat 3]``.
Figures go to docs/benchmarks.md ("Association pools").
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exchange.pools.calculations.cells import Observation, cells_of  # noqa: E402
from exchange.pools.calculations.disclosure import (  # noqa: E402
    DisclosureSettings,
    component_statistics,
    pool_statistics,
)

HEADINGS = ("7208", "7209", "7210", "7211", "7213", "7214", "7216", "7219", "7225", "7228")
COUNTRIES = ("CN", "IN", "VN", "TR")
COUNTRY_WEIGHTS = (70, 15, 10, 5)
YEARS = (2026, 2027, 2028)
CODE_WEIGHTS = (40, 25, 15, 10, 7, 3)
TWENTIETHS = (2, 5, 10, 15, 18)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=100_000)
    parser.add_argument("--headings", type=int, default=10)
    parser.add_argument("--organisations", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (median shown)")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--profile", action="store_true", help="cProfile one full run")
    return parser.parse_args()


def codes_of(heading: str) -> list[str]:
    """Two CN 8 codes under each of three CN 6 subheadings (synthetic, as the tables are)."""
    return [f"{heading}{sub}{leaf}" for sub in ("10", "20", "30") for leaf in ("10", "90")]


def _see(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low, high)).scaleb(-5)


def generate(n: int, headings: int, organisations: int, seed: int) -> list[Observation]:
    rng = random.Random(seed)
    chosen = (
        HEADINGS[:headings]
        if headings <= len(HEADINGS)
        else tuple(str(7200 + k) for k in range(headings))
    )
    sizes = [rng.paretovariate(1.2) for _ in range(organisations)]
    orgs = []
    for k in range(organisations):
        home = rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0]
        own = rng.sample(chosen, rng.randint(1, min(3, len(chosen))))
        orgs.append((f"org-{k:04d}", home, own, rng.uniform(0.85, 1.4)))
    observations: list[Observation] = []

    def add(org: tuple[str, str, list[str], float], cn: str, country: str, year: int) -> None:
        direct = _see(rng, 80_000, 300_000)
        observations.append(
            Observation(
                contribution=f"{rng.getrandbits(128):032x}",
                organisation=org[0],
                cn_code=cn,
                route="C",
                country=country,
                year=year,
                activity_t=Decimal(rng.randint(1_000, 500_000)).scaleb(-3),
                see_direct=direct,
                see_indirect=_see(rng, 0, 40_000),
                indirect_counts=False,
                verified=rng.random() < 0.6,
            )
        )

    # One footprint in every finest cell, so that every cell exists.
    for heading in chosen:
        for cn in codes_of(heading):
            for country in COUNTRIES:
                for year in YEARS:
                    add(rng.choice(orgs), cn, country, year)
    while len(observations) < n:
        org = rng.choices(orgs, sizes)[0]
        heading = rng.choice(org[2])
        cn = rng.choices(codes_of(heading), CODE_WEIGHTS)[0]
        country = org[1] if rng.random() < 0.9 else rng.choice(COUNTRIES)
        add(org, cn, country, rng.choice(YEARS))
    return observations


def floor_rows(observations: list[Observation]) -> list[tuple[str, str, str, int, tuple]]:
    """The floor's input, made outside its timing: plain tuples with float SEE."""
    return [
        (
            o.cn_code,
            o.route,
            o.country,
            o.year,
            (float(o.see_direct), float(o.see_indirect), float(o.see_counted)),
        )
        for o in observations
    ]


def grouped(rows: list[tuple[str, str, str, int, tuple]]) -> dict[tuple, tuple]:
    """Each cell's three lists of floats, unsorted (the sort-only floor's input)."""
    cells: dict[tuple, tuple[list[float], list[float], list[float]]] = {}
    for cn, route, country, year, (d, i, c) in rows:
        for code in (cn[:4], cn[:6], cn):
            for place in (country, "*"):
                for when in (year, 0):
                    lists = cells.setdefault((code, route, place, when), ([], [], []))
                    lists[0].append(d)
                    lists[1].append(i)
                    lists[2].append(c)
    return cells


def sort_only_floor(cells: dict[tuple, tuple]) -> dict[tuple, list[tuple]]:
    """The strictest floor: the cells' lists given, only sorting and reading percentiles."""
    out = {}
    for key, lists in cells.items():
        figures = []
        for unsorted in lists:
            values = sorted(unsorted)
            n = len(values)
            row = [sum(values) / n]
            for twentieths in TWENTIETHS:
                low, part = divmod((n - 1) * twentieths, 20)
                x = values[low]
                row.append(x + part / 20 * (values[low + 1] - x) if part else x)
            figures.append(tuple(row))
        out[key] = figures
    return out


def floor(rows: list[tuple[str, str, str, int, tuple]]) -> dict[tuple, list[tuple]]:
    """Plain sorted-list percentiles per cell (no Decimal, no disclosure control)."""
    cells: dict[tuple, tuple[list[float], list[float], list[float]]] = {}
    for cn, route, country, year, (d, i, c) in rows:
        for code in (cn[:4], cn[:6], cn):
            for place in (country, "*"):
                for when in (year, 0):
                    key = (code, route, place, when)
                    lists = cells.get(key)
                    if lists is None:
                        lists = cells[key] = ([], [], [])
                    lists[0].append(d)
                    lists[1].append(i)
                    lists[2].append(c)
    out = {}
    for key, lists in cells.items():
        figures = []
        for values in lists:
            values.sort()
            n = len(values)
            row = [sum(values) / n]
            for twentieths in TWENTIETHS:
                low, part = divmod((n - 1) * twentieths, 20)
                x = values[low]
                row.append(x + part / 20 * (values[low + 1] - x) if part else x)
            figures.append(tuple(row))
        out[key] = figures
    return out


def timed(function, *args):  # type: ignore[no-untyped-def]
    """(wall seconds, CPU seconds of this process, result): on a shared machine the CPU time
    is what the code costs, the wall time what a user waits."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return time.perf_counter() - wall, time.process_time() - cpu, result


def runs(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):.3f} s (runs {', '.join(f'{v:.3f}' for v in values)})"
    )


def new_contribution(template: Observation, k: int) -> Observation:
    """A new footprint of the template's organisation in the template's finest cell."""
    return Observation(
        contribution=f"new-{k}",
        organisation=template.organisation,
        cn_code=template.cn_code,
        route=template.route,
        country=template.country,
        year=template.year,
        activity_t=Decimal("1234.5"),
        see_direct=Decimal("2.12345"),
        see_indirect=Decimal("0.01000"),
        indirect_counts=False,
        verified=True,
    )


def check_against_floor(results: dict, plain: dict) -> None:  # type: ignore[type-arg]
    """Same cells; every published median equals the floor's (floats, to 1e-5)."""
    assert len(plain) == len(results), (len(plain), len(results))
    for key, result in results.items():
        stats = result.statistics
        if stats is not None:
            median = plain[(key.cn_code, key.route, key.country, key.year)][2][3]
            assert abs(float(stats.counted.median) - median) <= 0.6e-5, (key, median)


def main() -> None:
    args = parse_args()
    settings = DisclosureSettings()
    started = time.perf_counter()
    observations = generate(args.observations, args.headings, args.organisations, args.seed)
    rows = floor_rows(observations)
    by_component: dict[tuple[str, str], list[Observation]] = {}
    for o in observations:
        by_component.setdefault((o.cn_code[:4], o.route), []).append(o)
    sizes = sorted(len(v) for v in by_component.values())
    print(
        f"generated {len(observations)} footprints of {args.organisations} organisations in "
        f"{time.perf_counter() - started:.1f} s; {len(by_component)} components of "
        f"{sizes[0]}-{sizes[-1]} footprints"
    )

    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        pool_statistics(observations, settings)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)

    floor_wall, floor_cpu, ours_wall, ours_cpu, sort_cpu = [], [], [], [], []
    results: dict = {}  # type: ignore[type-arg]
    plain: dict = {}  # type: ignore[type-arg]
    cell_lists = grouped(rows)
    for _ in range(args.repeat):
        wall, cpu, plain = timed(floor, rows)
        floor_wall.append(wall)
        floor_cpu.append(cpu)
        sort_cpu.append(timed(sort_only_floor, cell_lists)[1])
        wall, cpu, results = timed(pool_statistics, observations, settings)
        ours_wall.append(wall)
        ours_cpu.append(cpu)
    check_against_floor(results, plain)
    reasons = Counter(str(r.suppression or "published") for r in results.values())
    finest = sum(1 for key in results if key.is_finest)
    print(
        f"{len(results)} cells ({finest} finest): "
        + ", ".join(f"{k} {v}" for k, v in sorted(reasons.items()))
    )
    print(f"floor           wall {runs(floor_wall)}; CPU {runs(floor_cpu)}")
    print(f"sort-only floor CPU {runs(sort_cpu)}")
    print(f"pool_statistics wall {runs(ours_wall)}; CPU {runs(ours_cpu)}")
    ratio_wall = statistics.median(ours_wall) / statistics.median(floor_wall)
    ratio_cpu = statistics.median(ours_cpu) / statistics.median(floor_cpu)
    ratio_best = min(ours_cpu) / min(floor_cpu)
    print(
        f"ratio to the floor (medians): wall {ratio_wall:.2f}x, CPU {ratio_cpu:.2f}x; "
        f"best CPU runs {ratio_best:.2f}x; to the sort-only floor (CPU medians) "
        f"{statistics.median(ours_cpu) / statistics.median(sort_cpu):.2f}x"
    )

    rng = random.Random(args.seed + 1)
    largest = max(by_component, key=lambda c: len(by_component[c]))
    templates = [rng.choice(observations) for _ in range(max(args.repeat, 8))]
    in_largest = [o for o in observations if (o.cn_code[:4], o.route) == largest]
    templates += [rng.choice(in_largest) for _ in range(3)]
    walls, cpus = [], []
    for k, template in enumerate(templates):
        new = new_contribution(template, k)
        component = by_component[(new.cn_code[:4], new.route)]
        wall, cpu, touched = timed(component_statistics, [*component, new], settings)
        walls.append(wall)
        cpus.append(cpu)
        holding = sum(1 for key in cells_of(new) if key in touched)
        print(
            f"new contribution in {new.cn_code[:4]}: component of {len(component) + 1} "
            f"footprints, {len(touched)} cells ({holding} hold it): wall {wall * 1000:.0f} ms, "
            f"CPU {cpu * 1000:.0f} ms"
        )
    print(
        f"N={len(observations)} footprints, {len(results)} cells: full wall "
        f"{statistics.median(ours_wall):.2f} s ({ratio_wall:.2f}x the floor), CPU "
        f"{statistics.median(ours_cpu):.2f} s ({ratio_cpu:.2f}x); one new contribution: wall "
        f"median {statistics.median(walls) * 1000:.0f} ms, max {max(walls) * 1000:.0f} ms; "
        f"CPU median {statistics.median(cpus) * 1000:.0f} ms, max {max(cpus) * 1000:.0f} ms; "
        f"largest component ({len(by_component[largest])} footprints) CPU best "
        f"{min(cpus[-3:]) * 1000:.0f} ms, worst {max(cpus[-3:]) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
