"""Sign-up from an e-mailed link: a company not on the platform creates its organisation and
owner in one go; the link is the only way in (no open registration), works until the address
has an account, and every refusal is a page that says why, in the reader's language."""

from __future__ import annotations

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client

from accounts.models import AuditEvent, Membership, Organisation, OrganisationIdentifier, User
from accounts.services.registration import SIGN_UP_LINK_TTL, sign_up_token, sign_up_url
from core.jobs import job_execute
from core.models import Job
from exchange.sharing.models import Notification
from exchange.sharing.services.reactions import INVITED_REQUESTS_JOB
from tests.exchange.sharing.builders import open_request
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

INVITED = "sales@hebei-wire.example"
USCC = "91350100M000100Y43"
WRONG_CHECK = "91350100M000100Y44"
PASSWORD = "Vanadium-Slab-42!"
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}


def _form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "full_name": "王丽",
        "password": PASSWORD,
        "legal_name": "河北线材有限公司",
        "legal_name_latin": "Hebei Wire Rod Co., Ltd.",
        "country": "cn",
        "kinds": ["producer"],
        "identifier_scheme": "cn-uscc",
        "identifier_value": USCC,
    }
    data.update(changes)
    return data


def _url(email: str = INVITED, name: str = "") -> str:
    return f"/sign-up/{sign_up_token(email=email, organisation_name=name)}/"


def test_the_e_mail_link_is_absolute_and_lands_on_the_sign_up_page(settings):
    settings.SITE_URL = "https://cbam.example"
    url = sign_up_url(email="Sales@Hebei-Wire.example", organisation_name="Hebei Wire")

    assert url.startswith("https://cbam.example/sign-up/")
    page = Client().get(url.removeprefix("https://cbam.example"))

    assert page.status_code == 200
    html = page.content.decode()
    assert "<strong>sales@hebei-wire.example</strong>" in html
    assert 'name="legal_name_latin" value="Hebei Wire"' in html
    assert 'value="producer" id="id_kinds_0" checked' in html


def test_a_name_in_chinese_is_suggested_as_the_original_script_name():
    html = Client().get(_url(name="河北线材")).content.decode()
    assert 'name="legal_name" value="河北线材"' in html


def test_signing_up_creates_the_organisation_and_its_owner_with_audit_events():
    buyer = OrganisationFactory(slug="screw-maker", country="DE")
    request = open_request(buyer=buyer, supplier=None, supplier_email=INVITED)
    client = Client()

    answer = client.post(_url(), _form(), **ZH)

    organisation = Organisation.objects.get(legal_name_latin="Hebei Wire Rod Co., Ltd.")
    assert answer.status_code == 302
    assert answer["Location"] == f"/o/{organisation.slug}/"
    assert organisation.slug == "hebei-wire-rod-co-ltd"
    assert (organisation.legal_name, organisation.country) == ("河北线材有限公司", "CN")
    assert organisation.kind_list == ["producer"]
    assert list(OrganisationIdentifier.objects.values_list("organisation", "urn")) == [
        (organisation.pk, f"urn:cbam-exchange:cn-uscc:{USCC}")
    ]
    user = User.objects.get(email=INVITED)
    assert (user.full_name, user.language, user.active_organisation) == (
        "王丽",
        "zh-hans",
        organisation,
    )
    assert user.check_password(PASSWORD)
    assert list(Membership.objects.filter(user=user).values_list("organisation", "role")) == [
        (organisation.pk, "owner")
    ]
    events = list(
        AuditEvent.objects.order_by("id").values_list(
            "action", "actor_user", "organisation", "object_id"
        )
    )
    assert events == [
        ("organisation.created", user.pk, organisation.pk, str(organisation.pk)),
        ("user.signed_up", user.pk, organisation.pk, str(user.pk)),
    ]
    assert AuditEvent.objects.get(action="user.signed_up").after == {
        "email": INVITED,
        "organisation": "hebei-wire-rod-co-ltd",
        "role": "owner",
    }
    # Signed in, in Chinese, on the new organisation's dashboard.
    assert answer.cookies["cbam_language"].value == "zh-hans"
    dashboard = client.get(answer["Location"])
    assert dashboard.status_code == 200
    assert (
        "欢迎。河北线材有限公司 已加入 CBAM Exchange，您是其所有者。" in dashboard.content.decode()
    )
    # The exchange heard of the new organisation: the waiting request is announced to it.
    job = Job.objects.get(kind=INVITED_REQUESTS_JOB)
    assert job.payload == {"organisation_id": organisation.pk}
    assert job_execute(job_id=job.pk).status == "succeeded"
    notification = Notification.objects.get(organisation=organisation)
    assert notification.data["request"] == str(request.pk)
    assert notification.data["invited"] is True
    assert notification.kind == "request.received"


def test_a_wrong_uscc_check_character_is_refused_at_the_field_in_chinese():
    answer = Client().post(_url(), _form(identifier_value=WRONG_CHECK), **ZH)

    assert answer.status_code == 200
    errors = answer.context["form"].errors
    assert errors["identifier_value"] == [
        f"'{WRONG_CHECK}'：校验码为 '4'，应为 '3'（GB 32100-2015）；代码输入有误"
    ]
    assert "id_identifier_value_error" in answer.content.decode()
    assert not User.objects.exists()
    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_wrong_uscc_check_character_is_refused_at_the_field_in_english():
    answer = Client().post(_url(), _form(identifier_value=WRONG_CHECK))

    assert answer.status_code == 200
    assert answer.context["form"].errors["identifier_value"] == [
        f"'{WRONG_CHECK}': check character is '4', expected '3' (GB 32100-2015); "
        "the code is mistyped"
    ]


def test_every_refused_field_is_named_at_once_and_nothing_is_written():
    answer = Client().post(
        _url(),
        _form(full_name="  ", password="12345678", legal_name_latin="河北", country="XX"),
        **ZH,
    )

    assert answer.status_code == 200
    errors = answer.context["form"].errors
    assert errors["full_name"] == ["该字段是必填项。"]  # Django's own, before the service
    assert not User.objects.exists()

    answer = Client().post(
        _url(), _form(password="12345678", legal_name_latin="河北", country="XX"), **ZH
    )
    errors = answer.context["form"].errors
    assert answer.status_code == 200
    assert errors["password"] == ["这个密码太常见了。", "密码只包含数字。"]
    assert errors["legal_name_latin"] == ["'河北' 含有非拉丁字母；请填写英文或拼音名称。"]
    assert errors["country"] == ["'XX' 不是 ISO 3166-1 两位国家代码；应为例如 CN、DE。"]
    assert errors["__all__"] == ["部分字段需要更正。"]
    assert not User.objects.exists()
    assert not Organisation.objects.exists()


def test_an_identifier_registered_to_another_organisation_is_refused_at_the_field():
    other = OrganisationFactory()
    OrganisationIdentifier.objects.create(
        organisation=other, scheme="cn-uscc", value=USCC, urn=f"urn:cbam-exchange:cn-uscc:{USCC}"
    )

    answer = Client().post(_url(), _form())

    assert answer.status_code == 200
    assert answer.context["form"].errors["identifier_value"] == [
        f"urn:cbam-exchange:cn-uscc:{USCC} is already registered to another organisation."
    ]
    assert not User.objects.exists()


def test_a_used_link_answers_a_page_saying_to_log_in():
    url = _url()
    assert Client().post(url, _form()).status_code == 302

    again = Client().get(url, **ZH)
    posted = Client().post(url, _form(legal_name_latin="Another Co"))

    assert again.status_code == 409
    assert (
        "此注册链接已被使用：sales@hebei-wire.example 在 CBAM Exchange 上已有账户。"
        in again.content.decode()
    )
    assert 'href="/login/"' in again.content.decode()
    assert posted.status_code == 409
    assert Organisation.objects.count() == 1


def test_a_link_to_an_address_that_already_has_an_account_is_used():
    UserFactory(email=INVITED)
    answer = Client().get(_url())
    assert answer.status_code == 409


def test_an_expired_link_answers_a_clear_page():
    issued = time.time() - SIGN_UP_LINK_TTL.total_seconds() - 60
    with mock.patch("django.core.signing.time.time", return_value=issued):
        url = _url()

    page = Client().get(url)
    posted = Client().post(url, _form())

    assert page.status_code == 410
    assert (
        "This sign-up link has expired. Ask the company that wrote to you to send its request "
        "again: the new e-mail carries a new link." in page.content.decode()
    )
    assert posted.status_code == 410
    assert not User.objects.exists()


def test_a_link_a_day_from_expiry_still_works():
    issued = time.time() - (SIGN_UP_LINK_TTL - timedelta(days=1)).total_seconds()
    with mock.patch("django.core.signing.time.time", return_value=issued):
        url = _url()
    assert Client().get(url).status_code == 200


def _altered() -> str:
    """A real token whose signed part names another address: the signature no longer fits."""
    real = sign_up_token(email="a@example.com")
    other = sign_up_token(email="b@example.com")
    return other.split(":", 1)[0] + ":" + real.split(":", 1)[1]


@pytest.mark.parametrize("token", ["not-a-token", _altered()], ids=["forged", "altered"])
def test_a_forged_or_altered_link_is_refused(token):
    page = Client().get(f"/sign-up/{token}/")
    assert page.status_code == 404
    assert "This sign-up link is not valid" in page.content.decode()
    assert Client().post(f"/sign-up/{token}/", _form()).status_code == 404
    assert not User.objects.exists()


def test_there_is_no_sign_up_without_a_link():
    assert Client().get("/sign-up/").status_code == 404
