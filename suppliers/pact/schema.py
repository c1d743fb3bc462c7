"""The JSON schema (draft 2020-12) of our PACT data model extension, as the platform serves it.

The file ``schemas/cbam-footprint-v1.json`` is the published Extension Schema File (WBCSD Data
Model Extensions 2.0.0: a valid JSON Schema document at a public https URL). The platform
serves it at ``/schemas/cbam-exchange/cbam-footprint-v1.json``; documents name that URL in
their extension's ``dataSchema``. A change that rejects data valid today needs a new file
(``-v2``); the v1 file keeps validating the documents that name it.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from importlib import resources
from typing import Any

from suppliers.pact.document import extension_schema_url

SCHEMA_FILE = "cbam-footprint-v1.json"


@lru_cache(maxsize=1)
def _schema_file() -> dict[str, Any]:
    text = resources.files("suppliers.pact").joinpath("schemas", SCHEMA_FILE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def cbam_extension_schema(*, platform_host: str | None = None) -> dict[str, Any]:
    """The extension schema as a fresh dict (callers may change it).

    With ``platform_host`` its ``$id`` is the URL it is served at on that host, which is what a
    schema served over HTTP should carry; without, the file as shipped (no ``$id``).
    """
    schema = copy.deepcopy(_schema_file())
    if platform_host is not None:
        schema = {"$schema": schema["$schema"], "$id": extension_schema_url(platform_host)} | {
            k: v for k, v in schema.items() if k != "$schema"
        }
    return schema


def cbam_extension_schema_bytes(*, platform_host: str | None = None) -> bytes:
    """The schema as UTF-8 JSON for an HTTP response (2-space indent, keys in file order)."""
    text = json.dumps(
        cbam_extension_schema(platform_host=platform_host), indent=2, ensure_ascii=False
    )
    return (text + "\n").encode("utf-8")
