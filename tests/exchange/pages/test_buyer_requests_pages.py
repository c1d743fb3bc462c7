"""The buyer's requests in the browser (Django test client): the list with its filters and due
marks, a new request to a supplier on the platform or by e-mail, errors at their fields in
both languages, the timeline, withdrawing and reminding (once a day)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from exchange.sharing.models import FootprintRequest, Notification
from tests.exchange.pages.conftest import page_url, person, wire_rod_request
from tests.exchange.sharing.builders import open_request
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return response.content.decode()


def _form(**overrides):
    today = timezone.localdate()
    data = {
        "supplier_kind": "platform",
        "supplier": "wire-rod-mill",
        "supplier_email": "",
        "supplier_name": "",
        "cn_code": "7213 91 10",
        "description": "Wire rod 5.5 mm, SAE 1008",
        "quantity_t": "1250.5",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "due_date": (today + timedelta(days=20)).isoformat(),
        "message": "For our 2026 CBAM declaration, please.",
    }
    data.update(overrides)
    return data


def test_the_list_shows_each_request_sent_with_its_supplier_and_due_marks(buyer, supplier):
    today = timezone.localdate()
    overdue = wire_rod_request(buyer, supplier, due_date=today - timedelta(days=1))
    soon = wire_rod_request(buyer, supplier, due_date=today + timedelta(days=5))
    invited = open_request(
        buyer.organisation, None, supplier_email="sales@newmill.example", supplier_name="New Mill"
    )
    open_request(OrganisationFactory(), supplier.organisation)  # another buyer's

    html = _html(person(buyer, "viewer").get(page_url(buyer, "sent-requests/")))

    assert "<h1>已发送的请求</h1>" in html
    assert '<span class="count">3</span>' in html
    assert html.count('<span class="badge error">已逾期</span>') == 1
    assert html.count('<span class="badge warning">即将到期</span>') == 1
    assert f'href="/o/screw-maker/sent-requests/{overdue.pk}/">CN 7213 91 10 ' in html
    assert f"/o/screw-maker/sent-requests/{soon.pk}/" in html
    assert f"/o/screw-maker/sent-requests/{invited.pk}/" in html
    assert (
        '<span lang="zh-Hans">线材轧钢有限公司</span> <span class="muted">(Wire Rod Mill Co)</span>'
        in html
    )
    assert 'New Mill <span class="muted">&lt;sales@newmill.example&gt;</span>' in html
    # A viewer reads; only writers send.
    assert "新建请求" not in html


def test_the_list_filters_by_status_and_supplier(buyer, supplier):
    to_mill = wire_rod_request(buyer, supplier)
    rejected = wire_rod_request(buyer, supplier, status="rejected", reason="No such grade")
    invited = open_request(buyer.organisation, None, supplier_email="sales@newmill.example")
    client = person(buyer, "preparer", language="en")

    by_supplier = _html(client.get(page_url(buyer, "sent-requests/?supplier=wire-rod-mill")))
    by_address = _html(client.get(page_url(buyer, "sent-requests/?supplier=sales@newmill.example")))
    by_status = _html(client.get(page_url(buyer, "sent-requests/?status=rejected")))
    wrong = client.get(page_url(buyer, "sent-requests/?supplier=nobody"))

    assert (str(to_mill.pk) in by_supplier, str(invited.pk) in by_supplier) == (True, False)
    assert (str(invited.pk) in by_address, str(to_mill.pk) in by_address) == (True, False)
    assert (str(rejected.pk) in by_status, str(to_mill.pk) in by_status) == (True, False)
    assert (
        '<option value="wire-rod-mill" selected>线材轧钢有限公司 (Wire Rod Mill Co)</option>'
        in (by_supplier)
    )
    assert wrong.status_code == 200
    assert (
        '<p class="errors" id="id_supplier_error">Select a valid choice. nobody is not one of '
        "the available choices.</p>" in _html(wrong)
    )


def test_a_preparer_sends_a_request_to_a_supplier_found_by_its_chinese_name(buyer, supplier):
    client = person(buyer, "preparer")

    found = client.get(page_url(buyer, "sent-requests/new/?q=线材"), HTTP_HX_REQUEST="true")
    sent = client.post(page_url(buyer, "sent-requests/new/"), _form())

    assert found.status_code == 200
    assert (
        '<input type="radio" name="supplier" value="wire-rod-mill" id="supplier-wire-rod-mill" '
        'form="send-request">' in _html(found)
    )
    assert "<legend>与“线材”匹配的组织</legend>" in _html(found)
    request = FootprintRequest.objects.get()
    assert sent.status_code == 302
    assert sent["Location"] == f"/o/screw-maker/sent-requests/{request.pk}/"
    assert (request.supplier, request.cn_code, str(request.quantity_t)) == (
        supplier.organisation,
        "72139110",
        "1250.500000",
    )
    assert request.created_by == buyer.users["preparer"]
    assert Notification.objects.get().organisation == supplier.organisation
    page = _html(client.get(sent["Location"]))
    assert "请求已发送：供应商已在平台内并通过电子邮件收到通知。" in page
    assert "<strong>已发送请求</strong> · " in page


def test_a_request_by_email_invites_a_company_not_on_the_platform(buyer):
    client = person(buyer, "preparer", language="en")

    sent = client.post(
        page_url(buyer, "sent-requests/new/"),
        _form(
            supplier_kind="email",
            supplier="",
            supplier_email="Sales@NewMill.example",
            supplier_name="New Mill",
        ),
    )

    request = FootprintRequest.objects.get()
    assert sent.status_code == 302
    assert (request.supplier, request.supplier_email, request.supplier_name) == (
        None,
        "sales@newmill.example",
        "New Mill",
    )
    page = _html(client.get(sent["Location"]))
    assert (
        "Request sent: sales@newmill.example gets it by e-mail with a link to register their "
        "company." in page
    )
    assert '<span class="badge warning">invited by e-mail</span>' in page


def test_errors_are_named_at_their_fields_in_chinese_and_nothing_is_sent(buyer, supplier):
    client = person(buyer, "preparer")
    yesterday = timezone.localdate() - timedelta(days=1)

    no_supplier = client.post(page_url(buyer, "sent-requests/new/"), _form(supplier=""))
    service = client.post(
        page_url(buyer, "sent-requests/new/"),
        _form(cn_code="7213", due_date=yesterday.isoformat(), period_end="2025-12-31"),
    )
    nothing_asked = client.post(
        page_url(buyer, "sent-requests/new/"), _form(cn_code="", description="", quantity_t="-3")
    )

    assert no_supplier.status_code == service.status_code == nothing_asked.status_code == 200
    assert (
        '<p class="errors" id="id_supplier_error">请在 CBAM Exchange 的组织中选择供应商（按名称'
        "搜索），或通过电子邮件邀请尚未加入的公司。</p>" in _html(no_supplier)
    )
    html = _html(service)
    assert (
        '<p class="errors" id="id_cn_code_error">&#x27;7213&#x27; 不是 CN 编码；'
        "应为 8 位数字，例如 72083900。</p>" in html
    )
    assert (
        '<p class="errors" id="id_period_end_error">期间结束日（2025-12-31）早于开始日'
        "（2026-01-01）；应为 2026-01-01 或之后。</p>" in html
    )
    assert (
        f'<p class="errors" id="id_due_date_error">{yesterday.isoformat()} 已过去；应为今天'
        f"（{timezone.localdate().isoformat()}）或之后的日期。</p>" in html
    )
    # What was typed stays, and the supplier stays chosen.
    assert 'value="wire-rod-mill" id="supplier-wire-rod-mill" form="send-request" checked' in html
    both = _html(nothing_asked)
    assert '<p class="errors" id="id_quantity_t_error">' in both
    assert "请说明您采购的产品：CN 编码（8 位数字）、描述或两者。" in both
    assert FootprintRequest.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_errors_in_english_name_the_field_and_what_is_expected(buyer, supplier):
    client = person(buyer, "admin", language="en")

    response = client.post(
        page_url(buyer, "sent-requests/new/"),
        _form(supplier_kind="email", supplier="", supplier_email="preparer@screw-maker.example"),
    )
    no_address = client.post(
        page_url(buyer, "sent-requests/new/"),
        _form(supplier_kind="email", supplier="", supplier_email=""),
    )

    assert (
        '<p class="errors" id="id_supplier_email_error">preparer@screw-maker.example belongs to '
        "a member of your own organisation; expected someone at the supplier.</p>"
        in _html(response)
    )
    assert "Give the e-mail address of someone at the supplier, e.g. sales@mill.example." in _html(
        no_address
    )
    assert FootprintRequest.objects.count() == 0


def test_a_viewer_may_not_open_the_form(buyer):
    assert person(buyer, "viewer").get(page_url(buyer, "sent-requests/new/")).status_code == 403


def test_the_detail_shows_the_timeline_and_the_preparer_reminds_once_a_day(buyer, supplier):
    asked = wire_rod_request(buyer, supplier)
    client = person(buyer, "preparer", language="en")

    first = client.post(page_url(buyer, f"sent-requests/{asked.pk}/remind/"))
    page = _html(client.get(first["Location"]))
    second = client.post(page_url(buyer, f"sent-requests/{asked.pk}/remind/"))

    assert first.status_code == 302
    assert "Reminder sent: the supplier is notified in the platform and by e-mail." in page
    assert "<strong>Reminder sent by the buyer</strong> · " in page
    assert "preparer@screw-maker.example" in page
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert (
        '<p id="next-reminder">Reminded today; the next reminder can be sent on '
        f"{tomorrow.isoformat()}.</p>" in page
    )
    assert second.status_code == 200
    assert (
        '<p class="errors" role="alert" id="remind-error">You already reminded the supplier of '
        "this request today; the next reminder can be sent on "
        f"{tomorrow.isoformat()}.</p>" in _html(second)
    )
    assert AuditEvent.objects.filter(action="footprint_request.buyer_reminded").count() == 1
    assert Notification.objects.filter(kind="request.reminded").count() == 1


def test_the_preparer_withdraws_with_a_reason_and_the_supplier_is_told(buyer, supplier):
    asked = wire_rod_request(buyer, supplier)
    client = person(buyer, "preparer")

    response = client.post(
        page_url(buyer, f"sent-requests/{asked.pk}/withdraw/"), {"reason": "Bought elsewhere"}
    )
    again = client.post(page_url(buyer, f"sent-requests/{asked.pk}/withdraw/"), {"reason": ""})
    remind = client.post(page_url(buyer, f"sent-requests/{asked.pk}/remind/"))

    assert response.status_code == 302
    asked.refresh_from_db()
    assert (asked.status, asked.reason) == ("withdrawn", "Bought elsewhere")
    assert Notification.objects.get(organisation=supplier.organisation).kind == (
        "request.withdrawn"
    )
    assert again.status_code == remind.status_code == 200
    assert "此请求已撤回；只有待处理的请求才能撤回或提醒。" in _html(again)
    assert "此请求已撤回；只有待处理的请求才能撤回或提醒。" in _html(remind)
    page = _html(client.get(page_url(buyer, f"sent-requests/{asked.pk}/")))
    assert "<strong>买方已撤回</strong>" in page
    assert "原因：Bought elsewhere" in page
    assert '<p class="outcome">已撤回：不再要求供应商答复。</p>' in page


def test_a_viewer_reads_but_cannot_remind_or_withdraw(buyer, supplier):
    asked = wire_rod_request(buyer, supplier)
    client = person(buyer, "viewer")

    page = _html(client.get(page_url(buyer, f"sent-requests/{asked.pk}/")))
    remind = client.post(page_url(buyer, f"sent-requests/{asked.pk}/remind/"))

    assert "请求由所有者、管理员和填报人提醒或撤回；您的角色只能查看。" in page
    assert remind.status_code == 403
    assert AuditEvent.objects.count() == 0


def test_a_request_of_another_buyer_or_the_suppliers_inbox_is_a_404(buyer, supplier):
    theirs = open_request(OrganisationFactory(), supplier.organisation)
    incoming = open_request(supplier.organisation, buyer.organisation)
    client = person(buyer, "owner")

    for request in (theirs, incoming):
        assert client.get(page_url(buyer, f"sent-requests/{request.pk}/")).status_code == 404
        remind = client.post(page_url(buyer, f"sent-requests/{request.pk}/remind/"))
        assert remind.status_code == 404
    assert AuditEvent.objects.count() == 0


def test_the_list_and_the_detail_cost_the_same_queries_whatever_the_rows(
    buyer, supplier, django_assert_num_queries
):
    for _ in range(6):
        wire_rod_request(buyer, supplier)
    for n in range(4):
        open_request(buyer.organisation, None, supplier_email=f"sales{n}@mill.example")
    asked = wire_rod_request(buyer, supplier)
    client = person(buyer, "preparer", language="en")
    client.post(page_url(buyer, f"sent-requests/{asked.pk}/remind/"))

    # session, user, membership; supplier choices; count, page, live grants (+ footprints none).
    with django_assert_num_queries(7):
        listed = client.get(page_url(buyer, "sent-requests/"))
    # session, user, membership; the request + live grants; the timeline's audit events,
    # notifications and invitation work rows (nothing was shared: no footprint names).
    with django_assert_num_queries(8):
        detail = client.get(page_url(buyer, f"sent-requests/{asked.pk}/"))

    assert listed.status_code == detail.status_code == 200
    assert '<span class="count">11</span>' in _html(listed)
