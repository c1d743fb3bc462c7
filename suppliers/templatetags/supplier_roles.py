"""What a role may do, for the navigation (the role sets of ``accounts.roles``)."""

from __future__ import annotations

from django import template

from accounts.roles import REVIEW_ROLES

register = template.Library()


@register.filter
def may_review(role: str) -> bool:
    """``{% if role|may_review %}``: the role approves and rejects footprints."""
    return role in REVIEW_ROLES
