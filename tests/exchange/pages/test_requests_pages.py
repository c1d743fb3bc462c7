"""The supplier's requests inbox in the browser (Django test client): what is shown, in
Chinese and English, and what fulfilling, rejecting and claiming change."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from exchange.sharing.models import FootprintRequest, Grant, GrantedFootprint, Notification
from tests.exchange.pages.conftest import page_url, person, wire_rod, wire_rod_request
from tests.exchange.sharing.builders import open_request, published_footprint
from tests.factories import FootprintFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return response.content.decode()


def test_the_inbox_shows_each_request_with_the_buyer_names_and_due_marks(buyer, supplier):
    today = timezone.localdate()
    overdue = wire_rod_request(buyer, supplier, due_date=today - timedelta(days=1))
    soon = wire_rod_request(buyer, supplier, due_date=today + timedelta(days=5), cn_code="")
    later = wire_rod_request(buyer, supplier, due_date=today + timedelta(days=40))
    chinese_buyer = OrganisationFactory(
        legal_name="上海紧固件有限公司", legal_name_latin="Shanghai Fasteners"
    )
    open_request(chinese_buyer, supplier.organisation)
    open_request(buyer.organisation, OrganisationFactory())  # another supplier's

    page = person(supplier, "viewer").get(page_url(supplier, "requests/"))

    html = _html(page)
    assert page.status_code == 200
    assert "<h1>请求收件箱</h1>" in html
    assert '<span class="count">4</span>' in html
    assert html.count('<span class="badge error">已逾期</span>') == 1
    assert html.count('<span class="badge warning">即将到期</span>') == 1
    assert f'href="/o/wire-rod-mill/requests/{overdue.pk}/">CN 7213 91 10 ' in html
    assert f'href="/o/wire-rod-mill/requests/{soon.pk}/">Wire rod 5.5 mm, SAE 1008</a>' in html
    assert f"/o/wire-rod-mill/requests/{later.pk}/" in html
    assert (
        '<span lang="zh-Hans">上海紧固件有限公司</span> '
        '<span class="muted">(Shanghai Fasteners)</span>' in html
    )
    assert "<span>Screw Maker GmbH</span>" in html
    assert html.count('<span class="badge status-open">待处理</span>') == 4


def test_the_inbox_filters_by_status_and_names_a_wrong_filter_at_the_field(buyer, supplier):
    open_one = wire_rod_request(buyer, supplier)
    rejected = wire_rod_request(buyer, supplier, status="rejected", reason="No such grade")
    client = person(supplier, "viewer", language="en")

    only_rejected = _html(client.get(page_url(supplier, "requests/?status=rejected")))
    wrong = client.get(page_url(supplier, "requests/?status=lost"))

    assert str(rejected.pk) in only_rejected
    assert str(open_one.pk) not in only_rejected
    assert '<span class="badge status-rejected">Rejected</span>' in only_rejected
    assert wrong.status_code == 200
    assert (
        '<p class="errors" id="id_status_error">Select a valid choice. lost is not one of the '
        "available choices.</p>" in _html(wrong)
    )


def test_the_detail_says_what_is_asked_and_the_timeline(buyer, supplier):
    footprint = wire_rod(supplier)
    asked = wire_rod_request(
        buyer,
        supplier,
        installation=footprint.installation,
        quantity_t=Decimal("1250.500000"),
        message="For our 2026 declaration, please.",
        reminder_sent_at=timezone.now(),
    )

    html = _html(person(supplier, "viewer").get(page_url(supplier, f"requests/{asked.pk}/")))

    assert "<dt>CN 编码</dt><dd>7213 91 10</dd>" in html
    assert "<dt>描述</dt><dd>Wire rod 5.5 mm, SAE 1008</dd>" in html
    assert (
        '<dt>装置</dt><dd><span lang="zh-Hans">一号轧钢厂</span> '
        '<span class="muted">(Rolling mill no. 1)</span></dd>' in html
    )
    assert "<dt>报告期</dt><dd>2026年1月1日 – 2026年12月31日</dd>" in html
    assert "<dt>采购数量</dt><dd>1,250.5 t</dd>" in html
    assert "<dt>留言</dt><dd>For our 2026 declaration, please.</dd>" in html
    assert "已发送提醒：截止日期临近" in html
    # A viewer reads; only writers answer.
    assert "请求由所有者、管理员和填报人答复；您的角色只能查看。" in html
    assert "完成请求" not in html


def test_a_preparer_fulfils_a_request_with_a_published_footprint(buyer, supplier):
    footprint = wire_rod(supplier)
    other_product = published_footprint(supplier.organisation)
    FootprintFactory(organisation=supplier.organisation)  # a draft: not offered
    asked = wire_rod_request(buyer, supplier)
    client = person(supplier, "preparer")

    form = _html(client.get(page_url(supplier, f"requests/{asked.pk}/")))
    answer = client.post(
        page_url(supplier, f"requests/{asked.pk}/fulfil/"), {"footprints": [str(footprint.pk)]}
    )

    assert form.count('type="checkbox" name="footprints"') == 2
    # The footprint of the CN code asked comes first, marked.
    assert form.index(str(footprint.pk)) < form.index(str(other_product.pk))
    assert '<span class="badge ok">与请求的 CN 编码一致</span>' in form
    assert answer.status_code == 302
    assert answer["Location"] == f"/o/wire-rod-mill/requests/{asked.pk}/"
    asked.refresh_from_db()
    assert asked.status == "fulfilled"
    grant = Grant.objects.get()
    assert (grant.supplier, grant.buyer, grant.request) == (
        supplier.organisation,
        buyer.organisation,
        asked,
    )
    assert list(GrantedFootprint.objects.values_list("footprint_id", "lineage")) == [
        (footprint.pk, footprint.lineage)
    ]
    assert AuditEvent.objects.filter(action="footprint_request.fulfilled").count() == 1
    told = Notification.objects.get(organisation=buyer.organisation)
    assert told.kind == "request.fulfilled"
    assert told.data["footprint_names"] == ["线材 Q195 2026"]
    shown = _html(client.get(answer["Location"]))
    assert (
        '<p class="outcome">此请求已完成：买方可以查看您共享的碳足迹及其后续更正版本，'
        "直至您撤销授权。</p>" in shown
    )
    assert f'<a href="/o/wire-rod-mill/grants/{grant.pk}/">已共享 1 个碳足迹</a>' in shown


def test_fulfilling_with_nothing_chosen_or_a_foreign_footprint_is_said_at_the_field(
    buyer, supplier
):
    wire_rod(supplier)
    foreign = published_footprint(OrganisationFactory())
    asked = wire_rod_request(buyer, supplier)
    url = page_url(supplier, f"requests/{asked.pk}/fulfil/")

    nothing = person(supplier, "preparer").post(url, {})
    not_ours = person(supplier, "owner", language="en").post(url, {"footprints": [str(foreign.pk)]})

    assert nothing.status_code == 200
    assert (
        '<p class="errors" id="footprints_error">请至少选择一个已发布的碳足迹与买方共享。</p>'
        in _html(nothing)
    )
    assert not_ours.status_code == 200
    assert (
        f'<p class="errors" id="footprints_error">{foreign.pk} is not one of your published '
        "footprints any more; choose again.</p>" in _html(not_ours)
    )
    assert FootprintRequest.objects.get().status == "open"
    assert not Grant.objects.exists()


def test_a_rejection_needs_a_reason_said_in_chinese_at_the_field(buyer, supplier):
    asked = wire_rod_request(buyer, supplier)
    url = page_url(supplier, f"requests/{asked.pk}/reject/")
    client = person(supplier, "admin")

    blank = client.post(url, {"reason": "   "})
    done = client.post(url, {"reason": "我们不生产该牌号。"})

    assert blank.status_code == 200
    assert (
        '<p class="errors" id="id_reason_error">请说明无法提供的原因；该原因会发送给买方。</p>'
        in _html(blank)
    )
    assert done.status_code == 302
    asked.refresh_from_db()
    assert (asked.status, asked.reason) == ("rejected", "我们不生产该牌号。")
    told = Notification.objects.get(organisation=buyer.organisation)
    assert told.body.startswith("线材轧钢有限公司 (Wire Rod Mill Co) rejected your request")
    assert "Reason: 我们不生产该牌号。" in told.body


def test_a_request_answered_meanwhile_says_so_instead_of_failing(buyer, supplier):
    footprint = wire_rod(supplier)
    asked = wire_rod_request(buyer, supplier, status="expired", closed_at=timezone.now())

    answer = person(supplier, "preparer").post(
        page_url(supplier, f"requests/{asked.pk}/fulfil/"), {"footprints": [str(footprint.pk)]}
    )

    assert answer.status_code == 200
    assert "此请求的状态为“已过期”；只有待处理的请求才能答复。" in _html(answer)
    assert not Grant.objects.exists()


def test_a_request_emailed_to_a_member_before_we_joined_is_claimed_from_the_inbox(buyer, supplier):
    member = MembershipFactory(organisation=supplier.organisation, user__email="sales@mill.example")
    invited = open_request(
        buyer.organisation, None, supplier_email=member.user.email, supplier_name="Wire Rod Mill"
    )
    client = person(supplier, "preparer")

    inbox = _html(client.get(page_url(supplier, "requests/")))
    claimed = client.post(page_url(supplier, f"requests/invited/{invited.pk}/claim/"))
    again = client.post(page_url(supplier, f"requests/invited/{invited.pk}/claim/"))

    assert "贵组织加入前发给贵方人员的请求" in inbox
    assert "<td>sales@mill.example</td>" in inbox
    assert claimed.status_code == 302
    assert claimed["Location"] == f"/o/wire-rod-mill/requests/{invited.pk}/"
    invited.refresh_from_db()
    assert invited.supplier == supplier.organisation
    assert again.status_code == 404  # no longer claimable
    assert AuditEvent.objects.filter(action="footprint_request.claimed").count() == 1


def test_the_dashboard_links_a_request_due_soon_to_its_page(buyer, supplier):
    asked = wire_rod_request(buyer, supplier, due_date=timezone.localdate() + timedelta(days=3))

    html = _html(person(supplier, "viewer").get(page_url(supplier)))

    assert f'<a href="/o/wire-rod-mill/requests/{asked.pk}/">CN 7213 91 10' in html


def test_the_inbox_and_the_detail_take_a_fixed_number_of_queries(
    buyer, supplier, django_assert_num_queries
):
    footprints = [wire_rod(supplier) for _ in range(3)]
    for _ in range(5):
        fulfilled = wire_rod_request(buyer, supplier, status="fulfilled")
        grant = Grant.objects.create(
            supplier=supplier.organisation, buyer=buyer.organisation, request=fulfilled
        )
        for footprint in footprints:
            GrantedFootprint.objects.create(
                grant=grant, footprint=footprint, lineage=footprint.lineage
            )
    asked = wire_rod_request(buyer, supplier)
    for _ in range(3):
        member = MembershipFactory(organisation=supplier.organisation)
        open_request(OrganisationFactory(), None, supplier_email=member.user.email)
    client = person(supplier, "preparer")
    client.get(page_url(supplier, "requests/"))  # warm the session

    # session, user, membership; count; requests + live grants + their footprints;
    # claimable requests + their (empty) grants.
    with django_assert_num_queries(9):
        inbox = client.get(page_url(supplier, "requests/"))
    # session, user, membership; the request + live grants + their footprints.
    with django_assert_num_queries(6):
        detail = client.get(page_url(supplier, f"requests/{fulfilled.pk}/"))
    # session, user, membership; the request + (no) grants; the footprints to choose from.
    with django_assert_num_queries(6):
        open_detail = client.get(page_url(supplier, f"requests/{asked.pk}/"))

    assert inbox.status_code == detail.status_code == open_detail.status_code == 200
    assert _html(inbox).count("/o/wire-rod-mill/requests/invited/") == 3
