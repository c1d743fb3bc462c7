"""The forms of the importer's pages: the shipments filter, one shipment, the CSV upload.

A shipment form validates nothing itself: the page hands the posted text to the service
(``exchange.declarations.services.shipments``), which parses it with the same declaration as
the API and the CSV (``exchange.declarations.inputs``), and puts its problems back at their
fields in the page's language (``suppliers.pages.forms.ServiceForm``).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cbam.cn_codes import normalise_cn_code
from exchange.declarations.selectors import (
    SOURCE_FOOTPRINT,
    SOURCE_NONE,
    SOURCE_PRODUCT,
    ShipmentFilter,
)
from exchange.declarations.services.imports import upload_max_bytes
from exchange.declarations.services.shipments import FIELDS
from suppliers.pages.forms import ServiceForm

#: Each field of a shipment (and column of the CSV) as people read it: its label and what is
#: expected in it. The report of an upload uses them too.
LABELS: dict[str, Any] = {
    "reference": _("Reference"),
    "cn_code": _("CN code"),
    "quantity": _("Quantity"),
    "unit": _("Unit"),
    "country_of_origin": _("Country of origin"),
    "import_date": _("Import date"),
    "customs_procedure": _("Customs procedure"),
    "supplier_name": _("Supplier"),
    "installation_name": _("Installation"),
    "footprint_id": _("Supplier's footprint"),
    "buyer_product_id": _("Your product"),
}
EXPECTED: dict[str, Any] = {
    "reference": _(
        "Your key of the consignment, unique in your organisation, e.g. the customs declaration "
        "MRN and item number."
    ),
    "cn_code": _("The 8 digits of the Combined Nomenclature, e.g. 7208 39 00."),
    "quantity": _("The net mass of the consignment (electricity: the energy), more than zero."),
    "unit": _("t or kg; MWh or kWh for electricity."),
    "country_of_origin": _("The ISO 3166 code of the country of origin, e.g. CN."),
    "import_date": _("The date of release for free circulation, YYYY-MM-DD."),
    "customs_procedure": _(
        "Two digits; 40 (release for free circulation) when empty, 51 for inward processing."
    ),
    "supplier_name": _("The supplier's name, as you know it."),
    "installation_name": _("The installation that made the goods, or its CBAM id."),
    "footprint_id": _(
        "A published footprint visible to you (your own or shared with you): its actual "
        "emissions are declared instead of the default value."
    ),
    "buyer_product_id": _("Or one of your own products (a complex good) with its computed SEE."),
}
UNITS = ("t", "kg", "MWh", "kWh")


class ShipmentForm(ServiceForm):
    """One shipment; the footprints and products a shipment may name are the choices."""

    reference = forms.CharField(max_length=100, required=False)
    cn_code = forms.CharField(max_length=40, required=True)
    quantity = forms.CharField(
        max_length=40, required=True, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    unit = forms.ChoiceField(choices=[(u, u) for u in UNITS], required=True)
    country_of_origin = forms.CharField(max_length=40, required=True)
    import_date = forms.CharField(
        max_length=40, required=True, widget=forms.DateInput(attrs={"type": "date"})
    )
    customs_procedure = forms.CharField(max_length=40, required=False)
    supplier_name = forms.CharField(max_length=300, required=False)
    installation_name = forms.CharField(max_length=300, required=False)
    footprint_id = forms.ChoiceField(required=False)
    buyer_product_id = forms.ChoiceField(required=False)

    def __init__(
        self,
        *args: Any,
        footprints: list[tuple[str, str]],
        products: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.label = LABELS[name]
            field.help_text = EXPECTED[name]
        none = [("", _("None: the default value"))]
        self.fields["footprint_id"].choices = none + footprints  # type: ignore[attr-defined]
        self.fields["buyer_product_id"].choices = none + products  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, str]:
        """The posted fields as the service reads them (all of them: an edit sends all)."""
        return {name: self.text(name) for name in FIELDS}


SOURCE_CHOICES = [
    ("", _("Any")),
    (SOURCE_FOOTPRINT, _("A supplier's footprint")),
    (SOURCE_PRODUCT, _("One of your products")),
    (SOURCE_NONE, _("Nothing linked (default value)")),
]


class ShipmentFilterForm(forms.Form):
    """The list's filters (GET). A value that is not understood is ignored and said so."""

    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    cn_code = forms.CharField(label=_("CN code"), max_length=40, required=False)
    country = forms.CharField(
        label=_("Country of origin"),
        max_length=2,
        required=False,
        help_text=_("ISO code, e.g. CN"),
    )
    party = forms.CharField(
        label=_("Supplier or installation"),
        max_length=100,
        required=False,
        help_text=_("Part of the name"),
    )
    source = forms.ChoiceField(label=_("Emissions from"), choices=SOURCE_CHOICES, required=False)
    date_from = forms.DateField(
        label=pgettext_lazy("date range", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=pgettext_lazy("date range", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    upload = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years")), *((y, str(y)) for y in years)]  # type: ignore[attr-defined]

    def clean_cn_code(self) -> str:
        code = normalise_cn_code(self.cleaned_data.get("cn_code") or "")
        if code and not (code.isascii() and code.isdigit()):
            raise forms.ValidationError(_("Expected digits of a CN code, e.g. 7208 or 72083900."))
        return code

    def clean_country(self) -> str:
        return str(self.cleaned_data.get("country") or "").strip().upper()

    def filter(self) -> ShipmentFilter:
        """The filter of the fields that are valid (an invalid one narrows nothing)."""
        data = self.cleaned_data if self.is_bound else {}
        valid = {name: value for name, value in data.items() if name not in self.errors}
        year = valid.get("year")
        date_from: date | None = valid.get("date_from")
        date_to: date | None = valid.get("date_to")
        upload: uuid.UUID | None = valid.get("upload")
        return ShipmentFilter(
            year=year if isinstance(year, int) else None,
            cn_code=valid.get("cn_code") or "",
            country=valid.get("country") or "",
            party=(valid.get("party") or "").strip(),
            source=valid.get("source") or "",
            date_from=date_from,
            date_to=date_to,
            upload=upload,
        )


class ShipmentUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Shipments file (CSV)"),
        error_messages={"required": _("Choose the CSV file to upload.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "UTF-8, the header line first, one row per consignment; at most %(megabytes)s MB."
        ) % {"megabytes": upload_max_bytes() // (1024 * 1024)}
