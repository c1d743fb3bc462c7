"""Each person gets the e-mail in the language they chose; someone who chose none gets
Chinese then English when their organisation is in China (or unknown: an invited supplier),
English otherwise. Links go to the page where the thing is done, on SITE_URL."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.utils import timezone

from accounts.audit import Actor
from accounts.models import User
from exchange.sharing.models import FootprintRequest
from exchange.sharing.services.mail import LANGUAGE_SEPARATOR
from exchange.sharing.services.requests import request_reject
from tests.exchange.sharing.conftest import run_jobs
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://cbam.example"
DUE = timezone.localdate() + timedelta(days=30)


def _send(buyer, **body):
    values = {
        "supplier": "wire-rod-mill",
        "cn_code": "72139110",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "due_date": DUE.isoformat(),
    }
    values.update(body)
    response = buyer.api().post(buyer.url("footprint-requests/"), values, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def _to(address: str):
    (message,) = [m for m in mail.outbox if m.to == [address]]
    return message


def test_each_member_gets_the_notification_in_their_language(buyer, supplier, settings):
    settings.SITE_URL = SITE
    User.objects.filter(email="viewer@wire-rod-mill.example").update(language="en")
    User.objects.filter(email="owner@wire-rod-mill.example").update(language="zh-hans")

    request_id = _send(buyer)
    run_jobs()

    due_zh = f"{DUE.year}年{DUE.month}月{DUE.day}日"
    link = f"{SITE}/o/wire-rod-mill/requests/{request_id}/"
    english = _to("viewer@wire-rod-mill.example")
    chinese = _to("owner@wire-rod-mill.example")
    both = _to("preparer@wire-rod-mill.example")
    assert english.subject == "Screw Maker GmbH requests a footprint: CN 72139110, 2026"
    assert english.body == (
        "Screw Maker GmbH asks you for the product carbon footprint of CN 72139110, 2026.\n"
        f"Due date: {DUE.isoformat()}\n\n"
        "Answer it in the requests inbox: fulfil it with your published footprints, or reject "
        "it with a reason.\n\n--\n"
        "CBAM Exchange, for 线材轧钢有限公司 (Wire Rod Mill Co).\n"
        f"Open it: {link}\n"
        f"All notifications: {SITE}/o/wire-rod-mill/notifications/\n"
    )
    assert chinese.subject == "Screw Maker GmbH 请求碳足迹：CN 72139110，2026年"
    assert chinese.body == (
        "Screw Maker GmbH 请您提供 CN 72139110，2026年 的产品碳足迹。\n"
        f"截止日期：{due_zh}\n\n"
        "请在请求收件箱中答复：用已发布的碳足迹完成请求，或说明原因后拒绝。\n\n--\n"
        "CBAM Exchange，发给 线材轧钢有限公司 (Wire Rod Mill Co)。\n"
        f"查看：{link}\n"
        f"全部通知：{SITE}/o/wire-rod-mill/notifications/\n"
    )
    assert both.subject == f"{chinese.subject} / {english.subject}"
    assert both.body == chinese.body + LANGUAGE_SEPARATOR + english.body
    # The link opens the request's page for its supplier.
    client = Client()
    client.force_login(supplier.users["viewer"])
    page = client.get(link.removeprefix(SITE))
    assert page.status_code == 200


def test_a_member_of_an_organisation_outside_china_who_chose_nothing_gets_english(
    buyer, supplier, settings
):
    settings.SITE_URL = SITE
    request_id = _send(buyer)
    run_jobs()
    mail.outbox.clear()
    with transaction.atomic():
        request_reject(
            actor=Actor(user=supplier.users["preparer"]),
            request=FootprintRequest.objects.get(pk=request_id),
            reason="No such grade",
        )
    run_jobs()

    message = _to("viewer@screw-maker.example")  # the buyer is in Germany
    assert message.subject == (
        "线材轧钢有限公司 (Wire Rod Mill Co) rejected your request: CN 72139110, 2026"
    )
    assert "Reason: No such grade" in message.body
    assert LANGUAGE_SEPARATOR not in message.body
    assert f"All notifications: {SITE}/o/screw-maker/notifications/" in message.body


def test_an_invited_supplier_gets_chinese_then_english_and_a_known_person_their_language(
    buyer, settings
):
    settings.SITE_URL = SITE
    UserFactory(email="sales@known.example", language="en")

    _send(buyer, supplier="", supplier_email="sales@newmill.example", supplier_name="新钢厂")
    _send(buyer, supplier="", supplier_email="sales@known.example")
    run_jobs()

    unknown = _to("sales@newmill.example")
    known = _to("sales@known.example")
    assert unknown.subject == (
        "Screw Maker GmbH 请求提供产品碳足迹（CBAM） / "
        "Screw Maker GmbH asks for a product carbon footprint (CBAM)"
    )
    chinese, english = unknown.body.split(LANGUAGE_SEPARATOR)
    assert chinese.startswith("新钢厂，您好：\n\nScrew Maker GmbH 使用 CBAM Exchange")
    link = re.search(rf"{re.escape(SITE)}/sign-up/([^/]+)/", english)
    assert link is not None
    assert f"在 CBAM Exchange（{link.group(0)}）上注册贵公司" in chinese
    assert english.startswith("Dear 新钢厂,\n\nScrew Maker GmbH uses CBAM Exchange")
    assert f"register your company on CBAM Exchange ({link.group(0)})" in english
    # The link opens the sign-up page for this very address.
    page = Client().get(f"/sign-up/{link.group(1)}/")
    assert page.status_code == 200
    assert "sales@newmill.example" in page.content.decode()
    assert known.subject == "Screw Maker GmbH asks for a product carbon footprint (CBAM)"
    assert LANGUAGE_SEPARATOR not in known.body
    # A person with an account is sent to the login page instead.
    assert f"({SITE}/login/?next=/dashboard/)" in known.body
