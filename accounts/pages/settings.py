"""``/settings/``: a person's own settings: language, password, two-factor sign-in."""

from __future__ import annotations

from typing import Any

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
from accounts.pages.language import language_cookie_set
from accounts.services.preferences import user_set_language


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Language of pages and e-mails"),
        choices=[("", gettext_lazy("The browser's language")), *settings.LANGUAGES],
        required=False,
    )


class SettingsPage(PersonPage):
    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self._render(
            request,
            LanguageForm(initial={"language": self.user.language}),
            PasswordChangeForm(self.user),
        )

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        language_form = LanguageForm(initial={"language": self.user.language})
        password_form = PasswordChangeForm(self.user)
        if request.POST.get("form") == "language":
            language_form = LanguageForm(request.POST)
            if language_form.is_valid():
                code = language_form.cleaned_data["language"]
                user_set_language(user=self.user, language=code)
                if code:
                    translation.activate(code)
                messages.success(request, gettext("Your language is saved."))
                response = redirect("accounts:settings")
                if code:
                    language_cookie_set(response, code)
                return response
        elif request.POST.get("form") == "password":
            password_form = PasswordChangeForm(self.user, request.POST)
            if password_form.is_valid():
                password_form.save()
                update_session_auth_hash(request, password_form.user)
                messages.success(request, gettext("Your password has been changed."))
                return redirect("accounts:settings")
        return self._render(request, language_form, password_form, status=400)

    def _render(
        self,
        request: HttpRequest,
        language_form: LanguageForm,
        password_form: PasswordChangeForm,
        status: int = 200,
    ) -> HttpResponse:
        context = {
            "language_form": language_form,
            "password_form": password_form,
            "totp_enabled": self.user.totp_enabled,
        }
        return render(request, "accounts/settings.html", context, status=status)
