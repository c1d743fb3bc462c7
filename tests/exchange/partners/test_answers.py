"""A partner's answers to the platform's requests, and its published events, as the POST
/3/events view hands them over (an envelope already checked)."""

from __future__ import annotations

import uuid

import pytest

from accounts.models import AuditEvent
from core.jobs import job_execute
from core.models import Job
from exchange.partners import client
from exchange.partners.errors import EventRefused
from exchange.partners.models import (
    EVENT_PUBLISHED,
    EVENT_REQUEST_FULFILLED,
    EVENT_REQUEST_REJECTED,
    FetchedFootprint,
    FetchedOrigin,
    OutboundRequest,
    OutboundRequestStatus,
)
from exchange.partners.services.answers import (
    event_fulfilled_receive,
    event_published_receive,
    event_rejected_receive,
)
from exchange.sharing.models import Notification
from exchange.sharing.services.notifications import EMAIL_JOB
from tests.exchange.pact.conftest import stored
from tests.factories import ApiClientFactory, OrganisationFactory

from .conftest import full_document_fields, partner_of

pytestmark = pytest.mark.django_db

HOST = "https://steel.example.com"


@pytest.fixture
def asked():
    """The buyer's partner (its events come with the buyer's machine client) and a request
    the buyer sent it."""
    buyer = OrganisationFactory(slug="screw-maker")
    machine = ApiClientFactory(organisation=buyer, scopes=["footprints:read"])
    partner = partner_of(buyer, HOST, ApiClientFactory(), machine_client=machine)
    request = OutboundRequest.objects.create(
        organisation=buyer,
        partner=partner,
        event_id="3f0d8c1e-5b7a-4c2d-9e1f-0a1b2c3d4e5f",
        criteria={"geography": ["CN"]},
        status=OutboundRequestStatus.SENT,
    )
    return buyer, machine, partner, request


def event(kind, data, *, event_id="answer-1", source="//steel.example.com/3/events"):
    return {"type": kind, "specversion": "1.0", "id": event_id, "source": source, "data": data}


def pf(pf_id, **changes):
    return {"id": pf_id, **full_document_fields(**changes)}


PF_1 = "6c1f2e3d-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
PF_2 = "7d2a3b4c-5d6e-4f70-8192-a3b4c5d6e7f8"


def fulfilled(asked, data):
    buyer, machine, _, _ = asked
    event_fulfilled_receive(
        organisation=buyer, machine_client=machine, event=event(EVENT_REQUEST_FULFILLED, data)
    )


def test_a_fulfilled_request_stores_every_footprint_sent(asked):
    buyer, machine, partner, request = asked
    pfs = [pf(PF_1), pf(PF_2, status="Deprecated")]

    fulfilled(asked, {"requestEventId": request.event_id, "pfs": pfs})

    request.refresh_from_db()
    assert request.status == OutboundRequestStatus.FULFILLED
    assert request.answered_at is not None
    rows = {row.pf_id: row for row in request.footprints.all()}
    assert sorted(rows) == sorted([PF_1, PF_2])
    for sent in pfs:
        row = rows[sent["id"]]
        assert bytes(row.document) == client.document_bytes(sent)
        assert (row.origin, row.partner_id, row.organisation_id) == (
            FetchedOrigin.FULFILLED,
            partner.pk,
            buyer.pk,
        )
        assert row.source_url == f"{HOST}/3/events"
    assert (rows[PF_1].schema_valid, rows[PF_1].cn_code) == (True, "72083900")
    assert rows[PF_2].pact_status == "Deprecated"
    audit = AuditEvent.objects.get(action="pact_request.fulfilled")
    assert (audit.actor_client_id, audit.object_id) == (machine.pk, str(request.pk))


def test_the_same_fulfilled_event_again_changes_nothing(asked):
    _, _, _, request = asked
    data = {"requestEventId": request.event_id, "pfs": [pf(PF_1)]}
    fulfilled(asked, data)
    answered_at = OutboundRequest.objects.get(pk=request.pk).answered_at

    fulfilled(asked, data)

    assert FetchedFootprint.objects.count() == 1
    assert OutboundRequest.objects.get(pk=request.pk).answered_at == answered_at
    assert AuditEvent.objects.filter(action="pact_request.fulfilled").count() == 1
    assert Notification.objects.count() == 1
    assert Job.objects.filter(kind=EMAIL_JOB).count() == 1


def test_a_fulfilled_request_notifies_the_organisation_that_sent_it(asked):
    buyer, _, partner, request = asked
    pfs = [pf(PF_1), pf(PF_2)]

    fulfilled(asked, {"requestEventId": request.event_id, "pfs": pfs})

    notification = Notification.objects.get()
    rows = {row.pf_id: str(row.pk) for row in FetchedFootprint.objects.all()}
    assert (notification.organisation_id, notification.kind, notification.dedupe_key) == (
        buyer.pk,
        "pact.fulfilled",
        f"pact.answered:{request.pk}",
    )
    assert (notification.object_type, notification.object_id) == (
        "partners.outboundrequest",
        str(request.pk),
    )
    assert notification.subject == "Steel mill host answered your PACT request with 2 footprints"
    assert notification.body == (
        "Your request to Steel mill host: geography: CN.\n"
        "It sent 2 footprints: Hot-rolled coil Q235B 2.0 mm, Hot-rolled coil Q235B 2.0 mm.\n"
        "They are stored exactly as received, with their PACT check, on the partner's exchange "
        "page; a bill-of-materials line can use them."
    )
    assert notification.data["footprints"] == [rows[PF_1], rows[PF_2]]
    assert notification.data["partner"] == str(partner.pk)
    email = Job.objects.get(kind=EMAIL_JOB)
    assert email.payload == {"notification_id": str(notification.pk)}


@pytest.mark.parametrize(
    ("data", "code", "names"),
    [
        ({"pfs": [{"id": PF_1}]}, "BadRequest", "data.requestEventId"),
        ({"requestEventId": "nope", "pfs": [{"id": PF_1}]}, "NotFound", "data.requestEventId"),
        ({"requestEventId": "x"}, "BadRequest", "data.pfs"),
        ({"requestEventId": "x", "pfs": {"id": PF_1}}, "BadRequest", "data.pfs"),
        ({"requestEventId": "x", "pfs": ["a"]}, "BadRequest", "data.pfs"),
        ({"requestEventId": "x", "pfs": []}, "BadRequest", "data.pfs"),
    ],
)
def test_a_fulfilled_event_not_valid_is_refused_and_writes_nothing(asked, data, code, names):
    with pytest.raises(EventRefused) as refused:
        fulfilled(asked, data)

    assert refused.value.code == code
    assert names in refused.value.message
    assert FetchedFootprint.objects.count() == 0
    assert not Notification.objects.exists()
    assert OutboundRequest.objects.get().status == OutboundRequestStatus.SENT


def test_another_organisations_request_is_not_found(asked):
    _, _, _, request = asked
    other = OrganisationFactory()
    other_machine = ApiClientFactory(organisation=other)
    partner_of(other, HOST, ApiClientFactory(), machine_client=other_machine)

    with pytest.raises(EventRefused) as refused:
        event_fulfilled_receive(
            organisation=other,
            machine_client=other_machine,
            event=event(
                EVENT_REQUEST_FULFILLED, {"requestEventId": request.event_id, "pfs": [pf(PF_1)]}
            ),
        )

    assert refused.value.code == "NotFound"
    assert FetchedFootprint.objects.count() == 0


def test_an_event_from_a_host_not_registered_is_refused(asked):
    buyer, machine, _, request = asked
    with pytest.raises(EventRefused) as refused:
        event_fulfilled_receive(
            organisation=buyer,
            machine_client=machine,
            event=event(
                EVENT_REQUEST_FULFILLED,
                {"requestEventId": request.event_id, "pfs": [pf(PF_1)]},
                source="//elsewhere.example.com/3/events",
            ),
        )
    assert refused.value.code == "AccessDenied"


def rejected(asked, data):
    buyer, machine, _, _ = asked
    event_rejected_receive(
        organisation=buyer, machine_client=machine, event=event(EVENT_REQUEST_REJECTED, data)
    )


def test_a_rejected_request_keeps_the_partners_reason(asked):
    _, _, _, request = asked
    data = {
        "requestEventId": request.event_id,
        "error": {"code": "NotFound", "message": "No footprint matches the request"},
    }

    rejected(asked, data)
    rejected(asked, data)

    request.refresh_from_db()
    assert (request.status, request.error_code, request.error_message) == (
        OutboundRequestStatus.REJECTED,
        "NotFound",
        "No footprint matches the request",
    )
    assert AuditEvent.objects.filter(action="pact_request.rejected").count() == 1
    notification = Notification.objects.get()
    assert (notification.organisation_id, notification.kind, notification.dedupe_key) == (
        request.organisation_id,
        "pact.rejected",
        f"pact.answered:{request.pk}",
    )
    assert notification.subject == "Steel mill host rejected your PACT request"
    assert notification.body == (
        "Your request to Steel mill host: geography: CN.\n"
        "Its answer: NotFound: No footprint matches the request\n"
        "Send a new request with other criteria, or use EU default values."
    )

    with pytest.raises(EventRefused) as refused:
        fulfilled(asked, {"requestEventId": request.event_id, "pfs": [pf(PF_1)]})
    assert refused.value.code == "BadRequest"
    assert FetchedFootprint.objects.count() == 0


@pytest.mark.parametrize(
    "error", [None, "NotFound", {"code": "NotFound"}, {"code": 404, "message": "no"}]
)
def test_a_rejection_without_code_and_message_is_refused(asked, error):
    _, _, _, request = asked
    with pytest.raises(EventRefused) as refused:
        rejected(asked, {"requestEventId": request.event_id, "error": error})
    assert (refused.value.code, "data.error" in refused.value.message) == ("BadRequest", True)
    assert OutboundRequest.objects.get().status == OutboundRequestStatus.SENT


@pytest.mark.parametrize("pf_ids", [None, [], "x", [1], [""], ["urn:gtin:4712345060507"]])
def test_a_published_event_without_ids_is_refused(asked, pf_ids):
    buyer, machine, _, _ = asked
    with pytest.raises(EventRefused) as refused:
        event_published_receive(
            organisation=buyer,
            machine_client=machine,
            event=event(EVENT_PUBLISHED, {"pfIds": pf_ids}),
        )
    assert (refused.value.code, "data.pfIds" in refused.value.message) == ("BadRequest", True)
    assert not Job.objects.filter(kind="partners.fetch_published").exists()


def test_published_footprints_are_fetched_by_id_and_refused_ids_recorded(pact_host):
    partner = pact_host.partner
    machine = ApiClientFactory(organisation=pact_host.buyer)
    partner.machine_client = machine
    partner.save()
    footprint = pact_host.footprints[0]
    unknown = str(uuid.uuid4())
    published = event(
        EVENT_PUBLISHED,
        {"pfIds": [str(footprint.pk), unknown]},
        event_id="published-1",
        source=f"{pact_host.url}/3/events",
    )

    event_published_receive(organisation=pact_host.buyer, machine_client=machine, event=published)
    event_published_receive(organisation=pact_host.buyer, machine_client=machine, event=published)

    job = Job.objects.get(kind="partners.fetch_published")
    assert job_execute(job_id=job.pk).status == Job.Status.SUCCEEDED
    job.refresh_from_db()
    row = FetchedFootprint.objects.get()
    assert (row.pf_id, row.origin, bytes(row.document)) == (
        str(footprint.pk),
        FetchedOrigin.PUBLISHED,
        stored(footprint),
    )
    assert job.result["fetched"] == {str(footprint.pk): str(row.pk)}
    assert list(job.result["refused"]) == [unknown]
    assert "answered 404" in job.result["refused"][unknown]
