"""A supplier sets how one buyer's PACT requests are answered, in a real Chromium: a
rejection without a reason is refused at its field, then saved; every page checked by
axe-core."""

from __future__ import annotations

import pytest

from accounts.roles import OrganisationKind, Role
from exchange.sharing.models import SharingPolicy
from tests.browser.conftest import check_page, log_in
from tests.exchange.sharing.builders import open_request
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "correct horse battery staple 42"


def test_a_supplier_sets_a_buyers_sharing_rule(page, visit):
    mill = OrganisationFactory(slug="wire-rod-mill", legal_name_latin="Wire Rod Mill Co")
    buyer = OrganisationFactory(
        slug="screw-maker",
        legal_name="Screw Maker GmbH",
        legal_name_latin="Screw Maker GmbH",
        country="DE",
        kinds=[OrganisationKind.MANUFACTURER],
    )
    open_request(buyer=buyer, supplier=mill)
    owner = MembershipFactory(organisation=mill, role=Role.OWNER)
    owner.user.set_password(PASSWORD)
    owner.user.save()
    log_in(page, visit, owner.user.email, PASSWORD)
    page.wait_for_url("**/o/wire-rod-mill/")

    page.click("nav >> text=Sharing policies")
    check_page(page, visit)
    page.click("main >> text=Screw Maker GmbH")
    check_page(page, visit)
    page.select_option("#id_rule", "reject")
    page.click("main form button[type=submit]")
    assert page.locator("#id_reason_error").inner_text() == (
        "Say why this buyer's requests are rejected; the reason is sent to the buyer."
    )
    check_page(page, visit)
    page.fill("#id_reason", "We only share under contract.")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/o/wire-rod-mill/sharing-policies/")
    assert page.locator("main tbody tr").inner_text().split("\t") == [
        "Screw Maker GmbH",
        "Reject with my standing reason",
        "We only share under contract.",
    ]
    check_page(page, visit)
    policy = SharingPolicy.objects.get()
    assert (policy.rule, policy.reason) == ("reject", "We only share under contract.")
