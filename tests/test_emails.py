"""Every e-mail the platform sends, to a person who chose English and to one who chose Chinese
(``User.language``): the subject and the body, exactly, with every link on the configured public
address (``SITE_URL``), never on the development server's.

Kinds: an invitation to join an organisation, a password reset, a buyer's request to a company
not on the platform (its sign-up or login link), and the e-mail of each kind of notification.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from accounts.models import Invitation, PasswordResetToken, User
from accounts.roles import OrganisationKind, Role
from accounts.services.invitations import invitation_email_send
from accounts.services.password_reset import password_reset_email_send
from core.crypto import sha256_hex
from exchange.partners.models import PactPartner
from exchange.pools.models import Pool, PoolMembership
from exchange.sharing.models import FootprintRequest, Notification, NotificationKind
from exchange.sharing.services.invitations import request_invitation_email_send
from exchange.sharing.services.notifications import notification_create, notification_email_send
from exchange.sharing.texts import footprint_facts, organisation_facts, request_facts
from tests.factories import (
    FootprintFactory,
    MembershipFactory,
    OrganisationFactory,
    ProductFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SITE = "https://cbam.example.org"
REQUEST_ID = uuid.UUID("1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed")
FOOTPRINT_ID = uuid.UUID("6f1c0c42-6a8e-4d59-9a47-2f4c1d9e0b13")
SUCCESSOR_ID = uuid.UUID("7a2d1d53-7b9f-4e6a-8b58-3a5d2e0f1c24")
# --- pools (issue 16) ---
POOL_ID = uuid.UUID("3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f")
POOL_MEMBERSHIP_ID = uuid.UUID("4d5e6f7a-8b9c-4dae-9f10-2b3c4d5e6f7a")
POOL_NAME = "Hot-rolled steel, China"
POOL_ASSOCIATION = "中国钢铁协会 (China Steel Association)"
POOL_MEMBER = "线材轧钢有限公司 (Wire Rod Mill Co)"
# --- end pools ---
# --- PACT answers (issue 17) ---
PARTNER_ID = uuid.UUID("5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b")
OUTBOUND_REQUEST_ID = uuid.UUID("6f7a8b9c-0d1e-4f2a-9b3c-4d5e6f7a8b9c")
FETCHED_ID = uuid.UUID("7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d")
PARTNER_NAME = "Jinghua Steel (SAP SDX)"
# --- end PACT answers ---


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.SITE_URL = SITE


def _organisation(slug: str, latin: str, name: str, country: str, kind: str) -> Any:
    organisation = OrganisationFactory(
        slug=slug, legal_name=name, legal_name_latin=latin, country=country, kinds=[kind]
    )
    for language in ("en", "zh-hans"):
        MembershipFactory(
            organisation=organisation,
            role=Role.VIEWER,
            user__email=f"{language}@{slug}.example",
            user__language=language,
        )
    return organisation


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    buyer = _organisation(
        "screw-maker", "Screw Maker GmbH", "Screw Maker GmbH", "DE", OrganisationKind.MANUFACTURER
    )
    supplier = _organisation(
        "wire-rod-mill", "Wire Rod Mill Co", "线材轧钢有限公司", "CN", OrganisationKind.PRODUCER
    )
    verifier = _organisation(
        "nordic-verification",
        "Nordic Emissions Verification AB",
        "Nordic Emissions Verification AB",
        "SE",
        OrganisationKind.VERIFIER,
    )
    association = _organisation(  # pools (issue 16)
        "steel-association",
        "China Steel Association",
        "中国钢铁协会",
        "CN",
        OrganisationKind.ASSOCIATION,
    )
    request = FootprintRequest.objects.create(
        id=REQUEST_ID,
        buyer=buyer,
        supplier=supplier,
        cn_code="72139110",
        description="Wire rod 5.5 mm",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        due_date=date(2026, 10, 30),
        quantity_t=Decimal("120"),
        message="Please share your verified data.",
    )
    footprint = FootprintFactory(
        id=FOOTPRINT_ID,
        organisation=supplier,
        product=ProductFactory(organisation=supplier, name="Wire rod SAE 1008", cn_code="72139110"),
        verifier_organisation=verifier,
        verification_statement_date=date(2027, 2, 15),
    )
    # The pool the pool notifications name: the mill invited (its page opens for it).
    pool = Pool.objects.create(id=POOL_ID, association=association, name=POOL_NAME)
    PoolMembership.objects.create(
        id=POOL_MEMBERSHIP_ID, pool=pool, organisation=supplier, invited_at=timezone.now()
    )
    # The PACT partner of the buyer the PACT answers name (its exchange page opens for it).
    partner = PactPartner(
        id=PARTNER_ID,
        organisation=buyer,
        name=PARTNER_NAME,
        base_url="https://pact.jinghua.example.cn",
        client_id="screw-maker",
    )
    partner.secret_set("s3cret-of-the-partner")
    partner.save()
    return {
        "buyer": buyer,
        "supplier": supplier,
        "verifier": verifier,
        "request": request,
        "footprint": footprint,
        "association": association,
    }


# --- the notifications ---------------------------------------------------------------------

#: kind → (recipient, the facts its service records)
Case = tuple[str, str, Callable[[dict[str, Any]], dict[str, Any]]]

CASES: dict[str, Case] = {
    "request.received": (
        NotificationKind.REQUEST_RECEIVED,
        "supplier",
        lambda w: request_facts(w["request"]),
    ),
    "request.received (e-mailed before joining)": (
        NotificationKind.REQUEST_RECEIVED,
        "supplier",
        lambda w: {
            **request_facts(w["request"]),
            "invited": True,
            "supplier_email": "sales@wire-rod-mill.example",
        },
    ),
    "request.due_soon": (
        NotificationKind.REQUEST_DUE_SOON,
        "supplier",
        lambda w: request_facts(w["request"]),
    ),
    "request.reminded": (
        NotificationKind.REQUEST_REMINDED,
        "supplier",
        lambda w: request_facts(w["request"]),
    ),
    "request.fulfilled": (
        NotificationKind.REQUEST_FULFILLED,
        "buyer",
        lambda w: {
            **request_facts(w["request"]),
            "footprints": [str(FOOTPRINT_ID)],
            "footprint_names": ["Wire rod SAE 1008 2026"],
        },
    ),
    "request.rejected": (
        NotificationKind.REQUEST_REJECTED,
        "buyer",
        lambda w: {**request_facts(w["request"]), "reason": "No such grade."},
    ),
    "request.expired (supplier)": (
        NotificationKind.REQUEST_EXPIRED,
        "supplier",
        lambda w: {**request_facts(w["request"]), "side": "supplier"},
    ),
    "request.expired (buyer)": (
        NotificationKind.REQUEST_EXPIRED,
        "buyer",
        lambda w: {**request_facts(w["request"]), "side": "buyer"},
    ),
    "request.withdrawn": (
        NotificationKind.REQUEST_WITHDRAWN,
        "supplier",
        lambda w: {**request_facts(w["request"]), "reason": "Bought elsewhere."},
    ),
    "footprint.shared": (
        NotificationKind.FOOTPRINT_SHARED,
        "buyer",
        lambda w: {
            "footprints": [str(FOOTPRINT_ID)],
            "footprint_names": ["Wire rod SAE 1008 2026"],
            **organisation_facts("supplier", w["supplier"]),
        },
    ),
    "footprint.deprecated": (
        NotificationKind.FOOTPRINT_DEPRECATED,
        "buyer",
        lambda w: {
            "footprint": str(FOOTPRINT_ID),
            "superseded_by": str(SUCCESSOR_ID),
            "label": "Wire rod SAE 1008 2026",
            **organisation_facts("supplier", w["supplier"]),
        },
    ),
    "signing_key.revoked": (
        NotificationKind.KEY_REVOKED,
        "buyer",
        lambda w: {
            "kid": "wire-rod-mill-2026-01",
            "footprints": [str(FOOTPRINT_ID)],
            "footprint_lines": [f"Wire rod SAE 1008 2026 ({FOOTPRINT_ID}, published)"],
            **organisation_facts("supplier", w["supplier"]),
        },
    ),
    "grant.revoked": (
        NotificationKind.GRANT_REVOKED,
        "buyer",
        lambda w: {
            "count": 2,
            "reason": "The contract ended.",
            **organisation_facts("supplier", w["supplier"]),
        },
    ),
    "verification.requested": (
        NotificationKind.VERIFICATION_REQUESTED,
        "verifier",
        lambda w: {
            **footprint_facts(w["footprint"]),
            **organisation_facts("producer", w["supplier"]),
            "statement_date": "2027-02-15",
        },
    ),
    "verification.confirmed": (
        NotificationKind.VERIFICATION_CONFIRMED,
        "supplier",
        lambda w: {
            **footprint_facts(w["footprint"]),
            **organisation_facts("verifier", w["verifier"]),
            "comment": "",
        },
    ),
    "verification.declined": (
        NotificationKind.VERIFICATION_DECLINED,
        "supplier",
        lambda w: {
            **footprint_facts(w["footprint"]),
            **organisation_facts("verifier", w["verifier"]),
            "comment": "The gas meter readings do not match.",
        },
    ),
    # --- pools (issue 16) ---
    "pool.invited": (
        NotificationKind.POOL_INVITED,
        "supplier",
        lambda w: _pool_facts(w, "member"),
    ),
    "pool.joined": (
        NotificationKind.POOL_JOINED,
        "association",
        lambda w: _pool_facts(w, "association"),
    ),
    "pool.left (declined)": (
        NotificationKind.POOL_LEFT,
        "association",
        lambda w: {**_pool_facts(w, "association"), "declined": True},
    ),
    "pool.left (the member left)": (
        NotificationKind.POOL_LEFT,
        "association",
        lambda w: _pool_facts(w, "association"),
    ),
    "pool.left (the association ended it)": (
        NotificationKind.POOL_LEFT,
        "supplier",
        lambda w: _pool_facts(w, "member"),
    ),
    # --- end pools ---
    # --- PACT answers (issue 17): the facts exchange.partners.services.answers records ---
    "pact.fulfilled": (
        NotificationKind.PACT_FULFILLED,
        "buyer",
        lambda w: {
            **_pact_facts(),
            "footprints": [str(FETCHED_ID)],
            "footprint_names": ["Hot-rolled coil Q235B 2.0 mm"],
        },
    ),
    "pact.rejected": (
        NotificationKind.PACT_REJECTED,
        "buyer",
        lambda w: {
            **_pact_facts(),
            "error_code": "NotFound",
            "error_message": "No footprint matches the request.",
        },
    ),
    # --- end PACT answers ---
}


def _pact_facts() -> dict[str, Any]:
    return {
        "partner": str(PARTNER_ID),
        "partner_name": PARTNER_NAME,
        "outbound_request": str(OUTBOUND_REQUEST_ID),
        "criteria": "geography: CN; status: Active",
    }


def _pool_facts(world: dict[str, Any], side: str) -> dict[str, Any]:
    """The facts the pools' membership services record (``exchange.pools.services``): the
    pool, the membership, the side that receives it, both organisations' names."""
    return {
        "pool": str(POOL_ID),
        "pool_name": POOL_NAME,
        "membership": str(POOL_MEMBERSHIP_ID),
        "side": side,
        **organisation_facts("association", world["association"]),
        **organisation_facts("member", world["supplier"]),
    }


#: case → the page its recipient acts upon it on (None: the notifications list is the place,
#: for what a buyer receives about footprints).
PAGES: dict[str, str | None] = {
    "request.received": f"/o/wire-rod-mill/requests/{REQUEST_ID}/",
    "request.received (e-mailed before joining)": "/o/wire-rod-mill/requests/",
    "request.due_soon": f"/o/wire-rod-mill/requests/{REQUEST_ID}/",
    "request.reminded": f"/o/wire-rod-mill/requests/{REQUEST_ID}/",
    "request.fulfilled": f"/o/screw-maker/sent-requests/{REQUEST_ID}/",
    "request.rejected": f"/o/screw-maker/sent-requests/{REQUEST_ID}/",
    "request.expired (supplier)": f"/o/wire-rod-mill/requests/{REQUEST_ID}/",
    "request.expired (buyer)": f"/o/screw-maker/sent-requests/{REQUEST_ID}/",
    "request.withdrawn": f"/o/wire-rod-mill/requests/{REQUEST_ID}/",
    "footprint.shared": None,
    "footprint.deprecated": None,
    "signing_key.revoked": None,
    "grant.revoked": None,
    "verification.requested": f"/o/nordic-verification/verification/{FOOTPRINT_ID}/",
    "verification.confirmed": f"/o/wire-rod-mill/footprints/{FOOTPRINT_ID}/",
    "verification.declined": f"/o/wire-rod-mill/footprints/{FOOTPRINT_ID}/",
    # --- pools (issue 16): the association's pool page, or the member's ---
    "pool.invited": f"/o/wire-rod-mill/data-pools/{POOL_ID}/",
    "pool.joined": f"/o/steel-association/pools/{POOL_ID}/",
    "pool.left (declined)": f"/o/steel-association/pools/{POOL_ID}/",
    "pool.left (the member left)": f"/o/steel-association/pools/{POOL_ID}/",
    # The member can no longer open the pool: its list of pools.
    "pool.left (the association ended it)": "/o/wire-rod-mill/data-pools/",
    # --- end pools ---
    # --- PACT answers (issue 17): the partner's exchange page ---
    "pact.fulfilled": f"/o/screw-maker/pact/partners/{PARTNER_ID}/exchange/",
    "pact.rejected": f"/o/screw-maker/pact/partners/{PARTNER_ID}/exchange/",
    # --- end PACT answers ---
}


def notification_of(world: dict[str, Any], case: str) -> Notification:
    """The notification of ``case``, made as its service makes it (in a transaction)."""
    kind, recipient, facts = CASES[case]
    with transaction.atomic():
        notification = notification_create(
            organisation=world[recipient], kind=kind, dedupe_key=case, data=facts(world)
        )
    assert notification is not None
    return notification


def _notification_emails(world: dict[str, Any], case: str) -> dict[str, Any]:
    """The e-mails of ``case``'s notification, by the recipient's language."""
    notification = notification_of(world, case)
    mail.outbox.clear()
    assert notification_email_send(notification_id=str(notification.pk)) == 2
    return {m.to[0].split("@")[0]: m for m in mail.outbox}


def footer(language: str, organisation: Any, page: str | None) -> str:
    """What closes every notification e-mail: whom it is for, the page, all notifications."""
    name = organisation.legal_name
    if organisation.legal_name_latin != name:
        name = f"{name} ({organisation.legal_name_latin})"
    every = f"{SITE}/o/{organisation.slug}/notifications/"
    if language == "en":
        lines = [f"CBAM Exchange, for {name}."]
        lines += [f"Open it: {SITE}{page}"] if page else []
        lines += [f"All notifications: {every}"]
    else:
        lines = [f"CBAM Exchange，发给 {name}。"]
        lines += [f"查看：{SITE}{page}"] if page else []
        lines += [f"全部通知：{every}"]
    return "\n\n--\n" + "\n".join(lines) + "\n"


def test_every_kind_of_notification_has_a_case_and_a_page():
    assert {kind for kind, _, _ in CASES.values()} == set(NotificationKind.values)
    assert set(PAGES) == set(CASES) == set(EXPECTED)


#: case → language → (subject, text before the e-mail's footer)
EXPECTED: dict[str, dict[str, tuple[str, str]]] = {
    "request.received": {
        "en": (
            "Screw Maker GmbH requests a footprint: CN 72139110 (Wire rod 5.5 mm), 2026",
            (
                "Screw Maker GmbH asks you for the product carbon footprint of CN 72139110 (Wire "
                "rod 5.5 mm), 2026.\n"
                "Quantity bought: 120 t\n"
                "Due date: 2026-10-30\n"
                "Message: Please share your verified data.\n"
                "\n"
                "Answer it in the requests inbox: fulfil it with your published footprints, or "
                "reject it with a reason."
            ),
        ),
        "zh-hans": (
            "Screw Maker GmbH 请求碳足迹：CN 72139110 (Wire rod 5.5 mm)，2026年",
            (
                "Screw Maker GmbH 请您提供 CN 72139110 (Wire rod 5.5 mm)，2026年 的产品碳足迹。\n"
                "采购数量：120 吨\n"
                "截止日期：2026年10月30日\n"
                "留言：Please share your verified data.\n"
                "\n"
                "请在请求收件箱中答复：用已发布的碳足迹完成请求，或说明原因后拒绝。"
            ),
        ),
    },
    "request.received (e-mailed before joining)": {
        "en": (
            "Screw Maker GmbH requested a footprint from sales@wire-rod-mill.example",
            (
                "Before your organisation was on CBAM Exchange, Screw Maker GmbH asked "
                "sales@wire-rod-mill.example for the footprint of CN 72139110 (Wire rod 5.5 mm), "
                "2026, due 2026-10-30.\n"
                "Claim it in the requests inbox to answer it as your organisation."
            ),
        ),
        "zh-hans": (
            "Screw Maker GmbH 曾向 sales@wire-rod-mill.example 请求碳足迹",
            (
                "在贵组织加入 CBAM Exchange 之前，Screw Maker GmbH 曾向 "
                "sales@wire-rod-mill.example 请求 CN 72139110 (Wire rod 5.5 mm)，2026年 "
                "的碳足迹，截止日期 2026年10月30日。\n"
                "请在请求收件箱中认领，以贵组织的名义答复。"
            ),
        ),
    },
    "request.due_soon": {
        "en": (
            (
                "Due 2026-10-30: the request of Screw Maker GmbH for CN 72139110 (Wire rod 5.5 "
                "mm), 2026"
            ),
            (
                "The request of Screw Maker GmbH for CN 72139110 (Wire rod 5.5 mm), 2026 is due on "
                "2026-10-30. Fulfil it with your published footprints or reject it with a reason; "
                "unanswered, it expires."
            ),
        ),
        "zh-hans": (
            (
                "2026年10月30日 到期：Screw Maker GmbH 关于 CN 72139110 (Wire rod 5.5 mm)，2026年 "
                "的请求"
            ),
            (
                "Screw Maker GmbH 关于 CN 72139110 (Wire rod 5.5 mm)，2026年 的请求将于 "
                "2026年10月30日 "
                "到期。请用已发布的碳足迹完成请求，或说明原因后拒绝；未答复的请求将会过期。"
            ),
        ),
    },
    "request.reminded": {
        "en": (
            "Reminder from Screw Maker GmbH: CN 72139110 (Wire rod 5.5 mm), 2026, due 2026-10-30",
            (
                "Screw Maker GmbH reminds you of its request for the product carbon footprint of "
                "CN 72139110 (Wire rod 5.5 mm), 2026, due on 2026-10-30.\n"
                "Answer it in the requests inbox: fulfil it with your published footprints, or "
                "reject it with a reason. Without your data, EU default values (with a mark-up) "
                "apply to these goods."
            ),
        ),
        "zh-hans": (
            (
                "来自 Screw Maker GmbH 的提醒：CN 72139110 (Wire rod 5.5 mm)，2026年，"
                "截止 2026年10月30日"
            ),
            (
                "Screw Maker GmbH 提醒您答复其关于 CN 72139110 (Wire rod 5.5 mm)，2026年 "
                "产品碳足迹的请求，截止日期为 2026年10月30日。\n"
                "请在请求收件箱中答复：用已发布的碳足迹完成请求，或说明原因后拒绝。"
                "没有您的数据，这些货物将适用欧盟默认值（含加成）。"
            ),
        ),
    },
    "request.fulfilled": {
        "en": (
            (
                "线材轧钢有限公司 (Wire Rod Mill Co) answered your request: CN 72139110 (Wire rod "
                "5.5 mm), 2026"
            ),
            (
                "线材轧钢有限公司 (Wire Rod Mill Co) fulfilled your request for CN 72139110 (Wire "
                "rod 5.5 mm), 2026 with 1 footprint: Wire rod SAE 1008 2026.\n"
                "Read them under shared footprints."
            ),
        ),
        "zh-hans": (
            (
                "线材轧钢有限公司 (Wire Rod Mill Co) 已答复您的请求：CN 72139110 (Wire rod 5.5 "
                "mm)，2026年"
            ),
            (
                "线材轧钢有限公司 (Wire Rod Mill Co) 已用 1 个碳足迹完成您关于 CN 72139110 (Wire "
                "rod 5.5 mm)，2026年 的请求：Wire rod SAE 1008 2026。\n"
                "请在“共享给我的碳足迹”中查看。"
            ),
        ),
    },
    "request.rejected": {
        "en": (
            (
                "线材轧钢有限公司 (Wire Rod Mill Co) rejected your request: CN 72139110 (Wire rod "
                "5.5 mm), 2026"
            ),
            (
                "线材轧钢有限公司 (Wire Rod Mill Co) rejected your request for CN 72139110 (Wire "
                "rod 5.5 mm), 2026.\n"
                "Reason: No such grade.\n"
                "Without the supplier's data, EU default values (with a mark-up) apply."
            ),
        ),
        "zh-hans": (
            (
                "线材轧钢有限公司 (Wire Rod Mill Co) 拒绝了您的请求：CN 72139110 (Wire rod 5.5 "
                "mm)，2026年"
            ),
            (
                "线材轧钢有限公司 (Wire Rod Mill Co) 拒绝了您关于 CN 72139110 (Wire rod 5.5 "
                "mm)，2026年 的请求。\n"
                "原因：No such grade.\n"
                "没有供应商的数据，将适用欧盟默认值（含加成）。"
            ),
        ),
    },
    "request.expired (supplier)": {
        "en": (
            "A request of Screw Maker GmbH expired: CN 72139110 (Wire rod 5.5 mm), 2026",
            (
                "The request of Screw Maker GmbH for CN 72139110 (Wire rod 5.5 mm), 2026 passed "
                "its due date (2026-10-30) unanswered and is closed."
            ),
        ),
        "zh-hans": (
            "Screw Maker GmbH 的请求已过期：CN 72139110 (Wire rod 5.5 mm)，2026年",
            (
                "Screw Maker GmbH 关于 CN 72139110 (Wire rod 5.5 mm)，2026年 "
                "的请求已过截止日期（2026年10月30日）仍未答复，现已关闭。"
            ),
        ),
    },
    "request.expired (buyer)": {
        "en": (
            "Your request expired unanswered: CN 72139110 (Wire rod 5.5 mm), 2026",
            (
                "线材轧钢有限公司 (Wire Rod Mill Co) did not answer your request for CN 72139110 "
                "(Wire rod 5.5 mm), 2026 by its due date (2026-10-30). Send a new request, or use "
                "EU default values."
            ),
        ),
        "zh-hans": (
            "您的请求未获答复，已过期：CN 72139110 (Wire rod 5.5 mm)，2026年",
            (
                "线材轧钢有限公司 (Wire Rod Mill Co) 未在截止日期（2026年10月30日）前答复您关于 CN "
                "72139110 (Wire rod 5.5 mm)，2026年 的请求。请发送新的请求，或使用欧盟默认值。"
            ),
        ),
    },
    "request.withdrawn": {
        "en": (
            "Screw Maker GmbH withdrew its request: CN 72139110 (Wire rod 5.5 mm), 2026",
            (
                "Screw Maker GmbH withdrew its request for CN 72139110 (Wire rod 5.5 mm), 2026; "
                "nothing more is needed.\n"
                "Reason: Bought elsewhere."
            ),
        ),
        "zh-hans": (
            "Screw Maker GmbH 撤回了请求：CN 72139110 (Wire rod 5.5 mm)，2026年",
            (
                "Screw Maker GmbH 撤回了关于 CN 72139110 (Wire rod 5.5 mm)，2026年 "
                "的请求；无需再做任何处理。\n"
                "原因：Bought elsewhere."
            ),
        ),
    },
    "footprint.shared": {
        "en": (
            "线材轧钢有限公司 (Wire Rod Mill Co) shared 1 footprint with you",
            (
                "线材轧钢有限公司 (Wire Rod Mill Co) shared product carbon footprints with you: "
                "Wire rod SAE 1008 2026.\n"
                "You can read them, and their later corrections, under shared footprints."
            ),
        ),
        "zh-hans": (
            "线材轧钢有限公司 (Wire Rod Mill Co) 与您共享了 1 个碳足迹",
            (
                "线材轧钢有限公司 (Wire Rod Mill Co) 与您共享了产品碳足迹：Wire rod SAE 1008 "
                "2026。\n"
                "您可以在“共享给我的碳足迹”中查看它们及其后续更正版本。"
            ),
        ),
    },
    "footprint.deprecated": {
        "en": (
            "A footprint shared with you was deprecated: Wire rod SAE 1008 2026",
            (
                "线材轧钢有限公司 (Wire Rod Mill Co) published a correction of its footprint of "
                f"Wire rod SAE 1008 2026: the version {FOOTPRINT_ID} is deprecated and replaced by "
                f"{SUCCESSOR_ID}, which you can read under shared footprints."
            ),
        ),
        "zh-hans": (
            "与您共享的碳足迹已被弃用：Wire rod SAE 1008 2026",
            (
                "线材轧钢有限公司 (Wire Rod Mill Co) 发布了 Wire rod SAE 1008 2026 "
                f"碳足迹的更正版本：版本 {FOOTPRINT_ID} 已弃用，由 {SUCCESSOR_ID} "
                "取代，您可以在“共享给我的碳足迹”中查看。"
            ),
        ),
    },
    "signing_key.revoked": {
        "en": (
            (
                "线材轧钢有限公司 (Wire Rod Mill Co) revoked a signing key of footprints shared "
                "with you"
            ),
            (
                "线材轧钢有限公司 (Wire Rod Mill Co) revoked its signing key "
                "wire-rod-mill-2026-01. Signatures made with it after the revocation are invalid; "
                "earlier ones are flagged 'revoked later'. Check the verification status of these "
                "footprints:\n"
                f"- Wire rod SAE 1008 2026 ({FOOTPRINT_ID}, published)"
            ),
        ),
        "zh-hans": (
            "线材轧钢有限公司 (Wire Rod Mill Co) 吊销了与您共享的碳足迹的签名密钥",
            (
                "线材轧钢有限公司 (Wire Rod Mill Co) 吊销了其签名密钥 wire-rod-mill-2026-01。吊销后"
                "用该密钥所做的签名无效；此前的签名会被标记为“后来被吊销”。请检查以下碳足迹的验证状"
                "态：\n"
                f"- Wire rod SAE 1008 2026 ({FOOTPRINT_ID}, published)"
            ),
        ),
    },
    "grant.revoked": {
        "en": (
            "线材轧钢有限公司 (Wire Rod Mill Co) stopped sharing 2 footprints with you",
            (
                "线材轧钢有限公司 (Wire Rod Mill Co) revoked your access to 2 footprints.\n"
                "Reason: The contract ended.\n"
                "Calculations that used them fall back to default values unless the supplier "
                "shares data again."
            ),
        ),
        "zh-hans": (
            "线材轧钢有限公司 (Wire Rod Mill Co) 停止与您共享 2 个碳足迹",
            (
                "线材轧钢有限公司 (Wire Rod Mill Co) 撤销了您对 2 个碳足迹的访问权限。\n"
                "原因：The contract ended.\n"
                "除非供应商再次共享数据，使用了这些碳足迹的计算将改用默认值。"
            ),
        ),
    },
    "verification.requested": {
        "en": (
            (
                "线材轧钢有限公司 (Wire Rod Mill Co) asks you to confirm a verification: Wire rod "
                "SAE 1008 (72139110), 2026"
            ),
            (
                "线材轧钢有限公司 (Wire Rod Mill Co) names your organisation as the verifier of "
                "its footprint of Wire rod SAE 1008 (72139110), 2026.\n"
                "Its verification statement is dated 2027-02-15.\n"
                "\n"
                "Check its figures and evidence in your verification inbox, then confirm the "
                "verification or decline it with a comment."
            ),
        ),
        "zh-hans": (
            (
                "线材轧钢有限公司 (Wire Rod Mill Co) 请您确认核查：Wire rod SAE 1008 "
                "(72139110)，2026年"
            ),
            (
                "线材轧钢有限公司 (Wire Rod Mill Co) 指定贵机构为其 Wire rod SAE 1008 "
                "(72139110)，2026年 碳足迹的核查机构。\n"
                "其核查声明日期为 2027年2月15日。\n"
                "\n"
                "请在核查收件箱中检查其数据和证明文件，然后确认核查，或填写意见后不予确认。"
            ),
        ),
    },
    "verification.confirmed": {
        "en": (
            (
                "Nordic Emissions Verification AB confirmed the verification: Wire rod SAE 1008 "
                "(72139110), 2026"
            ),
            (
                "Nordic Emissions Verification AB confirmed the verification of your footprint of "
                "Wire rod SAE 1008 (72139110), 2026."
            ),
        ),
        "zh-hans": (
            "Nordic Emissions Verification AB 已确认核查：Wire rod SAE 1008 (72139110)，2026年",
            (
                "Nordic Emissions Verification AB 已确认贵方 Wire rod SAE 1008 (72139110)，2026年 "
                "碳足迹的核查。"
            ),
        ),
    },
    "verification.declined": {
        "en": (
            (
                "Nordic Emissions Verification AB declined the verification: Wire rod SAE 1008 "
                "(72139110), 2026"
            ),
            (
                "Nordic Emissions Verification AB declined to confirm the verification of your "
                "footprint of Wire rod SAE 1008 (72139110), 2026.\n"
                "Comment: The gas meter readings do not match.\n"
                "Until a new submission is confirmed, buyers must use the default value instead of "
                "its figures. Correct the footprint and submit it again: the verifier is asked "
                "again."
            ),
        ),
        "zh-hans": (
            "Nordic Emissions Verification AB 不予确认核查：Wire rod SAE 1008 (72139110)，2026年",
            (
                "Nordic Emissions Verification AB 不予确认贵方 Wire rod SAE 1008 "
                "(72139110)，2026年 碳足迹的核查。\n"
                "意见：The gas meter readings do not match.\n"
                "在新提交的版本获得确认之前，买方必须采用默认值而非其数据。请更正碳足迹并重新提交："
                "系统会再次请核查机构答复。"
            ),
        ),
    },
    # --- pools (issue 16) ---
    "pool.invited": {
        "en": (
            f"{POOL_ASSOCIATION} invites you to its data pool {POOL_NAME}",
            (
                f"{POOL_ASSOCIATION} invites your organisation to join its data pool {POOL_NAME}.\n"
                "Members contribute signed footprints and see sector statistics that cannot be "
                "traced back to a company, and where their own footprint stands. The association "
                "never sees an individual footprint through the pool.\n"
                "An administrator of your organisation can accept or decline on the pool's page."
            ),
        ),
        "zh-hans": (
            f"{POOL_ASSOCIATION} 邀请贵方加入其数据池 {POOL_NAME}",
            (
                f"{POOL_ASSOCIATION} 邀请贵组织加入其数据池 {POOL_NAME}。\n"
                "成员提供已签名的碳足迹，并可查看无法追溯到任何企业的行业统计，以及自身碳足迹所处的"
                "位置。协会永远无法通过数据池看到单个碳足迹。\n"
                "贵组织的管理员可在数据池页面上接受或拒绝。"
            ),
        ),
    },
    "pool.joined": {
        "en": (
            f"{POOL_MEMBER} joined your data pool {POOL_NAME}",
            f"{POOL_MEMBER} accepted your invitation to the data pool {POOL_NAME}.",
        ),
        "zh-hans": (
            f"{POOL_MEMBER} 加入了贵方的数据池 {POOL_NAME}",
            f"{POOL_MEMBER} 接受了贵方加入数据池 {POOL_NAME} 的邀请。",
        ),
    },
    "pool.left (declined)": {
        "en": (
            f"{POOL_MEMBER} declined the invitation to your data pool {POOL_NAME}",
            f"{POOL_MEMBER} declined your invitation to the data pool {POOL_NAME}.",
        ),
        "zh-hans": (
            f"{POOL_MEMBER} 拒绝了加入贵方数据池 {POOL_NAME} 的邀请",
            f"{POOL_MEMBER} 拒绝了贵方加入数据池 {POOL_NAME} 的邀请。",
        ),
    },
    "pool.left (the member left)": {
        "en": (
            f"{POOL_MEMBER} left your data pool {POOL_NAME}",
            (
                f"{POOL_MEMBER} ended its membership of the data pool {POOL_NAME}. Its "
                "contributions leave every later statistic; releases already published stay as "
                "released."
            ),
        ),
        "zh-hans": (
            f"{POOL_MEMBER} 退出了贵方的数据池 {POOL_NAME}",
            (
                f"{POOL_MEMBER} 终止了其在数据池 {POOL_NAME} 的成员资格。"
                "其提供的数据不再计入此后的任何统计；已发布的版本保持不变。"
            ),
        ),
    },
    "pool.left (the association ended it)": {
        "en": (
            f"{POOL_ASSOCIATION} ended your membership of its data pool {POOL_NAME}",
            (
                f"{POOL_ASSOCIATION} ended your organisation's membership of the data pool "
                f"{POOL_NAME}. Your contributions leave every later statistic; releases already "
                "published stay as released."
            ),
        ),
        "zh-hans": (
            f"{POOL_ASSOCIATION} 终止了贵方在其数据池 {POOL_NAME} 的成员资格",
            (
                f"{POOL_ASSOCIATION} 终止了贵组织在数据池 {POOL_NAME} 的成员资格。"
                "贵方提供的数据不再计入此后的任何统计；已发布的版本保持不变。"
            ),
        ),
    },
    # --- end pools ---
    # --- PACT answers (issue 17) ---
    "pact.fulfilled": {
        "en": (
            f"{PARTNER_NAME} answered your PACT request with 1 footprint",
            (
                f"Your request to {PARTNER_NAME}: geography: CN; status: Active.\n"
                "It sent 1 footprint: Hot-rolled coil Q235B 2.0 mm.\n"
                "They are stored exactly as received, with their PACT check, on the partner's "
                "exchange page; a bill-of-materials line can use them."
            ),
        ),
        "zh-hans": (
            f"{PARTNER_NAME} 以 1 份碳足迹答复了贵方的 PACT 请求",
            (
                f"贵方向 {PARTNER_NAME} 发出的请求：geography: CN; status: Active。\n"
                "对方发来 1 份碳足迹：Hot-rolled coil Q235B 2.0 mm。\n"
                "这些碳足迹已按收到的原样保存，并附 PACT 检查结果，见该合作方的数据交换页面；"
                "物料清单行可以使用它们。"
            ),
        ),
    },
    "pact.rejected": {
        "en": (
            f"{PARTNER_NAME} rejected your PACT request",
            (
                f"Your request to {PARTNER_NAME}: geography: CN; status: Active.\n"
                "Its answer: NotFound: No footprint matches the request.\n"
                "Send a new request with other criteria, or use EU default values."
            ),
        ),
        "zh-hans": (
            f"{PARTNER_NAME} 拒绝了贵方的 PACT 请求",
            (
                f"贵方向 {PARTNER_NAME} 发出的请求：geography: CN; status: Active。\n"
                "对方答复：NotFound：No footprint matches the request.\n"
                "请以其他条件发送新的请求，或采用欧盟默认值。"
            ),
        ),
    },
    # --- end PACT answers ---
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_notification_e_mail_in_english_and_in_chinese(world: dict[str, Any], case: str):
    recipient = world[CASES[case][1]]

    emails = _notification_emails(world, case)

    for language in ("en", "zh-hans"):
        subject, text = EXPECTED[case][language]
        message = emails[language]
        assert message.subject == subject, language
        assert message.body == text + footer(language, recipient, PAGES[case]), language


def test_the_e_mails_link_opens_the_page_for_the_recipient(world: dict[str, Any], client: Any):
    """The link of a verifier's e-mail opens its request; the producer's, its footprint."""
    world["footprint"].status = "in_review"
    world["footprint"].save()
    asked = _notification_emails(world, "verification.requested")["en"].body
    declined = _notification_emails(world, "verification.declined")["en"].body
    verifier_link = f"{SITE}/o/nordic-verification/verification/{FOOTPRINT_ID}/"
    producer_link = f"{SITE}/o/wire-rod-mill/footprints/{FOOTPRINT_ID}/"
    assert f"Open it: {verifier_link}\n" in asked
    assert f"Open it: {producer_link}\n" in declined

    client.force_login(User.objects.get(email="en@nordic-verification.example"))
    assert client.get(verifier_link.removeprefix(SITE)).status_code == 200
    client.force_login(User.objects.get(email="en@wire-rod-mill.example"))
    assert client.get(producer_link.removeprefix(SITE)).status_code == 200


# --- the e-mails of accounts and of requests to companies not on the platform ---------------


def test_an_invitation_to_join_in_each_language(world: dict[str, Any]):
    supplier = world["supplier"]
    inviter = User.objects.get(email="en@wire-rod-mill.example")
    sent = {}
    for language in ("en", "zh-hans"):
        UserFactory(email=f"new.{language}@example.com", language=language)
        invitation = Invitation.objects.create(
            organisation=supplier,
            email=f"new.{language}@example.com",
            role=Role.PREPARER,
            token_hash=sha256_hex(f"token-{language}"),
            invited_by=inviter,
            expires_at=datetime(2027, 3, 8, 9, 30, tzinfo=UTC),
        )
        mail.outbox.clear()
        assert invitation_email_send(
            invitation_id=str(invitation.pk), raw_token=f"token-{language}"
        )
        (sent[language],) = mail.outbox

    assert (sent["en"].subject, sent["en"].body) == (
        "Join 线材轧钢有限公司 (Wire Rod Mill Co) on CBAM Exchange",
        "en@wire-rod-mill.example invites you to join 线材轧钢有限公司 (Wire Rod Mill Co) on "
        "CBAM Exchange as preparer.\n\n"
        "Accept before 2027-03-08 09:30 UTC:\n"
        f"{SITE}/accounts/invitations/token-en/\n",
    )
    assert (sent["zh-hans"].subject, sent["zh-hans"].body) == (
        "加入 CBAM Exchange 上的 线材轧钢有限公司 (Wire Rod Mill Co)",
        "en@wire-rod-mill.example 邀请您以填报人身份加入 CBAM Exchange 上的 线材轧钢有限公司 "
        "(Wire Rod Mill Co)。\n\n"
        "请在 2027-03-08 09:30 UTC 之前接受：\n"
        f"{SITE}/accounts/invitations/token-zh-hans/\n",
    )


def test_a_password_reset_in_each_language(db: None):
    sent = {}
    for language in ("en", "zh-hans"):
        user = UserFactory(email=f"{language}@mill.example", language=language)
        token = PasswordResetToken.objects.create(
            user=user,
            token_hash=sha256_hex(f"reset-{language}"),
            password_fingerprint=sha256_hex(user.password),
            expires_at=datetime(2099, 1, 1, tzinfo=UTC),
        )
        mail.outbox.clear()
        assert password_reset_email_send(token_id=str(token.pk), raw_token=f"reset-{language}")
        (sent[language],) = mail.outbox

    assert (sent["en"].subject, sent["en"].body) == (
        "Set a new password for CBAM Exchange",
        "Someone, probably you, asked to set a new password for en@mill.example on CBAM "
        "Exchange. Open this link to choose it:\n\n"
        f"{SITE}/accounts/password-reset/reset-en/\n\n"
        "The link works once, within 60 minutes. If you did not ask, ignore this e-mail: your "
        "password stays as it is.\n",
    )
    assert (sent["zh-hans"].subject, sent["zh-hans"].body) == (
        "为 CBAM Exchange 设置新密码",
        "有人（很可能是您本人）申请为 CBAM Exchange 上的 zh-hans@mill.example 设置新密码。"
        "请打开此链接设置：\n\n"
        f"{SITE}/accounts/password-reset/reset-zh-hans/\n\n"
        "该链接只能使用一次，有效期 60 分钟。"
        "如果不是您本人申请，请忽略此邮件：您的密码保持不变。\n",
    )


def test_a_request_to_a_company_not_on_the_platform_in_each_language(world: dict[str, Any]):
    """Someone with an account (and a chosen language) is sent to the login page; someone
    without one gets the sign-up link, in Chinese then English (tests/exchange/sharing)."""
    sent = {}
    for language in ("en", "zh-hans"):
        UserFactory(email=f"sales-{language}@newmill.example", language=language)
        request = FootprintRequest.objects.create(
            buyer=world["buyer"],
            supplier_email=f"sales-{language}@newmill.example",
            supplier_name="新钢厂",
            cn_code="72139110",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
            due_date=date(2026, 10, 30),
        )
        mail.outbox.clear()
        assert request_invitation_email_send(request_id=str(request.pk))
        (sent[language],) = mail.outbox

    assert (sent["en"].subject, sent["en"].body) == (
        "Screw Maker GmbH asks for a product carbon footprint (CBAM)",
        "Dear 新钢厂,\n\n"
        "Screw Maker GmbH uses CBAM Exchange to collect the embedded emissions of the goods it "
        "buys, and asks you for the product carbon footprint of CN 72139110, 2026, by "
        "2026-10-30.\n\n"
        "Without your data, EU default values (with a mark-up) apply to these goods.\n\n"
        f"To answer, register your company on CBAM Exchange ({SITE}/login/?next=/dashboard/) "
        "with this e-mail address (sales-en@newmill.example), or ask a colleague who is on it "
        "to invite you. The request then appears in your requests inbox, where you can claim it "
        "for your organisation.\n",
    )
    assert (sent["zh-hans"].subject, sent["zh-hans"].body) == (
        "Screw Maker GmbH 请求提供产品碳足迹（CBAM）",
        "新钢厂，您好：\n\n"
        "Screw Maker GmbH 使用 CBAM Exchange 收集其采购货物的隐含排放，现请您在 "
        "2026年10月30日 前提供 CN 72139110，2026年 的产品碳足迹。\n\n"
        "若没有您的数据，这些货物将适用欧盟默认值（含加成）。\n\n"
        "如需答复，请使用此电子邮箱（sales-zh-hans@newmill.example）在 CBAM Exchange"
        f"（{SITE}/login/?next=/dashboard/）上注册贵公司，或请已在平台上的同事邀请您。"
        "该请求随后会出现在您的请求收件箱中，您可以在那里为贵组织认领它。\n",
    )
