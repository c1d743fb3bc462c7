"""Two instances of the platform exchanging a footprint by PACT over TLS, one as the host and
one as the client.

- Instance A, the steel mill's host: a database of its own (SQLite in ``tmp_path``), a var
  folder of its own (its certificate, its filesystem broker), seeded by
  tests/exchange/partners/peer_seed.py, served by ``manage.py serve_tls`` with a Celery worker
  of its own that delivers its answers. It trusts B's certificate only.
- Instance B, the screw maker's platform: this test's database, served over TLS by
  ``pact_tls_server`` (tests/pact_tls.py); the test process acts as its client (fetch, send a
  request, deliver it) and trusts A's certificate only.

B fetches A's footprint (the stored signed bytes), then sends A a ``RequestCreatedEvent.3``;
A's worker answers with ``RequestFulfilledEvent.3`` on B's ``POST /3/events`` and B's request
is fulfilled with that footprint. Nothing is skipped: an instance that does not start fails
the test.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import certifi
import pytest
import requests

from accounts.audit import Actor
from accounts.models import AuditEvent, Organisation
from exchange.boms.models import AggregationResult, BuyerProduct
from exchange.boms.services.aggregation import products_recompute
from exchange.boms.services.lines import bom_line_create
from exchange.partners.models import (
    DeliveryStatus,
    FetchedFootprint,
    FetchedOrigin,
    OutboundRequest,
    OutboundRequestStatus,
    PactDelivery,
    PactPartner,
)
from exchange.partners.services.deliveries import delivery_attempt
from exchange.partners.services.fetching import PAGE_LIMIT, partner_fetch
from exchange.partners.services.outbound import outbound_request_send
from exchange.partners.services.partners import partner_create
from tests.core.worker import REPO_ROOT
from tests.factories import ApiClientFactory, OrganisationFactory
from tests.pact_tls import PactTlsServer, free_port

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("pact-two-instances"),
]

STARTUP_SECONDS = 30
ANSWER_SECONDS = 30
#: The steel mill's machine client on B (what A calls B with); its secret is the factory's.
MILL_CLIENT_ID_ON_B = "cbx_steel_mill_at_screw_maker"
ACTOR = Actor.platform("tests")


@dataclass
class Instance:
    """Instance A: its folder, environment, processes and what its seed printed."""

    folder: Path
    url: str
    cert: Path
    env: dict[str, str]
    seed: dict[str, Any] = field(default_factory=dict)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    @property
    def database(self) -> Path:
        return self.folder / "a.sqlite3"

    def run(self, *args: str, log: str) -> str:
        """``manage.py <args>`` in A's environment; its output, or the test fails with it."""
        done = subprocess.run(
            [sys.executable, str(REPO_ROOT / "manage.py"), *args],
            cwd=REPO_ROOT,
            env=self.env,
            capture_output=True,
            timeout=120,
        )
        (self.folder / log).write_bytes(done.stdout + done.stderr)
        if done.returncode != 0:
            pytest.fail(f"A: manage.py {args[0]} exited {done.returncode}:\n{self.describe()}")
        return done.stdout.decode()

    def start(self, command: list[str], log: str) -> subprocess.Popen[bytes]:
        path = self.folder / log
        self.logs.append(path)
        with path.open("wb") as output:
            process = subprocess.Popen(
                command, cwd=REPO_ROOT, env=self.env, stdin=subprocess.DEVNULL, stdout=output,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        self.processes.append(process)
        return process

    def describe(self) -> str:
        parts = []
        for path in sorted(self.folder.glob("*.log")):
            parts.append(f"--- instance A: {path.name} ---\n{path.read_text(errors='replace')}")
        return "\n".join(parts)

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Read A's database directly (a reader beside A's processes: SQLite in WAL mode)."""
        with sqlite3.connect(self.database, timeout=10) as connection:
            return connection.execute(sql, params).fetchall()


def _wait(condition: Any, *, timeout: float, what: str, instance: Instance) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        for process in instance.processes:
            if process.poll() is not None:
                pytest.fail(
                    f"A: {process.args!r} exited {process.returncode}:\n{instance.describe()}"
                )
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"still waiting after {timeout} s for {what}:\n{instance.describe()}")
        time.sleep(0.2)


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Stop one of A's processes and its children (its own process group) at once: A is
    thrown away with its folder, nothing of it needs a graceful shutdown."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def _answers(url: str, cert: Path) -> bool:
    try:
        requests.get(f"{url}/healthz", verify=str(cert), timeout=2)
    except (requests.ConnectionError, OSError):
        return False
    return True


@pytest.fixture
def instance_a(tmp_path: Path, pact_tls_server: PactTlsServer) -> Iterator[Instance]:
    """Instance A, migrated, seeded, served over TLS, its worker ready; stopped afterwards."""
    folder = tmp_path / "instance-a"
    folder.mkdir()
    port = free_port()
    url = f"https://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{folder / 'a.sqlite3'}",
        "CBAM_VAR_DIR": str(folder / "var"),
        "CELERY_BROKER_URL": "filesystem://",  # under CBAM_VAR_DIR/broker
        "CELERY_TASK_DEFAULT_QUEUE": "instance-a",
        "SITE_URL": url,
        "PACT_CA_BUNDLE": str(pact_tls_server.ca_path),  # A trusts B's certificate
        "PEER_BUYER_URL": pact_tls_server.base_url,
        "PEER_BUYER_CLIENT_ID": MILL_CLIENT_ID_ON_B,
        "PEER_BUYER_SECRET": f"secret-of-{MILL_CLIENT_ID_ON_B}",
        # The system's bundle named by the environment, as in many containers: the partner's
        # certificate must be trusted by PACT_CA_BUNDLE all the same.
        "REQUESTS_CA_BUNDLE": certifi.where(),
    }
    env.pop("REDIS_URL", None)  # A's cache is its own (in-process), not B's Redis
    instance = Instance(folder=folder, url=url, cert=folder / "cert.pem", env=env)
    try:
        instance.run("migrate", "--verbosity", "0", log="migrate.log")
        printed = instance.run(
            "shell", "-c", "from tests.exchange.partners.peer_seed import main; main()",
            log="seed.log",
        )  # fmt: skip
        instance.seed = json.loads(printed.strip().splitlines()[-1])
        instance.start(
            [
                sys.executable, str(REPO_ROOT / "manage.py"), "serve_tls", f"127.0.0.1:{port}",
                "--cert", str(instance.cert), "--key", str(folder / "key.pem"), "--workers", "1",
            ],
            log="server.log",
        )  # fmt: skip
        worker = instance.start(
            [
                sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork",
                "--concurrency=1", "-Q", "instance-a", "--loglevel=INFO", "-n", "instance-a@%h",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
            ],
            log="worker.log",
        )  # fmt: skip
        _wait(
            lambda: instance.cert.exists() and _answers(url, instance.cert),
            timeout=STARTUP_SECONDS,
            what="A's TLS server",
            instance=instance,
        )
        _wait(
            lambda: " ready." in (folder / "worker.log").read_text(errors="replace"),
            timeout=STARTUP_SECONDS,
            what=f"A's worker (pid {worker.pid})",
            instance=instance,
        )
        yield instance
    finally:
        for process in instance.processes:
            _kill(process)


@dataclass
class Buyer:
    organisation: Organisation
    partner: PactPartner


@pytest.fixture
def buyer_b(
    instance_a: Instance,
    pact_tls_server: PactTlsServer,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> Buyer:
    """The screw maker on B: the steel mill's machine client (what A calls B with) and its
    partner A (A's base URL, the screw maker's credentials on A). B's events name B's URL as
    their source; B trusts A's certificate by PACT_CA_BUNDLE, while the environment names the
    system's bundle (REQUESTS_CA_BUNDLE, which requests would otherwise prefer)."""
    settings.SITE_URL = pact_tls_server.base_url
    settings.PACT_CA_BUNDLE = str(instance_a.cert)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())
    screw_maker = OrganisationFactory(slug="screw-maker")
    mill_client = ApiClientFactory(
        organisation=screw_maker, client_id=MILL_CLIENT_ID_ON_B, scopes=["footprints:read"]
    )
    partner = partner_create(
        actor=ACTOR,
        organisation=screw_maker,
        name="Steel mill's platform",
        base_url=instance_a.url,
        auth_base_url="",
        client_id=instance_a.seed["client_id"],
        secret=instance_a.seed["secret"],
        machine_client_id=mill_client.pk,
    )
    return Buyer(screw_maker, partner)


@pytest.mark.usefixtures("reference_data")
def test_b_fetches_a_footprint_from_a_and_a_fulfils_b_request_over_tls(
    instance_a: Instance, buyer_b: Buyer, pact_tls_server: PactTlsServer, settings: Any
) -> None:
    footprint_id = instance_a.seed["footprint_id"]
    ((document_on_a,),) = instance_a.query(
        "SELECT signed_document FROM suppliers_footprint WHERE id = ?",
        footprint_id.replace("-", ""),
    )
    document_on_a = bytes(document_on_a)

    # (1) B fetches: one footprint, the bytes A stores, its CBAM facts read (verified).
    report = partner_fetch(actor=ACTOR, partner=buyer_b.partner)

    assert (report.pages, report.new, report.unchanged, report.updated, report.invalid) == (
        1,
        1,
        0,
        0,
        0,
    )
    fetched = FetchedFootprint.objects.get(partner=buyer_b.partner)
    assert fetched.pf_id == footprint_id
    assert bytes(fetched.document) == document_on_a
    assert fetched.origin == FetchedOrigin.LIST
    assert fetched.source_url == f"{instance_a.url}/3/footprints?limit={PAGE_LIMIT}"
    assert (fetched.schema_valid, fetched.problems, fetched.has_cbam_extension) == (True, [], True)
    assert (fetched.cn_code, fetched.country, fetched.production_route) == ("72083900", "CN", "C")
    assert (fetched.see_direct, fetched.see_indirect) == (Decimal("2.09778"), Decimal("0.31025"))
    assert fetched.verification_statement_date == date(2026, 2, 10)

    # (2) B asks A for that product; B's delivery posts the event to A over TLS.
    product_id = instance_a.seed["product_id"]
    request = outbound_request_send(
        actor=ACTOR,
        organisation=buyer_b.organisation,
        partner=buyer_b.partner,
        criteria={"productId": [product_id]},
        comment="For the 2026 CBAM declaration",
    )
    delivery = PactDelivery.objects.get(outbound_request=request)
    assert delivery.target_url == f"{instance_a.url}/3/events"
    assert delivery_attempt(delivery_id=str(delivery.pk)) == DeliveryStatus.DELIVERED
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status_code) == (1, 200)

    # A received it from the screw maker, found the granted footprint and answered; its
    # worker delivers RequestFulfilledEvent.3 to B's /3/events, and B's request is fulfilled.
    def answered() -> OutboundRequest | None:
        row = OutboundRequest.objects.get(pk=request.pk)
        return row if row.status in ("fulfilled", "rejected") else None

    request = _wait(answered, timeout=ANSWER_SECONDS, what="A's answer on B", instance=instance_a)

    assert (request.status, request.error_code) == (OutboundRequestStatus.FULFILLED, "")
    # The footprint A sent is the one B fetched: the same bytes, so the same row.
    assert list(request.footprints.all()) == [fetched]
    assert FetchedFootprint.objects.filter(partner=buyer_b.partner).count() == 1
    fulfilled = AuditEvent.objects.get(action="pact_request.fulfilled", object_id=str(request.pk))
    assert fulfilled.actor_client is not None
    assert fulfilled.actor_client.client_id == MILL_CLIENT_ID_ON_B

    # On A: the screw maker's request, fulfilled, and its answer delivered to B's events URL.
    assert instance_a.query(
        "SELECT i.event_id, i.status, i.callback_url, o.slug FROM partners_inboundrequest i "
        "JOIN accounts_organisation o ON o.id = i.requester_id"
    ) == [(request.event_id, "fulfilled", f"{pact_tls_server.base_url}/3/events", "screw-maker")]
    answer_delivery = (
        "SELECT event_type, target_url, status, attempts, last_status_code "
        "FROM partners_pactdelivery"
    )
    _wait(
        lambda: instance_a.query(answer_delivery + " WHERE status = 'delivered'"),
        timeout=10,
        what="A's delivery to be marked delivered",
        instance=instance_a,
    )
    assert instance_a.query(answer_delivery) == [
        (
            "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3",
            f"{pact_tls_server.base_url}/3/events",
            "delivered",
            1,
            200,
        )
    ]

    # (3) On B, the footprint received from A is a BOM line that counts with its actual
    # (verified) figures: SEE_p = 0.05 + 0.4 × 2.09778 = 0.889112 direct,
    # 0.4 × 0.6 + 0.4 × 0.31025 = 0.3641 indirect.
    settings.CBAM_CERTIFICATE_PRICE_EUR = "80.00"
    screws = BuyerProduct.objects.create(
        organisation=buyer_b.organisation,
        name="Screws (coil from the steel mill's platform)",
        cn_code="73181595",
        country_of_production="CN",
        production_route="C",
        direct_tco2e_per_t=Decimal("0.05"),
        electricity_mwh_per_t=Decimal("0.4"),
        electricity_factor_tco2_per_mwh=Decimal("0.6"),
    )
    bom_line_create(
        actor=ACTOR,
        product=screws,
        data={
            "source": "fetched_footprint",
            "fetched_footprint": str(fetched.pk),
            "mass_t_per_t": "0.4",
        },
    )
    products_recompute(organisation_id=buyer_b.organisation.pk, today=date(2026, 11, 21))

    result = AggregationResult.objects.get(product=screws)
    assert (result.see_direct, result.see_indirect) == (Decimal("0.889112"), Decimal("0.3641"))
    (line,) = result.lines
    assert (line["use"], line["decision"]["reasons"]) == ("actual", [])
    assert line["decision"]["fetched_used"] == str(fetched.pk)
