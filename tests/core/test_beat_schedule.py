"""Every periodic entry of the beat schedule names a task the workers know."""

from __future__ import annotations

from config.celery import _beat_schedule, app


def test_every_beat_entry_names_a_registered_task() -> None:
    app.loader.import_default_modules()
    schedule = _beat_schedule()
    unknown = {
        name: entry["task"] for name, entry in schedule.items() if entry["task"] not in app.tasks
    }
    assert unknown == {}
    assert sorted(schedule) == [
        "expire-footprint-requests",
        "pact-deliveries",
        "purge-expired-tokens",
        "refresh-boms",
        "refresh-decisions",
        "remind-footprint-requests",
        "sweep-jobs",
    ]
