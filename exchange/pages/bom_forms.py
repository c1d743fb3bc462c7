"""The forms of the bill-of-materials pages: they show fields and carry the errors the services
find (``exchange.boms.services``), each at its field in the page's language; they validate
nothing themselves (``suppliers.pages.forms.ServiceForm``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy, pgettext_lazy

from exchange.boms.inputs import ROUTES
from exchange.boms.models import BomLine, BuyerProduct, LineSource
from exchange.partners.models import FetchedFootprint
from suppliers.models import Footprint
from suppliers.pages.forms import ServiceForm, choice_field

#: A line's sources as a person reads them.
SOURCE_LABELS = {
    LineSource.SUPPLIER_FOOTPRINT: gettext_lazy("A footprint a supplier shared with you"),
    LineSource.OWN_PRODUCT: gettext_lazy("Another of your products"),
    LineSource.FETCHED_FOOTPRINT: gettext_lazy("A footprint fetched from a PACT partner"),
    LineSource.DEFAULT_VALUE: gettext_lazy("The EU default value"),
}


def _number(value: Any) -> str:
    """A stored figure as typed: plain notation, no trailing zeros."""
    if value is None:
        return ""
    text = f"{value.normalize():f}"
    return text


class BuyerProductForm(ServiceForm):
    """The fields of ``buyer_product_create`` / ``buyer_product_update``."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=300)
    cn_code = forms.CharField(
        label=gettext_lazy("CN code"),
        help_text=gettext_lazy("8 digits of a CBAM good, e.g. 7318 15 88; spaces are fine"),
        max_length=20,
    )
    country_of_production = forms.CharField(
        label=gettext_lazy("Country of production"),
        help_text=gettext_lazy("Where you make it: ISO 3166 two-letter code, e.g. CN"),
        max_length=2,
    )
    reference = forms.CharField(
        label=gettext_lazy("Your reference"), required=False, max_length=100
    )
    production_route = choice_field(
        gettext_lazy("Benchmark route"),
        [(r, r) for r in ROUTES],
        blank="—",
        help_text=gettext_lazy(
            "Letter of IR 2025/2620 for your process, where the benchmark of the CN code "
            "depends on the route"
        ),
    )
    direct_tco2e_per_t = forms.CharField(
        label=gettext_lazy("Direct emissions of your process"),
        help_text=gettext_lazy("tCO2e per tonne of product, e.g. 0.085"),
        required=False,
    )
    electricity_mwh_per_t = forms.CharField(
        label=gettext_lazy("Electricity consumed"),
        help_text=gettext_lazy("MWh per tonne of product, e.g. 0.46"),
        required=False,
    )
    electricity_factor_tco2_per_mwh = forms.CharField(
        label=gettext_lazy("Electricity emission factor"),
        help_text=gettext_lazy(
            "tCO2/MWh; empty: the default grid factor of the country of production"
        ),
        required=False,
    )

    FIELDS = (
        "name",
        "cn_code",
        "country_of_production",
        "reference",
        "production_route",
        "direct_tco2e_per_t",
        "electricity_mwh_per_t",
        "electricity_factor_tco2_per_mwh",
    )

    @staticmethod
    def initial_of(product: BuyerProduct) -> dict[str, Any]:
        return {
            "name": product.name,
            "cn_code": product.cn_code,
            "country_of_production": product.country_of_production,
            "reference": product.reference,
            "production_route": product.production_route,
            "direct_tco2e_per_t": _number(product.direct_tco2e_per_t),
            "electricity_mwh_per_t": _number(product.electricity_mwh_per_t),
            "electricity_factor_tco2_per_mwh": _number(product.electricity_factor_tco2_per_mwh),
        }

    def service_data(self) -> dict[str, Any]:
        """What the service takes: every field as typed ("" for an empty figure: zero for the
        own process, the grid factor for the factor)."""
        data: dict[str, Any] = {name: self.text(name) for name in self.FIELDS}
        for name in ("direct_tco2e_per_t", "electricity_mwh_per_t"):
            if not data[name]:
                data[name] = "0"
        return data


def footprint_label(footprint: Footprint) -> str:
    """A shared footprint in a choice: supplier, product (CN), period, SEE."""
    supplier = footprint.organisation
    name = supplier.legal_name_latin or supplier.legal_name
    see = "" if footprint.see_total is None else f" · SEE {footprint.see_total.normalize():f}"
    return (
        f"{name} · {footprint.product.name} ({footprint.product.cn_code}) · "
        f"{footprint.period_start:%Y-%m}–{footprint.period_end:%Y-%m}{see}"
    )


def fetched_label(fetched: FetchedFootprint) -> str:
    """A fetched footprint in a choice: partner, company, product (CN), SEE, verified or not."""
    see = ""
    if fetched.see_direct is not None and fetched.see_indirect is not None:
        see = f" · SEE {(fetched.see_direct + fetched.see_indirect).normalize():f}"
    product = fetched.product_name or fetched.pf_id
    cn = f" ({fetched.cn_code})" if fetched.cn_code else ""
    return f"{fetched.partner.name} · {fetched.company_name} · {product}{cn}{see}"


class BomLineForm(ServiceForm):
    """The fields of ``bom_line_create`` / ``bom_line_update``: one of four sources."""

    source = forms.ChoiceField(
        label=gettext_lazy("Where its emissions come from"),
        choices=list(SOURCE_LABELS.items()),
        widget=forms.RadioSelect,
    )
    footprint = choice_field(
        gettext_lazy("Shared footprint"),
        [],
        blank="—",
        help_text=gettext_lazy(
            "A published footprint a supplier granted you; a later version of it is followed"
        ),
    )
    fetched_footprint = choice_field(
        gettext_lazy("Fetched footprint"),
        [],
        blank="—",
        help_text=gettext_lazy(
            "A footprint fetched from one of your PACT partners; a newer fetch of it is "
            "followed. Without a verification statement the default value is used."
        ),
    )
    own_product = choice_field(gettext_lazy("Your product"), [], blank="—")
    cn_code = forms.CharField(
        label=gettext_lazy("CN code of the precursor"),
        help_text=gettext_lazy("8 digits; empty with a footprint or your product: theirs is taken"),
        required=False,
        max_length=20,
    )
    mass_t_per_t = forms.CharField(
        label=gettext_lazy("Mass consumed"),
        help_text=gettext_lazy(
            "Tonnes per tonne of product, scrap and cut-offs included, e.g. 1.07"
        ),
    )
    country_of_origin = forms.CharField(
        label=gettext_lazy("Country of origin"),
        help_text=gettext_lazy(
            "Where the precursor was produced, ISO 3166, e.g. CN; empty with a footprint or "
            "your product: theirs is taken"
        ),
        required=False,
        max_length=2,
    )
    origin_unknown = forms.BooleanField(
        label=pgettext_lazy("country of production", "Origin unknown"),
        help_text=gettext_lazy(
            "The country of production cannot be identified (default value only): the Annex IV "
            "value of IR 2025/2621 applies, not the Other countries value"
        ),
        required=False,
    )
    description = forms.CharField(label=gettext_lazy("Description"), required=False, max_length=300)
    supplier_name = forms.CharField(
        label=gettext_lazy("Supplier"),
        help_text=gettext_lazy("Who you buy it from, to chase their data"),
        required=False,
        max_length=300,
    )
    position = forms.CharField(
        label=gettext_lazy("Position"),
        help_text=gettext_lazy("Its place in the bill, from 1; empty: after the last"),
        required=False,
        max_length=6,
    )

    def __init__(
        self,
        *args: Any,
        footprints: Iterable[Footprint],
        own_products: Iterable[BuyerProduct],
        fetched: Iterable[FetchedFootprint] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.footprints = {str(f.pk): f for f in footprints}
        self.fetched = {str(f.pk): f for f in fetched}
        fetched_field = self.fields["fetched_footprint"]
        assert isinstance(fetched_field, forms.ChoiceField)
        fetched_field.choices = [
            ("", "—"),
            *((k, fetched_label(f)) for k, f in self.fetched.items()),
        ]
        self.own_products = {str(p.pk): p for p in own_products}
        footprint = self.fields["footprint"]
        assert isinstance(footprint, forms.ChoiceField)
        footprint.choices = [
            ("", "—"),
            *((k, footprint_label(f)) for k, f in self.footprints.items()),
        ]
        own = self.fields["own_product"]
        assert isinstance(own, forms.ChoiceField)
        own.choices = [
            ("", "—"),
            *((k, f"{p.name} ({p.cn_code})") for k, p in self.own_products.items()),
        ]

    @staticmethod
    def initial_of(line: BomLine) -> dict[str, Any]:
        return {
            "source": line.source,
            "footprint": str(line.footprint_id or ""),
            "own_product": str(line.own_product_id or ""),
            "fetched_footprint": str(line.fetched_footprint_id or ""),
            "cn_code": line.cn_code,
            "mass_t_per_t": _number(line.mass_t_per_t),
            "country_of_origin": line.country_of_origin,
            "origin_unknown": line.origin_unknown,
            "description": line.description,
            "supplier_name": line.supplier_name,
            "position": str(line.position),
        }

    def service_data(self, *, line: BomLine | None) -> dict[str, Any]:
        """What the line service takes from the posted form. An empty CN code or country with a
        footprint or own product is theirs (the footprint's installation, the product's
        country of production); an empty supplier name with a footprint is its supplier's."""
        source = self.text("source")
        data: dict[str, Any] = {
            "source": source,
            "mass_t_per_t": self.text("mass_t_per_t"),
            "description": self.text("description"),
        }
        country = self.text("country_of_origin").upper()
        unknown = self.data.get(self.add_prefix("origin_unknown")) in ("on", "true", "1")
        cn_code = self.text("cn_code")
        supplier_name = self.text("supplier_name")
        if source == LineSource.SUPPLIER_FOOTPRINT:
            data["footprint"] = self.text("footprint")
            chosen = self.footprints.get(data["footprint"])
            if chosen is not None and not country and not unknown:
                country = chosen.installation.country if chosen.installation_id else ""
            if supplier_name:
                data["supplier_name"] = supplier_name
        else:
            data["supplier_name"] = supplier_name
        if source == LineSource.FETCHED_FOOTPRINT:
            data["fetched_footprint"] = self.text("fetched_footprint")
            fetched = self.fetched.get(data["fetched_footprint"])
            if fetched is not None and not country and not unknown:
                country = fetched.country
        if source == LineSource.OWN_PRODUCT:
            data["own_product"] = self.text("own_product")
            own = self.own_products.get(data["own_product"])
            if own is not None and not country and not unknown:
                country = own.country_of_production
        if unknown:
            data["origin_unknown"] = True
            if country:
                data["country_of_origin"] = country
        else:
            if country or line is None:
                data["country_of_origin"] = country
            if line is not None and line.origin_unknown:
                data["origin_unknown"] = False
        if cn_code:
            data["cn_code"] = cn_code
        position = self.text("position")
        if position:
            data["position"] = position
        return data
