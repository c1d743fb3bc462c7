"""``/o/<org>/keys/``: the organisation's signing keys, their rotation and revocation.

Every member sees the keys (as the API's list); owners and admins rotate (the active key
retires and keeps verifying, a new one signs from now on) and revoke a key with a reason,
after a page that says what a revocation does and asks to confirm it. The same services as
the API (``accounts.services.signing_keys``).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, gettext_lazy

from accounts.models import SigningKey
from accounts.pages.base import OrganisationPage
from accounts.pages.forms import apply_service_errors
from accounts.roles import ADMIN_ROLES, ALL_ROLES
from accounts.selectors import signing_keys_visible_to
from accounts.services.signing_keys import (
    REVOCATION_REASON_MAX_LENGTH,
    signing_key_revoke,
    signing_key_rotate,
)
from core.errors import ApplicationError


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=REVOCATION_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Published with the key for ever, e.g. 'private key exposed' or 'staff left'."
        ),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I understand: documents signed with this key from now on are invalid, and the "
            "revocation cannot be undone."
        ),
        error_messages={"required": gettext_lazy("Tick this box to confirm the revocation.")},
    )


class KeysPage(OrganisationPage):
    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        keys = list(signing_keys_visible_to(organisation=self.organisation))
        context = self.get_context_data(
            keys=keys[::-1],  # newest first: the active key on top
            can_manage=self.role in ADMIN_ROLES,
        )
        return render(request, "accounts/pages/keys.html", context)


class KeyRotatePage(OrganisationPage):
    """``POST …/keys/rotate/``: retire the active key and create the next one."""

    role_map = {"POST": ADMIN_ROLES}

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        key = signing_key_rotate(actor=self.actor, organisation=self.organisation)
        messages.success(
            request,
            gettext(
                "New signing key %(kid)s: it signs from now on; the previous key still verifies."
            )
            % {"kid": key.kid},
        )
        return redirect("accounts-pages:keys", org_slug=self.organisation.slug)


class KeyRevokePage(OrganisationPage):
    """``…/keys/<id>/revoke/``: what a revocation does, the reason, the confirmation."""

    role_map = {"GET": ADMIN_ROLES, "POST": ADMIN_ROLES}

    def _key(self, key_id: UUID) -> SigningKey:
        return get_object_or_404(signing_keys_visible_to(organisation=self.organisation), pk=key_id)

    def _render(self, request: HttpRequest, key: SigningKey, form: RevokeForm) -> HttpResponse:
        context = self.get_context_data(key=key, form=form)
        return render(request, "accounts/pages/key_revoke.html", context)

    def get(self, request: HttpRequest, key_id: UUID, **kwargs: Any) -> HttpResponse:
        return self._render(request, self._key(key_id), RevokeForm())

    def post(self, request: HttpRequest, key_id: UUID, **kwargs: Any) -> HttpResponse:
        key = self._key(key_id)
        form = RevokeForm(request.POST)
        if not form.is_valid():
            return self._render(request, key, form)
        try:
            key = signing_key_revoke(actor=self.actor, key=key, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            apply_service_errors(form, exc)
            return self._render(request, key, form)
        messages.success(request, gettext("The key %(kid)s is revoked.") % {"kid": key.kid})
        return redirect("accounts-pages:keys", org_slug=self.organisation.slug)
