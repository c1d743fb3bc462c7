"""Grants through the real publishing pipeline: a grant covers later versions, a deprecated
version shows marked, revocation hides everything, and buyers are told of deprecations and
revoked keys (audit listeners → work rows → notifications)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from accounts.audit import Actor
from accounts.models import AuditEvent, SigningKey
from accounts.roles import Role
from accounts.services.signing_keys import signing_key_revoke
from core.models import Job
from exchange.sharing.models import Grant, Notification
from exchange.sharing.selectors import footprints_visible_to
from suppliers.models import Footprint
from tests.exchange.sharing.builders import grant_of, published_footprint
from tests.exchange.sharing.conftest import Party, run_jobs
from tests.factories import FootprintFactory, OrganisationFactory
from tests.suppliers.conftest import footprint_input

pytestmark = pytest.mark.django_db


def _action(producer, role, footprint_id, action):
    response = producer.api(role).post(
        producer.url(f"footprints/{footprint_id}/{action}/"), {"comment": ""}, format="json"
    )
    assert response.status_code in (200, 201), response.content
    return response.json()


def _through_review_and_publish(producer, footprint_id, submitter="preparer"):
    _action(producer, submitter, footprint_id, "submit")
    run_jobs()  # the validation run, in this process
    assert Footprint.objects.get(pk=footprint_id).status == "in_review"
    _action(producer, "reviewer", footprint_id, "approve")
    _action(producer, "admin", footprint_id, "publish")


def _published_through_the_pipeline(producer) -> str:
    draft = producer.api("preparer").post(
        producer.url("footprints/"), footprint_input(producer), format="json"
    )
    assert draft.status_code == 201, draft.content
    _through_review_and_publish(producer, draft.json()["id"])
    return draft.json()["id"]


def _share(producer, buyer: Party, *footprint_ids: str) -> dict:
    response = producer.api("preparer").post(
        producer.url("grants/"),
        {"buyer": buyer.organisation.slug, "footprints": list(footprint_ids)},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def _shared_ids(buyer: Party) -> list[tuple[str, str, str | None]]:
    results = buyer.api("viewer").get(buyer.url("shared-footprints/")).json()["results"]
    return [(r["id"], r["status"], r["superseded_by"]) for r in results]


def test_a_grant_covers_the_correction_and_marks_the_old_version_deprecated(producer, buyer):
    original = _published_through_the_pipeline(producer)
    grant = _share(producer, buyer, original)
    assert grant["footprints"] == [
        {"footprint": original, "lineage": original}  # the first version names its lineage
    ]
    assert Notification.objects.get(organisation=buyer.organisation).kind == "footprint.shared"
    assert _shared_ids(buyer) == [(original, "published", None)]

    correction = _action(producer, "preparer", original, "correct")["id"]
    _through_review_and_publish(producer, correction, submitter="preparer2")

    assert _shared_ids(buyer) == [
        (correction, "published", None),
        (original, "deprecated", correction),
    ]
    old = buyer.api("viewer").get(buyer.url(f"shared-footprints/{original}/")).json()
    assert (old["deprecated"], old["superseded_by"]) == (True, correction)
    new = buyer.api("viewer").get(buyer.url(f"shared-footprints/{correction}/"))
    assert new.status_code == 200
    detail = new.json()
    assert detail["document"]["id"] == correction
    assert detail["document"]["precedingPfIds"] == [original]
    assert detail["signature_verification"]["valid"] is True
    assert detail["signature_verification"]["signer"] == "hebei-steel"
    assert detail["decision"]["footprint"] == correction
    document = buyer.api("viewer").get(buyer.url(f"shared-footprints/{correction}/document/"))
    assert document.content == bytes(Footprint.objects.get(pk=correction).signed_document)
    # The deprecation reached the buyer through the audit listener and a work row, once.
    assert run_jobs() == [
        ("sharing.notify_footprint_deprecated", "succeeded"),
        ("sharing.email_notification", "succeeded"),
    ]
    deprecated = Notification.objects.get(
        organisation=buyer.organisation, kind="footprint.deprecated"
    )
    assert deprecated.dedupe_key == f"footprint.deprecated:{original}"
    assert deprecated.data == {
        "footprint": original,
        "lineage": original,
        "superseded_by": correction,
        "label": "Hot-rolled coil 2026",
        "supplier_name": producer.organisation.legal_name,
        "supplier_name_latin": "Hebei Steel",
    }
    assert deprecated.subject == "A footprint shared with you was deprecated: Hot-rolled coil 2026"
    assert Job.objects.filter(kind="sharing.notify_footprint_deprecated").count() == 1
    assert run_jobs() == []


def test_revoking_a_grant_hides_every_version_from_the_buyer(buyer, supplier):
    footprint = published_footprint(supplier.organisation)
    grant = grant_of(supplier.organisation, buyer.organisation, footprint)
    url = supplier.url(f"grants/{grant.pk}/revoke/")
    assert buyer.api().get(buyer.url(f"shared-footprints/{footprint.pk}/")).status_code == 200

    missing_reason = supplier.api("preparer").post(url, {}, format="json")
    revoked = supplier.api("preparer").post(url, {"reason": "Contract ended"}, format="json")
    again = supplier.api("preparer").post(url, {"reason": "Contract ended"}, format="json")

    assert missing_reason.status_code == 400
    assert revoked.status_code == 200, revoked.content
    assert (revoked.json()["live"], revoked.json()["revocation_reason"]) == (
        False,
        "Contract ended",
    )
    assert again.status_code == 409
    for path in ("", "document/", "signature/"):
        response = buyer.api("owner").get(buyer.url(f"shared-footprints/{footprint.pk}/{path}"))
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert buyer.api().get(buyer.url("shared-footprints/")).json()["results"] == []
    assert list(footprints_visible_to(organisation=buyer.organisation)) == []
    received = buyer.api().get(buyer.url("grants/received/")).json()["results"]
    assert [(g["id"], g["live"], g["footprints"]) for g in received] == [(str(grant.pk), False, [])]
    event = AuditEvent.objects.get(action="grant.revoked")
    assert (event.object_id, event.organisation) == (str(grant.pk), supplier.organisation)
    assert event.after == {
        "revoked": True,
        "reason": "Contract ended",
        "buyer": buyer.organisation.pk,
        "supplier": supplier.organisation.pk,
        "lineages": [str(footprint.lineage)],
        "footprints": [str(footprint.pk)],
        "request": None,
    }
    assert Notification.objects.get(organisation=buyer.organisation).kind == "grant.revoked"


def test_a_buyer_never_sees_drafts_other_buyers_shares_or_its_own_footprints_as_shared(
    buyer, supplier
):
    shared = published_footprint(supplier.organisation)
    grant = grant_of(supplier.organisation, buyer.organisation, shared)
    draft = FootprintFactory(organisation=supplier.organisation)  # not shared, not shareable
    # A draft correction in the shared lineage stays invisible until published.
    in_progress = FootprintFactory(
        organisation=supplier.organisation, preceding=shared, status="in_review"
    )
    other_buyer = OrganisationFactory()
    elsewhere = published_footprint(supplier.organisation)
    grant_of(supplier.organisation, other_buyer, elsewhere)

    listed = buyer.api().get(buyer.url("shared-footprints/")).json()["results"]

    assert [r["id"] for r in listed] == [str(shared.pk)]
    for hidden in (draft, in_progress, elsewhere):
        response = buyer.api().get(buyer.url(f"shared-footprints/{hidden.pk}/"))
        assert response.status_code == 404
    assert in_progress.lineage == shared.lineage
    assert grant.is_live


def test_sharing_only_takes_the_suppliers_own_published_footprints(buyer, supplier):
    foreign = published_footprint(OrganisationFactory())

    to_self = supplier.api().post(
        supplier.url("grants/"),
        {"buyer": supplier.organisation.slug, "footprints": [str(foreign.pk)]},
        format="json",
    )
    not_own = supplier.api().post(
        supplier.url("grants/"),
        {"buyer": buyer.organisation.slug, "footprints": [str(foreign.pk)]},
        format="json",
    )
    unknown = supplier.api().post(
        supplier.url("grants/"), {"buyer": "nobody", "footprints": ["x"]}, format="json"
    )

    assert to_self.json()["extra"]["fields"] == {
        "buyer": ["This is your own organisation; expected another organisation."]
    }
    assert list(not_own.json()["extra"]["fields"]) == ["footprints[0]"]
    assert unknown.json()["extra"]["fields"]["buyer"] == [
        "There is no organisation 'nobody' on the platform; expected the slug of the "
        "organisation to share with."
    ]
    assert not Grant.objects.exists()


def test_a_revoked_signing_key_is_announced_to_buyers_that_read_its_footprints(buyer, supplier):
    footprint = published_footprint(supplier.organisation)
    grant_of(supplier.organisation, buyer.organisation, footprint)
    unshared = published_footprint(supplier.organisation)  # signed with the same key
    key = SigningKey.objects.get(kid=footprint.signing_kid)
    mail.outbox.clear()

    with transaction.atomic():
        signing_key_revoke(
            actor=Actor(user=supplier.users[Role.OWNER]), key=key, reason="Laptop stolen"
        )
    outcomes = run_jobs()

    assert outcomes == [
        ("sharing.notify_signing_key_revoked", "succeeded"),
        ("sharing.email_notification", "succeeded"),
    ]
    notification = Notification.objects.get(organisation=buyer.organisation)
    assert notification.kind == "signing_key.revoked"
    assert notification.data == {
        "kid": key.kid,
        "footprints": [str(footprint.pk)],
        "footprint_lines": [f"{footprint.product.name} 2026 ({footprint.pk}, published)"],
        "supplier_name": "线材轧钢有限公司",
        "supplier_name_latin": "Wire Rod Mill Co",
    }
    assert notification.subject == (
        "线材轧钢有限公司 (Wire Rod Mill Co) revoked a signing key of footprints shared with you"
    )
    assert str(unshared.pk) not in notification.body
    assert len(mail.outbox) == 5
    detail = buyer.api().get(buyer.url(f"shared-footprints/{footprint.pk}/")).json()
    assert detail["signature_verification"]["revoked_later"] is True


def test_unshared_deprecations_create_no_work(supplier):
    footprint = published_footprint(supplier.organisation)
    from suppliers.services.workflow import footprint_deprecate

    footprint_deprecate(actor=Actor(user=supplier.users["admin"]), footprint=footprint)

    assert not Job.objects.filter(kind__startswith="sharing.").exists()


def test_the_shared_footprint_list_costs_the_same_queries_for_one_or_many(
    buyer, supplier, django_assert_num_queries
):
    grant_of(
        supplier.organisation,
        buyer.organisation,
        *[published_footprint(supplier.organisation) for _ in range(3)],
    )
    api = buyer.api()

    with django_assert_num_queries(4):
        response = api.get(buyer.url("shared-footprints/"))

    assert response.json()["count"] == 3
