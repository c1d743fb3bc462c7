"""The form of a PACT request sent to a partner: PACT's eight criteria and a comment. It
reads what a person typed; the rules are the service's (``exchange.partners.services.outbound``,
the host's filter rules), whose errors come back at the field they name."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s,]+")
_LIST_HELP = _("One value per line, or separated by commas.")
_DATE_HELP = _("An RFC 3339 date-time, e.g. 2026-01-01T00:00:00Z.")


def _list_field(label: Any, placeholder: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=_LIST_HELP,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": placeholder}),
    )


def _date_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=_DATE_HELP,
        widget=forms.TextInput(attrs={"placeholder": "2026-01-01T00:00:00Z"}),
    )


class PactRequestForm(forms.Form):
    """Field names are PACT's, so that the service's errors land at their field."""

    productId = _list_field(_("Product ids (URNs)"), "urn:gtin:4712345060507")
    companyId = _list_field(_("Company ids (URNs)"), "urn:lei:3003004XJ7TVRXN6QS70")
    geography = _list_field(_("Geographies (countries or regions)"), "CN")
    classification = _list_field(
        _("Product classifications (URNs)"), "urn:pact:productclassification:cn:72083900"
    )
    validOn = _date_field(_("Valid on"))
    validAfter = _date_field(_("Valid from after"))
    validBefore = _date_field(_("Valid until before"))
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any")), ("Active", _("Active")), ("Deprecated", _("Deprecated"))],
    )
    comment = forms.CharField(
        label=_("Comment for the partner"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    LIST_FIELDS = ("productId", "companyId", "geography", "classification")
    DATE_FIELDS = ("validOn", "validAfter", "validBefore")

    def criteria(self) -> dict[str, Any]:
        """The criteria typed, as the service takes them (empty ones left out)."""
        data = self.cleaned_data
        criteria: dict[str, Any] = {}
        for name in self.LIST_FIELDS:
            values = [v for v in _SEPARATORS.split(data.get(name) or "") if v]
            if values:
                criteria[name] = values
        for name in (*self.DATE_FIELDS, "status"):
            value = (data.get(name) or "").strip()
            if value:
                criteria[name] = value
        return criteria
