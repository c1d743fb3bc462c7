"""What every page's layout needs: the languages for the switcher and the organisation the
signed-in person works for (one query at most, for the organisation)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def layout(request: HttpRequest) -> dict[str, Any]:
    return {"languages": settings.LANGUAGES}
