"""``/sign-up/<token>/``: a company invited by e-mail joins the platform.

The link comes from an e-mail (``accounts.services.registration.sign_up_url``); without a valid
one there is no sign-up. The person creates their account (the invited address) and the
organisation, of which they become the owner, and lands on its dashboard.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.password_validation import password_validators_help_texts
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy

from accounts.identifiers import SCHEMES
from accounts.pages.base import PublicPage
from accounts.pages.forms import apply_service_errors
from accounts.pages.language import language_cookie_set
from accounts.roles import OrganisationKind
from accounts.services.registration import (
    SignUpInvitation,
    organisation_sign_up,
    sign_up_invitation,
)
from core.errors import ApplicationError, ValidationFailed

BACKEND = "django.contrib.auth.backends.ModelBackend"
TEMPLATE = "accounts/pages/sign_up.html"

IDENTIFIER_SCHEME_LABELS = {
    "cn-uscc": gettext_lazy("Unified social credit code (China, 18 characters)"),
    "eori": gettext_lazy("EORI number (EU)"),
    "lei": gettext_lazy("Legal Entity Identifier (LEI)"),
    "cbam-operator": gettext_lazy("CBAM registry operator id"),
}


#: The password rules (AUTH_PASSWORD_VALIDATORS), in the reader's language (Django's own).
password_rules_text = lazy(lambda: " ".join(password_validators_help_texts()), str)()


class SignUpForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Your name"), max_length=200)
    password = forms.CharField(
        label=gettext_lazy("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        help_text=password_rules_text,
    )
    legal_name = forms.CharField(
        label=gettext_lazy("Legal name of the company, in its original script"),
        max_length=300,
        help_text=gettext_lazy("As in the business licence, e.g. 河北钢铁有限公司"),
    )
    legal_name_latin = forms.CharField(
        label=gettext_lazy("Legal name in Latin letters"),
        max_length=300,
        help_text=gettext_lazy("The English or pinyin name, e.g. Hebei Iron and Steel Co., Ltd."),
    )
    country = forms.CharField(
        label=gettext_lazy("Country"),
        max_length=2,
        min_length=2,
        help_text=gettext_lazy("Two-letter ISO 3166 code, e.g. CN for China, DE for Germany."),
        widget=forms.TextInput(attrs={"autocomplete": "country", "size": 4}),
    )
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("What the company does"),
        choices=OrganisationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[OrganisationKind.PRODUCER],
    )
    identifier_scheme = forms.ChoiceField(
        label=gettext_lazy("Kind of identifier"),
        choices=[(scheme, IDENTIFIER_SCHEME_LABELS[scheme]) for scheme in SCHEMES],
        initial="cn-uscc",
    )
    identifier_value = forms.CharField(
        label=gettext_lazy("Identifier"),
        max_length=64,
        help_text=gettext_lazy(
            "Checked with its check character: a mistyped code is refused before anything is saved."
        ),
    )


#: Where each field of the service's errors shows on the form.
FIELD_OF = {"identifiers.0": "identifier_value", "identifiers": "identifier_value"}


class SignUpPage(PublicPage):
    def _refused(self, request: HttpRequest, error: ApplicationError) -> HttpResponse:
        return render(request, TEMPLATE, {"error": error.message}, status=error.status)

    def _render(
        self, request: HttpRequest, invitation: SignUpInvitation, form: SignUpForm
    ) -> HttpResponse:
        return render(request, TEMPLATE, {"invitation": invitation, "form": form})

    def get(self, request: HttpRequest, sign_up_token: str, **kwargs: Any) -> HttpResponse:
        try:
            invitation = sign_up_invitation(token=sign_up_token)
        except ApplicationError as exc:
            return self._refused(request, exc)
        # The name the sender typed is a suggestion, in whichever script they wrote it.
        name = invitation.organisation_name
        form = SignUpForm(initial={"legal_name_latin" if name.isascii() else "legal_name": name})
        return self._render(request, invitation, form)

    def post(self, request: HttpRequest, sign_up_token: str, **kwargs: Any) -> HttpResponse:
        try:
            invitation = sign_up_invitation(token=sign_up_token)
        except ApplicationError as exc:
            return self._refused(request, exc)
        form = SignUpForm(request.POST)
        if not form.is_valid():
            return self._render(request, invitation, form)
        data = form.cleaned_data
        language = translation.get_language() or ""
        try:
            user, organisation = organisation_sign_up(
                token=sign_up_token,
                full_name=data["full_name"],
                password=data["password"],
                language=language,
                legal_name=data["legal_name"],
                legal_name_latin=data["legal_name_latin"],
                country=data["country"],
                kinds=list(data["kinds"]),
                identifier_scheme=data["identifier_scheme"],
                identifier_value=data["identifier_value"],
            )
        except ValidationFailed as exc:
            apply_service_errors(form, exc, field_of=FIELD_OF)
            return self._render(request, invitation, form)
        except ApplicationError as exc:  # the link was used or expired meanwhile
            return self._refused(request, exc)
        login(request, user, backend=BACKEND)
        messages.success(
            request,
            gettext("Welcome. %(name)s is on CBAM Exchange, and you are its owner.")
            % {"name": organisation.legal_name},
        )
        response = redirect("web:organisation-dashboard", org_slug=organisation.slug)
        if user.language:
            language_cookie_set(response, user.language)
        return response
