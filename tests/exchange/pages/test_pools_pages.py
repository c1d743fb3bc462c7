"""The data pool pages: the association's pools, pool dashboard, preview and publishing; the
releases both sides read; a member's pools, contributions and position; who sees what."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from accounts.audit import Actor
from exchange.pools.models import MembershipStatus, Pool, PoolContribution, PoolMembership
from exchange.pools.services.releases import pool_release_publish
from tests.exchange.pages.conftest import page_url, person
from tests.exchange.pages.pools_world import (
    coil_footprint,
    contribute,
    join,
    pool_world,
    producer_party,
)

pytestmark = pytest.mark.django_db


def _publish(world, price: str = "80") -> None:
    pool_release_publish(
        actor=Actor(user=world.association.users["admin"]),
        pool=world.pool,
        certificate_price_eur=Decimal(price),
    )


def _pool_url(party, world, path: str = "") -> str:
    return page_url(party, f"pools/{world.pool.pk}/{path}")


# ------------------------------------------------------------------------ association


def test_the_association_lists_its_pools_with_members_and_contributions():
    world = pool_world()

    html = person(world.association, "viewer").get(page_url(world.association, "pools/")).content
    html = html.decode()

    assert "<h1>数据池</h1>" in html
    assert (
        f'<a href="/o/steel-association/pools/{world.pool.pk}/">Hot-rolled steel, China</a>' in html
    )
    assert (
        '<td class="num">5</td>\n      <td class="num">0</td>\n      <td class="num">5</td>' in html
    )
    assert "新建数据池" not in html  # a viewer creates nothing


def test_creating_a_pool_shows_the_services_errors_at_their_fields_and_then_creates_it():
    world = pool_world(members=0)
    client = person(world.association, "admin")
    url = page_url(world.association, "pools/")
    fields = {"name": "Cement, China", "max_share_pct": "25", "dominance_n": "2"}

    refused = client.post(url, {**fields, "min_contributors": "2", "dominance_pct": "85"})
    english = person(world.association, "owner", "en").post(
        url, {**fields, "min_contributors": "5", "dominance_pct": "0"}
    )
    done = client.post(url, {**fields, "min_contributors": "6", "dominance_pct": "85"})

    assert refused.status_code == 200
    assert (
        '<p class="errors" id="id_min_contributors_error">应为组织数量的整数，至少 3'
        "（无论如何设置，少于此数的单元格都不会发布）。</p>" in refused.content.decode()
    )
    assert (
        '<p class="errors" id="id_dominance_pct_error">Expected a percentage above 0 and at '
        "most 100, e.g. 85.</p>" in english.content.decode()
    )
    created = Pool.objects.get(name="Cement, China")
    assert done["Location"] == f"/o/steel-association/pools/{created.pk}/"
    assert (created.min_contributors, created.max_share_pct) == (6, Decimal("25.00"))


def test_a_company_that_is_no_association_is_told_so_and_creates_nothing():
    producer = producer_party(0)
    response = person(producer, "owner", "en").post(
        page_url(producer, "pools/"),
        {
            "name": "Mine",
            "min_contributors": "5",
            "max_share_pct": "25",
            "dominance_n": "2",
            "dominance_pct": "85",
        },
    )
    assert response.status_code == 200
    assert "This organisation is not an industry association" in response.content.decode()
    assert not Pool.objects.exists()


def test_the_pool_dashboard_shows_members_invitations_and_coverage_counts_only(
    django_assert_num_queries,
):
    world = pool_world()
    invited = producer_party(5)
    client = person(world.association, "admin")
    client.post(_pool_url(world.association, world, "invite/"), {"organisation": "hubei-steel"})
    url = _pool_url(world.association, world)
    client.get(url)

    # session, user, membership; pool; memberships; coverage; releases.
    with django_assert_num_queries(7):
        html = client.get(url).content.decode()

    assert html.count('<span lang="zh-Hans">河北钢铁厂</span>') == 1
    accepted_by = world.members[0].users["admin"]
    invited_by = world.association.users["admin"]
    assert html.count(accepted_by.full_name or accepted_by.email) == 1  # who accepted
    assert html.count(invited_by.full_name or invited_by.email) == 6  # who invited, 6 rows
    assert '<h2 id="invited-h">待答复的邀请 <span class="count">1</span></h2>' in html
    assert PoolMembership.objects.get(organisation=invited.organisation).status == "invited"
    assert '<th scope="row">7208 · 路线 C</th><td class="num">12</td><td class="num">0</td>' in html
    assert "1.80000" not in html  # no statistic, no footprint of anyone on the dashboard


def test_inviting_twice_is_refused_next_to_the_company_and_ending_a_membership_withdraws():
    world = pool_world()
    client = person(world.association, "admin", "en")
    again = client.post(
        _pool_url(world.association, world, "invite/"), {"organisation": "hebei-steel"}
    )
    hebei = PoolMembership.objects.get(organisation=world.members[0].organisation)

    ended = client.post(
        _pool_url(world.association, world, "members/end/"), {"membership": hebei.pk}
    )

    assert again.status_code == 200
    assert (
        "This organisation is already invited to the pool or a member of it."
        in again.content.decode()
    )
    assert ended.status_code == 302
    hebei.refresh_from_db()
    assert (hebei.status, hebei.ended_side) == (MembershipStatus.ENDED, "association")
    assert not PoolContribution.objects.filter(
        organisation=world.members[0].organisation, withdrawn_at__isnull=True
    ).exists()


def test_the_invite_search_answers_htmx_with_the_matching_companies_only():
    world = pool_world(members=0)
    producer_party(0)
    html = (
        person(world.association, "admin")
        .get(_pool_url(world.association, world) + "?q=hebei", HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert 'value="hebei-steel" id="invite-hebei-steel" form="invite-form"' in html
    assert "<html" not in html


def test_the_settings_form_refuses_a_share_of_zero_at_its_field():
    world = pool_world(members=0)
    response = person(world.association, "admin").post(
        _pool_url(world.association, world, "settings/"),
        {"min_contributors": "5", "max_share_pct": "0", "dominance_n": "2", "dominance_pct": "85"},
    )
    assert (
        '<p class="errors" id="id_max_share_pct_error">'
        "应为大于 0 且不超过 100 的百分比，例如 25。</p>" in response.content.decode()
    )


def test_four_contributors_preview_every_cell_suppressed_with_its_reason_and_nothing_publishes():
    world = pool_world(members=4)
    client = person(world.association, "admin")
    url = _pool_url(world.association, world, "release/")

    preview = client.get(url).content.decode()
    refused = client.post(url, {"certificate_price_eur": "80"})

    assert '<dd id="preview-published">0</dd>' in preview
    assert '<dd id="preview-suppressed">12</dd>' in preview
    assert "<li>提供数据的组织少于最低数量: <strong>12</strong></li>" in preview
    assert refused.status_code == 200
    assert "请邀请更多成员或等待更多数据贡献。" in refused.content.decode()
    assert not world.pool.releases.exists()


def test_five_contributors_publish_a_signed_release_at_the_stated_price():
    world = pool_world()
    client = person(world.association, "admin")
    url = _pool_url(world.association, world, "release/")

    preview = client.get(url).content.decode()
    done = client.post(url, {"certificate_price_eur": "80"})

    assert '<dd id="preview-published">12</dd>' in preview
    assert done["Location"] == f"/o/steel-association/pools/{world.pool.pk}/releases/1/"
    release = world.pool.releases.get()
    assert (release.number, release.certificate_price_eur, release.cells_published) == (
        1,
        Decimal("80.00"),
        12,
    )


def test_a_viewer_of_the_association_may_preview_but_not_publish():
    world = pool_world()
    client = person(world.association, "viewer")
    assert client.get(_pool_url(world.association, world, "release/")).status_code == 200
    assert client.post(_pool_url(world.association, world, "release/"), {}).status_code == 403
    assert not world.pool.releases.exists()


# ---------------------------------------------------------------------------- releases


def test_a_member_reads_the_release_with_exact_statistics_defaults_and_gaps(
    django_assert_num_queries,
):
    world = pool_world()
    _publish(world)
    member = world.members[2]
    client = person(member, "viewer", "en")
    url = _pool_url(member, world, "releases/1/?country=CN&year=2026")
    client.get(url)

    # session, user, membership; pool; release.
    with django_assert_num_queries(5):
        html = client.get(url).content.decode()

    cells_table = html[html.index('<table class="pool-cells">') :]
    row = cells_table[cells_table.index('<th scope="row">7208 39 00 · route C · CN · 2026</th>') :]
    row = row[: row.index("</tr>")]
    assert [cell.split(">")[-1] for cell in row.split("</td>")[:-1]] == [
        "5",
        "5",
        "1.80000",
        "1.80000",
        "1.80000",
        "0.10000",
        "0.0",  # no footprint on verified data
        "3.50570",  # the default value of China (3.187) with the 2026 mark-up of 10 %
        "0.04400",
        "1.37000",
        "-1.70570",
        "-136.46",
    ]
    assert html.count('<g class="chart-box">') == 3  # CN 4, 6 and 8 digits in China, 2026
    assert "1.64000 · 1.70000 · 1.80000 · 1.90000 · 1.96000 tCO2e/t" in html


def test_a_suppressed_cell_only_says_not_enough_contributors_in_a_release():
    world = pool_world()
    sixth = producer_party(5)
    join(world.pool, world.association, sixth)
    # one company alone under CN 7208 38: its cells are suppressed, and so is one of the CN
    # 7208 39 ones (else the heading minus 7208 39 would be that company's value)
    contribute(world.pool, sixth, coil_footprint(sixth, "2.10000", cn_code="72083800"))
    _publish(world)

    html = (
        person(world.members[0], "viewer")
        .get(_pool_url(world.members[0], world, "releases/1/"))
        .content.decode()
    )

    release = world.pool.releases.get()
    assert (release.cells_published, release.cells_suppressed) == (4, 16)
    assert html.count("数据提供者不足，无法发布") == 16  # each suppressed cell, nothing more
    for reason in ("单个组织", "支配", "相减"):  # never why
        assert reason not in html


def test_the_downloads_are_the_signed_bytes_the_signature_and_a_csv_with_a_bom():
    world = pool_world()
    _publish(world)
    release = world.pool.releases.get()
    client = person(world.members[0], "viewer")

    signed = client.get(_pool_url(world.members[0], world, "releases/1/release.json"))
    jws = client.get(_pool_url(world.members[0], world, "releases/1/release.jws"))
    csv = client.get(_pool_url(world.members[0], world, "releases/1/release.csv"))
    report = client.get(_pool_url(world.members[0], world, "releases/1/report/"))

    assert signed.content == bytes(release.payload)
    assert json.loads(signed.content)["type"] == "cbam-exchange/pool-release"
    assert jws.content.decode() == release.jws
    assert csv.content.startswith("\ufeff".encode())
    assert csv.content.decode("utf-8-sig").count("\n72083900|C|CN|2026,") == 1
    assert report.status_code == 200
    assert '<figure class="chart chart-distribution" id="report-chart-7208">' in (
        report.content.decode()
    )


def test_an_outsider_and_a_former_member_get_404_for_the_pool_and_its_releases():
    world = pool_world()
    _publish(world)
    PoolMembership.objects.filter(organisation=world.members[4].organisation).update(
        status=MembershipStatus.ENDED
    )
    for party in (world.outsider, world.members[4]):
        client = person(party, "owner")
        for path in ("releases/", "releases/1/", "releases/1/release.json", "release/", ""):
            assert client.get(_pool_url(party, world, path)).status_code == 404, path
        assert client.get(page_url(party, f"data-pools/{world.pool.pk}/")).status_code == 404


# ------------------------------------------------------------------------------ member


def test_an_invited_company_accepts_and_a_viewer_cannot():
    world = pool_world(members=0)
    company = producer_party(0)
    membership = PoolMembership.objects.create(
        pool=world.pool, organisation=company.organisation, invited_at=world.pool.created_at
    )
    url = page_url(company, f"data-pools/{world.pool.pk}/answer/")

    listed = person(company, "viewer").get(page_url(company, "data-pools/")).content.decode()
    denied = person(company, "viewer").post(url, {"answer": "accept"})
    accepted = person(company, "admin").post(url, {"answer": "accept"})

    assert f'<a href="/o/hebei-steel/data-pools/{world.pool.pk}/">Hot-rolled steel, China</a>' in (
        listed
    )
    assert 'href="/o/hebei-steel/data-pools/"' in listed  # the member's navigation entry
    assert denied.status_code == 403
    assert accepted.status_code == 302
    membership.refresh_from_db()
    assert (membership.status, membership.answered_by) == ("active", company.users["admin"])


def test_the_member_page_shows_its_own_position_only(django_assert_num_queries):
    world = pool_world()
    _publish(world)
    member = world.members[0]
    client = person(member, "admin", "en")
    url = page_url(member, f"data-pools/{world.pool.pk}/")
    client.get(url)

    with django_assert_num_queries(10):
        html = client.get(url).content.decode()

    table = html[html.index('<table id="my-position">') : html.index("</table>")]
    row = table[table.index('<th scope="row">7208 39 00 · route C · CN · 2026</th>') :]
    row = row[: row.index("</tr>")]
    assert "<td>below P10 (among the lowest tenth)</td>" in row
    assert [c.split(">")[-1] for c in row.split("</td>") if 'class="num"' in c] == [
        "1.60000",
        "-0.20000",
        "-1.90570",
        "-152.46",
    ]
    assert table.count("<tr>") == 13  # header + its footprint in each of the 12 cells
    for other in ("1.70000", "1.90000", "2.00000"):
        assert other not in table


def test_a_member_contributes_and_withdraws_a_footprint():
    world = pool_world()
    member = world.members[1]
    second = coil_footprint(member, "1.75000")
    client = person(member, "admin")
    base = page_url(member, f"data-pools/{world.pool.pk}/")

    added = client.post(base + "contribute/", {"footprints": [str(second.pk)]})
    contribution = PoolContribution.objects.get(lineage=second.lineage)
    withdrawn = client.post(base + "withdraw/", {"contribution": contribution.pk})
    twice = client.post(base + "withdraw/", {"contribution": contribution.pk})

    assert added.status_code == 302
    assert withdrawn.status_code == 302
    contribution.refresh_from_db()
    assert contribution.withdrawn_at is not None
    assert twice.status_code == 200
    assert "该数据贡献已于" in twice.content.decode()


def test_leaving_needs_the_confirmation():
    world = pool_world()
    member = world.members[3]
    url = page_url(member, f"data-pools/{world.pool.pk}/leave/")
    client = person(member, "owner")

    unconfirmed = client.post(url, {})
    left = client.post(url, {"confirm": "on"})

    assert "请勾选此框，确认退出数据池。" in unconfirmed.content.decode()
    assert left["Location"] == "/o/liaoning-steel/data-pools/"
    assert PoolMembership.objects.get(organisation=member.organisation).status == "ended"


def test_the_association_opening_a_member_page_of_its_own_pool_goes_to_its_dashboard():
    world = pool_world(members=0)
    response = person(world.association, "viewer").get(
        page_url(world.association, f"data-pools/{world.pool.pk}/")
    )
    assert response["Location"] == f"/o/steel-association/pools/{world.pool.pk}/"


def test_the_dashboard_of_the_association_shows_its_pools_and_last_release():
    world = pool_world()
    _publish(world)
    html = person(world.association, "viewer").get(page_url(world.association)).content.decode()
    assert '<h2 id="pools-h">数据池 <span class="count">1</span></h2>' in html
    assert "共 5 个成员。" in html
    assert f'href="/o/steel-association/pools/{world.pool.pk}/releases/1/"' in html
