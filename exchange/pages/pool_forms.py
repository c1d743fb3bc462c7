"""The forms of the data pool pages (``pools_association``, ``pools_member``,
``pools_releases``). They parse what a person typed; the rules (the disclosure settings'
ranges, who may be invited, what may be contributed) are the services', whose errors come back
at the field they name (``exchange.pages.forms.form_errors_add``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PoolSettingsForm(forms.Form):
    """The disclosure control of a pool (defaults as the issue states them). The ranges are
    checked by the service (``exchange.pools.services.pools``), which names the field."""

    min_contributors = forms.IntegerField(
        label=_("Minimum contributing organisations per cell"),
        initial=5,
        max_value=32767,
        # the floor is MIN_CONTRIBUTORS_FLOOR (a lazy text cannot be formatted at import)
        help_text=_(
            "A cell is published only with at least this many distinct organisations "
            "(never fewer than 3, whatever the setting)."
        ),
    )
    max_share_pct = forms.DecimalField(
        label=_("Largest share of one organisation (%)"),
        initial=Decimal("25"),
        help_text=_("Of the cell's production; an organisation above it suppresses the cell."),
        max_digits=5,  # the column's: percentages with 2 decimals
        decimal_places=2,
    )
    dominance_n = forms.IntegerField(
        label=_("Dominance rule: the largest n organisations"),
        initial=2,
        max_value=32767,
        help_text=_("The (n, k) rule: the n largest contributors to the cell's total emissions…"),
    )
    dominance_pct = forms.DecimalField(
        label=_("Dominance rule: may hold at most k %"),
        initial=Decimal("85"),
        help_text=_("…may hold at most k % of them; otherwise the cell is suppressed."),
        max_digits=5,  # the column's: percentages with 2 decimals
        decimal_places=2,
    )

    def settings(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}


class PoolCreateForm(PoolSettingsForm):
    name = forms.CharField(
        label=_("Name of the pool"),
        max_length=200,
        help_text=_("E.g. 'Hot-rolled steel, China'; members and releases show it."),
        error_messages={"required": _("Give the pool a name, e.g. 'Hot-rolled steel, China'.")},
    )
    description = forms.CharField(
        label=_("Description (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the pool covers and who is invited; invited companies read it."),
    )

    field_order = ["name", "description"]


class InviteForm(forms.Form):
    """The organisation invited, chosen from the search's results by its slug."""

    organisation = forms.SlugField(
        label=_("Company to invite"),
        max_length=100,
        error_messages={
            "required": _("Search for the company, then choose it in the list."),
            "invalid": _("Choose the company in the list of the search's results."),
        },
    )


class MembershipEndForm(forms.Form):
    """Which membership (or invitation) the association ends: the row's own button."""

    membership = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": _("Say which membership; use the row's button.")},
    )


class ReleaseForm(forms.Form):
    certificate_price_eur = forms.DecimalField(
        label=_("Certificate price (EUR per tCO2e)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        help_text=_(
            "The gap to the default value is shown in EUR/t at this price; empty: the last "
            "published price."
        ),
    )


class AnswerForm(forms.Form):
    """The invited company's answer."""

    answer = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("decline", pgettext_lazy("pool invitation", "Decline"))],
        widget=forms.HiddenInput,
        error_messages={"required": _("Accept or decline with the buttons.")},
    )


class LeaveForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand: our contributions leave every later statistic of this pool."),
        error_messages={"required": _("Tick the box to confirm that you leave the pool.")},
    )


class ContributeForm(forms.Form):
    """The member's published footprints to opt in (``choices``: the contributable ones)."""

    footprints = forms.MultipleChoiceField(
        label=_("Footprints to contribute"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one of your published footprints."),
            "invalid_choice": _(
                "%(value)s is not one of your footprints that can be contributed; choose again."
            ),
        },
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["footprints"].choices = choices  # type: ignore[attr-defined]


class WithdrawForm(forms.Form):
    contribution = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": _("Say which contribution; use the row's button.")},
    )


class ReleaseFilterForm(forms.Form):
    """The statistics explorer's filters: a CN code prefix, a route, a country, a year (the
    choices are those of the release)."""

    cn = forms.RegexField(
        label=_("CN code starts with"),
        regex=r"^\d{2,8}$",
        required=False,
        max_length=8,
        error_messages={"invalid": _("Expected 2 to 8 digits of a CN code, e.g. 7208.")},
    )
    route = forms.ChoiceField(label=_("Production route"), required=False)
    country = forms.ChoiceField(
        label=pgettext_lazy("pool cell", "Country of production"), required=False
    )
    year = forms.ChoiceField(label=_("Reporting year"), required=False)

    def __init__(
        self,
        *args: Any,
        routes: list[tuple[str, str]],
        countries: list[tuple[str, str]],
        years: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["route"].choices = everything + routes  # type: ignore[attr-defined]
        self.fields["country"].choices = everything + countries  # type: ignore[attr-defined]
        self.fields["year"].choices = everything + years  # type: ignore[attr-defined]
