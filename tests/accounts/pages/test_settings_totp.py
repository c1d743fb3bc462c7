"""Two-factor sign-in on the settings page: set up with a QR code drawn on the server (with
the key as text beside it), confirmed with a code; turned off with a code."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django.test import Client

from accounts import totp
from accounts.models import AuditEvent, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN"}


@pytest.fixture
def person() -> User:
    return UserFactory(email="li.wei@hebei-wire.example")


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _secret_from(html: str) -> bytes:
    grouped = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', html)
    assert grouped is not None
    text = grouped.group(1).replace(" ", "")
    return base64.b32decode(text + "=" * (-len(text) % 8))


def test_setting_up_shows_a_qr_code_without_inline_style_and_the_key_as_text(person):
    client = _client(person)

    answer = client.post("/settings/", {"form": "totp_begin"})
    page = client.get("/settings/")

    assert answer.status_code == 302
    assert answer["Location"] == "/settings/#totp-h"
    html = page.content.decode()
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    assert svg.startswith('<svg role="img" width=')
    assert "<title>QR code to scan with your authenticator app</title>" in svg
    assert "style" not in svg
    assert "<script" not in svg
    secret = _secret_from(html)
    assert len(secret) == 20
    person.refresh_from_db()
    assert person.totp_secret_encrypted != ""
    assert person.totp_confirmed_at is None


def test_a_right_code_turns_it_on_and_a_wrong_one_is_said_at_the_field_in_chinese(person):
    client = _client(person)
    client.post("/settings/", {"form": "totp_begin"})
    secret = _secret_from(client.get("/settings/").content.decode())
    wrong = str((int(totp.totp_at(secret, time.time())) + 500_000) % 1_000_000).zfill(6)

    refused = client.post("/settings/", {"form": "totp_confirm", "code": wrong}, **ZH)

    assert refused.status_code == 200
    assert refused.context["totp_form"].errors == {
        "code": ["请输入身份验证器应用当前显示的 6 位验证码。"],
        "__all__": ["验证码错误或已过期。"],
    }
    assert "<svg" in refused.content.decode()  # the QR code stays to try again

    accepted = client.post(
        "/settings/", {"form": "totp_confirm", "code": totp.totp_at(secret, time.time())}
    )

    assert accepted.status_code == 302
    person.refresh_from_db()
    assert person.totp_enabled
    assert AuditEvent.objects.get().action == "user.totp_enabled"
    html = client.get("/settings/").content.decode()
    assert "<svg" not in html
    assert 'value="totp_disable"' in html


def test_turning_it_off_needs_a_current_code(person):
    client = _client(person)
    client.post("/settings/", {"form": "totp_begin"})
    secret = _secret_from(client.get("/settings/").content.decode())
    client.post("/settings/", {"form": "totp_confirm", "code": totp.totp_at(secret, time.time())})

    refused = client.post("/settings/", {"form": "totp_disable", "code": "12345"})
    assert refused.status_code == 200
    assert refused.context["totp_form"].errors == {"code": ["Enter the 6 digits."]}

    # The next step's code: the one just used to confirm cannot be used again.
    off = client.post(
        "/settings/",
        {"form": "totp_disable", "code": totp.totp_at(secret, time.time() + totp.STEP_SECONDS)},
    )
    assert off.status_code == 302
    person.refresh_from_db()
    assert not person.totp_enabled
    assert person.totp_secret_encrypted == ""
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "user.totp_enabled",
        "user.totp_disabled",
    ]


def test_the_settings_page_stays_the_same_number_of_queries(person, django_assert_num_queries):
    client = _client(person)
    client.post("/settings/", {"form": "totp_begin"})
    with django_assert_num_queries(2):
        assert client.get("/settings/").status_code == 200
