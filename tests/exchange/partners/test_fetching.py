"""Fetching footprints from a real PACT host (this platform under ``live_server``): the
bytes as the host stores and serves them, every page, idempotent, superseded on change."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.audit import Actor
from accounts.models import AuditEvent
from accounts.services.signing_keys import document_sign
from core.errors import Conflict
from core.jobs import job_execute
from core.models import Job
from exchange.partners import client
from exchange.partners.models import FetchedFootprint, FetchedOrigin
from exchange.partners.services.fetching import (
    fetch_progress,
    fetched_store,
    partner_fetch,
    partner_fetch_one,
    partner_fetch_start,
)
from suppliers.models import FootprintDeprecation
from suppliers.pact.document import deprecate_product_footprint
from tests.exchange.pact.conftest import stored
from tests.factories import UserFactory

from .conftest import PactHost, partner_of

ACTOR = Actor.platform("test")


def rows_by_pf_id(host: PactHost) -> dict[str, FetchedFootprint]:
    return {row.pf_id: row for row in FetchedFootprint.objects.filter(partner=host.partner)}


def test_it_stores_every_footprint_of_every_page_as_the_host_stores_it(pact_host):
    report = partner_fetch(actor=ACTOR, partner=pact_host.partner, limit=2)

    assert (report.pages, report.new, report.unchanged, report.updated) == (2, 3, 0, 0)
    rows = rows_by_pf_id(pact_host)
    assert sorted(rows) == sorted(str(f.pk) for f in pact_host.footprints)
    for footprint in pact_host.footprints:
        row = rows[str(footprint.pk)]
        assert bytes(row.document) == stored(footprint)
        assert row.origin == FetchedOrigin.LIST
        assert row.organisation_id == pact_host.buyer.pk
        assert row.superseded_by_id is None
    first_page = f"{pact_host.url}/3/footprints?limit=2"
    assert {rows[str(f.pk)].source_url for f in pact_host.in_id_order()[:2]} == {first_page}
    assert rows[str(pact_host.in_id_order()[2].pk)].source_url.startswith(
        f"{pact_host.url}/3/footprints?limit=2&"
    )


def test_the_facts_and_the_schema_check_are_read_from_the_document(pact_host):
    partner_fetch(actor=ACTOR, partner=pact_host.partner)

    rows = rows_by_pf_id(pact_host)
    full = rows[str(pact_host.footprints[0].pk)]
    assert (full.schema_valid, full.problems, full.has_cbam_extension) == (True, [], True)
    assert (full.pact_status, full.cn_code, full.country, full.production_route) == (
        "Active",
        "72083900",
        "CN",
        "C",
    )
    assert full.company_name == "Hebei Jinghua Iron & Steel Co., Ltd."
    assert full.product_name == "Hot-rolled coil Q235B 2.0 mm"
    assert (full.see_direct, full.see_indirect) == (Decimal("2.09778"), Decimal("0.31025"))
    assert full.verification_statement_date is not None

    minimal = rows[str(pact_host.footprints[1].pk)]
    assert minimal.schema_valid is False
    assert minimal.has_cbam_extension is False
    assert {"path": "$.created", "code": "PACT-SCHEMA"} in [
        {"path": p["path"], "code": p["code"]} for p in minimal.problems
    ]
    created = next(p for p in minimal.problems if p["path"] == "$.created")
    assert created["message_en"] == "$.created: is required"
    assert created["message_zh"].startswith("$.created：")


def test_a_second_fetch_stores_nothing_new(pact_host):
    partner_fetch(actor=ACTOR, partner=pact_host.partner, limit=2)

    again = partner_fetch(actor=ACTOR, partner=pact_host.partner, limit=2)

    assert (again.new, again.unchanged, again.updated, again.invalid) == (0, 3, 0, 2)
    assert FetchedFootprint.objects.filter(partner=pact_host.partner).count() == 3
    events = AuditEvent.objects.filter(action="pact_partner.fetched").order_by("pk")
    assert [e.after["new"] for e in events] == [3, 0]


def test_other_bytes_for_a_known_id_supersede_the_older_row(pact_host):
    partner_fetch(actor=ACTOR, partner=pact_host.partner)
    changed = pact_host.footprints[2]
    before = FetchedFootprint.objects.get(pf_id=str(changed.pk))
    # The host deprecates it: it serves the re-signed deprecated state from now on.
    with transaction.atomic():
        signed = document_sign(
            organisation=pact_host.supplier,
            document=deprecate_product_footprint(json.loads(stored(changed))),
        )
        FootprintDeprecation.objects.create(
            footprint=changed,
            signed_document=signed.payload,
            signature=signed.jws,
            signing_kid=signed.kid,
            signed_at=signed.signed_at,
        )

    report = partner_fetch(actor=ACTOR, partner=pact_host.partner)

    assert (report.new, report.unchanged, report.updated) == (0, 2, 1)
    newer = FetchedFootprint.objects.get(pf_id=str(changed.pk), superseded_by__isnull=True)
    before.refresh_from_db()
    assert before.superseded_by_id == newer.pk
    assert newer.pact_status == "Deprecated"
    assert bytes(newer.document) == signed.payload


def test_one_footprint_is_fetched_by_id(pact_host):
    footprint = pact_host.footprints[0]

    row = partner_fetch_one(actor=ACTOR, partner=pact_host.partner, pf_id=str(footprint.pk))

    assert bytes(row.document) == stored(footprint)
    assert row.origin == FetchedOrigin.GET
    assert row.source_url == f"{pact_host.url}/3/footprints/{footprint.pk}"


def test_an_unknown_id_is_the_partners_refusal(pact_host):
    with pytest.raises(client.PartnerRefused) as refused:
        partner_fetch_one(
            actor=ACTOR, partner=pact_host.partner, pf_id="00000000-0000-4000-8000-000000000000"
        )
    assert refused.value.status == 404
    assert FetchedFootprint.objects.count() == 0


def test_wrong_credentials_are_refused_and_store_nothing(pact_host):
    wrong = partner_of(
        pact_host.buyer, pact_host.url + "/", pact_host.host_client, name="Wrong secret"
    )
    wrong.secret_set("not-the-secret")
    wrong.save()

    with pytest.raises(client.PartnerRefused):
        partner_fetch(actor=ACTOR, partner=wrong)
    assert FetchedFootprint.objects.count() == 0


def test_a_document_that_is_not_valid_is_stored_with_its_problems(pact_host):
    document = b'{"id":"not-a-uuid","status":"Active"}'

    row = fetched_store(
        partner=pact_host.partner,
        document=document,
        origin=FetchedOrigin.GET,
        source_url="https://x/",
    )

    assert (row.pf_id, row.schema_valid, bytes(row.document)) == ("not-a-uuid", False, document)
    assert "$.id" in [p["path"] for p in row.problems]
    assert (
        fetched_store(
            partner=pact_host.partner,
            document=document,
            origin=FetchedOrigin.GET,
            source_url="https://x/",
        ).pk
        == row.pk
    )


def test_the_work_row_fetches_and_counts(pact_host):
    user = UserFactory()
    job = partner_fetch_start(actor=Actor(user=user), partner=pact_host.partner)

    assert job_execute(job_id=job.pk).status == Job.Status.SUCCEEDED

    job.refresh_from_db()
    assert job.kind == "partners.fetch"
    assert job.result == {
        "new": 3,
        "unchanged": 0,
        "updated": 0,
        "invalid": 2,
        "pages": 1,
    }
    assert (job.progress_done, job.progress_total) == (3, 3)
    assert fetch_progress(job=job) == {"received": 3, "pages": 1}
    event = AuditEvent.objects.get(action="pact_partner.fetched")
    assert event.actor_user_id == user.pk


def test_an_archived_partner_is_not_fetched_from(pact_host):
    pact_host.partner.archived_at = timezone.now()
    pact_host.partner.save()

    with pytest.raises(Conflict):
        partner_fetch_start(actor=ACTOR, partner=pact_host.partner)
    assert not Job.objects.filter(kind="partners.fetch").exists()
