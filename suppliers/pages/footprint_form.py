"""The footprint editor's form: the fields of ``suppliers.inputs.FOOTPRINT_INPUT``, a unit
selector beside every quantity, and the service's ``data`` built back from what was posted.

Names: a nested field is ``carbon_price__amount``, a precursor's ``precursors-0-cn_code``
(``suppliers.pages.forms.field_name`` maps the service's paths to them); a quantity's unit is
its name with ``_unit``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy

from core.inputs import DATE, QUANTITY_WITH_UNIT, Field
from core.messages import localise
from suppliers.inputs import FOOTPRINT_INPUT, PRECURSOR_FIELDS, QUANTITIES
from suppliers.models import (
    AssuranceLevel,
    ElectricityFactorSource,
    Footprint,
    Installation,
    PrecursorSeeSource,
    Product,
)
from suppliers.pages.forms import ServiceForm, choice_field, lines
from suppliers.units import UNITS

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

#: The label of each field of the declaration (its help text comes from the declaration).
LABELS: dict[str, _StrPromise] = {
    "product": gettext_lazy("Product"),
    "installation": gettext_lazy("Installation"),
    "period_start": gettext_lazy("Period start"),
    "period_end": gettext_lazy("Period end"),
    "attributed_direct_emissions": gettext_lazy("Attributed direct emissions"),
    "activity_level": gettext_lazy("Activity level (production)"),
    "electricity": gettext_lazy("Electricity consumed"),
    "electricity_factor": gettext_lazy("Electricity emission factor"),
    "attributed_indirect_emissions": gettext_lazy("Attributed indirect emissions"),
    "natural_gas": gettext_lazy("Natural gas consumed"),
    "electricity_factor_source": gettext_lazy("Source of the electricity factor"),
    "electricity_factor_reference": gettext_lazy("Reference of the electricity factor"),
    "carbon_price__instrument": gettext_lazy("Carbon pricing instrument"),
    "carbon_price__amount": gettext_lazy("Carbon price paid per tCO2e"),
    "carbon_price__currency": gettext_lazy("Currency"),
    "verification__verifier_organisation": gettext_lazy("Verifier on the platform"),
    "verification__verifier_name": gettext_lazy("Verifier's name"),
    "verification__accreditation_number": gettext_lazy("Accreditation number"),
    "verification__statement_date": gettext_lazy("Date of the verification statement"),
    "verification__assurance_level": gettext_lazy("Assurance level"),
    "data_quality__primary_data_share_pct": gettext_lazy("Share of primary data (%)"),
    "data_quality__methodology": gettext_lazy("Methodology"),
    "data_quality__comments": gettext_lazy("Comments"),
    "data_quality__valid_until": gettext_lazy("Valid until"),
    "precursors_declared_absent": gettext_lazy("Relevant precursors not used"),
    "precursors": gettext_lazy("Precursors"),
    "cn_code": gettext_lazy("CN code"),
    "mass_per_t": gettext_lazy("Mass per tonne of product"),
    "country_of_origin": gettext_lazy("Country of origin"),
    "see_source": gettext_lazy("Source of its emissions"),
    "source_footprint": gettext_lazy("Published footprint"),
    "see_direct": gettext_lazy("Direct SEE (tCO2e/t)"),
    "see_indirect": gettext_lazy("Indirect SEE (tCO2e/t)"),
}
UNIT_LABEL = gettext_lazy("Unit")

#: The objects of the declaration whose fields the form shows flat (``object__field``).
OBJECTS = ("carbon_price", "verification", "data_quality")
TEXT_FIELDS = ("electricity_factor_reference",)
DATE_FIELDS = ("period_start", "period_end")
#: Empty precursor rows offered below those entered.
SPARE_PRECURSOR_ROWS = 1


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"})


def _field_for(name: str, spec: Field, label: Any) -> forms.Field:
    help_text = localise(spec.help)
    if spec.kind == DATE:
        return forms.CharField(
            label=label, help_text=help_text, required=spec.required, widget=_date_input()
        )
    if spec.name == "comments":
        return forms.CharField(
            label=label, help_text=help_text, required=False, widget=forms.Textarea({"rows": 3})
        )
    return forms.CharField(label=label, help_text=help_text, required=spec.required)


class FootprintForm(ServiceForm):
    """A draft's inputs. ``precursor_rows``: how many precursor rows to show."""

    def __init__(
        self,
        *args: Any,
        products: Iterable[Product],
        installations: Iterable[Installation],
        published: Iterable[Footprint],
        precursor_rows: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.precursor_rows = precursor_rows
        f = self.fields
        f["product"] = choice_field(
            LABELS["product"],
            [(str(p.pk), f"{p.name} ({p.cn_code})") for p in products],
            blank="—",
        )
        f["installation"] = choice_field(
            LABELS["installation"],
            [(str(i.pk), f"{i.name} · {i.name_latin}") for i in installations],
            blank="—",
        )
        for spec in FOOTPRINT_INPUT.fields:
            if spec.name in ("product", "installation", "precursors"):
                continue
            if spec.kind == QUANTITY_WITH_UNIT:
                self._quantity(spec.name, spec, LABELS[spec.name])
            elif spec.name == "electricity_factor_source":
                f[spec.name] = choice_field(
                    LABELS[spec.name],
                    ElectricityFactorSource.choices,
                    blank=gettext_lazy("Country default, unless a factor is given"),
                    help_text=localise(spec.help),
                )
            elif spec.name == "precursors_declared_absent":
                f[spec.name] = forms.CharField(
                    label=LABELS[spec.name],
                    help_text=gettext_lazy("Goods categories, one per line, e.g. Pig iron"),
                    widget=forms.Textarea({"rows": 2}),
                    required=False,
                )
            elif spec.name in OBJECTS:
                for inner in spec.fields:
                    name = f"{spec.name}__{inner.name}"
                    if inner.name == "assurance_level":
                        f[name] = choice_field(LABELS[name], AssuranceLevel.choices, blank="—")
                    else:
                        f[name] = _field_for(name, inner, LABELS[name])
            else:
                f[spec.name] = _field_for(spec.name, spec, LABELS[spec.name])
        sources = [(str(fp.pk), f"{fp.product.name} {fp.period_start:%Y}") for fp in published]
        for index in range(precursor_rows):
            for spec in PRECURSOR_FIELDS:
                name = f"precursors-{index}-{spec.name}"
                label = LABELS[spec.name]
                if spec.kind == QUANTITY_WITH_UNIT:
                    self._quantity(name, spec, label)
                elif spec.name == "see_source":
                    f[name] = choice_field(label, PrecursorSeeSource.choices, blank="—")
                elif spec.name == "source_footprint":
                    f[name] = choice_field(label, sources, blank="—")
                else:
                    f[name] = forms.CharField(label=label, required=False)

    def _quantity(self, name: str, spec: Field, label: Any) -> None:
        _, accepted = UNITS[spec.unit_kind]
        self.fields[name] = forms.CharField(
            label=label, help_text=localise(spec.help), required=spec.required
        )
        self.fields[f"{name}_unit"] = forms.ChoiceField(
            label=UNIT_LABEL, choices=[(u, u) for u in accepted], required=False
        )

    # --- Reading back ---------------------------------------------------------------------

    def precursor_fields(self) -> list[list[dict[str, Any]]]:
        """For the template: each precursor row's bound fields, a quantity with its unit."""
        return [
            [
                {
                    "field": self[f"precursors-{i}-{spec.name}"],
                    "unit": self[f"precursors-{i}-{spec.name}_unit"]
                    if spec.kind == QUANTITY_WITH_UNIT
                    else None,
                }
                for spec in PRECURSOR_FIELDS
            ]
            for i in range(self.precursor_rows)
        ]

    def _quantity_value(self, name: str) -> dict[str, str] | None:
        value = self.text(name)
        return {"value": value, "unit": self.text(f"{name}_unit")} if value else None

    def data_for_service(self, *, partial: bool) -> dict[str, Any]:
        """The service's ``data``: on create (``partial`` false) empty fields are left out, so
        that a required one is reported missing; on edit every field is sent, an empty
        optional one as None (cleared)."""
        data: dict[str, Any] = {}
        for name in ("product", "installation", *DATE_FIELDS):
            if self.text(name):
                data[name] = self.text(name)
        for key, _model_field, _kind, _required, _zero in QUANTITIES:
            value = self._quantity_value(key)
            if value is not None or partial:
                data[key] = value
        for name in ("electricity_factor_source", *TEXT_FIELDS):
            if self.text(name) or partial:
                data[name] = self.text(name)
        for obj in OBJECTS:
            values = {
                inner.name: self.text(f"{obj}__{inner.name}")
                for inner in FOOTPRINT_INPUT.field(obj).fields
                if self.text(f"{obj}__{inner.name}")
            }
            if values or partial:
                data[obj] = values
        declared = lines(self.text("precursors_declared_absent"))
        if declared or partial:
            data["precursors_declared_absent"] = declared
        data["precursors"] = self._precursors()
        return data

    def _precursors(self) -> list[dict[str, Any]]:
        rows = []
        for index in range(self.precursor_rows):
            prefix = f"precursors-{index}-"
            row: dict[str, Any] = {}
            for spec in PRECURSOR_FIELDS:
                if spec.kind == QUANTITY_WITH_UNIT:
                    value = self._quantity_value(prefix + spec.name)
                    if value is not None:
                        row[spec.name] = value
                elif self.text(prefix + spec.name):
                    row[spec.name] = self.text(prefix + spec.name)
            if row:
                rows.append(row)
        return rows

    @staticmethod
    def initial_of(footprint: Footprint) -> dict[str, Any]:
        """The form's values for an existing draft: every quantity as it was entered."""
        initial: dict[str, Any] = {
            "product": str(footprint.product_id),
            "installation": str(footprint.installation_id),
            "period_start": footprint.period_start.isoformat(),
            "period_end": footprint.period_end.isoformat(),
            "electricity_factor_source": footprint.electricity_factor_source,
            "electricity_factor_reference": footprint.electricity_factor_reference,
            "carbon_price__instrument": footprint.carbon_price_instrument,
            "carbon_price__amount": _plain(footprint.carbon_price_amount),
            "carbon_price__currency": footprint.carbon_price_currency,
            "verification__verifier_organisation": footprint.verifier_organisation.slug
            if footprint.verifier_organisation
            else "",
            "verification__verifier_name": footprint.verifier_name,
            "verification__accreditation_number": footprint.verifier_accreditation,
            "verification__statement_date": _iso(footprint.verification_statement_date),
            "verification__assurance_level": footprint.assurance_level,
            "data_quality__primary_data_share_pct": _plain(footprint.primary_data_share_pct),
            "data_quality__methodology": footprint.methodology,
            "data_quality__comments": footprint.comments,
            "data_quality__valid_until": _iso(footprint.valid_until),
            "precursors_declared_absent": "\n".join(footprint.precursors_declared_absent or []),
        }
        for key, entered in (footprint.inputs_as_entered or {}).items():
            if isinstance(entered, dict):
                initial[key] = entered.get("value", "")
                initial[f"{key}_unit"] = entered.get("unit", "")
        for index, precursor in enumerate(footprint.precursors.all()):
            prefix = f"precursors-{index}-"
            mass = precursor.mass_as_entered or {}
            initial.update(
                {
                    f"{prefix}cn_code": precursor.cn_code,
                    f"{prefix}mass_per_t": mass.get("value", _plain(precursor.mass_t_per_t)),
                    f"{prefix}mass_per_t_unit": mass.get("unit", "t/t"),
                    f"{prefix}country_of_origin": precursor.country_of_origin,
                    f"{prefix}see_source": precursor.see_source,
                    f"{prefix}source_footprint": str(precursor.source_footprint_id or ""),
                    f"{prefix}see_direct": _plain(precursor.see_direct)
                    if precursor.see_source == PrecursorSeeSource.OWN_VERIFIED
                    else "",
                    f"{prefix}see_indirect": _plain(precursor.see_indirect)
                    if precursor.see_source == PrecursorSeeSource.OWN_VERIFIED
                    else "",
                }
            )
        return initial


def _plain(value: Any) -> str:
    """A stored decimal as a person would type it (no trailing zeros of its column)."""
    if value is None:
        return ""
    return f"{value.normalize():f}"


def _iso(value: Any) -> str:
    return value.isoformat() if value else ""
