"""The type of a matrix sample maker (kept apart so per-area sample modules can import it)."""

from __future__ import annotations

from collections.abc import Callable

from accounts.models import Organisation

SampleMaker = Callable[[Organisation], str]
