"""The supplier's sharing policies: how each buyer's requests that arrive by PACT are
answered (``exchange.sharing.services.policies``). The list shows every buyer the supplier
has a relationship with and its rule; a writer changes one buyer's rule on its page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from accounts.pages.base import OrganisationPage
from accounts.roles import ALL_ROLES, WRITER_ROLES
from core.errors import ApplicationError
from exchange.pages.forms import REASON_MAX_LENGTH, form_errors_add
from exchange.sharing.models import PolicyRule, SharingPolicy
from exchange.sharing.selectors import policies_by_buyer, policy_buyers
from exchange.sharing.services.policies import policy_for, policy_set


class PolicyForm(forms.Form):
    rule = forms.ChoiceField(
        label=_("How their requests are answered"),
        choices=PolicyRule.choices,
        error_messages={
            "required": _("Choose how this buyer's requests are answered."),
            "invalid_choice": _("%(value)s is not a sharing rule; choose one of the list."),
        },
    )
    reason = forms.CharField(
        label=_("Reason sent with a rejection"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when their requests are rejected; the buyer reads it."),
    )


class SharingPoliciesPage(OrganisationPage):
    """``sharing-policies/``: each buyer and the rule its PACT requests are answered by."""

    role_map = {"GET": ALL_ROLES}

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        policies = policies_by_buyer(supplier=self.organisation)
        rows = [
            (buyer, policies.get(buyer.pk)) for buyer in policy_buyers(supplier=self.organisation)
        ]
        context = self.get_context_data(rows=rows, manual=PolicyRule.MANUAL.label)
        return render(request, "exchange/pages/pact_policies.html", context)


class SharingPolicyPage(OrganisationPage):
    """``sharing-policies/<buyer slug>/``: one buyer's rule, changed by a writer. A buyer the
    organisation has no relationship with answers 404."""

    role_map = {"GET": ALL_ROLES, "POST": WRITER_ROLES}

    def buyer(self, slug: str) -> Organisation:
        return get_object_or_404(policy_buyers(supplier=self.organisation), slug=slug)

    def render_form(
        self, request: HttpRequest, buyer: Organisation, policy: SharingPolicy, form: PolicyForm
    ) -> HttpResponse:
        context = self.get_context_data(
            buyer=buyer, policy=policy, form=form, can_change=self.role in WRITER_ROLES
        )
        return render(request, "exchange/pages/pact_policy.html", context)

    def get(self, request: HttpRequest, policy_buyer: str, **kwargs: Any) -> HttpResponse:
        buyer = self.buyer(policy_buyer)
        policy = policy_for(self.organisation, buyer)
        form = PolicyForm(initial={"rule": policy.rule, "reason": policy.reason})
        return self.render_form(request, buyer, policy, form)

    def post(self, request: HttpRequest, policy_buyer: str, **kwargs: Any) -> HttpResponseBase:
        buyer = self.buyer(policy_buyer)
        form = PolicyForm(request.POST)
        if form.is_valid():
            try:
                policy_set(
                    actor=self.actor,
                    supplier=self.organisation,
                    buyer=buyer,
                    rule=form.cleaned_data["rule"],
                    reason=form.cleaned_data["reason"],
                )
            except ApplicationError as error:
                form_errors_add(form, error)
            else:
                return redirect("exchange-pages:sharing-policies", org_slug=self.organisation.slug)
        # The page again with the errors, answered 200 as a form shown again is.
        return self.render_form(request, buyer, policy_for(self.organisation, buyer), form)
