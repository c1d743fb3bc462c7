"""The engine is pure: importing it loads neither Django, DRF nor any other app of the project
(house style rule 3, "Calculations are pure")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_engine_loads_no_framework_and_no_other_app():
    script = (
        "import sys, cbam, cbam.csv_snapshot; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'django', 'rest_framework', 'core', 'accounts', 'suppliers', 'config', 'exchange', "
        "'reference'}); "
        "print(','.join(bad))"
    )

    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )

    assert out.stdout.strip() == ""
