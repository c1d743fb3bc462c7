"""``create_first_organisation``: the first organisation and its owner on a fresh install,
with the password from the environment, refused once organisations exist unless forced."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from accounts.models import AuditEvent, Membership, Organisation, User
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

USCC = "91350100M000100Y43"
PASSWORD = "Vanadium-Slab-42!"
ARGS = [
    "--email=Owner@Hebei-Wire.example",
    "--full-name=Li Wei",
    "--legal-name=河北线材有限公司",
    "--legal-name-latin=Hebei Wire Rod Co., Ltd.",
    "--country=CN",
    f"--identifier=cn-uscc:{USCC}",
]


@pytest.fixture
def password_env(monkeypatch) -> None:
    monkeypatch.setenv("CBAM_FIRST_OWNER_PASSWORD", PASSWORD)


def test_it_creates_the_organisation_and_its_owner_with_audit_events(password_env, capsys):
    call_command("create_first_organisation", *ARGS)

    organisation = Organisation.objects.get()
    user = User.objects.get()
    assert (organisation.slug, organisation.legal_name, organisation.country) == (
        "hebei-wire-rod-co-ltd",
        "河北线材有限公司",
        "CN",
    )
    assert organisation.kind_list == ["producer"]
    assert [i.urn for i in organisation.identifiers.all()] == [f"urn:cbam-exchange:cn-uscc:{USCC}"]
    assert (user.email, user.full_name, user.active_organisation) == (
        "owner@hebei-wire.example",
        "Li Wei",
        organisation,
    )
    assert user.check_password(PASSWORD)
    assert Membership.objects.get().role == "owner"
    events = list(AuditEvent.objects.order_by("id").values_list("action", "actor_label", "after"))
    assert events[1] == (
        "organisation.first_created",
        "system:create_first_organisation",
        {"owner": "owner@hebei-wire.example", "forced": False, "organisations_before": 0},
    )
    assert events[0][:2] == ("organisation.created", "system:create_first_organisation")
    assert capsys.readouterr().out == (
        "Created 河北线材有限公司 (Hebei Wire Rod Co., Ltd.), /o/hebei-wire-rod-co-ltd/, "
        "owner owner@hebei-wire.example. Log in at /login/.\n"
    )


def test_it_refuses_when_an_organisation_exists_unless_forced(password_env):
    OrganisationFactory()

    with pytest.raises(CommandError, match="There are already 1 organisation"):
        call_command("create_first_organisation", *ARGS)
    assert User.objects.count() == 0

    call_command("create_first_organisation", *ARGS, "--force")
    assert AuditEvent.objects.get(action="organisation.first_created").after == {
        "owner": "owner@hebei-wire.example",
        "forced": True,
        "organisations_before": 1,
    }


def test_every_problem_is_named_and_nothing_is_written(monkeypatch):
    monkeypatch.setenv("CBAM_FIRST_OWNER_PASSWORD", "12345678")
    args = [a for a in ARGS if not a.startswith("--identifier")]

    with pytest.raises(CommandError) as refused:
        call_command("create_first_organisation", *args, "--identifier=cn-uscc:91350100M000100Y44")

    assert str(refused.value) == (
        "Some fields need correcting.\n"
        "  password: This password is too common.\n"
        "  password: This password is entirely numeric.\n"
        "  identifiers.0: '91350100M000100Y44': check character is '4', expected '3' "
        "(GB 32100-2015); the code is mistyped"
    )
    assert not Organisation.objects.exists()
    assert not User.objects.exists()


def test_without_a_password_and_a_terminal_it_says_how_to_give_one(monkeypatch):
    monkeypatch.delenv("CBAM_FIRST_OWNER_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)

    with pytest.raises(
        CommandError, match="set the environment variable CBAM_FIRST_OWNER_PASSWORD"
    ):
        call_command("create_first_organisation", *ARGS)


def test_a_malformed_identifier_argument_is_refused(password_env):
    with pytest.raises(CommandError, match="expected SCHEME:VALUE"):
        call_command("create_first_organisation", *ARGS, "--identifier=duns:123")
