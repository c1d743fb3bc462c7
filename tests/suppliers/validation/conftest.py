"""Fixtures of the validation pipeline tests: a registry holding only the rules a test puts
in it, and helpers to make, submit and validate footprints."""

from __future__ import annotations

from typing import Any

import pytest

from core.jobs import job_execute
from core.models import Job
from suppliers.validation import registry
from suppliers.validation.registry import Rule, RuleFunction
from tests.suppliers.conftest import Producer, footprint_input


class Rules:
    """The registry for one test; the shipped rules come back afterwards."""

    def __init__(self, table: dict[str, Rule]) -> None:
        self.table = table

    def add(self, code: str, check: RuleFunction) -> None:
        self.table[code] = Rule(code=code, title=code, legal_source="tests", check=check)


@pytest.fixture
def rules(monkeypatch: pytest.MonkeyPatch) -> Rules:
    table: dict[str, Rule] = {}
    monkeypatch.setattr(registry, "RULES", table)
    return Rules(table)


def draft(producer: Producer, **overrides: Any) -> str:
    response = producer.api("preparer").post(
        producer.url("footprints/"), footprint_input(producer, **overrides), format="json"
    )
    assert response.status_code == 201, response.content
    return str(response.json()["id"])


def submit(producer: Producer, footprint_id: str, role: str = "preparer") -> Any:
    response = producer.api(role).post(
        producer.url(f"footprints/{footprint_id}/submit/"), {}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def validation_jobs() -> list[Job]:
    return list(Job.objects.filter(kind="suppliers.validate_footprint").order_by("id"))


def run_pending_jobs() -> list[str]:
    """Execute every pending validation job once, in creation order; their outcomes."""
    return [
        job_execute(job_id=job.pk).status
        for job in validation_jobs()
        if job.status == Job.Status.PENDING
    ]


def finding_rows(run_id: Any) -> list[dict[str, Any]]:
    from suppliers.models import ValidationFinding

    return list(
        ValidationFinding.objects.filter(run_id=run_id)
        .order_by("position")
        .values(
            "position",
            "code",
            "severity",
            "path",
            "message_en",
            "message_zh",
            "evidence",
            "default_value_required",
        )
    )
