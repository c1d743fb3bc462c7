"""The forms of the buyer's pages: the requests it sends, their filters, the evidence period.

The new request form takes what ``exchange.sharing.services.requests.request_send`` accepts
from a person: the supplier on the platform (chosen from a search) or the e-mail address of a
company that is not on it, what is bought (CN code and/or description, quantity), the
reporting period, the due date and a message. The service checks the rest and its errors come
back at these fields (``SEND_ERROR_FIELDS``).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cbam.inputs import NUMBER, Field
from cbam.messages import gettext_noop
from cbam.numbers import QUANTITY
from core.inputs import InputError, parse_field
from core.messages import localise
from exchange.pages.forms import REASON_MAX_LENGTH
from exchange.sharing.models import RequestStatus

#: How long a supplier is given by default to answer.
DEFAULT_ANSWER_DAYS = 30

ON_PLATFORM, BY_EMAIL = "platform", "email"

QUANTITY_SPEC = Field(
    name="quantity_t",
    kind=NUMBER,
    help=gettext_noop("a positive number of tonnes, e.g. 1250.5"),
    bounds=QUANTITY,
)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class QuantityField(forms.CharField):
    """Tonnes bought, parsed by the platform's one number parser (``core.inputs``): other
    scripts' digits, exponents and NUL bytes get the same message as in the API."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            number: Decimal = parse_field(QUANTITY_SPEC, text)
        except InputError as error:
            raise forms.ValidationError(localise(error.message)) from None
        return number


class SentRequestFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *RequestStatus.choices], required=False
    )
    supplier = forms.ChoiceField(label=_("Supplier"), required=False)

    def __init__(self, *args: Any, suppliers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].choices = [("", _("All")), *suppliers]  # type: ignore[attr-defined]


class SendRequestForm(forms.Form):
    """A new request. ``supplier_kind`` says which of ``supplier`` (an organisation's slug,
    chosen from the search) and ``supplier_email`` is meant; the other is ignored."""

    supplier_kind = forms.ChoiceField(
        label=_("The supplier is"),
        choices=[
            (ON_PLATFORM, _("on CBAM Exchange")),
            (BY_EMAIL, _("not on CBAM Exchange yet: invite it by e-mail")),
        ],
        widget=forms.RadioSelect,
        initial=ON_PLATFORM,
    )
    supplier = forms.CharField(label=_("Supplier on the platform"), required=False, max_length=100)
    supplier_email = forms.EmailField(
        label=_("E-mail address of someone at the supplier"),
        required=False,
        help_text=_("They get the request by e-mail with a link to register their company."),
    )
    supplier_name = forms.CharField(label=_("Company name"), required=False, max_length=300)
    cn_code = forms.CharField(
        label=_("CN code"),
        required=False,
        max_length=20,
        help_text=_("8 digits, e.g. 7213 91 10. Give a CN code, a description or both."),
    )
    description = forms.CharField(
        label=pgettext_lazy("what is bought", "Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What you buy, as the supplier knows it (grade, dimensions)."),
    )
    quantity_t = QuantityField(
        label=_("Quantity bought (t)"),
        required=False,
        help_text=_("Optional; helps the supplier see what matters to you."),
    )
    period_start = forms.DateField(label=_("Reporting period: first day"), widget=_date_input())
    period_end = forms.DateField(label=_("Reporting period: last day"), widget=_date_input())
    due_date = forms.DateField(
        label=_("Due date"),
        widget=_date_input(),
        help_text=_("The last day to answer; an open request expires after it."),
    )
    message = forms.CharField(
        label=_("Message to the supplier"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    #: The id of the form element; the supplier's fields stand outside it, beside the search
    #: (a form of its own), and belong to it through their ``form`` attribute.
    html_id = "send-request"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("supplier_email", "supplier_name"):
            self.fields[name].widget.attrs["form"] = self.html_id
        if not self.is_bound:
            year = timezone.localdate().year
            self.initial.setdefault("period_start", date(year, 1, 1))
            self.initial.setdefault("period_end", date(year, 12, 31))
            self.initial.setdefault(
                "due_date", timezone.localdate() + timedelta(days=DEFAULT_ANSWER_DAYS)
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("supplier_kind")
        if kind == ON_PLATFORM and not data.get("supplier"):
            self.add_error(
                "supplier",
                _(
                    "Choose the supplier among the organisations on CBAM Exchange (search by "
                    "name), or invite a company that is not on it by e-mail."
                ),
            )
        if kind == BY_EMAIL and not data.get("supplier_email") and "supplier_email" in data:
            self.add_error(
                "supplier_email",
                _("Give the e-mail address of someone at the supplier, e.g. sales@mill.example."),
            )
        return data

    def request_fields(self) -> dict[str, Any]:
        """What ``RequestInput`` takes, from a valid form."""
        data = dict(self.cleaned_data)
        on_platform = data.pop("supplier_kind") == ON_PLATFORM
        if on_platform:
            data["supplier_email"] = data["supplier_name"] = ""
        else:
            data["supplier"] = ""
        return data


#: Where each field of the service's errors is shown on the form; ``product`` (nothing said
#: about what is bought) at the CN code, with the page's own words (``PRODUCT_MISSING``).
SEND_ERROR_FIELDS = {"product": "cn_code"}
PRODUCT_MISSING = _("Say what you buy: a CN code (8 digits), a description, or both.")


class EffortPeriodForm(forms.Form):
    """The period of the evidence (events dated from ``start`` to ``end``, both optional)."""

    start = forms.DateField(label=_("From"), required=False, widget=_date_input())
    end = forms.DateField(label=_("To"), required=False, widget=_date_input())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error(
                "end",
                _("The period ends before it starts; expected %(start)s or later.")
                % {"start": start.isoformat()},
            )
        return data
