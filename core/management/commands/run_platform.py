"""Run the web server and a Celery worker (with the beat scheduler) together.

Used by ``make demo``. The worker is a real separate process; stopping this command (Ctrl-C)
stops both.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the platform on ADDRPORT and run a worker process beside it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, addrport: str, **options: Any) -> None:
        schedule = settings.VAR_DIR / "celerybeat-schedule"
        worker_cmd = [
            sys.executable, "-m", "celery", "-A", "config", "worker", "--beat",
            f"--schedule={schedule}", "--concurrency=2", "--loglevel=INFO",
            "-Q", settings.CELERY_TASK_DEFAULT_QUEUE,
        ]  # fmt: skip
        web_cmd = [sys.executable, "manage.py", "runserver", addrport, "--noreload"]
        self.stdout.write(f"Starting worker: {' '.join(worker_cmd)}")
        worker = subprocess.Popen(worker_cmd)  # noqa: S603 - our own interpreter and args
        self.stdout.write(f"Starting web server on http://{addrport}/ (login page: /login/)")
        web = subprocess.Popen(web_cmd)  # noqa: S603
        children = [worker, web]

        def stop(*_: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            stop()
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
        names = {id(worker): "worker", id(web): "web server"}
        failed = [names[id(c)] for c in children if c.returncode not in (0, -15, None)]
        if failed:
            raise SystemExit(f"stopped because the {' and the '.join(failed)} exited")
