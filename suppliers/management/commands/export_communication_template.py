"""``manage.py export_communication_template FOOTPRINT_ID [FOOTPRINT_ID ...] --out FILE.xlsx``:
write footprints of one installation and period (one production process per good) into the
EU communication template v2.1.1 (``suppliers.services.eu_template_export``).

An operator's command: it reads any footprint by id (the API checks who may read what).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.errors import ValidationFailed
from suppliers.models import Footprint
from suppliers.services.eu_template_export import communication_template_export


class Command(BaseCommand):
    help = "Write footprints of one installation and period into the EU communication template."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("footprint_ids", nargs="+", metavar="FOOTPRINT_ID")
        parser.add_argument("--out", required=True, help="The workbook to write (.xlsx)")

    def handle(self, *args: Any, footprint_ids: list[str], out: str, **_: Any) -> None:
        keys: list[uuid.UUID] = []
        for raw in footprint_ids:
            try:
                keys.append(uuid.UUID(raw))
            except ValueError:
                raise CommandError(f"{raw!r} is not a footprint id (a UUID)") from None
        found = {
            f.pk: f
            for f in Footprint.objects.filter(pk__in=keys).select_related("product", "installation")
        }
        missing = [str(k) for k in keys if k not in found]
        if missing:
            raise CommandError(f"no footprint {', '.join(missing)}")
        try:
            content = communication_template_export(footprints=[found[k] for k in keys])
        except ValidationFailed as failed:
            fields = failed.extra.get("fields", {}) if isinstance(failed.extra, dict) else {}
            details = "; ".join(str(m) for messages in fields.values() for m in messages)
            raise CommandError(f"{failed}: {details}" if details else str(failed)) from None
        Path(out).write_bytes(content)
        self.stdout.write(f"{out}: {len(keys)} footprint(s), {len(content)} bytes")
