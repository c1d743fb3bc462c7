"""The audit actions of the pools app, by name (see ``accounts.events``)."""

from __future__ import annotations

POOL_CREATED = "pool.created"
POOL_SETTINGS_CHANGED = "pool.settings_changed"
POOL_MEMBER_INVITED = "pool.member_invited"
POOL_INVITATION_ACCEPTED = "pool.invitation_accepted"
POOL_INVITATION_DECLINED = "pool.invitation_declined"
POOL_MEMBERSHIP_ENDED = "pool.membership_ended"
POOL_CONTRIBUTION_ADDED = "pool.contribution_added"
POOL_CONTRIBUTION_WITHDRAWN = "pool.contribution_withdrawn"
POOL_RELEASE_PUBLISHED = "pool.release_published"
