"""Run the web server and a Celery worker (with the beat scheduler) together.

Used by ``make demo`` and ``make run``. The worker is a real separate process; stopping this
command (Ctrl-C) stops both. Both get ``SITE_URL``, the address e-mail links start with: the one
set in the environment, else the address served (:func:`site_url_for`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

#: Addresses that listen on every interface: no one can open a link to them.
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", "[::]"})  # noqa: S104 - names them, binds nothing


def site_url_for(addrport: str) -> str:
    """The address e-mails link to when ``SITE_URL`` is not set: the one served
    (``runserver``'s ``ADDRPORT``: ``10.0.0.5:9000``, ``[::1]:8000`` or a port alone)."""
    host, _, port = addrport.rpartition(":")
    return f"http://{host or '127.0.0.1'}:{port}"


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
        env = dict(os.environ)
        env["SITE_URL"] = env.get("SITE_URL") or site_url_for(addrport)
        self.stdout.write(f"E-mail links start with {env['SITE_URL']} (SITE_URL)")
        if addrport.rpartition(":")[0] in WILDCARD_HOSTS and not os.environ.get("SITE_URL"):
            self.stdout.write(
                self.style.WARNING(
                    "Serving on every interface: set SITE_URL to the address people open, "
                    "or the links of e-mails will not work."
                )
            )
        self.stdout.write(f"Starting worker: {' '.join(worker_cmd)}")
        worker = subprocess.Popen(worker_cmd, env=env)  # noqa: S603 - our own interpreter and args
        self.stdout.write(f"Starting web server on http://{addrport}/ (login page: /login/)")
        web = subprocess.Popen(web_cmd, env=env)  # noqa: S603
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
