"""Every kind of notification, in the list of the organisation it was sent to: unread until
marked read, and linked to the page where that organisation acts upon it (which opens for its
members), or to none when the recipient has no page of its own for it yet (a buyer's)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from exchange.sharing.models import Notification
from tests.test_emails import CASES, PAGES, notification_of, world  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("case", list(CASES))
def test_a_notification_is_unread_links_to_its_page_and_is_marked_read(
    world: dict[str, Any],  # noqa: F811
    case: str,
):
    world["footprint"].status = "in_review"  # shared with its verifier
    world["footprint"].save()
    organisation = world[CASES[case][1]]
    notification = notification_of(world, case)
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
