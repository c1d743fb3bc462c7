"""What a producer sends: the declared inputs of the suppliers app (``core.inputs``).

``FOOTPRINT_INPUT`` is the one declaration of a footprint's fields — the API documents it
(OpenAPI), ``suppliers.services.footprints`` parses with it, the dry run and the pages take the
same fields. Quantities come with their unit and are stored normalised (``suppliers.units``).
"""

from __future__ import annotations

from cbam.messages import Message, gettext_noop
from cbam.numbers import PERCENT, PRICE, SPECIFIC
from core.inputs import (
    CHOICE,
    CN_CODE,
    COUNTRY,
    DATE,
    LIST,
    NUMBER,
    OBJECT,
    QUANTITY_WITH_UNIT,
    TEXT,
    UUID,
    Field,
    Input,
)
from suppliers.models import AssuranceLevel, ElectricityFactorSource, PrecursorSeeSource
from suppliers.units import UNITS


def _quantity(name: str, kind: str, help: Message, *, required: bool = False) -> Field:
    normalised, accepted = UNITS[kind]
    return Field(
        name,
        QUANTITY_WITH_UNIT,
        gettext_noop(
            "%(help)s; a value with its unit (%(units)s), stored in %(unit)s",
            help=help,
            units=", ".join(accepted),
            unit=normalised,
        ),
        required=required,
        unit_kind=kind,
        units=tuple(accepted),
    )


PRECURSOR_FIELDS = (
    Field("cn_code", CN_CODE, gettext_noop("The precursor's CN code, 8 digits"), required=True),
    _quantity(
        "mass_per_t",
        "specific_mass",
        gettext_noop("Mass of the precursor per tonne of product"),
        required=True,
    ),
    Field(
        "country_of_origin",
        COUNTRY,
        gettext_noop("Where the precursor was produced"),
        required=True,
    ),
    Field(
        "see_source",
        CHOICE,
        gettext_noop("Where its specific embedded emissions come from"),
        required=True,
        choices=tuple(PrecursorSeeSource.values),
    ),
    Field(
        "source_footprint",
        UUID,
        gettext_noop("For platform_footprint: the id of a published footprint you can read"),
    ),
    Field(
        "see_direct",
        NUMBER,
        gettext_noop("For own_verified: direct SEE in tCO2e/t >= 0"),
        bounds=SPECIFIC,
    ),
    Field(
        "see_indirect",
        NUMBER,
        gettext_noop("For own_verified: indirect SEE in tCO2e/t >= 0"),
        bounds=SPECIFIC,
    ),
)

#: (input key, model field, unit kind, required, allow zero) of each quantity.
QUANTITIES: tuple[tuple[str, str, str, bool, bool], ...] = (
    ("attributed_direct_emissions", "attributed_direct_tco2e", "emissions", True, True),
    ("activity_level", "activity_level_t", "mass", True, False),
    ("electricity", "electricity_mwh", "energy", False, True),
    ("electricity_factor", "electricity_factor_tco2_per_mwh", "emission_factor", False, True),
    ("attributed_indirect_emissions", "attributed_indirect_tco2e", "emissions", False, True),
    ("natural_gas", "natural_gas_nm3", "gas_volume", False, True),
)
_QUANTITY_HELP = {
    "attributed_direct_emissions": gettext_noop(
        "Direct emissions attributed to the product over the period"
    ),
    "activity_level": gettext_noop("Production of the product over the period (more than zero)"),
    "electricity": gettext_noop("Electricity consumed for the product over the period"),
    "electricity_factor": gettext_noop(
        "Emission factor of that electricity (omit for the country default)"
    ),
    "attributed_indirect_emissions": gettext_noop(
        "Indirect emissions, when given instead of electricity"
    ),
    "natural_gas": gettext_noop("Natural gas consumed (for plausibility checks)"),
}

FOOTPRINT_INPUT = Input(
    "FootprintInput",
    (
        Field("product", UUID, gettext_noop("The id of one of your products"), required=True),
        Field(
            "installation", UUID, gettext_noop("The id of one of your installations"), required=True
        ),
        Field(
            "period_start",
            DATE,
            gettext_noop("First day of the reporting period, YYYY-MM-DD"),
            required=True,
        ),
        Field(
            "period_end",
            DATE,
            gettext_noop("Last day of the reporting period, YYYY-MM-DD"),
            required=True,
        ),
        *(
            _quantity(key, kind, _QUANTITY_HELP[key], required=required)
            for key, _field, kind, required, _zero in QUANTITIES
        ),
        Field(
            "electricity_factor_source",
            CHOICE,
            gettext_noop(
                "Where the electricity factor comes from (guarantees of origin and green "
                "certificates are not accepted, IR 2025/2547 Annex III)"
            ),
            choices=tuple(ElectricityFactorSource.values),
        ),
        Field(
            "electricity_factor_reference",
            TEXT,
            gettext_noop("The publication or contract the factor comes from"),
            max_length=300,
        ),
        Field(
            "carbon_price",
            OBJECT,
            gettext_noop(
                "A carbon price paid in the country of production (Art. 9 of Reg. 2023/956)"
            ),
            fields=(
                Field(
                    "instrument",
                    TEXT,
                    gettext_noop("The carbon pricing instrument"),
                    max_length=200,
                ),
                Field("amount", NUMBER, gettext_noop("a number >= 0 per tCO2e"), bounds=PRICE),
                Field("currency", TEXT, gettext_noop("ISO 4217 code, e.g. CNY"), max_length=3),
            ),
        ),
        Field(
            "verification",
            OBJECT,
            gettext_noop("Who verified the data (a verifier of the platform, or one named here)"),
            fields=(
                Field(
                    "verifier_organisation",
                    TEXT,
                    gettext_noop("A verifier's slug on the platform"),
                    max_length=100,
                ),
                Field("verifier_name", TEXT, gettext_noop("The verifier's name"), max_length=300),
                Field(
                    "accreditation_number",
                    TEXT,
                    gettext_noop("Its accreditation number"),
                    max_length=100,
                ),
                Field(
                    "statement_date",
                    DATE,
                    gettext_noop("Date of the verification statement, YYYY-MM-DD"),
                ),
                Field(
                    "assurance_level",
                    CHOICE,
                    gettext_noop("Level of assurance"),
                    choices=tuple(AssuranceLevel.values),
                ),
            ),
        ),
        Field(
            "data_quality",
            OBJECT,
            gettext_noop("How the data was obtained"),
            fields=(
                Field(
                    "primary_data_share_pct",
                    NUMBER,
                    gettext_noop("a percentage 0-100"),
                    bounds=PERCENT,
                ),
                Field("methodology", TEXT, gettext_noop("The method followed"), max_length=300),
                Field("comments", TEXT, gettext_noop("Remarks")),
                Field("valid_until", DATE, gettext_noop("Until when the figures hold, YYYY-MM-DD")),
            ),
        ),
        Field(
            "precursors",
            LIST,
            gettext_noop("The relevant precursors consumed, per tonne of product"),
            fields=PRECURSOR_FIELDS,
        ),
        Field(
            "precursors_declared_absent",
            LIST,
            gettext_noop("Goods categories of relevant precursors the product does not use"),
            item=Field(
                "category",
                TEXT,
                gettext_noop("A goods category name, e.g. Pig iron"),
                max_length=100,
            ),
        ),
    ),
    help="A product carbon footprint's inputs, each quantity with its unit; the SEE is "
    "computed by the engine. On PATCH every field is optional.",
)
