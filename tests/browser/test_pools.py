"""An industry association's data pool in a real Chromium: the association's administrator,
working in Chinese, creates a pool and invites six steel producers (searching them by name);
a producer's administrator, working in English, accepts and contributes its footprint; five
others accept and contribute too; the association previews the release (every cell published,
why none is suppressed) and publishes it at a stated certificate price; the producer then reads
the release and its own position. Every page visited passes ``check_page`` (axe-core, nothing
from outside, no browser error); ``CBAM_SCREENSHOTS=1`` saves the release page for the README
(docs/screenshots/pool-release-zh.png)."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.audit import Actor
from accounts.roles import OrganisationKind, Role
from exchange.pools.models import MembershipStatus, Pool, PoolMembership
from exchange.pools.services.contributions import pool_contribute
from exchange.pools.services.memberships import pool_invitation_answer
from tests.browser.conftest import Visit, check_page, log_in, new_tab, snap
from tests.exchange.pages.pools_world import MEMBER_NAMES, coil_footprint
from tests.exchange.sharing.conftest import Party
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "correct horse battery staple 42"
#: Direct SEE of the six producers (tCO2e/t): the first is the one driving the browser.
SEE = ("1.60000", "1.70000", "1.80000", "1.90000", "2.00000", "2.10000")


def _person(organisation: Any, email: str, language: str) -> Any:
    member = MembershipFactory(
        organisation=organisation,
        role=Role.ADMIN,
        user__email=email,
        user__full_name=email.split("@")[0],
        user__language=language,
    )
    member.user.set_password(PASSWORD)
    member.user.save()
    return member.user


def _world() -> dict[str, Any]:
    association = OrganisationFactory(
        slug="steel-association",
        legal_name="中国钢铁工业协会",
        legal_name_latin="China Iron and Steel Association",
        kinds=[OrganisationKind.ASSOCIATION],
    )
    _person(association, "mei@steel-association.example", "zh-hans")
    producers = []
    for (slug, name, chinese), see in zip(MEMBER_NAMES, SEE, strict=True):
        organisation = OrganisationFactory(
            slug=slug, legal_name=chinese, legal_name_latin=name, kinds=[OrganisationKind.PRODUCER]
        )
        admin = _person(organisation, f"admin@{slug}.example", "en")
        party = Party(organisation, {"admin": admin})
        producers.append((party, coil_footprint(party, see)))
    return {"association": association, "producers": producers}


def _invite(page: Any, name: str, slug: str) -> None:
    page.fill("#invite-q", name)
    page.wait_for_selector(f"#invite-{slug}")
    page.check(f"#invite-{slug}")
    page.click("#invite-form button[type=submit]")
    page.wait_for_selector("div[role=status] .messages")


def test_an_association_publishes_a_pool_release_and_a_member_sees_its_position(
    browser: Any, page: Any, visit: Visit, reference_data: Any
) -> None:
    world = _world()
    association = new_tab(browser, visit, locale="zh-CN")
    log_in(association, visit, "mei@steel-association.example", PASSWORD)

    # The association creates its pool (in Chinese): its navigation leads to the pools.
    association.goto(f"{visit.base_url}/o/steel-association/")
    association.click("nav >> text=数据池")
    check_page(association, visit)
    association.fill("#id_name", "热轧钢，中国")
    association.fill("#id_description", "中国热轧卷板生产企业")
    association.click("main form button[type=submit]")
    association.wait_for_selector("h1:has-text('热轧钢，中国')")
    pool = Pool.objects.get(name="热轧钢，中国")

    # It invites the six producers, searching each by its name.
    for slug, name, _chinese in MEMBER_NAMES:
        _invite(association, name.split()[0], slug)
    check_page(association, visit)
    assert PoolMembership.objects.filter(pool=pool, status=MembershipStatus.INVITED).count() == 6

    # A producer (in English) finds the invitation, accepts it and contributes its footprint.
    _hebei, hebei_footprint = world["producers"][0]
    log_in(page, visit, "admin@hebei-steel.example", PASSWORD)
    page.goto(f"{visit.base_url}/o/hebei-steel/")
    page.click("nav >> text=Data pools")
    check_page(page, visit)
    page.click("text=热轧钢，中国")
    page.click("text=Accept the invitation")
    page.wait_for_selector("h2:has-text('Contribute footprints')")
    page.check(f"input[value='{hebei_footprint.pk}']")
    page.click("section[aria-labelledby=contribute-h] button[type=submit]")
    page.wait_for_selector("#contributions")
    check_page(page, visit)

    # The other five accept and contribute (the same services the pages call).
    for party, footprint in world["producers"][1:]:
        membership = PoolMembership.objects.get(pool=pool, organisation=party.organisation)
        actor = Actor(user=party.users["admin"])
        pool_invitation_answer(actor=actor, membership=membership, accept=True)
        pool_contribute(
            actor=actor, pool=pool, organisation=party.organisation, footprints=[str(footprint.pk)]
        )

    # The association previews the release, then publishes it at EUR 80.
    association.goto(f"{visit.base_url}/o/steel-association/pools/{pool.pk}/")
    association.click("text=预览下一版本")
    association.wait_for_selector("#preview-published")
    assert association.inner_text("#preview-published") == "12"
    assert association.inner_text("#preview-suppressed") == "0"
    check_page(association, visit)
    association.fill("#id_certificate_price_eur", "80")
    association.click("text=发布第 1 版")
    association.wait_for_selector("h1:has-text('第 1 版')")
    check_page(association, visit)
    snap(association, "pool-release-zh")
    association.click("text=行业报告")
    association.wait_for_selector("#report-chart-7208")
    check_page(association, visit)

    # The producer reads its position against the release: its own footprint only.
    page.goto(f"{visit.base_url}/o/hebei-steel/data-pools/{pool.pk}/")
    row = page.locator("#my-position tr", has_text="7208 39 00 · route C · CN · 2026")
    assert row.locator("td").all_inner_texts() == [
        "热轧卷 Q235 2026",
        "1.60000",
        "below P10 (among the lowest tenth)",
        "-0.25000",
        "-1.90570",
        "-152.46",
    ]
    check_page(page, visit)
    page.click("text=The pool's releases")
    page.click("text=Release 1")
    page.wait_for_selector("#release-chart")
    check_page(page, visit)
    association.context.close()
