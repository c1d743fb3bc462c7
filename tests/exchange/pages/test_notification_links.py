"""Every kind of notification, in the list of the organisation it was sent to: unread until
marked read, and linked to the page where that organisation acts upon it (which opens for its
members), or to none when the recipient has no page of its own for it yet (a buyer's)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from accounts.models import User
from exchange.sharing.models import Notification
from exchange.sharing.services.notifications import notification_create
from tests.test_emails import CASES, FOOTPRINT_ID, REQUEST_ID, world  # noqa: F401

pytestmark = pytest.mark.django_db

#: case → the page its recipient opens (None: the notifications list is the place).
PAGES: dict[str, str | None] = {
    "request.received": f"/o/wire-rod-mill/requests/{REQUEST_ID}/",
    "request.received (e-mailed before joining)": "/o/wire-rod-mill/requests/",
    "request.due_soon": f"/o/wire-rod-mill/requests/{REQUEST_ID}/",
    "request.fulfilled": None,
    "request.rejected": None,
    "request.expired (supplier)": f"/o/wire-rod-mill/requests/{REQUEST_ID}/",
    "request.expired (buyer)": None,
    "request.withdrawn": f"/o/wire-rod-mill/requests/{REQUEST_ID}/",
    "footprint.shared": None,
    "footprint.deprecated": None,
    "signing_key.revoked": None,
    "grant.revoked": None,
    "verification.requested": f"/o/nordic-verification/verification/{FOOTPRINT_ID}/",
    "verification.confirmed": f"/o/wire-rod-mill/footprints/{FOOTPRINT_ID}/",
    "verification.declined": f"/o/wire-rod-mill/footprints/{FOOTPRINT_ID}/",
}


def test_every_case_says_where_it_leads():
    assert set(PAGES) == set(CASES)


@pytest.mark.parametrize("case", list(CASES))
def test_a_notification_is_unread_links_to_its_page_and_is_marked_read(
    world: dict[str, Any],  # noqa: F811
    case: str,
):
    world["footprint"].status = "in_review"  # shared with its verifier
    world["footprint"].save()
    kind, recipient, facts = CASES[case]
    organisation = world[recipient]
    with transaction.atomic():
        notification = notification_create(
            organisation=organisation, kind=kind, dedupe_key=case, data=facts(world)
        )
    assert notification is not None
    client = Client()
    client.force_login(User.objects.get(email=f"en@{organisation.slug}.example"))
    listing = f"/o/{organisation.slug}/notifications/"

    html = client.get(listing).content.decode()
    read = client.post(f"{listing}{notification.pk}/read/", HTTP_HX_REQUEST="true")

    row = html.split(f'<li id="notification-{notification.pk}" class="unread">', 1)[1]
    row = row.split("</li>", 1)[0]
    page = PAGES[case]
    if page is None:
        assert "<a href=" not in row
    else:
        assert f'<a href="{page}">Open</a>' in row
        assert client.get(page).status_code == 200
    assert read.status_code == 200
    assert read.content.decode().startswith(
        f'<li id="notification-{notification.pk}" class="read">'
    )
    assert Notification.objects.get(pk=notification.pk).read_at is not None
