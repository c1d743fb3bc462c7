"""OpenAPI generation tweaks.

Nested ``InputSerializer`` classes (one per API class, HackSoft style) would all become the
component "Input"; naming components by their qualified name ("ApiClientListApiInput")
keeps them distinct without renaming every class.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema


class PlatformAutoSchema(AutoSchema):
    def get_serializer_name(self, serializer: Any, direction: Any) -> str:
        qualname = type(serializer).__qualname__
        if "." in qualname:
            return qualname.replace(".", "")
        return super().get_serializer_name(serializer, direction)
