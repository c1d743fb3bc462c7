"""CI fails on a missing or fuzzy Simplified Chinese translation.

gettext's own tools (``makemessages``, i.e. xgettext) extract every translatable string of each
package from a copy of the source tree; each must be in the package's committed catalogue
(``<package>/locale/zh_Hans/LC_MESSAGES/django.po``) with a translation that is not fuzzy and
keeps the placeholders of the English text.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

from tests.conftest import service_unavailable

# One process runs the module: its catalogues are extracted once (``extracted``, tens of seconds).
pytestmark = pytest.mark.xdist_group("translations")

BASE = Path(settings.BASE_DIR)
PACKAGES = ["accounts", "core", "exchange", "reference", "suppliers", "web"]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")


def _copy_tree(target: Path) -> None:
    ignore = shutil.ignore_patterns(".*", "var", "__pycache__", "*.mo", "node_modules", "bench")
    for entry in BASE.iterdir():
        if entry.name.startswith(".") or entry.name in {"var", "bench"}:
            continue
        if entry.is_dir():
            shutil.copytree(entry, target / entry.name, ignore=ignore)
        else:
            shutil.copy2(entry, target / entry.name)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, polib.POFile]:
    """Per package: the catalogue makemessages makes from today's source, merged with the
    committed one (so a string's translation shows when it has one)."""
    if shutil.which("xgettext") is None:
        service_unavailable("gettext is not installed (Debian package `gettext`)")
    root = tmp_path_factory.mktemp("i18n")
    _copy_tree(root)
    found = {}
    for package in PACKAGES:
        (root / package / "locale").mkdir(exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                str(root / "manage.py"),
                "makemessages",
                "-l",
                "zh_Hans",
                "--no-obsolete",
                "--no-location",
            ],
            cwd=root / package,
            check=True,
            capture_output=True,
            text=True,
        )
        po = root / package / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
        found[package] = polib.pofile(str(po)) if po.exists() else polib.POFile()
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_every_string_has_a_chinese_translation(extracted, package):
    catalogue = extracted[package]
    committed = BASE / package / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    strings = [e for e in catalogue if not e.obsolete]
    if strings:
        assert committed.exists(), f"{package}: no catalogue; run makemessages in {package}/"
    missing = [
        e.msgid
        for e in strings
        if "fuzzy" in e.flags
        or (e.msgid_plural and not all(e.msgstr_plural.values()))
        or (not e.msgid_plural and not e.msgstr)
    ]
    assert missing == [], f"{package}: untranslated or fuzzy: {missing}"


@pytest.mark.parametrize("package", PACKAGES)
def test_translations_keep_the_placeholders(package):
    committed = BASE / package / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    if not committed.exists():
        return
    wrong = []
    for entry in polib.pofile(str(committed)):
        english = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if text and sorted(PLACEHOLDER.findall(text)) != english:
                wrong.append((entry.msgid, text))
    assert wrong == []


def test_one_english_text_has_one_translation_in_every_catalogue():
    """All catalogues are merged at run time (settings.LOCALE_PATHS decides which wins), so the
    same text translated two ways would silently show one of them everywhere: give the text a
    context (``{% translate "revoked" context "signing key" %}``, ``pgettext``) instead."""
    seen: dict[tuple[str | None, str], dict[str, str]] = {}
    for package in PACKAGES:
        committed = BASE / package / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
        if not committed.exists():
            continue
        for entry in polib.pofile(str(committed)):
            if entry.obsolete:
                continue
            text = entry.msgstr or "|".join(entry.msgstr_plural.values())
            seen.setdefault((entry.msgctxt, entry.msgid), {})[package] = text
    conflicts = {key: found for key, found in seen.items() if len(set(found.values())) > 1}
    assert conflicts == {}
