"""Benchmark: submissions validated per second end to end through real Celery workers.

All sides validate the same footprints in the same run, on the same PostgreSQL server:

- floor (per footprint): in this process, ``run_rules(rule_context(footprint))`` in a loop over
  the footprints loaded with ``footprint_for_facts()`` (the facts queries and the rules; no SEE
  recompute, no writes, no broker);
- floor (bulk): in this process, the in-memory work of the chunk path, per chunk of
  ``--chunk-size`` footprints, with the production functions: the bulk load
  (``validation_chunk_footprints``, without the row locks), SEE recompute, facts through the
  chunk's shared ``ReferenceReader`` and rules (``validation_chunk_evaluate``), and the
  decision records (``run_decision_record``, built, not stored); no writes, no broker;
- ours: ``footprints_submit_batch`` (batches of 500) publishes one ``core.run_job`` message per
  submission to Redis (a dedicated database index, a queue of this run's own); ``--workers``
  worker processes (``celery -A config worker --pool=prefork --concurrency=1`` each, so one
  pool child per worker) execute ``validation_run_execute``: SEE recompute, facts, rules,
  findings, the footprint's move and audit, the default-value decision refresh, the job's
  bookkeeping. Throughput is counted until every run is finished (polled from the database).

Modes (``--mode``): ``queued`` (default) submits everything first, then starts the workers; the
rate is N over the window from the first run's ``started_at`` to the last run's ``finished_at``
(database timestamps; worker start-up excluded, and reported separately). ``live`` starts the
workers first and measures from the first submission to the last run finished (submission and
validation compete for the same cores).

The workers' resident memory (``VmRSS`` of each worker process and its pool child, from
/proc, plus PSS of the pair) is sampled when they are ready and every ``--sample-interval``
seconds. Afterwards ``--profile-tasks`` more submissions are executed in this process with
``core.jobs.job_execute`` (no broker): timed as the worker runs them (connection closed
before and after each task, as Celery's Django fixup does) and with a kept connection, then
per phase and under cProfile.

The database (``cbam_bench_validation`` on the server of ``DATABASE_URL``, or
postgres://postgres@127.0.0.1:5432) is created, migrated, seeded with the shipped reference
data, one producer, a preparer, an installation, a product and N valid drafts (one made by
``footprint_create``, the rest copied row by row with new ids: footprint, precursor, audit
event), and dropped at the end; Redis ``--redis-url`` (db 12) is flushed before and after.
Workers and this process run with ``DEBUG=false`` (production settings, dev secrets) unless
``--debug``.

Run: ``.venv/bin/python bench/validation.py [--footprints 2000] [--workers 2] [--mode queued]``
(``--footprints 10000`` for the memory check). Figures go to docs/benchmarks.md.
Goals: at least 200 submissions/s end to end, at least 30 % of the floor (both are reported),
worker RSS flat and under 300 MB over 10,000 submissions.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._support import database_create, database_drop, database_urls  # noqa: E402

DB_NAME = "cbam_bench_validation"
BATCH = 500  # footprints_submit_batch's maximum


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--footprints", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument(
        "--concurrency", type=int, default=1, help="prefork pool children per worker"
    )
    parser.add_argument("--mode", choices=("queued", "live"), default="queued")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--sample-interval", type=float, default=2.0, help="RSS sampling, s")
    parser.add_argument("--timeout", type=float, default=1800, help="end-to-end wait limit, s")
    parser.add_argument("--hard-timeout", type=int, default=3600, help="whole run limit, s")
    parser.add_argument("--profile-tasks", type=int, default=300, help="0: no profile")
    parser.add_argument("--debug", action="store_true", help="DEBUG=true (dev settings)")
    parser.add_argument("--loglevel", default="INFO", help="workers' log level")
    parser.add_argument("--keep-logs", action="store_true")
    parser.add_argument(
        "--db-reuse-max",
        type=int,
        default=0,
        help="experiment: give the workers Celery's CELERY_DB_REUSE_MAX (a settings module in "
        "the run's temporary directory); 0 = the project's settings as they are",
    )
    parser.add_argument(
        "--chunk-size",
        type=int,
        default=0,
        help="VALIDATION_CHUNK_SIZE for the submissions (runs per work row; 1 = one job per "
        "submission); 0 = the project's setting",
    )
    parser.add_argument(
        "--dump-sql", action="store_true", help="print the statements of one in-process job"
    )
    return parser.parse_args()


# --------------------------------------------------------------------------- /proc


def child_pids(pid: int) -> list[int]:
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


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def system_busy_seconds() -> float:
    """CPU seconds spent busy by all cores since boot (/proc/stat: all but idle and iowait)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values[:8]) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


def pss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return None


# --------------------------------------------------------------------------- workers


@dataclass
class Worker:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self) -> None:
        """SIGTERM the process group (warm shutdown), SIGKILL after 15 s."""
        if self.process.poll() is not None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        # The pool child leaves with its parent; make sure nothing of the group survives.
        with suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)


def start_worker(index: int, *, queue: str, log_dir: Path, args: argparse.Namespace) -> Worker:
    name = f"bench{index}-{queue}"
    log_path = log_dir / f"{name}.log"
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker",
        "--pool=prefork", f"--concurrency={args.concurrency}", "-Q", queue,
        f"--loglevel={args.loglevel}", "-n", f"{name}@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(ROOT),
    }
    if args.db_reuse_max:
        module = log_dir / "bench_worker_settings.py"
        module.write_text(
            "from config.settings import *  # noqa: F403\n"
            f"CELERY_DB_REUSE_MAX = {args.db_reuse_max}\n"
        )
        env["DJANGO_SETTINGS_MODULE"] = "bench_worker_settings"
        env["PYTHONPATH"] = os.pathsep.join([str(log_dir), str(ROOT)])
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Worker(name=name, process=process, log_path=log_path)


def wait_ready(workers: list[Worker], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    pending = list(workers)
    while pending:
        for worker in list(pending):
            if worker.process.poll() is not None:
                raise RuntimeError(f"worker {worker.name} exited\n{worker.log()}")
            if " ready." in worker.log():
                pending.remove(worker)
        if time.monotonic() > deadline:
            raise RuntimeError(f"workers not ready after {timeout} s\n{pending[0].log()}")
        time.sleep(0.05)


@dataclass
class Sample:
    t: float
    done: int
    rss: dict[int, tuple[int, list[int]]]  # worker pid -> (main RSS, children RSS) in KiB
    pss: dict[int, int]  # worker pid -> PSS of main + children, KiB
    cpu: dict[int, tuple[float, float]]  # worker pid -> (main, children) CPU seconds
    busy: float  # CPU seconds of the whole machine


@dataclass
class MemorySampler:
    workers: list[Worker]
    interval: float
    samples: list[Sample] = field(default_factory=list)
    done: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def sample(self) -> None:
        rss: dict[int, tuple[int, list[int]]] = {}
        pss: dict[int, int] = {}
        cpu: dict[int, tuple[float, float]] = {}
        for worker in self.workers:
            children = child_pids(worker.pid)
            rss[worker.pid] = (rss_kib(worker.pid) or 0, [rss_kib(c) or 0 for c in children])
            pss[worker.pid] = sum(pss_kib(p) or 0 for p in (worker.pid, *children))
            cpu[worker.pid] = (cpu_seconds(worker.pid), sum(cpu_seconds(c) for c in children))
        busy = system_busy_seconds()
        self.samples.append(Sample(time.monotonic(), self.done, rss, pss, cpu, busy))

    def start(self) -> None:
        self.sample()

        def loop() -> None:
            while not self._stop.wait(self.interval):
                self.sample()

        self._thread = threading.Thread(target=loop, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.sample()


# --------------------------------------------------------------------------- set-up


def django_setup(args: argparse.Namespace, bench_url: str, queue: str, var_dir: Path) -> None:
    os.environ["DATABASE_URL"] = bench_url
    os.environ["CELERY_BROKER_URL"] = args.redis_url
    os.environ["CELERY_TASK_DEFAULT_QUEUE"] = queue
    os.environ["CBAM_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if args.debug:
        os.environ["DEBUG"] = "true"
    else:
        # Production settings (DEBUG=false: no query log) with the development secrets.
        os.environ["DEBUG"] = "false"
        os.environ.setdefault(
            "SECRET_KEY", "bench-only-7f3c9a1e5b2d4c6a8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f"
        )
        os.environ.setdefault(
            "FIELD_ENCRYPTION_KEY", "ZGV2LW9ubHktZmllbGQtZW5jcnlwdGlvbi1rZXktMzI="
        )
        os.environ["REDIS_URL"] = args.redis_url
        os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
        os.environ.setdefault("SITE_URL", "https://127.0.0.1")
    import django

    django.setup()
    if args.chunk_size:
        # Chunks are cut when submitting (here); the workers run whatever a job holds.
        from django.conf import settings

        settings.VALIDATION_CHUNK_SIZE = args.chunk_size


@dataclass
class World:
    organisation: Any
    actor: Any
    template: Any


def seed() -> World:
    from accounts.audit import Actor
    from accounts.models import Membership, Organisation, User
    from accounts.roles import OrganisationKind, Role
    from reference.services import reference_data_load_shipped
    from suppliers.models import Installation, Product
    from suppliers.services.footprints import footprint_create
    from tests.suppliers.conftest import footprint_input

    reference_data_load_shipped(actor=Actor.platform("bench"))
    organisation = Organisation.objects.create(
        slug="bench-steel", legal_name="基准钢铁", legal_name_latin="Bench Steel", country="CN"
    )
    organisation.kinds.create(kind=OrganisationKind.PRODUCER)
    user = User.objects.create(email="preparer@bench.example", full_name="Bench Preparer")
    Membership.objects.create(user=user, organisation=organisation, role=Role.PREPARER)
    installation = Installation.objects.create(
        organisation=organisation,
        name="唐山钢铁厂",
        name_latin="Tangshan steel works",
        country="CN",
    )
    product = Product.objects.create(
        organisation=organisation,
        name="Hot-rolled coil",
        cn_code="72083900",
        category="Iron or steel products",
    )
    product.installations.add(installation)
    actor = Actor(user=user)
    holder = argparse.Namespace(product=product, installation=installation)
    template = footprint_create(
        actor=actor,
        organisation=organisation,
        data=footprint_input(holder),  # type: ignore[arg-type]
    )
    return World(organisation=organisation, actor=actor, template=template)


def clone_drafts(world: World, count: int) -> list[str]:
    """``count`` copies of the template draft (footprint, precursors, creation audit event),
    each with a new id; returns their ids."""
    from django.db import transaction

    from accounts.models import AuditEvent
    from suppliers.models import Footprint, FootprintPrecursor

    template = world.template
    old_id = str(template.pk)
    fields = [f.attname for f in Footprint._meta.concrete_fields if f.attname != "id"]
    base = {name: getattr(template, name) for name in fields}
    calculation = json.dumps(template.calculation)
    precursors = list(FootprintPrecursor.objects.filter(footprint=template).values())
    audit = AuditEvent.objects.filter(object_id=old_id, action="footprint.created").values().get()
    ids: list[str] = []
    for start in range(0, count, 1000):
        size = min(1000, count - start)
        footprints, rows, events = [], [], []
        for _ in range(size):
            new_id = uuid.uuid4()
            values = dict(base, calculation=json.loads(calculation.replace(old_id, str(new_id))))
            values["lineage"] = new_id  # each copy is a footprint of its own
            footprints.append(Footprint(id=new_id, **values))
            for p in precursors:
                rows.append(FootprintPrecursor(**{**p, "id": None, "footprint_id": new_id}))
            events.append(AuditEvent(**{**audit, "id": None, "object_id": str(new_id)}))
            ids.append(str(new_id))
        with transaction.atomic():
            Footprint.objects.bulk_create(footprints)
            FootprintPrecursor.objects.bulk_create(rows)
            AuditEvent.objects.bulk_create(events)
    return ids


def submit_all(world: World, ids: list[str]) -> float:
    """Submit ``ids`` in batches of 500; returns the seconds it took."""
    from suppliers.validation.batches import footprints_submit_batch

    started = time.perf_counter()
    for start in range(0, len(ids), BATCH):
        footprints_submit_batch(
            actor=world.actor,
            organisation=world.organisation,
            footprint_ids=ids[start : start + BATCH],
        )
    return time.perf_counter() - started


# --------------------------------------------------------------------------- floor


@dataclass
class Floor:
    count: int
    facts_seconds: float
    rules_seconds: float
    load_seconds: float
    counts: Counter[tuple[int, int, int]]

    @property
    def seconds(self) -> float:
        return self.facts_seconds + self.rules_seconds

    @property
    def rate(self) -> float:
        return self.count / self.seconds


def floor_run(organisation: Any) -> Floor:
    """``run_rules(rule_context(footprint))`` for every draft of the organisation, in this
    process; loading the footprints (chunks of 500, relations prefetched) is timed apart."""
    from django.utils import timezone

    from suppliers.validation.facts import footprint_for_facts, rule_context
    from suppliers.validation.registry import run_rules

    today = timezone.localdate()
    queryset = footprint_for_facts().filter(organisation=organisation).order_by("pk")
    for footprint in queryset[:20]:  # warm-up: snapshot cache, imports
        run_rules(rule_context(footprint, today=today))
    facts = rules = 0.0
    counts: Counter[tuple[int, int, int]] = Counter()
    count = 0
    started = time.perf_counter()
    for footprint in queryset.iterator(chunk_size=BATCH):
        t0 = time.perf_counter()
        ctx = rule_context(footprint, today=today)
        t1 = time.perf_counter()
        findings = run_rules(ctx)
        t2 = time.perf_counter()
        facts += t1 - t0
        rules += t2 - t1
        count += 1
        counts[severity_counts(findings)] += 1
    total = time.perf_counter() - started
    return Floor(count, facts, rules, total - facts - rules, counts)


SEVERITY_ORDER = ("error", "warning", "info")


def severity_counts(findings: Any) -> tuple[int, int, int]:
    errors, warnings, infos = (sum(1 for f in findings if f.severity == s) for s in SEVERITY_ORDER)
    return errors, warnings, infos


@dataclass
class BulkFloor:
    count: int
    chunk_size: int
    chunks: int
    load_seconds: float  # bulk load: footprints, precursors, evidence
    evaluate_seconds: float  # validation_chunk_evaluate: keys, versions, SEE, facts, rules
    decision_seconds: float  # run_decision_record per footprint (digest, decide, record; unsaved)
    queries: int
    counts: Counter[tuple[int, int, int]]

    @property
    def seconds(self) -> float:
        return self.load_seconds + self.evaluate_seconds + self.decision_seconds

    @property
    def rate(self) -> float:
        return self.count / self.seconds


def bulk_floor_run(ids: list[str], chunk_size: int) -> BulkFloor:
    """The chunk path's in-process work without writes, locks or broker, per chunk of
    ``chunk_size`` of ``ids``, through the production functions: ``validation_chunk_footprints``
    (the bulk load; the handler adds ``select_for_update``), ``validation_chunk_evaluate`` (SEE
    recompute in memory, facts through the chunk's ``ReferenceReader``, rules) and
    ``run_decision_record`` for each run (the decision, not stored). Everything is timed, the
    loads included."""
    from django.db import connection
    from django.utils import timezone

    from suppliers.models import ValidationRun
    from suppliers.validation.chunks import validation_chunk_evaluate, validation_chunk_footprints
    from suppliers.validation.outcomes import RunWork, run_decision_record

    today = timezone.localdate()
    queries = 0

    def count_query(execute: Callable[..., Any], sql: str, *rest: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, *rest)

    def chunk(chunk_ids: list[str]) -> tuple[list[Any], float, float, float]:
        t0 = time.perf_counter()
        work = [
            RunWork(ValidationRun(footprint=fp), fp, today)  # an unsaved run: nothing reads it
            for fp in validation_chunk_footprints(chunk_ids)
        ]
        t1 = time.perf_counter()
        reference, keys = validation_chunk_evaluate(work)
        t2 = time.perf_counter()
        records = [run_decision_record(w, keys, reference) for w in work if w.crash is None]
        t3 = time.perf_counter()
        crashed = [w.crash for w in work if w.crash is not None]
        assert not crashed, crashed
        assert len(records) == len(chunk_ids), (len(records), len(chunk_ids))
        return work, t1 - t0, t2 - t1, t3 - t2

    chunk(ids[:chunk_size])  # warm-up: imports, the engine's caches
    load = evaluate = decision = 0.0
    counts: Counter[tuple[int, int, int]] = Counter()
    chunks = 0
    with connection.execute_wrapper(count_query):
        for start in range(0, len(ids), chunk_size):
            work, t_load, t_evaluate, t_decision = chunk(ids[start : start + chunk_size])
            load += t_load
            evaluate += t_evaluate
            decision += t_decision
            chunks += 1
            counts.update(severity_counts(w.findings) for w in work)
    return BulkFloor(len(ids), chunk_size, chunks, load, evaluate, decision, queries, counts)


# --------------------------------------------------------------------------- end to end


@dataclass
class EndToEnd:
    total: int
    submit_seconds: float
    window_seconds: float  # first run started -> last run finished (database clock)
    wall_seconds: float  # queued: workers launched -> all done; live: first submission -> done
    startup_seconds: float
    sampler: MemorySampler
    outcome: dict[str, Any]

    @property
    def rate(self) -> float:
        return self.total / self.window_seconds


def runs_done() -> int:
    from suppliers.models import ValidationRun

    return ValidationRun.objects.filter(finished_at__isnull=False).count()


def wait_all_done(
    total: int, sampler: MemorySampler, workers: list[Worker], timeout: float
) -> float:
    started = time.monotonic()
    last_report = started
    while True:
        done = runs_done()
        sampler.done = done
        now = time.monotonic()
        if done >= total:
            return now
        for worker in workers:
            if worker.process.poll() is not None:
                raise RuntimeError(f"worker {worker.name} died\n{worker.log()[-4000:]}")
        if now - started > timeout:
            raise TimeoutError(f"only {done} of {total} runs finished after {timeout:.0f} s")
        if now - last_report >= 10:
            last_report = now
            rss = sampler.samples[-1].rss if sampler.samples else {}
            mib = ", ".join(f"{(main + sum(ch)) / 1024:.0f}" for main, ch in rss.values())
            print(f"  {now - started:6.1f} s  {done:6d}/{total} finished   worker RSS MiB [{mib}]")
        time.sleep(0.25)


def outcome_summary() -> dict[str, Any]:
    from django.db.models import Count, Max, Min

    from core.models import Job
    from suppliers.models import (
        DefaultValueDecisionRecord,
        Footprint,
        ValidationFinding,
        ValidationRun,
    )

    def by(model: Any, name: str) -> dict[str, int]:
        return dict(model.objects.values_list(name).annotate(n=Count("pk")).order_by(name))

    window = ValidationRun.objects.aggregate(first=Min("started_at"), last=Max("finished_at"))
    return {
        "runs": by(ValidationRun, "status"),
        "attempts": dict(
            ValidationRun.objects.values_list("attempts").annotate(n=Count("pk")).order_by()
        ),
        "footprints": by(Footprint, "status"),
        "jobs": {
            f"{kind} {status}": n
            for kind, status, n in Job.objects.values_list("kind", "status")
            .annotate(n=Count("pk"))
            .order_by("kind", "status")
        },
        "findings": ValidationFinding.objects.count(),
        "decisions": DefaultValueDecisionRecord.objects.count(),
        "counts": Counter(
            ValidationRun.objects.values_list("error_count", "warning_count", "info_count")
        ),
        "window": (window["last"] - window["first"]).total_seconds(),
    }


def end_to_end(
    args: argparse.Namespace, world: World, ids: list[str], queue: str, log_dir: Path
) -> EndToEnd:
    import redis

    client = redis.Redis.from_url(args.redis_url, socket_timeout=5)
    workers: list[Worker] = []
    sampler: MemorySampler | None = None
    try:
        submit_seconds = 0.0
        if args.mode == "queued":
            submit_seconds = submit_all(world, ids)
            queued = client.llen(queue)
            print(
                f"submitted {len(ids)} in {submit_seconds:.1f} s "
                f"({len(ids) / submit_seconds:.0f}/s); {queued} messages in {queue}"
            )
        launched = time.monotonic()
        workers = [
            start_worker(i, queue=queue, log_dir=log_dir, args=args) for i in range(args.workers)
        ]
        wait_ready(workers)
        ready = time.monotonic()
        sampler = MemorySampler(workers, args.sample_interval)
        sampler.start()
        print(
            f"{args.workers} workers × {args.concurrency} pool child ready after "
            f"{ready - launched:.1f} s"
        )
        first = launched
        if args.mode == "live":
            first = time.monotonic()
            submit_seconds = submit_all(world, ids)
            print(f"submitted {len(ids)} in {submit_seconds:.1f} s while the workers ran")
        finished = wait_all_done(len(ids), sampler, workers, args.timeout)
        sampler.stop()
        outcome = outcome_summary()
        window = outcome["window"] if args.mode == "queued" else finished - first
        return EndToEnd(
            total=len(ids),
            submit_seconds=submit_seconds,
            window_seconds=window,
            wall_seconds=finished - first,
            startup_seconds=ready - launched,
            sampler=sampler,
            outcome=outcome,
        )
    finally:
        if sampler is not None:
            sampler._stop.set()
        for worker in workers:
            try:
                worker.stop()
            except Exception as exc:  # keep stopping the others
                print(f"could not stop worker {worker.name}: {exc!r}", file=sys.stderr)
        errors = [w for w in workers if "Traceback" in w.log() or "ERROR" in w.log()]
        for worker in errors[:1]:
            print(f"--- errors in the log of {worker.name} (tail) ---")
            print(worker.log()[-3000:])
        client.close()


# --------------------------------------------------------------------------- profile


class Phases:
    """Inclusive and exclusive time and queries of named functions, by patching the module
    attributes their callers look them up through."""

    def __init__(self) -> None:
        self.inclusive: dict[str, float] = defaultdict(float)
        self.exclusive: dict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()
        self.queries: Counter[str] = Counter()
        self.stack: list[list[Any]] = []  # [label, start, time in children]
        self.order: list[str] = []
        self._restore: list[tuple[Any, str, Any]] = []

    def wrap(self, module: Any, name: str, label: str) -> None:
        original = getattr(module, name)

        def wrapper(*a: Any, **kw: Any) -> Any:
            frame: list[Any] = [label, time.perf_counter(), 0.0]
            self.stack.append(frame)
            try:
                return original(*a, **kw)
            finally:
                self.stack.pop()
                elapsed = time.perf_counter() - frame[1]
                self.inclusive[label] += elapsed
                self.exclusive[label] += elapsed - frame[2]
                self.calls[label] += 1
                if self.stack:
                    self.stack[-1][2] += elapsed

        setattr(module, name, wrapper)
        self._restore.append((module, name, original))
        if label not in self.order:
            self.order.append(label)

    def count_query(self, execute: Callable[..., Any], sql: str, *rest: Any) -> Any:
        self.queries[self.stack[-1][0] if self.stack else "(task)"] += 1
        return execute(sql, *rest)

    def restore(self) -> None:
        for module, name, original in reversed(self._restore):
            setattr(module, name, original)
        self._restore.clear()


# (module, attribute, label, depth for the printout)
PHASES: tuple[tuple[str, str, str, int], ...] = (
    ("core.jobs", "_claim", "job claim (conditional UPDATE + SELECT)", 0),
    ("core.jobs", "_started", "on_start hook: runs → running", 0),
    (
        "suppliers.jobs",
        "validation_runs_execute",
        "validation_runs_execute (locks, bulk load)",
        0,
    ),
    ("suppliers.validation.chunks", "decision_signing_keys", "signing keys (digest)", 1),
    ("suppliers.validation.chunks", "_evaluate", "evaluate in memory", 1),
    ("suppliers.validation.chunks", "footprint_recompute", "SEE recompute (engine)", 2),
    ("suppliers.validation.chunks", "rule_context", "facts (rule_context)", 2),
    ("suppliers.validation.chunks", "run_rules", "rules (run_rules)", 2),
    ("suppliers.validation.chunks", "findings_store", "findings delete + bulk insert", 1),
    ("suppliers.validation.chunks", "runs_close", "runs closed (grouped UPDATE)", 1),
    (
        "suppliers.validation.chunks",
        "footprints_move_locked",
        "footprint moves (grouped UPDATE) + audit insert",
        1,
    ),
    ("suppliers.validation.chunks", "run_decision_record", "decision: digest, decide, record", 1),
    ("suppliers.validation.chunks", "decision_records_store", "decisions upsert", 1),
)


@dataclass
class Profile:
    tasks: int
    submissions: int
    worker_like_rate: float  # submissions/s, connection closed before and after each task
    kept_connection_rate: float
    phase_tasks: int
    phase_total: float
    phases: Phases
    queries_per_task: float
    top_tottime: str
    top_cumulative: str
    sql: list[tuple[str, float, str]]  # (innermost phase, ms, statement)


def profile_tasks(world: World, count: int) -> Profile:
    """Execute ``count`` submissions' jobs in this process (no broker; their messages stay in
    the flushed Redis queue): a third as the worker runs them, a third with a kept
    connection, a third per phase and under cProfile (half each). Jobs are chunks of runs,
    so every figure is per submission (run)."""
    import importlib

    from django.db import connection

    from core.jobs import job_execute
    from core.models import Job
    from suppliers.services.workflow import VALIDATE_JOB
    from suppliers.validation.runs import validation_job_run_ids

    ids = clone_drafts(world, count)
    submit_all(world, ids)
    jobs = list(Job.objects.filter(kind=VALIDATE_JOB, status=Job.Status.PENDING).order_by("pk"))
    runs = {job.pk: len(validation_job_run_ids(job)) for job in jobs}
    job_ids = [job.pk for job in jobs]
    third = max(1, len(job_ids) // 3)
    worker_like, kept, rest = (
        job_ids[:third],
        job_ids[third : 2 * third],
        job_ids[2 * third :],
    )

    def run(job_id: int) -> None:
        outcome = job_execute(job_id=job_id)
        assert outcome.status == Job.Status.SUCCEEDED, (job_id, outcome)

    started = time.perf_counter()
    for job_id in worker_like:
        connection.close()  # Celery's DjangoWorkerFixup: task_prerun and task_postrun
        run(job_id)
        connection.close()
    worker_like_rate = sum(runs[j] for j in worker_like) / (time.perf_counter() - started)

    connection.ensure_connection()
    started = time.perf_counter()
    for job_id in kept:
        run(job_id)
    kept_rate = sum(runs[j] for j in kept) / (time.perf_counter() - started)

    phased, profiled = rest[: max(1, len(rest) // 2)], rest[max(1, len(rest) // 2) :]
    phases = Phases()
    for module_name, attribute, label, _ in PHASES:
        phases.wrap(importlib.import_module(module_name), attribute, label)
    total = 0.0
    sql: list[tuple[str, float, str]] = []

    def log_sql(execute: Callable[..., Any], statement: str, *rest: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return execute(statement, *rest)
        finally:
            label = phases.stack[-1][0] if phases.stack else "(task)"
            sql.append((label, 1000 * (time.perf_counter() - t0), statement))

    try:
        with connection.execute_wrapper(phases.count_query):
            for index, job_id in enumerate(phased):
                t0 = time.perf_counter()
                if index == len(phased) - 1:
                    with connection.execute_wrapper(log_sql):
                        run(job_id)
                else:
                    run(job_id)
                total += time.perf_counter() - t0
    finally:
        phases.restore()

    profiler = cProfile.Profile()
    for job_id in profiled:
        profiler.enable()
        run(job_id)
        profiler.disable()
    tottime = io.StringIO()
    pstats.Stats(profiler, stream=tottime).strip_dirs().sort_stats("tottime").print_stats(25)
    cumulative = io.StringIO()
    pstats.Stats(profiler, stream=cumulative).strip_dirs().sort_stats("cumulative").print_stats(45)
    return Profile(
        tasks=len(jobs),
        submissions=sum(runs.values()),
        worker_like_rate=worker_like_rate,
        kept_connection_rate=kept_rate,
        phase_tasks=sum(runs[j] for j in phased),
        phase_total=total,
        phases=phases,
        queries_per_task=sum(phases.queries.values()) / sum(runs[j] for j in phased),
        top_tottime=tottime.getvalue(),
        top_cumulative=cumulative.getvalue(),
        sql=sql,
    )


# --------------------------------------------------------------------------- report


def code_version() -> str:
    """Where the code under test is, and its commit and changed files when it is a checkout."""
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "log", "-1", "--format=%h %cd", "--date=iso"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--short", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.split()[1::2]
    except (OSError, subprocess.SubprocessError):
        return f"{ROOT} (not a git checkout)"
    return f"{ROOT} at {head}" + (f", changed: {', '.join(dirty)}" if dirty else "")


def mib(kib: float) -> str:
    return f"{kib / 1024:.0f}"


def validation_chunk_size() -> int:
    from suppliers.validation.runs import validation_chunk_size as size

    return size()


def report(
    args: argparse.Namespace,
    floor: Floor,
    bulk: BulkFloor,
    e2e: EndToEnd,
    profile: Profile | None,
    setup_seconds: float,
) -> None:
    print()
    print(f"code: {code_version()}")
    print(
        f"== {e2e.total} submissions, {args.workers} worker processes × "
        f"--concurrency={args.concurrency} (prefork), mode {args.mode}, "
        f"DEBUG={'true' if args.debug else 'false'}; set-up {setup_seconds:.0f} s"
        + (f"; workers with CELERY_DB_REUSE_MAX={args.db_reuse_max}" if args.db_reuse_max else "")
        + f"; {validation_chunk_size()} runs per job (VALIDATION_CHUNK_SIZE)"
    )
    print(
        f"floor (per footprint): facts + rules in-process, 1 process: {floor.rate:7.1f} "
        "footprints/s "
        f"({1000 * floor.seconds / floor.count:.2f} ms each: facts "
        f"{1000 * floor.facts_seconds / floor.count:.2f} ms, rules "
        f"{1000 * floor.rules_seconds / floor.count:.2f} ms; loading "
        f"{1000 * floor.load_seconds / floor.count:.2f} ms/footprint not counted)"
    )
    print(
        f"floor (bulk): chunks of {bulk.chunk_size}, loads + SEE + facts + rules + decision, "
        f"no writes, 1 process: {bulk.rate:7.1f} footprints/s "
        f"({1000 * bulk.seconds / bulk.count:.2f} ms each: bulk load "
        f"{1000 * bulk.load_seconds / bulk.count:.2f} ms, SEE + facts + rules "
        f"{1000 * bulk.evaluate_seconds / bulk.count:.2f} ms, decision "
        f"{1000 * bulk.decision_seconds / bulk.count:.2f} ms; "
        f"{bulk.queries / bulk.chunks:.1f} queries per chunk)"
    )
    if args.mode == "queued":
        window = "first run started → last run finished"
        wall = f"wall {e2e.wall_seconds:.1f} s incl. worker start-up {e2e.startup_seconds:.1f} s"
    else:
        window = "first submission → last run finished"
        wall = f"workers started before (start-up {e2e.startup_seconds:.1f} s, not counted)"
    print(
        f"end to end: {e2e.rate:7.1f} submissions/s over {e2e.window_seconds:.1f} s "
        f"({window}); {wall}"
    )
    if args.mode == "queued":
        print(
            f"submission (footprints_submit_batch, before the workers): "
            f"{e2e.total / e2e.submit_seconds:.0f}/s ({e2e.submit_seconds:.1f} s)"
        )
    ratio = e2e.rate / floor.rate
    bulk_ratio = e2e.rate / bulk.rate
    print(
        f"end to end / floor (per footprint): {100 * ratio:.1f} %; "
        f"end to end / floor (bulk): {100 * bulk_ratio:.1f} %"
    )
    o = e2e.outcome
    print(
        f"runs {o['runs']}  attempts {o['attempts']}  footprints {o['footprints']}  "
        f"jobs {o['jobs']}  findings {o['findings']}  decisions {o['decisions']}"
    )
    floor_counts = dict(floor.counts)
    bulk_counts = dict(bulk.counts)
    run_counts = dict(o["counts"])
    print(
        f"findings per footprint (errors, warnings, infos): floor {floor_counts}, "
        f"bulk floor {bulk_counts}, runs {run_counts}"
    )
    checks = {
        "every run passed": o["runs"] == {"passed": e2e.total},
        "at the first attempt": o["attempts"] == {1: e2e.total},
        "every footprint in review": o["footprints"].get("in_review") == e2e.total,
        "one decision each": o["decisions"] == e2e.total,
        "findings as the floors'": run_counts == floor_counts == bulk_counts
        and o["findings"] == sum(sum(k) * v for k, v in floor_counts.items()),
    }
    print("checks: " + ", ".join(f"{k}: {'ok' if v else 'FAILED'}" for k, v in checks.items()))
    samples = e2e.sampler.samples
    print(f"worker memory ({len(samples)} samples, every {args.sample_interval:g} s), MiB:")
    peak_total = 0.0
    for pid in samples[0].rss:
        main = [s.rss[pid][0] for s in samples if pid in s.rss]
        child = [sum(s.rss[pid][1]) for s in samples if pid in s.rss]
        total = [m + c for m, c in zip(main, child, strict=True)]
        pss = [s.pss[pid] for s in samples if pid in s.pss]
        peak_total = max(peak_total, max(total))
        print(
            f"  worker pid {pid}: main RSS {mib(main[0])} → max {mib(max(main))} → end "
            f"{mib(main[-1])}; pool child RSS {mib(child[0])} → max {mib(max(child))} → end "
            f"{mib(child[-1])}; main + child RSS {mib(total[0])} → max {mib(max(total))} → end "
            f"{mib(total[-1])} (PSS {mib(pss[0])} → {mib(max(pss))} → {mib(pss[-1])})"
        )
        # Growth after warm-up: child RSS once 10 % were done vs the end.
        warm = [s for s in samples if s.done >= e2e.total * 0.1 and pid in s.rss]
        if warm:
            half = next(s for s in warm if s.done >= e2e.total * 0.5)
            print(
                f"    pool child RSS at 10 % done {mib(sum(warm[0].rss[pid][1]))}, "
                f"at 50 % {mib(sum(half.rss[pid][1]))}, end {mib(child[-1])}"
            )
    first, last = samples[0], samples[-1]
    span = last.t - first.t
    mains = sum(last.cpu[p][0] - first.cpu[p][0] for p in first.cpu)
    children = sum(last.cpu[p][1] - first.cpu[p][1] for p in first.cpu)
    busy = last.busy - first.busy
    print(
        f"CPU over {span:.1f} s (workers ready → all done), ms per submission: pool children "
        f"{1000 * children / e2e.total:.1f}, worker main processes {1000 * mains / e2e.total:.1f}, "
        f"everything else (PostgreSQL, Redis, this process) "
        f"{1000 * (busy - mains - children) / e2e.total:.1f}; machine busy "
        f"{busy / span:.2f} of {os.cpu_count()} cores; load average at the end "
        f"{Path('/proc/loadavg').read_text().split()[0]} (other work on the machine counts in "
        "'everything else')"
    )
    goals = {
        ">= 200/s": e2e.rate >= 200,
        ">= 30 % of floor (per footprint)": ratio >= 0.30,
        ">= 30 % of floor (bulk)": bulk_ratio >= 0.30,
        "RSS < 300 MB": peak_total * 1024 < 300e6,
    }
    print("goals: " + ", ".join(f"{k}: {'met' if v else 'NOT met'}" for k, v in goals.items()))
    if profile is None:
        return
    print()
    print(
        f"== in-process profile ({profile.submissions} more submissions in {profile.tasks} "
        "jobs, job_execute without a broker; figures per submission)"
    )
    print(
        f"as the worker runs them (DB connection closed before and after each job, as "
        f"Celery's Django fixup does without CELERY_DB_REUSE_MAX): "
        f"{profile.worker_like_rate:.1f} submissions/s "
        f"({1000 / profile.worker_like_rate:.2f} ms each)"
    )
    print(
        f"with a kept connection: {profile.kept_connection_rate:.1f} submissions/s "
        f"({1000 / profile.kept_connection_rate:.2f} ms each)"
    )
    p = profile.phases
    n = profile.phase_tasks
    print(
        f"per phase ({n} submissions, {1000 * profile.phase_total / n:.2f} ms each, "
        f"{profile.queries_per_task:.2f} queries each), ms per submission inclusive / "
        f"exclusive, queries (exclusive):"
    )
    depth = {label: d for _, _, label, d in PHASES}
    for label in p.order:
        if not p.calls[label]:
            continue
        print(
            f"  {'  ' * depth[label]}{label:<{46 - 2 * depth[label]}} "
            f"{1000 * p.inclusive[label] / n:7.2f} {1000 * p.exclusive[label] / n:7.2f} "
            f"{p.queries[label] / n:5.1f}   ({p.calls[label] / n:g} calls)"
        )
    outside = profile.phase_total - sum(
        p.inclusive[label] for label in p.order if depth[label] == 0
    )
    print(
        f"  {'job_execute rest (success mark, commit)':<46} {1000 * outside / n:7.2f} "
        f"{'':7} {p.queries['(task)'] / n:5.1f}"
    )
    if args.dump_sql:
        print(f"statements of one job ({len(profile.sql)}), ms (incl. the ORM's cursor work):")
        for label, ms, statement in profile.sql:
            print(f"  {ms:5.2f}  {label[:28]:<28}  {' '.join(statement.split())[:130]}")
    print("cProfile, top by own time:")
    print(_trim(profile.top_tottime))
    print("cProfile, top by cumulative time:")
    print(_trim(profile.top_cumulative))


def _trim(text: str) -> str:
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    return "\n".join(line for line in lines[start:] if line.strip())


# --------------------------------------------------------------------------- main


class HardTimeout(Exception):
    pass


@contextmanager
def hard_timeout(seconds: int) -> Iterator[None]:
    def expire(signum: int, frame: Any) -> None:
        raise HardTimeout(f"the benchmark ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def main() -> None:
    args = parse_args()
    import redis

    client = redis.Redis.from_url(args.redis_url, socket_timeout=5)
    db_index = client.connection_pool.connection_kwargs.get("db")
    if db_index in (None, 0):
        raise SystemExit(f"refusing to FLUSHDB Redis db {db_index!r}: give a dedicated index")
    admin_url, bench_url = database_urls(DB_NAME)
    queue = f"bench-validation-{uuid.uuid4().hex[:10]}"
    work_dir = Path(tempfile.mkdtemp(prefix="bench-validation-"))
    created = False
    with hard_timeout(args.hard_timeout):
        try:
            client.flushdb()
            database_create(admin_url, DB_NAME)
            created = True
            django_setup(args, bench_url, queue, work_dir / "var")
            from django.core.management import call_command

            t0 = time.perf_counter()
            call_command("migrate", verbosity=0, interactive=False)
            world = seed()
            ids = [str(world.template.pk), *clone_drafts(world, args.footprints - 1)]
            setup_seconds = time.perf_counter() - t0
            print(f"{DB_NAME}: migrated, seeded {len(ids)} drafts in {setup_seconds:.1f} s")

            floor = floor_run(world.organisation)
            print(f"floor (per footprint): {floor.rate:.1f} footprints/s over {floor.count}")
            bulk = bulk_floor_run(ids, validation_chunk_size())
            print(f"floor (bulk): {bulk.rate:.1f} footprints/s over {bulk.count}")
            e2e = end_to_end(args, world, ids, queue, work_dir)
            profile = profile_tasks(world, args.profile_tasks) if args.profile_tasks else None
            report(args, floor, bulk, e2e, profile, setup_seconds)
        finally:
            if created:
                with suppress(Exception):
                    from django.db import connections

                    connections.close_all()
                try:
                    database_drop(admin_url, DB_NAME)
                except Exception as exc:
                    print(f"could not drop {DB_NAME}: {exc!r}", file=sys.stderr)
            with suppress(Exception):
                client.flushdb()
            client.close()
            if args.keep_logs:
                print(f"worker logs kept in {work_dir}")
            else:
                shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
