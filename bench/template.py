"""Benchmark: the EU communication template, export and import, each against a floor of
openpyxl doing only its part with the same file in the same run.

Export:

- ours: ``suppliers.eu_template.export.write_template`` for one installation with two processes
  (pig iron → crude steel, an internal and two purchased precursors): the blank loaded
  (``keep_vba=False, keep_links=True``), the input cells written, the ``CBAM Exchange`` sheet
  added, saved, and the saved file's XML checked for formulas, validations and protection
  (``check_preserved``);
- floor: ``openpyxl.load_workbook`` of the blank template (same options) and ``save``.

Import (the pure part: what the work row does before it writes):

- ours: ``read_template`` (file checks, version, every input cell as written and as last
  calculated) and ``compute_template`` (the engine's SEE of every good, compared with the
  workbook's own) of the Commission's filled cement example (``tests/data/cbam/``, the file the
  tests read; ``--workbook`` names another copy), with a reference snapshot built from the
  shipped CSV files (``reference/data/``, no database; built once, its time printed apart);
- floor: ``openpyxl.load_workbook`` of the same file (default options), nothing else.

The database writes of the import (installation, products, drafts, report: a few dozen
queries) and the export's queries are not measured. Each variant runs in a process of its own,
so its peak memory (``ru_maxrss``) is its own; the figure printed beside it is that peak less
the process's size before the first run (interpreter, imports, the file's bytes, the snapshot).

Run: ``.venv/bin/python bench/template.py [--part export|import|all] [--repeat 5] [--rounds 1]``
Goal: ours ≤ 1.5 × the floor; the import under 500 MB of peak memory. Figures go to
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import load_workbook  # type: ignore[import-untyped]

from suppliers.eu_template.export import (
    BLANK_TEMPLATE,
    ExportData,
    ExportInstallation,
    ExportPrecursor,
    ExportProcess,
    write_template,
)

ROOT = Path(__file__).resolve().parent.parent
#: The Commission's filled cement example (template v2.1), as the tests read it.
CEMENT_EXAMPLE = ROOT / "tests" / "data" / "cbam" / "eu-example-cement.xlsx"
#: Its one good's SEE (direct, indirect, total) as the engine computes it (docs/eu-template.md).
CEMENT_SEE = (Decimal("0.78521"), Decimal("0.12224"), Decimal("0.90746"))


def steelworks() -> ExportData:
    return ExportData(
        installation=ExportInstallation(
            name="唐山钢铁厂", name_english="Tangshan steel works", country="CN"
        ),
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        processes=(
            ExportProcess(
                name="Pig iron",
                category="Pig iron",
                cn_code="72011011",
                product_name="Pig iron",
                activity_level_t=Decimal(1000000),
                direct_emissions_tco2e=Decimal(1500000),
                electricity_mwh=Decimal(50000),
                electricity_factor=Decimal("0.6"),
            ),
            ExportProcess(
                name="Steel slabs",
                category="Crude steel",
                cn_code="72061000",
                product_name="Steel slabs",
                activity_level_t=Decimal(500000),
                direct_emissions_tco2e=Decimal(200000),
                electricity_mwh=Decimal(100000),
                electricity_factor=Decimal("0.55"),
                precursors=(
                    ExportPrecursor(
                        name="Pig iron",
                        category="Pig iron",
                        country="CN",
                        mass_t=Decimal(450000),
                        internal_process=1,
                    ),
                    ExportPrecursor(
                        name="Direct reduced iron 72031000 IN",
                        category="Direct reduced iron",
                        country="IN",
                        mass_t=Decimal(100000),
                        see_direct=Decimal("1.1"),
                        see_indirect=Decimal("0.05"),
                    ),
                    ExportPrecursor(
                        name="Alloys 72021120 CN",
                        category="Alloys (FeMn, FeCr, FeNi)",
                        country="CN",
                        mass_t=Decimal(6000),
                        see_direct=Decimal("1.44"),
                        see_indirect=Decimal("0.2"),
                        source="Default",
                    ),
                ),
            ),
        ),
        platform_rows=(("Footprint id (CBAM Exchange)", "00000000-0000-0000-0000-000000000001"),),
    )


#: A variant: what one timed run does, and what was prepared before (label → seconds).
Variant = tuple[Callable[[], object], dict[str, float]]


def export_floor(blank: bytes) -> Variant:
    def run() -> bytes:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            book = load_workbook(io.BytesIO(blank), keep_vba=False, keep_links=True)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    return run, {}


def export_ours(blank: bytes) -> Variant:
    data = steelworks()
    return lambda: write_template(data, blank=blank), {}


def import_floor(content: bytes) -> Variant:
    def run() -> object:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return load_workbook(io.BytesIO(content))

    return run, {}


def import_ours(content: bytes) -> Variant:
    from cbam.csv_snapshot import snapshot_from_csv
    from suppliers.eu_template import compute_template, read_template

    start = time.perf_counter()
    snapshot = snapshot_from_csv(ROOT / "reference" / "data")
    built = time.perf_counter() - start
    return lambda: compute_template(read_template(content), snapshot), {
        "reference snapshot from CSV (once, not timed)": built
    }


def check_import(computation: Any) -> None:
    """The cement example's one good has the SEE the docs state (to 5 dp)."""
    five = Decimal("0.00001")
    see = [
        tuple(
            v.quantize(five)
            for v in (o.result.see_direct, o.result.see_indirect, o.result.see_total)
        )
        for o in computation.goods
    ]
    if see != [CEMENT_SEE]:
        raise SystemExit(f"the import computed {see}; expected [{CEMENT_SEE}]")


VARIANTS: dict[str, Callable[[bytes], Variant]] = {
    "export-floor": export_floor,
    "export-ours": export_ours,
    "import-floor": import_floor,
    "import-ours": import_ours,
}
CHECKS: dict[str, Callable[[Any], None]] = {"import-ours": check_import}


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(variant: str, path: Path, repeat: int) -> None:
    """Run one variant ``repeat`` times here (after one run that warms up lazy imports and
    caches and is checked) and print its figures as one line of JSON."""
    run, setup = VARIANTS[variant](path.read_bytes())
    before = _maxrss_mib()
    CHECKS.get(variant, lambda _: None)(run())
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    figures = {"times": times, "setup": setup, "rss_before_mib": before}
    print(json.dumps({**figures, "rss_peak_mib": _maxrss_mib()}))


def measured(variant: str, path: Path, repeat: int) -> dict[str, Any]:
    """``variant`` run in a process of its own (so that its peak memory is its own)."""
    command = [sys.executable, __file__, "--child", variant, "--workbook", str(path)]
    done = subprocess.run(
        [*command, "--repeat", str(repeat)],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def compare(part: str, path: Path, repeat: int, rounds: int) -> None:
    """Floor and ours, each in its own process, alternated ``rounds`` times (on a shared
    machine the load moves between rounds; each round's ratio compares neighbours)."""
    print(f"{part}: {path.name}, {path.stat().st_size:,} bytes; {repeat} runs per process")
    all_times: dict[str, list[float]] = {"floor": [], "ours": []}
    for number in range(1, rounds + 1):
        medians = {}
        for side in ("floor", "ours"):
            figures = measured(f"{part}-{side}", path, repeat)
            all_times[side] += figures["times"]
            medians[side] = statistics.median(figures["times"])
            runs = ", ".join(f"{t:.2f}" for t in figures["times"])
            work = figures["rss_peak_mib"] - figures["rss_before_mib"]
            print(
                f"  round {number} {side}: median {medians[side]:.2f} s ({runs}); peak memory "
                f"{figures['rss_peak_mib']:.0f} MiB ({work:.0f} MiB above the "
                f"{figures['rss_before_mib']:.0f} MiB before the first run)"
            )
            for what, seconds in figures["setup"].items():
                print(f"    {what}: {seconds:.2f} s")
        print(f"  round {number} ratio: {medians['ours'] / medians['floor']:.2f}x")
    f, o = (statistics.median(all_times[side]) for side in ("floor", "ours"))
    print(f"  all rounds: floor {f:.2f} s, ours {o:.2f} s, ratio {o / f:.2f}x (goal <= 1.5x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--part", choices=("export", "import", "all"), default="all")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per process")
    parser.add_argument("--rounds", type=int, default=1, help="floor/ours processes alternated")
    parser.add_argument(
        "--workbook",
        type=Path,
        default=CEMENT_EXAMPLE,
        help="the filled template the import reads (default: the cement example of the tests)",
    )
    parser.add_argument("--child", choices=sorted(VARIANTS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        path = BLANK_TEMPLATE if args.child.startswith("export") else args.workbook
        child(args.child, path, args.repeat)
        return
    if args.part in ("import", "all") and not args.workbook.is_file():
        raise SystemExit(
            f"{args.workbook} is missing: the import reads the Commission's filled cement "
            "example (tests/data/cbam/eu-example-cement.xlsx, also in the shared reference "
            "folder, examples/); name a copy with --workbook."
        )
    if args.part in ("export", "all"):
        compare("export", BLANK_TEMPLATE, args.repeat, args.rounds)
    if args.part in ("import", "all"):
        compare("import", args.workbook, args.repeat, args.rounds)


if __name__ == "__main__":
    main()
