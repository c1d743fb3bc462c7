"""The web pages of the accounts app: login (password, then TOTP when enabled), logout,
password reset by e-mail, the dashboard with the organisation switcher, and accepting an
invitation."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from accounts.services.auth import AccountLocked, login_check_password, login_check_totp
from accounts.services.invitations import (
    invitation_accept,
    invitation_accept_as_new_user,
    invitation_by_token,
    invitation_status_label,
)
from accounts.services.memberships import user_switch_organisation
from accounts.services.password_reset import (
    password_reset_complete,
    password_reset_request,
    password_reset_token_check,
    password_reset_validity_text,
)
from accounts.throttle import client_ip
from core.errors import ApplicationError, NotFound, ValidationFailed

PENDING_2FA_KEY = "pending_2fa_user_id"
BACKEND = "django.contrib.auth.backends.ModelBackend"


class LoginForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email"))
    password = forms.CharField(label=gettext_lazy("Password"), widget=forms.PasswordInput)


class TotpForm(forms.Form):
    code = forms.RegexField(
        r"^\s*[0-9]{6}\s*$",
        label=gettext_lazy("Code"),
        error_messages={"invalid": gettext_lazy("Enter the 6 digits.")},
    )


class NewAccountForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Your name"), max_length=200)
    password = forms.CharField(label=gettext_lazy("Choose a password"), widget=forms.PasswordInput)


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email"))


class NewPasswordForm(forms.Form):
    new_password = forms.CharField(
        label=gettext_lazy("New password"), widget=forms.PasswordInput, strip=False
    )
    new_password_again = forms.CharField(
        label=gettext_lazy("New password, again"), widget=forms.PasswordInput, strip=False
    )

    def clean(self) -> dict[str, str]:
        cleaned: dict[str, str] = super().clean() or {}
        first, again = cleaned.get("new_password"), cleaned.get("new_password_again")
        if first is not None and again is not None and first != again:
            self.add_error(
                "new_password_again",
                gettext("The two passwords differ: enter the same new password twice."),
            )
        return cleaned


def _next_url(request: HttpRequest, default: str = "/dashboard/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = login_check_password(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                ip_address=client_ip(request),
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            if user.totp_enabled:
                request.session[PENDING_2FA_KEY] = str(user.pk)
                return redirect(f"/login/totp/?{urlencode({'next': _next_url(request)})}")
            login(request, user, backend=BACKEND)
            return redirect(_next_url(request))
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)})


@require_http_methods(["GET", "POST"])
def totp_view(request: HttpRequest) -> HttpResponse:
    user_id = request.session.get(PENDING_2FA_KEY)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        return redirect("accounts:login")
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = login_check_totp(user=user, code=form.cleaned_data["code"])
        except AccountLocked as exc:
            # Start again from the password once the lock expires.
            del request.session[PENDING_2FA_KEY]
            form.add_error("code", exc.message)
        except ApplicationError as exc:
            form.add_error("code", exc.message)
        else:
            del request.session[PENDING_2FA_KEY]
            login(request, user, backend=BACKEND)
            return redirect(_next_url(request))
    return render(request, "accounts/totp.html", {"form": form, "next": _next_url(request)})


@require_http_methods(["GET", "POST"])
def admin_login_view(request: HttpRequest) -> HttpResponse:
    """``/admin/login/``: the admin site has no login of its own.

    Django's admin login form authenticates with the password alone, past the lockout and
    the TOTP second factor. Sending people to the one login page (and back with ``next``)
    leaves a single way in; a password posted here is never looked at.
    """
    target = _next_url(request, default="/admin/")
    user = request.user
    if user.is_authenticated and user.is_active and user.is_staff:
        return redirect(target)
    return redirect(f"/login/?{urlencode({'next': target})}")


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


@require_http_methods(["GET", "POST"])
def password_reset_request_view(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_reset_request(email=form.cleaned_data["email"], ip_address=client_ip(request))
        # The same answer whether or not the address has an account.
        return redirect("accounts:password-reset-sent")
    return render(request, "accounts/password_reset_request.html", {"form": form})


@require_http_methods(["GET"])
def password_reset_sent_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/password_reset_sent.html",
        {"validity": password_reset_validity_text()},
    )


@require_http_methods(["GET", "POST"])
def password_reset_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    template = "accounts/password_reset_confirm.html"
    form = NewPasswordForm(request.POST or None)
    try:
        if request.method == "POST" and form.is_valid():
            password_reset_complete(raw_token=token, password=form.cleaned_data["new_password"])
            messages.success(
                request, gettext("Your password has been changed. Log in with the new one.")
            )
            return redirect("accounts:login")
        password_reset_token_check(raw_token=token)
    except NotFound as exc:
        return render(request, template, {"error": exc.message}, status=404)
    except ValidationFailed as exc:
        for message in exc.extra.get("fields", {}).get("new_password", [exc.message]):
            form.add_error("new_password", message)
    return render(request, template, {"form": form})


@login_required
@require_POST
def switch_organisation_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    try:
        organisation = user_switch_organisation(
            user=user, organisation_slug=request.POST.get("organisation", "")
        )
        messages.success(
            request, gettext("Now working as %(name)s.") % {"name": organisation.legal_name}
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("web:home")


@require_http_methods(["GET", "POST"])
def invitation_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_by_token(token)
    except ApplicationError as exc:
        return render(request, "accounts/invitation.html", {"error": exc.message}, status=404)
    status = invitation.status_at(timezone.now())
    if status != "pending":
        message = gettext("This invitation is %(status)s; ask the organisation for a new one.") % {
            "status": invitation_status_label(status)
        }
        return render(request, "accounts/invitation.html", {"error": message}, status=409)
    has_account = User.objects.filter(email__iexact=invitation.email).exists()
    form = NewAccountForm(request.POST or None)
    context = {"invitation": invitation, "has_account": has_account, "form": form}
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                assert isinstance(request.user, User)
                invitation_accept(user=request.user, raw_token=token)
            elif not has_account and form.is_valid():
                user = invitation_accept_as_new_user(
                    raw_token=token,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password"],
                )
                login(request, user, backend=BACKEND)
            else:
                return render(request, "accounts/invitation.html", context, status=400)
        except ApplicationError as exc:
            for field, errors in exc.extra.get("fields", {}).items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            context["error"] = exc.message
            return render(request, "accounts/invitation.html", context, status=exc.status)
        messages.success(
            request,
            gettext("You joined %(name)s.") % {"name": invitation.organisation.legal_name},
        )
        return redirect("web:home")
    return render(request, "accounts/invitation.html", context)
