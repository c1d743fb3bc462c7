"""Compile every app's ``locale/*/LC_MESSAGES/django.po`` into the ``.mo`` Django reads.

Pure Python (polib), so that `make demo` needs no gettext tools on a fresh machine; the .mo
files are build output (not in git). CI's translation check (tests/web/test_translations.py)
uses gettext's own tools to find strings missing from the catalogues.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib  # type: ignore[import-untyped]
from django.conf import settings
from django.core.management.base import BaseCommand


def catalogues() -> list[Path]:
    """The .po files of our apps (never those of installed packages)."""
    base = Path(settings.BASE_DIR)
    found = [*base.glob("*/locale/*/LC_MESSAGES/django.po")]
    found += base.glob("*/*/locale/*/LC_MESSAGES/django.po")
    return sorted(path for path in found if not path.relative_to(base).parts[0].startswith("."))


class Command(BaseCommand):
    help = "Compile the translation catalogues (.po -> .mo) of every app."

    def handle(self, *args: Any, **options: Any) -> None:
        written = 0
        for po_path in catalogues():
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            written += 1
        self.stdout.write(f"translations: {written} catalogue(s) compiled")
