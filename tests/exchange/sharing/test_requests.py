"""Footprint requests through the API: send, invite, withdraw, reject, fulfil, claim."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.audit import Actor
from accounts.models import AuditEvent
from accounts.roles import Role
from accounts.services.memberships import membership_create
from exchange.sharing.models import FootprintRequest, Grant, Notification
from tests.exchange.sharing.builders import open_request, published_footprint
from tests.exchange.sharing.conftest import run_jobs
from tests.factories import FootprintFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _body(**overrides):
    today = timezone.localdate()
    body = {
        "supplier": "wire-rod-mill",
        "cn_code": "72139110",
        "description": "Wire rod 5.5 mm, SAE 1008",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "quantity_t": "1250.5",
        "due_date": str(today + timedelta(days=20)),
        "message": "For our 2026 CBAM declaration, please.",
    }
    body.update(overrides)
    return body


def test_a_buyer_sends_a_request_and_the_supplier_is_notified_and_emailed(buyer, supplier):
    response = buyer.api("preparer").post(buyer.url("footprint-requests/"), _body(), format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "open"
    assert data["buyer"] == {"slug": "screw-maker", "name": "Screw Maker GmbH"}
    assert data["supplier"] == {"slug": "wire-rod-mill", "name": "Wire Rod Mill Co"}
    assert data["quantity_t"] == "1250.500000"
    assert data["grants"] == []
    event = AuditEvent.objects.get(action="footprint_request.sent")
    assert event.organisation == buyer.organisation
    assert event.after["buyer"] == buyer.organisation.pk
    assert event.after["supplier"] == supplier.organisation.pk
    notification = Notification.objects.get()
    assert notification.organisation == supplier.organisation
    assert notification.kind == "request.received"
    assert notification.dedupe_key == f"request.received:{data['id']}"
    assert notification.subject == (
        "Screw Maker GmbH requests a footprint: CN 72139110 (Wire rod 5.5 mm, SAE 1008), 2026"
    )

    assert run_jobs() == [("sharing.email_notification", "succeeded")]

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        f"{role}@wire-rod-mill.example" for role in Role.values
    )
    # Nobody chose a language and the supplier is in China: Chinese first, then English.
    assert {m.subject for m in mail.outbox} == {
        "Screw Maker GmbH 请求碳足迹：CN 72139110 (Wire rod 5.5 mm, SAE 1008)，2026年 / "
        + notification.subject
    }
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    # The inbox shows it to every role of the supplier, and the buyer does not see it there.
    inbox = supplier.api("viewer").get(supplier.url("footprint-requests/inbox/")).json()
    assert [r["id"] for r in inbox["results"]] == [data["id"]]
    assert buyer.api("viewer").get(buyer.url("footprint-requests/inbox/")).json()["results"] == []


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"supplier": "screw-maker"},
            "supplier",
            "This is your own organisation; a request goes to another organisation.",
        ),
        (
            {"supplier": "nobody-here"},
            "supplier",
            "There is no organisation 'nobody-here' on the platform; to invite a company that is "
            "not on it, send supplier_email (and supplier_name) instead.",
        ),
        (
            {"due_date": "2020-01-01"},
            "due_date",
            "2020-01-01 is in the past; expected today ({today}) or a later date.",
        ),
        (
            {"period_start": "2026-07-01", "period_end": "2026-06-30"},
            "period_end",
            "The period ends (2026-06-30) before it starts (2026-07-01); expected 2026-07-01 or "
            "later.",
        ),
        (
            {"cn_code": "7213", "description": "x"},
            "cn_code",
            "'7213' is not a CN code; expected 8 digits, e.g. 72083900.",
        ),
        (
            {"cn_code": "", "description": ""},
            "product",
            "Say what you buy: supplier_product (the supplier's product id), cn_code (8 digits) "
            "or description (free text).",
        ),
        (
            {"quantity_t": "0"},
            "quantity_t",
            "0 t is not a quantity bought; expected a positive number of tonnes, or leave it "
            "empty.",
        ),
        (
            {"supplier": "", "supplier_email": "preparer@screw-maker.example"},
            "supplier_email",
            "preparer@screw-maker.example belongs to a member of your own organisation; expected "
            "someone at the supplier.",
        ),
        (
            {"supplier": ""},
            "supplier",
            "Name the supplier: the slug of its organisation on the platform (supplier), or the "
            "e-mail address of someone there to invite (supplier_email).",
        ),
    ],
)
def test_bad_input_names_the_field_what_was_wrong_and_what_is_expected(
    buyer, supplier, overrides, field, message
):
    response = buyer.api().post(buyer.url("footprint-requests/"), _body(**overrides), format="json")

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert body["extra"]["fields"] == {field: [message.format(today=timezone.localdate())]}
    assert not FootprintRequest.objects.exists()
    assert not Notification.objects.exists()


def test_a_product_of_another_organisation_is_refused(buyer, supplier):
    foreign = FootprintFactory().product

    response = buyer.api().post(
        buyer.url("footprint-requests/"),
        _body(supplier_product=str(foreign.pk), cn_code=""),
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["supplier_product"] == [
        f"{foreign.pk} is not a product of Wire Rod Mill Co; expected the id of one of the "
        "supplier's products, or use cn_code or description."
    ]


def test_a_viewer_cannot_send_and_nothing_is_written(buyer, supplier):
    response = buyer.api("viewer").post(buyer.url("footprint-requests/"), _body(), format="json")

    assert response.status_code == 403
    assert not FootprintRequest.objects.exists()


def test_the_supplier_rejects_with_a_reason_and_the_buyer_is_told(buyer, supplier):
    request = open_request(buyer.organisation, supplier.organisation)
    url = supplier.url(f"footprint-requests/inbox/{request.pk}/reject/")

    missing = supplier.api().post(url, {"reason": ""}, format="json")
    response = supplier.api().post(url, {"reason": "We do not make this grade."}, format="json")

    assert missing.status_code == 400
    assert list(missing.json()["extra"]["fields"]) == ["reason"]
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "rejected"
    assert response.json()["reason"] == "We do not make this grade."
    notification = Notification.objects.get(organisation=buyer.organisation)
    assert notification.kind == "request.rejected"
    assert "Reason: We do not make this grade." in notification.body
    event = AuditEvent.objects.get(action="footprint_request.rejected")
    assert event.organisation == supplier.organisation
    assert event.before == {"status": "open"}


def test_a_closed_request_cannot_move_again(buyer, supplier):
    request = open_request(buyer.organisation, supplier.organisation)
    supplier.api().post(
        supplier.url(f"footprint-requests/inbox/{request.pk}/reject/"),
        {"reason": "No."},
        format="json",
    )

    response = buyer.api().post(buyer.url(f"footprint-requests/{request.pk}/withdraw/"), {})

    assert response.status_code == 409
    assert response.json() == {
        "code": "illegal_transition",
        "message": "A rejected request cannot become withdrawn; from rejected it can become "
        "nothing (it is final).",
        "extra": {"status": "rejected", "requested": "withdrawn"},
    }


def test_the_buyer_withdraws_and_the_supplier_is_told(buyer, supplier):
    request = open_request(buyer.organisation, supplier.organisation)

    response = buyer.api().post(
        buyer.url(f"footprint-requests/{request.pk}/withdraw/"),
        {"reason": "Order cancelled"},
        format="json",
    )

    assert response.json()["status"] == "withdrawn"
    assert Notification.objects.get().organisation == supplier.organisation
    assert AuditEvent.objects.filter(action="footprint_request.withdrawn").count() == 1


def test_the_supplier_cannot_withdraw_and_the_buyer_cannot_fulfil(buyer, supplier):
    request = open_request(buyer.organisation, supplier.organisation)

    withdraw = supplier.api().post(supplier.url(f"footprint-requests/{request.pk}/withdraw/"), {})
    fulfil = buyer.api().post(
        buyer.url(f"footprint-requests/inbox/{request.pk}/fulfil/"),
        {"footprints": []},
        format="json",
    )

    assert (withdraw.status_code, fulfil.status_code) == (404, 404)
    assert FootprintRequest.objects.get().status == "open"


def test_fulfilling_creates_a_grant_and_the_buyer_reads_the_footprint(buyer, supplier):
    request = open_request(buyer.organisation, supplier.organisation)
    footprint = published_footprint(supplier.organisation)

    response = supplier.api().post(
        supplier.url(f"footprint-requests/inbox/{request.pk}/fulfil/"),
        {"footprints": [str(footprint.pk)]},
        format="json",
    )

    assert response.status_code == 200, response.content
    grant = Grant.objects.get()
    assert response.json()["status"] == "fulfilled"
    assert response.json()["grants"] == [
        {
            "id": str(grant.pk),
            "created_at": response.json()["grants"][0]["created_at"],
            "footprints": [str(footprint.pk)],
        }
    ]
    assert (grant.supplier, grant.buyer, grant.request_id) == (
        supplier.organisation,
        buyer.organisation,
        request.pk,
    )
    created = AuditEvent.objects.get(action="grant.created")
    assert created.object_id == str(grant.pk)
    assert created.after == {
        "buyer": buyer.organisation.pk,
        "supplier": supplier.organisation.pk,
        "lineages": [str(footprint.lineage)],
        "footprints": [str(footprint.pk)],
        "request": str(request.pk),
    }
    assert AuditEvent.objects.get(action="footprint_request.fulfilled").after["grant"] == str(
        grant.pk
    )
    assert [n.kind for n in Notification.objects.filter(organisation=buyer.organisation)] == [
        "request.fulfilled"
    ]
    shared = buyer.api("viewer").get(buyer.url(f"shared-footprints/{footprint.pk}/"))
    assert shared.status_code == 200
    assert shared.json()["signature_verification"]["valid"] is True


def test_fulfilling_with_footprints_that_are_not_the_suppliers_own_published_ones_fails(
    buyer, supplier
):
    request = open_request(buyer.organisation, supplier.organisation)
    draft = FootprintFactory(organisation=supplier.organisation)
    foreign = published_footprint(OrganisationFactory())
    good = published_footprint(supplier.organisation)

    response = supplier.api().post(
        supplier.url(f"footprint-requests/inbox/{request.pk}/fulfil/"),
        {"footprints": [str(draft.pk), str(foreign.pk), "nonsense", str(good.pk), str(good.pk)]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {
        "footprints[0]": [
            f"{draft.pk} is draft; only a published (signed) footprint can be shared."
        ],
        "footprints[1]": [
            f"{foreign.pk} is not one of your organisation's footprints; expected the id of one "
            "of your published footprints."
        ],
        "footprints[2]": ["'nonsense' is not a footprint id; expected a UUID."],
        "footprints[4]": [
            f"{good.pk} is named twice (or with another version of it, at footprints[3]); name "
            "each footprint once."
        ],
    }
    assert FootprintRequest.objects.get().status == "open"
    assert not Grant.objects.exists()


def test_an_invited_supplier_gets_an_email_and_claims_the_request_once_on_the_platform(buyer):
    response = buyer.api().post(
        buyer.url("footprint-requests/"),
        _body(supplier="", supplier_email="Sales@Newmill.example", supplier_name="New Mill"),
        format="json",
    )
    assert response.status_code == 201, response.content
    request_id = response.json()["id"]
    assert response.json()["supplier"] is None
    assert response.json()["supplier_email"] == "sales@newmill.example"

    assert run_jobs() == [("sharing.send_request_invitation", "succeeded")]
    assert [m.to for m in mail.outbox] == [["sales@newmill.example"]]
    assert "register your company on CBAM Exchange" in mail.outbox[0].body

    # The person joins an organisation: the listener enqueues the announcement.
    mill = OrganisationFactory(slug="new-mill")
    with_email = UserFactory(email="sales@newmill.example")
    with transaction.atomic():
        membership_create(
            actor=Actor.platform("tests"), organisation=mill, user=with_email, role=Role.ADMIN
        )
    assert run_jobs() == [
        ("sharing.announce_invited_requests", "succeeded"),
        ("sharing.email_notification", "succeeded"),
    ]
    announced = Notification.objects.get(organisation=mill)
    assert announced.dedupe_key == f"request.invited:{request_id}"

    api = APIClient()
    api.force_authenticate(with_email)
    invited = api.get("/api/v1/orgs/new-mill/footprint-requests/invited/").json()
    assert [r["id"] for r in invited["results"]] == [request_id]
    claimed = api.post(f"/api/v1/orgs/new-mill/footprint-requests/invited/{request_id}/claim/")

    assert claimed.status_code == 200, claimed.content
    assert claimed.json()["supplier"] == {"slug": "new-mill", "name": mill.legal_name_latin}
    assert api.get("/api/v1/orgs/new-mill/footprint-requests/invited/").json()["results"] == []
    assert AuditEvent.objects.filter(action="footprint_request.claimed").count() == 1
    # Claimed: now in the inbox, and notified as a received request.
    assert Notification.objects.filter(organisation=mill, kind="request.received").count() == 2
