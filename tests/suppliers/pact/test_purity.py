"""The PACT adapter is pure: importing it needs no Django settings and loads neither Django,
DRF nor any other app of the project (house style rule 3)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_importing_the_adapter_loads_no_framework_and_no_other_app():
    script = (
        "import sys; "
        "import suppliers.pact, suppliers.pact.document, suppliers.pact.validation, "
        "suppliers.pact.schema; "
        "from tests.suppliers.pact.examples import hot_rolled_coil_input, PLATFORM_HOST; "
        "doc = suppliers.pact.document.build_product_footprint("
        "hot_rolled_coil_input(), platform_host=PLATFORM_HOST); "
        "assert suppliers.pact.validation.validate_product_footprint(doc) == []; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'django', 'rest_framework', 'core', 'accounts', 'exchange', 'reference', 'config'} "
        "or (m.startswith('suppliers.') and not m.startswith('suppliers.pact'))); "
        # cbam, the engine, is the one pure package the adapter may share; it is not listed.
        "print(','.join(bad))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}

    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )

    assert out.stdout.strip() == ""
