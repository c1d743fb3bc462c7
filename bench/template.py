"""Benchmark: exporting a footprint into the EU communication template, against openpyxl
loading and saving the same blank template in the same run.

- ours: ``suppliers.eu_template.export.write_template`` for one installation with two processes
  (pig iron → crude steel, an internal and two purchased precursors): the blank loaded
  (``keep_vba=False, keep_links=True``), the input cells written, the ``CBAM Exchange`` sheet
  added, saved, and the saved bytes loaded again to check that formulas, validations and
  protection were kept (``check_preserved``);
- floor: ``openpyxl.load_workbook`` of the blank template (same options) and ``save``.

No database: the service's queries (a few per footprint) are not counted.

Run: ``.venv/bin/python bench/template.py [--repeat 5]``
Goal: ours ≤ 1.5 × the floor. Figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

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


def floor(blank: bytes) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        book = load_workbook(io.BytesIO(blank), keep_vba=False, keep_links=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def timed(run: Callable[[], bytes], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    blank = BLANK_TEMPLATE.read_bytes()
    data = steelworks()
    write_template(data, blank=blank)  # warm up (imports, caches)
    floor_times = timed(lambda: floor(blank), args.repeat)
    ours_times = timed(lambda: write_template(data, blank=blank), args.repeat)
    f, o = statistics.median(floor_times), statistics.median(ours_times)
    print(f"blank template: {len(blank):,} bytes; {args.repeat} runs each (median)")
    print(f"floor (openpyxl load + save): {f:.2f} s")
    print(f"ours (write_template, checked): {o:.2f} s")
    print(f"ratio: {o / f:.2f}x (goal <= 1.5x)")


if __name__ == "__main__":
    main()
