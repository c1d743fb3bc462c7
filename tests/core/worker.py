"""Real Celery worker processes and a real Redis queue for the background-work tests.

Nothing here imitates the broker or the worker: ``start_worker`` runs
``python -m celery -A config worker`` as a separate process (its own process group, so a test
can SIGKILL it with its pool child), and ``celery_on_redis`` points this process's Celery app
at the test Redis database so that ``job_create`` / ``job_publish`` really send messages there.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import redis
from django.db import connection
from kombu import pools

from tests.conftest import TEST_REDIS_URL, service_unavailable

REPO_ROOT = Path(__file__).resolve().parents[2]

# The worker's limits (settings.py derives the lease and checks the visibility timeout):
# a task may run 6 s, its lease lasts 6 + 5 = 11 s, Redis hands an unacknowledged message
# to another consumer after 12 s.
WORKER_TASK_TIME_LIMIT = 6
WORKER_VISIBILITY_TIMEOUT = 12

# Same shape as the production Redis options in settings.py, with the test's timeout.
REDIS_TRANSPORT_OPTIONS: dict[str, object] = {
    "visibility_timeout": WORKER_VISIBILITY_TIMEOUT,
    "unacked_restore_limit": 100,
    "unacked_restore_interval": 5,
    "unacked_restore_throttle": 1,
    "unacked_mutex_expire": 30,
    "socket_timeout": 5,
    "socket_connect_timeout": 3,
}


def unique_queue() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def redis_test_client() -> redis.Redis:
    """A client for the test Redis database (db 15), or skip/fail when Redis is down."""
    client = redis.Redis.from_url(TEST_REDIS_URL, socket_timeout=2, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        service_unavailable(f"Redis at {TEST_REDIS_URL}: {exc}")
    db = client.connection_pool.connection_kwargs.get("db")
    if db in (None, 0):
        raise RuntimeError(f"refusing to use Redis db {db!r} for tests: {TEST_REDIS_URL}")
    return client


def _reset_connections(app: Any) -> None:
    """Drop the app's broker connections and cached routing so the next publish re-reads
    ``app.conf`` (the broker URL, the transport options and the default queue)."""
    app._pool = None
    pools.reset()  # closes kombu's process-wide connection and producer pools
    app.__dict__.pop("amqp", None)  # cached: producer pool, queues and router


@contextmanager
def celery_on_redis(queue: str, broker_url: str = TEST_REDIS_URL) -> Iterator[Any]:
    """Point this process's Celery app (``config.celery.app``) at ``broker_url`` and
    ``queue``; restore the previous configuration afterwards."""
    from config.celery import app

    keys = ("broker_url", "broker_transport_options", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    # Celery reads the environment before app.conf for the broker URL.
    saved_env = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = broker_url
    app.conf.update(
        broker_url=broker_url,
        broker_transport_options=dict(REDIS_TRANSPORT_OPTIONS),
        task_default_queue=queue,
    )
    _reset_connections(app)
    try:
        yield app
    finally:
        _reset_connections(app)
        app.conf.update(saved)
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env


def queued_job_ids(client: redis.Redis, queue: str) -> list[int]:
    """Job ids of the ``core.run_job`` messages waiting in ``queue``, oldest first."""
    ids: list[int] = []
    for raw in reversed(client.lrange(queue, 0, -1)):  # LPUSH in, BRPOP out
        message = json.loads(raw)
        assert message["headers"]["task"] == "core.run_job", message["headers"]
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        ids.append(args[0])
    return ids


def database_url_for_worker() -> str:
    """A DATABASE_URL naming the database this test process uses (the test database)."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(settings_dict["NAME"])
        if name == ":memory:" or name.startswith("file:"):
            raise RuntimeError("a worker process cannot share an in-memory SQLite database")
        return f"sqlite:///{Path(name).resolve()}"
    if connection.vendor == "postgresql":
        user = quote(settings_dict.get("USER") or "", safe="")
        password = settings_dict.get("PASSWORD") or ""
        credentials = f"{user}:{quote(password, safe='')}@" if password else f"{user}@"
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = settings_dict.get("PORT") or 5432
        return f"postgres://{credentials}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"
    raise RuntimeError(f"no worker database URL for {connection.vendor}")


def _state(pid: int) -> str | None:
    """The /proc state letter of ``pid`` (R, S, Z, …), or None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return stat.rsplit(")", 1)[1].split()[0]


def is_alive(pid: int) -> bool:
    return _state(pid) not in (None, "Z", "X")


def child_pids(pid: int) -> list[int]:
    """Live processes whose parent is ``pid`` (from /proc; psutil is not a dependency)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] not in ("Z", "X"):
            children.append(int(entry.name))
    return sorted(children)


def wait_until(
    condition: Callable[[], Any],
    *,
    timeout: float,
    describe: Callable[[], str],
    interval: float = 0.1,
) -> Any:
    """Poll ``condition`` until it returns something truthy; fail with ``describe()``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"still waiting after {timeout} s: {describe()}")
        time.sleep(interval)


@dataclass
class Worker:
    """One ``celery worker`` process (and its pool child) writing to ``log_path``."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    beat: bool
    killed: bool = field(default=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def children(self) -> list[int]:
        """The prefork pool process (and, with ``--beat``, the embedded beat process)."""
        return child_pids(self.pid)

    def wait_ready(self, timeout: float = 30) -> None:
        def ready() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"worker {self.name} exited with {self.process.returncode}\n{self.log()}"
                )
            return " ready." in self.log()

        wait_until(
            ready,
            timeout=timeout,
            describe=lambda: f"worker {self.name} to be ready\n{self.describe()}",
        )

    def kill(self) -> None:
        """SIGKILL the whole process group (main process and pool child), like the OOM
        killer or a pulled plug: no acknowledgement, no shutdown handler runs."""
        group = [self.pid, *child_pids(self.pid)]
        with suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        self.killed = True
        self.process.wait(timeout=10)
        wait_until(
            lambda: not any(is_alive(pid) for pid in group),
            timeout=10,
            describe=lambda: f"processes {group} of worker {self.name} to die",
        )

    def describe(self) -> str:
        return f"--- log of worker {self.name} (pid {self.pid}) ---\n{self.log()}"


def start_worker(
    *,
    queue: str,
    log_dir: Path,
    beat: bool = False,
    extra_env: dict[str, str] | None = None,
) -> Worker:
    """Start ``celery worker`` (prefork, one child) on ``queue`` against the test Redis and
    the test database. Call ``wait_ready`` before relying on it and ``kill`` at the end."""
    name = f"{queue}-{uuid.uuid4().hex[:6]}"
    log_path = log_dir / f"{name}.log"
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker",
        "--pool=prefork", "--concurrency=1", "-Q", queue, "--loglevel=INFO",
        "-n", f"{name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    if beat:
        command += ["--beat", "--schedule", str(log_dir / f"{name}-beat-schedule")]
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url_for_worker(),
        "CELERY_BROKER_URL": TEST_REDIS_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CELERY_TASK_TIME_LIMIT": str(WORKER_TASK_TIME_LIMIT),
        "BROKER_VISIBILITY_TIMEOUT": str(WORKER_VISIBILITY_TIMEOUT),
        **(extra_env or {}),
    }
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Worker(name=name, process=process, log_path=log_path, beat=beat)


class WorkerGroup:
    """The workers one test started; all of them are killed at the end of the test."""

    def __init__(self, *, queue: str, log_dir: Path) -> None:
        self.queue = queue
        self.log_dir = log_dir
        self.started: list[Worker] = []

    def start(self, *, beat: bool = False, extra_env: dict[str, str] | None = None) -> Worker:
        worker = start_worker(
            queue=self.queue, log_dir=self.log_dir, beat=beat, extra_env=extra_env
        )
        self.started.append(worker)
        worker.wait_ready()
        return worker

    def logs(self) -> str:
        """Every worker's output, for failure messages."""
        return "\n".join(worker.describe() for worker in self.started) or "(no worker started)"

    def kill_all(self) -> None:
        """Kill every worker still running, even if killing one of them fails."""
        errors = []
        for worker in self.started:
            if worker.killed:
                continue
            try:
                worker.kill()
            except Exception as exc:
                errors.append(f"{worker.name}: {exc!r}")
        if errors:
            raise RuntimeError(f"could not kill workers: {errors}")
