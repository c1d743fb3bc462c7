"""``/settings/``: a person's own settings: language, password, two-factor sign-in.

Two-factor sign-in (TOTP) is set up in two steps, through the services the API uses
(``accounts.services.auth``): "set up" stores a new secret and shows it as a QR code (and as
text, for apps that cannot scan); the person confirms with a code from their app, which turns
it on. Turning it off asks for a current code too.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from accounts.pages.base import PersonPage
from accounts.pages.forms import apply_service_errors
from accounts.pages.language import language_cookie_set
from accounts.pages.qr import qr_svg
from accounts.services.auth import (
    totp_begin_enrolment,
    totp_confirm,
    totp_disable,
    totp_enrolment_pending,
)
from accounts.services.preferences import user_set_language
from core.errors import ApplicationError

SETTINGS_TOTP = "/settings/#totp-h"


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Language of pages and e-mails"),
        choices=[("", gettext_lazy("The browser's language")), *settings.LANGUAGES],
        required=False,
    )


class TotpCodeForm(forms.Form):
    code = forms.RegexField(
        r"^\s*[0-9]{6}\s*$",
        label=gettext_lazy("Code from your authenticator app"),
        error_messages={"invalid": gettext_lazy("Enter the 6 digits.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "size": 8}
        ),
    )


def _grouped_secret(uri: str) -> str:
    """The base32 secret of an otpauth:// URI in groups of four, as apps ask to type it."""
    secret = parse_qs(urlsplit(uri).query).get("secret", [""])[0]
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


class SettingsPage(PersonPage):
    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self._render(request)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        which = request.POST.get("form")
        if which == "language":
            return self._language(request)
        if which == "password":
            return self._password(request)
        if which == "totp_begin":
            try:
                totp_begin_enrolment(user=self.user)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            return redirect(SETTINGS_TOTP)
        if which in ("totp_confirm", "totp_disable"):
            return self._totp_code(request, which)
        return self._render(request, status=200)

    def _language(self, request: HttpRequest) -> HttpResponse:
        form = LanguageForm(request.POST)
        if not form.is_valid():
            return self._render(request, language_form=form)
        code = form.cleaned_data["language"]
        user_set_language(user=self.user, language=code)
        if code:
            translation.activate(code)
        messages.success(request, gettext("Your language is saved."))
        response = redirect("accounts:settings")
        if code:
            language_cookie_set(response, code)
        return response

    def _password(self, request: HttpRequest) -> HttpResponse:
        form = PasswordChangeForm(self.user, request.POST)
        if not form.is_valid():
            return self._render(request, password_form=form)
        form.save()
        update_session_auth_hash(request, form.user)
        messages.success(request, gettext("Your password has been changed."))
        return redirect("accounts:settings")

    def _totp_code(self, request: HttpRequest, which: str) -> HttpResponse:
        form = TotpCodeForm(request.POST)
        if not form.is_valid():
            return self._render(request, totp_form=form)
        try:
            if which == "totp_confirm":
                totp_confirm(user=self.user, code=form.cleaned_data["code"])
                done = gettext("Two-factor sign-in is on: you will be asked for a code.")
            else:
                totp_disable(user=self.user, code=form.cleaned_data["code"])
                done = gettext("Two-factor sign-in is off.")
        except ApplicationError as exc:
            apply_service_errors(form, exc)
            return self._render(request, totp_form=form)
        messages.success(request, done)
        return redirect(SETTINGS_TOTP)

    def _render(
        self,
        request: HttpRequest,
        *,
        language_form: LanguageForm | None = None,
        password_form: PasswordChangeForm | None = None,
        totp_form: TotpCodeForm | None = None,
        status: int = 200,
    ) -> HttpResponse:
        pending_uri = totp_enrolment_pending(user=self.user)
        context = {
            "language_form": language_form
            or LanguageForm(initial={"language": self.user.language}),
            "password_form": password_form or PasswordChangeForm(self.user),
            "totp_form": totp_form or TotpCodeForm(),
            "totp_enabled": self.user.totp_enabled,
            "totp_pending": pending_uri is not None,
            "totp_qr": qr_svg(
                pending_uri, title=gettext("QR code to scan with your authenticator app")
            )
            if pending_uri
            else "",
            "totp_secret": _grouped_secret(pending_uri) if pending_uri else "",
        }
        return render(request, "accounts/settings.html", context, status=status)
