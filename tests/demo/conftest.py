from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

#: The demo is about 2026: exposure is priced in the year of "today" (decision_year), the
#: shipments must not be in the future and the requests are due a few weeks after today.
TODAY = date(2026, 11, 21)


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> date:
    real = timezone.localdate

    def localdate(value: Any = None, timezone: Any = None) -> date:
        return TODAY if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return TODAY


@pytest.fixture(autouse=True)
def _reference_data_only_when_asked(request: pytest.FixtureRequest) -> None:
    """The seed commands check that the reference data is loaded: a demo test that does not ask
    for ``reference_data`` runs without the data the session loaded (tests/conftest.py)."""
    uses_db = request.node.get_closest_marker("django_db") or "db" in request.fixturenames
    if uses_db and "reference_data" not in request.fixturenames:
        request.getfixturevalue("no_reference_data")
