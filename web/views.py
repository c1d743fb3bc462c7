"""Pages of no single area: where a signed-in person lands, and the language switcher."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.models import User
from accounts.pages.base import PersonPage, PublicPage
from accounts.pages.language import language_cookie_set
from accounts.selectors import memberships_of_user
from accounts.services.preferences import user_set_language

LANGUAGE_CODES = {code for code, _ in settings.LANGUAGES}


class HomePage(PersonPage):
    """``/dashboard/``: the active organisation's dashboard, or a page saying how to join one."""

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        memberships = list(memberships_of_user(user=self.user))
        active = next(
            (m for m in memberships if m.organisation_id == self.user.active_organisation_id),
            memberships[0] if memberships else None,
        )
        if active is not None:
            return redirect("web:organisation-dashboard", org_slug=active.organisation.slug)
        return render(request, "web/no_organisation.html", {})


class LanguagePage(PublicPage):
    """``POST /language/``: the switcher on every page. Remembered in a cookie, and in the
    person's settings when signed in (so every device and every e-mail follows it)."""

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        code = request.POST.get("language", "")
        target = request.POST.get("next", "") or "/"
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = "/"
        response = redirect(target)
        if code not in LANGUAGE_CODES:
            return response
        translation.activate(code)
        if request.user.is_authenticated:
            assert isinstance(request.user, User)
            user_set_language(user=request.user, language=code)
        language_cookie_set(response, code)
        return response
