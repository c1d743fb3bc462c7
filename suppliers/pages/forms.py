"""Forms of the supplier's pages: they show fields and carry errors; they validate nothing.

What a value may be is decided once, by the services and the input layer they parse with (the
API calls the same services). A page therefore reads the posted values into the service's
``data``, calls the service, and puts the ``ValidationFailed`` it raises back on the form, each
problem at the field its path names, in the page's language (``core.messages.localise``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.forms.utils import ErrorDict, flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from core.errors import ApplicationError
from core.messages import localise


class ServiceForm(forms.Form):
    """A form whose only errors are those the service found (see the module's docstring)."""

    # Server-side errors in the page's language, rather than the browser's own bubbles.
    use_required_attribute = False

    def full_clean(self) -> None:
        self._errors = ErrorDict()
        self.cleaned_data = {}

    def text(self, name: str) -> str:
        """The posted text of field ``name`` (stripped), "" when absent."""
        return str(self.data.get(self.add_prefix(name), "")).strip()

    def add_service_error(
        self, error: ApplicationError, field_for_path: Callable[[str], str | None] | None = None
    ) -> None:
        """Each problem of ``error`` at its field (the service's path, mapped by
        ``field_for_path`` when the form names it differently); problems at a path the form has
        no field for, and the error's message, go above the form."""
        fields = error.extra.get("fields") or {}
        for path, messages in fields.items():
            name = field_for_path(path) if field_for_path else path
            for message in messages if isinstance(messages, list) else [messages]:
                if name in self.fields:
                    self.add_error(name, localise(message))
                else:
                    self.add_error(None, f"{path}: {localise(message)}" if path else message)
        if not fields:
            self.add_error(None, localise(error.message))


def lines(text: str) -> list[str]:
    """The non-empty lines of a text area, stripped (lists of routes, identifiers...)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class FlatSelect(forms.Select):
    """A select of flat choices written in one pass: Django renders each option through a
    template of its own, which made the editor's list of published footprints (hundreds of
    options per precursor row) two thirds of the page's time (docs/benchmarks.md)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(key), SELECTED if str(key) in chosen else "", label)
                for key, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)


SELECTED = mark_safe(" selected")


def choice_field(
    label: Any, choices: Iterable[tuple[str, Any]], *, blank: Any = None, **kwargs: Any
) -> forms.ChoiceField:
    """A select of ``choices``, with a first empty option labelled ``blank`` when given."""
    options = list(choices)
    if blank is not None:
        options = [("", blank), *options]
    kwargs.setdefault("widget", FlatSelect)
    return forms.ChoiceField(label=label, choices=options, required=False, **kwargs)


class InstallationForm(ServiceForm):
    """The fields of ``suppliers.services.catalogue.installation_create/update``."""

    name = forms.CharField(
        label=gettext_lazy("Name"),
        help_text=gettext_lazy("In its original script, e.g. 唐山钢铁厂"),
        max_length=300,
    )
    name_latin = forms.CharField(
        label=gettext_lazy("Name in Latin script"),
        help_text=gettext_lazy("Romanised, e.g. Tangshan Steel Works"),
        max_length=300,
    )
    address = forms.CharField(
        label=gettext_lazy("Address"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    country = forms.CharField(
        label=gettext_lazy("Country"),
        help_text=gettext_lazy("ISO 3166 two-letter code, e.g. CN"),
        max_length=2,
    )
    un_locode = forms.CharField(
        label=gettext_lazy("UN/LOCODE"),
        help_text=gettext_lazy("Country and place, 5 characters, e.g. CNTSN"),
        required=False,
        max_length=6,
    )
    latitude = forms.CharField(
        label=gettext_lazy("Latitude"),
        help_text=gettext_lazy("Degrees north, -90 to 90, decimal point, e.g. 39.63"),
        required=False,
    )
    longitude = forms.CharField(
        label=gettext_lazy("Longitude"),
        help_text=gettext_lazy("Degrees east, -180 to 180, decimal point, e.g. 118.18"),
        required=False,
    )
    cbam_operator_id = forms.CharField(
        label=gettext_lazy("Operator identifier (CBAM registry)"), required=False, max_length=64
    )
    cbam_installation_id = forms.CharField(
        label=gettext_lazy("Installation identifier (CBAM registry)"),
        required=False,
        max_length=64,
    )
    production_routes = forms.CharField(
        label=gettext_lazy("Production routes"),
        help_text=gettext_lazy("One per line, e.g. Basic oxygen furnace"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    TEXT_FIELDS = (
        "name",
        "name_latin",
        "address",
        "country",
        "un_locode",
        "cbam_operator_id",
        "cbam_installation_id",
    )

    @classmethod
    def initial_of(cls, installation: Any) -> dict[str, Any]:
        values = {name: getattr(installation, name) for name in cls.TEXT_FIELDS}
        for name in ("latitude", "longitude"):
            value = getattr(installation, name)
            values[name] = "" if value is None else f"{value.normalize():f}"
        values["production_routes"] = "\n".join(installation.production_routes or [])
        return values


class ProductForm(ServiceForm):
    """The fields of ``suppliers.services.catalogue.product_create/update``."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=300)
    cn_code = forms.CharField(
        label=gettext_lazy("CN code"),
        help_text=gettext_lazy(
            "8 digits of the Combined Nomenclature; spaces and points are fine (7208 39 00), "
            "and a 10-digit TARIC code stands for its CN code"
        ),
        max_length=20,
    )
    production_route = forms.ChoiceField(
        label=gettext_lazy("Production route"),
        help_text=gettext_lazy(
            "The routes of the goods category of the CN code (reference data); none to choose "
            "when the category has one route for all"
        ),
        required=False,
    )
    benchmark_route = forms.CharField(
        label=gettext_lazy("Benchmark route"),
        help_text=gettext_lazy("Letter of IR 2025/2620 (C, D, E, F … L), if any"),
        required=False,
        max_length=3,
    )
    installations = forms.MultipleChoiceField(
        label=gettext_lazy("Made at"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    identifiers = forms.CharField(
        label=gettext_lazy("Identifiers"),
        help_text=gettext_lazy("URNs, one per line, e.g. urn:gtin:06901234567892"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(
        self, *args: Any, installations: Iterable[Any], routes: Iterable[str] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["installations"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(i.pk), f"{i.name} · {i.name_latin}") for i in installations]
        route = self.fields["production_route"]
        assert isinstance(route, forms.ChoiceField)
        options = list(routes)
        # A route saved earlier that the category no longer lists stays visible (the service
        # says what is wrong with it when the form is saved).
        current = (
            self.text("production_route")
            if self.is_bound
            else self.initial.get("production_route", "")
        )
        if current and current not in options:
            options.append(current)
        route.choices = [("", "—"), *((r, route_label(r)) for r in options)]

    @staticmethod
    def initial_of(product: Any) -> dict[str, Any]:
        return {
            "name": product.name,
            "cn_code": product.cn_code,
            "production_route": product.production_route,
            "benchmark_route": product.benchmark_route,
            "installations": [str(i.pk) for i in product.installations.all()],
            "identifiers": "\n".join(product.identifiers or []),
        }


#: The production routes of the reference data (goods categories), for their labels.
ROUTE_LABELS: dict[str, Any] = {
    "Basic oxygen steelmaking": gettext_lazy("Basic oxygen steelmaking"),
    "Electric arc furnace": gettext_lazy("Electric arc furnace"),
    "Blast furnace route": gettext_lazy("Blast furnace route"),
    "Smelting reduction": gettext_lazy("Smelting reduction"),
    "Steam reforming and partial oxidation": gettext_lazy("Steam reforming and partial oxidation"),
    "Electrolysis of water": gettext_lazy("Electrolysis of water"),
    "Chlor-alkali electrolysis": gettext_lazy("Chlor-alkali electrolysis"),
    "Haber-Bosch w/ steam reforming": gettext_lazy("Haber-Bosch with steam reforming"),
    "Haber-Bosch w/ gasification": gettext_lazy("Haber-Bosch with gasification"),
    "Primary (electrolytic) smelting": gettext_lazy("Primary (electrolytic) smelting"),
    "Secondary melting (recycling)": gettext_lazy("Secondary melting (recycling)"),
}


def route_label(route: str) -> str:
    """A route as shown: in the page's language, the reference data's name beside it."""
    label = ROUTE_LABELS.get(route)
    return route if label is None or str(label) == route else f"{label} ({route})"


_INDEX = re.compile(r"\[(\d+)\]")


def field_name(path: str) -> str:
    """A service path as a form field name: ``carbon_price.amount`` → ``carbon_price__amount``,
    ``precursors[1].cn_code`` → ``precursors-1-cn_code``."""
    return _INDEX.sub(r"-\1-", path).replace("-.", "-").replace(".", "__")
