"""The Celery application: JSON only, late acknowledgement, one message at a time.

Why each setting (docs/architecture.md, "Background work"):
- ``task_acks_late`` + ``task_reject_on_worker_lost``: a message is acknowledged only after
  its task finished, so a worker killed mid-task (SIGKILL, OOM) leaves it to be redelivered.
- ``worker_prefetch_multiplier = 1``: a worker holds only the message it works on, so a
  killed worker strands at most one message per process.
- time limits below the broker's visibility timeout: a task still running is never
  redelivered to a second worker.
- publish retry policy + socket timeouts: a frozen Redis cannot hang a web request; the work
  row stays pending and the sweeper enqueues it again.
"""

from __future__ import annotations

import os
from datetime import timedelta

from celery import Celery
from celery.signals import task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("cbam_exchange")
app.config_from_object("django.conf:settings", namespace="CELERY")

app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_ignore_result=True,
    task_track_started=False,
    broker_connection_retry_on_startup=True,
    broker_connection_timeout=3,
    worker_cancel_long_running_tasks_on_connection_loss=True,
    task_publish_retry=True,
    task_publish_retry_policy={
        "max_retries": 2,
        "interval_start": 0,
        "interval_step": 0.5,
        "interval_max": 1,
    },
    worker_hijack_root_logger=False,
    timezone="UTC",
)


def _beat_schedule() -> dict[str, dict[str, object]]:
    from django.conf import settings

    return {
        "sweep-jobs": {
            "task": "core.sweep_jobs",
            "schedule": timedelta(seconds=settings.JOB_SWEEP_INTERVAL_SECONDS),
        },
        "refresh-decisions": {
            "task": "suppliers.refresh_decisions",
            "schedule": timedelta(seconds=settings.DECISION_REFRESH_INTERVAL_SECONDS),
        },
        "expire-footprint-requests": {
            "task": "sharing.expire_requests",
            "schedule": timedelta(seconds=settings.SHARING_PERIODIC_INTERVAL_SECONDS),
        },
        "remind-footprint-requests": {
            "task": "sharing.remind_due_requests",
            "schedule": timedelta(seconds=settings.SHARING_PERIODIC_INTERVAL_SECONDS),
        },
        "refresh-boms": {
            "task": "boms.refresh_results",
            "schedule": timedelta(seconds=settings.BOMS_REFRESH_INTERVAL_SECONDS),
        },
        "pact-deliveries": {
            "task": "partners.deliveries_due",
            "schedule": timedelta(seconds=settings.PACT_DELIVERY_INTERVAL_SECONDS),
        },
        "purge-expired-tokens": {
            "task": "accounts.purge_expired_tokens",
            "schedule": timedelta(seconds=settings.TOKEN_PURGE_INTERVAL_SECONDS),
        },
    }


@app.on_after_configure.connect
def _setup_periodic_tasks(sender: Celery, **kwargs: object) -> None:
    sender.conf.beat_schedule = _beat_schedule()


@task_prerun.connect
def _usable_database_connection(**kwargs: object) -> None:
    # Workers keep their connection between tasks (CELERY_DB_REUSE_MAX); like a web request,
    # a task starts by dropping one that is broken (a database restart) or past CONN_MAX_AGE.
    from django.db import close_old_connections

    close_old_connections()


app.autodiscover_tasks()
