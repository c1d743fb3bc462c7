"""The buyer's footprints shared with it (signature state checked now, deprecated versions,
decision record, downloads) and its evidence of efforts (index, log, CSV and PDF downloads)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.audit import Actor
from accounts.models import SigningKey
from accounts.services.signing_keys import signing_key_revoke
from exchange.sharing.services.requests import request_reject, request_remind
from tests.exchange.pages.conftest import page_url, person, wire_rod, wire_rod_request
from tests.exchange.sharing.builders import grant_of, open_request, published_footprint
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return response.content.decode()


def test_the_shared_list_shows_each_signature_state_and_deprecated_versions(buyer, supplier):
    valid = wire_rod(supplier)
    old = published_footprint(supplier.organisation)
    grant_of(supplier.organisation, buyer.organisation, valid, old)
    type(old).objects.filter(pk=old.pk).update(status="deprecated")
    other_mill = OrganisationFactory(slug="other-mill", legal_name_latin="Other Mill")
    revoked = published_footprint(other_mill)
    grant_of(other_mill, buyer.organisation, revoked)
    with transaction.atomic():
        signing_key_revoke(
            actor=Actor.platform("tests"),
            key=SigningKey.objects.get(kid=revoked.signing_kid),
            reason="Laptop stolen",
        )
    published_footprint(supplier.organisation)  # not shared

    html = _html(person(buyer, "viewer", language="en").get(page_url(buyer, "shared-footprints/")))

    assert '<span class="count">3</span>' in html
    assert html.count('<span class="badge ok">signature valid</span>') == 2
    assert html.count('<span class="badge warning">key revoked later</span>') == 1
    assert html.count('<span class="badge warning">deprecated</span>') == 1
    assert f'href="/o/screw-maker/shared-footprints/{valid.pk}/">线材 Q195</a>' in html


def test_the_shared_list_filters_by_supplier_and_current_versions(buyer, supplier):
    current = wire_rod(supplier)
    old = published_footprint(supplier.organisation)
    grant_of(supplier.organisation, buyer.organisation, current, old)
    type(old).objects.filter(pk=old.pk).update(status="deprecated")
    other_mill = OrganisationFactory(slug="other-mill")
    theirs = published_footprint(other_mill)
    grant_of(other_mill, buyer.organisation, theirs)
    client = person(buyer, "viewer", language="en")

    mill_only = _html(client.get(page_url(buyer, "shared-footprints/?supplier=wire-rod-mill")))
    current_only = _html(client.get(page_url(buyer, "shared-footprints/?current=on")))

    assert (str(current.pk) in mill_only, str(theirs.pk) in mill_only) == (True, False)
    assert (str(current.pk) in current_only, str(old.pk) in current_only) == (True, False)
    assert str(theirs.pk) in current_only


def test_the_shared_detail_verifies_the_signature_and_offers_the_downloads(buyer, supplier):
    footprint = wire_rod(supplier)
    grant_of(supplier.organisation, buyer.organisation, footprint)
    client = person(buyer, "viewer")
    base = f"shared-footprints/{footprint.pk}/"

    html = _html(client.get(page_url(buyer, base)))
    document = client.get(page_url(buyer, f"{base}document/"))
    signature = client.get(page_url(buyer, f"{base}signature/"))

    assert '<p class="verdict ok" id="verdict">有效：文件与供应商签名时完全一致。</p>' in html
    assert f"<code>{footprint.signing_kid}</code>" in html
    assert f'href="/o/screw-maker/{base}document/" download>' in html
    assert f'href="/o/screw-maker/{base}signature/" download>' in html
    assert f'href="/o/screw-maker/{base}communication-template.xlsx" download>' in html
    assert document.status_code == 200
    assert document.content == bytes(footprint.signed_document)
    assert document["Content-Disposition"] == f'attachment; filename="{footprint.pk}.json"'
    assert signature.content.decode() == footprint.signature
    assert signature["Content-Disposition"] == f'attachment; filename="{footprint.pk}.jws"'


def test_a_footprint_not_shared_or_shared_no_more_is_a_404_with_its_downloads(buyer, supplier):
    unshared = wire_rod(supplier)
    revoked = published_footprint(supplier.organisation)
    grant = grant_of(supplier.organisation, buyer.organisation, revoked)
    type(grant).objects.filter(pk=grant.pk).update(revoked_at=timezone.now())
    client = person(buyer, "owner")

    for footprint in (unshared, revoked):
        for tail in ("", "document/", "signature/", "communication-template.xlsx"):
            url = page_url(buyer, f"shared-footprints/{footprint.pk}/{tail}")
            assert client.get(url).status_code == 404, url


def test_the_shared_pages_cost_the_same_queries_whatever_the_rows(
    buyer, supplier, django_assert_num_queries
):
    footprints = [published_footprint(supplier.organisation) for _ in range(4)]
    grant_of(supplier.organisation, buyer.organisation, *footprints)
    other_mill = OrganisationFactory()
    grant_of(other_mill, buyer.organisation, published_footprint(other_mill))
    client = person(buyer, "viewer", language="en")

    # session, user, membership; supplier choices; count, page, successors; the keys.
    with django_assert_num_queries(8):
        listed = client.get(page_url(buyer, "shared-footprints/"))

    assert listed.status_code == 200
    assert '<span class="count">5</span>' in _html(listed)


# --------------------------------------------------------------------------- evidence


def _efforts(buyer, supplier):
    answered = wire_rod_request(buyer, supplier, created_by=buyer.users["preparer"])
    refused = wire_rod_request(buyer, supplier, cn_code="72142000")
    with transaction.atomic():
        request_remind(actor=Actor(user=buyer.users["preparer"]), request=answered)
        request_reject(
            actor=Actor(user=supplier.users["preparer"]), request=refused, reason="=No grade"
        )
    invited = open_request(
        buyer.organisation, None, supplier_email="sales@newmill.example", supplier_name="New Mill"
    )
    return answered, refused, invited


def test_the_evidence_index_counts_per_supplier(buyer, supplier):
    _efforts(buyer, supplier)
    open_request(OrganisationFactory(), supplier.organisation)  # another buyer's

    html = _html(person(buyer, "viewer").get(page_url(buyer, "efforts/")))

    assert "<h1>努力证明</h1>" in html
    assert '<span class="count">2</span>' in html
    assert 'href="/o/screw-maker/efforts/wire-rod-mill/"' in html
    assert 'href="/o/screw-maker/efforts/sales@newmill.example/"' in html
    row = html.split('href="/o/screw-maker/efforts/wire-rod-mill/"')[1].split("</tr>")[0]
    # requests, reminders, answered, refused, unanswered, open
    assert [cell.split("</td>")[0] for cell in row.split('<td class="num">')[1:]] == [
        "2",
        "1",
        "0",
        "1",
        "0",
        "1",
    ]


def test_the_evidence_log_and_its_downloads(buyer, supplier):
    _answered, refused, _invited = _efforts(buyer, supplier)
    client = person(buyer, "viewer", language="en")
    today = timezone.localdate().isoformat()

    html = _html(client.get(page_url(buyer, "efforts/wire-rod-mill/")))
    csv_file = client.get(page_url(buyer, "efforts/wire-rod-mill/evidence.csv"))
    pdf_file = client.get(page_url(buyer, f"efforts/wire-rod-mill/evidence.pdf?start={today}"))

    assert "<dt>Buyer</dt><dd><span>Screw Maker GmbH</span></dd>" in html
    assert html.count("<td>Request sent</td>") == 2
    assert "<td>Refused by the supplier</td>" in html
    assert "<td>reason: =No grade</td>" in html
    assert "<td>Reminder sent by the buyer</td>" in html
    assert '<th scope="row">Request sent</th><td class="num">2</td>' in html
    assert f'href="/o/screw-maker/sent-requests/{refused.pk}/"' in html
    assert csv_file.status_code == 200
    assert csv_file["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_file["Content-Disposition"] == (
        f'attachment; filename="evidence-of-efforts-wire-rod-mill-{today}-{today}.csv"'
    )
    assert csv_file.content.startswith(b"\xef\xbb\xbf# Evidence of efforts")
    rows = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
    assert rows[4][0].endswith("UTC by viewer@screw-maker.example")
    (refusal,) = [row for row in rows if row[1:2] == ["rejected"]]
    assert refusal[-1] == "reason: =No grade"
    assert pdf_file.status_code == 200
    assert pdf_file["Content-Type"] == "application/pdf"
    assert pdf_file["Content-Disposition"] == (
        f'attachment; filename="evidence-of-efforts-wire-rod-mill-{today}-{today}.pdf"'
    )
    assert pdf_file.content.startswith(b"%PDF-")


def test_the_evidence_of_an_invited_company_and_a_wrong_period(buyer, supplier):
    _efforts(buyer, supplier)
    client = person(buyer, "viewer")

    html = _html(client.get(page_url(buyer, "efforts/sales@newmill.example/")))
    wrong = client.get(page_url(buyer, "efforts/wire-rod-mill/?start=2026-12-31&end=2026-01-01"))
    csv_file = client.get(page_url(buyer, "efforts/sales@newmill.example/evidence.csv"))

    assert "New Mill &lt;sales@newmill.example&gt;" in html
    assert wrong.status_code == 200
    assert (
        '<p class="errors" id="id_end_error">期间的结束早于开始；应为 2026-12-31 或之后。</p>'
        in _html(wrong)
    )
    assert csv_file["Content-Disposition"].startswith(
        'attachment; filename="evidence-of-efforts-sales-at-newmill.example-'
    )
    assert csv_file.content.decode("utf-8-sig").startswith("# 为获取实际排放数据所做努力的证明\n")


def test_a_supplier_this_buyer_never_asked_is_a_404(buyer, supplier):
    open_request(OrganisationFactory(), supplier.organisation)
    client = person(buyer, "owner")

    for tail in ("", "evidence.csv", "evidence.pdf"):
        assert client.get(page_url(buyer, f"efforts/wire-rod-mill/{tail}")).status_code == 404
        assert client.get(page_url(buyer, f"efforts/nobody@x.example/{tail}")).status_code == 404


def test_the_evidence_pages_cost_the_same_queries_whatever_the_rows(
    buyer, supplier, django_assert_num_queries
):
    _efforts(buyer, supplier)
    for _ in range(5):
        wire_rod_request(buyer, supplier, due_date=timezone.localdate() + timedelta(days=9))
    client = person(buyer, "viewer", language="en")

    # session, user, membership; the buyer's reminders; its requests.
    with django_assert_num_queries(5):
        index = client.get(page_url(buyer, "efforts/"))
    # session, user, membership; requests; audit events, notifications, invitation rows.
    with django_assert_num_queries(7):
        log = client.get(page_url(buyer, "efforts/wire-rod-mill/"))
    with django_assert_num_queries(7):
        csv_file = client.get(page_url(buyer, "efforts/wire-rod-mill/evidence.csv"))

    assert index.status_code == log.status_code == csv_file.status_code == 200


def test_the_shared_detail_costs_the_same_queries_and_names_a_deprecated_versions_successor(
    buyer, supplier, django_assert_num_queries
):
    old = wire_rod(supplier)
    grant_of(supplier.organisation, buyer.organisation, old)
    newer = published_footprint(
        supplier.organisation,
        product=old.product,
        installation=old.installation,
        lineage=old.lineage,
        preceding=old,
    )
    type(old).objects.filter(pk=old.pk).update(status="deprecated")
    client = person(buyer, "viewer", language="en")

    # The first view records the footprint's decision (as the API's detail does); then:
    # session, user, membership; the footprint + successors; the key; the decision's check
    # (footprint, precursors, evidence, keys, reference versions, record) in a savepoint.
    client.get(page_url(buyer, f"shared-footprints/{old.pk}/"))
    with django_assert_num_queries(14):
        html = _html(client.get(page_url(buyer, f"shared-footprints/{old.pk}/")))

    assert '<span class="badge warning">deprecated</span>' in html
    assert (
        "This version is deprecated: the supplier published a correction. "
        f'<a href="/o/screw-maker/shared-footprints/{newer.pk}/">Read the version that replaced '
        "it</a>" in html
    )
    assert '<h2 id="decision-h">Actual data or default value</h2>' in html
    base = f"/o/screw-maker/shared-footprints/{old.pk}/"
    assert (
        '<p class="actions" id="original-downloads">As first published (before its '
        f'deprecation): <a href="{base}document/?version=original" download>original signed '
        f'document (JSON)</a> · <a href="{base}signature/?version=original" download>its '
        "signature (JWS)</a></p>"
    ) in html
