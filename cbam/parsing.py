"""Request parsing of the JSON calculator: decoded JSON -> engine dataclasses, every problem
with its JSON path (see ``io`` for the contract)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from cbam.cn_codes import normalise_cn_code
from cbam.countries import ISO_COUNTRIES
from cbam.errors import (
    INVALID,
    NOT_A_NUMBER,
    REQUIRED,
    CalculationError,
    Problem,
)
from cbam.inputs import (
    BOOLEAN,
    CHOICE,
    CN_CODE,
    COUNTRY,
    DATE,
    INTEGER,
    LIST,
    NUMBER,
    TEXT,
    Field,
    Input,
)
from cbam.numbers import (
    PRICE,
    QUANTITY,
    SHARE,
    SPECIFIC,
    Bounds,
    NumberError,
    parse_number,
    shown,
)
from cbam.obligation import check_obligation
from cbam.reference import ReferenceSnapshot
from cbam.statutory import ORIGIN_UNKNOWN
from cbam.types import (
    ZERO,
    GoodInput,
    ObligationInput,
    PrecursorBenchmarkInput,
    PrecursorInput,
)
from cbam.validation import check_goods

T = TypeVar("T")
UNKNOWN_FIELD = "unknown_field"
_ROUTES = frozenset({"A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "C/F"})

#: The routes a calculator request may name, as the schema lists them.
ROUTE_CHOICES = tuple(sorted(_ROUTES))
_ROUTES_HELP = (
    "benchmark route of IR 2025/2620: C/D/E carbon steel BF-BOF/DRI-EAF/scrap-EAF, F/G/H "
    "low-alloy, J high-alloy, K/L primary/secondary aluminium, A/B grey/white clinker"
)

#: The calculator's inputs, declared once (``cbam.inputs``): the parser takes its field names
#: and bounds from here, the API documents its request bodies from here.
PRECURSOR_INPUT_FIELDS = (
    Field("good", TEXT, "The id of another good of this request it is made from"),
    Field("cn_code", CN_CODE, "CN code of a bought precursor, 8 digits"),
    Field("country_of_origin", COUNTRY, "Where a bought precursor was produced, ISO 3166"),
    Field(
        "origin_unknown",
        BOOLEAN,
        "true when the country of production of a bought precursor on its default value "
        "cannot be identified: the Annex IV value of IR 2025/2621 applies (Art. 1(5)), never "
        "the Other countries value; instead of country_of_origin",
    ),
    Field("mass_t", NUMBER, "Mass consumed over the period, t", required=True),
    Field("see_direct", NUMBER, "Its actual direct SEE, tCO2e/t", bounds=SPECIFIC),
    Field("see_indirect", NUMBER, "Its actual indirect SEE, tCO2e/t", bounds=SPECIFIC),
    Field("footprint_id", TEXT, "The footprint the actual SEE comes from"),
)
GOOD_INPUT_FIELDS = (
    Field("id", TEXT, "Your id of the good, unique in the request", required=True),
    Field("cn_code", CN_CODE, "CN code, 8 digits", required=True),
    Field("country_of_origin", COUNTRY, "Country of production, ISO 3166 alpha-2"),
    Field("activity_level_t", NUMBER, "Production over the period, t (> 0)", required=True),
    Field(
        "attributed_direct_tco2e",
        NUMBER,
        "Directly attributed emissions over the period, tCO2e",
        required=True,
    ),
    Field("attributed_indirect_tco2e", NUMBER, "Indirect emissions over the period, tCO2e"),
    Field("electricity_mwh", NUMBER, "Electricity consumed over the period, MWh"),
    Field(
        "electricity_factor_tco2_per_mwh",
        NUMBER,
        "Its emission factor, tCO2/MWh (default: the country's)",
        bounds=SPECIFIC,
    ),
    Field("precursors", LIST, "Precursors consumed", fields=PRECURSOR_INPUT_FIELDS),
)
EMBEDDED_EMISSIONS_INPUT = Input(
    "EmbeddedEmissionsInput",
    (
        Field(
            "reference_date",
            DATE,
            "Date whose reference data applies (default values, grid factors); default today",
        ),
        Field("goods", LIST, "The goods, at least one", required=True, fields=GOOD_INPUT_FIELDS),
    ),
    help="Specific embedded emissions of goods through any number of tiers (IR 2025/2547 "
    "Annex III B). Numbers as strings.",
)
OBLIGATION_PRECURSOR_INPUT_FIELDS = (
    Field("cn_code", CN_CODE, "The precursor's CN code, 8 digits", required=True),
    Field(
        "mass_t_per_t",
        NUMBER,
        "Its mass per tonne of the good, t/t",
        required=True,
        bounds=SPECIFIC,
    ),
    Field("country_of_origin", COUNTRY, "Where it was produced, ISO 3166 alpha-2"),
    Field("verified", BOOLEAN, "Its SEE is actual, verified data"),
    Field("production_route", CHOICE, _ROUTES_HELP, choices=ROUTE_CHOICES),
    Field("sefa_tco2e_per_t", NUMBER, "Its SEFA, tCO2e/t, when known", bounds=SPECIFIC),
)
OBLIGATION_INPUT = Input(
    "ObligationInput",
    (
        Field("year", INTEGER, "Year of importation, e.g. 2026", required=True),
        Field("cn_code", CN_CODE, "CN code, 8 digits", required=True),
        Field("country_of_origin", COUNTRY, "Country of production, ISO 3166", required=True),
        Field("quantity_t", NUMBER, "Net mass imported, t", required=True),
        Field(
            "certificate_price_eur",
            NUMBER,
            "Price of one CBAM certificate, EUR",
            required=True,
            bounds=PRICE,
        ),
        Field("see_direct", NUMBER, "Actual direct SEE, tCO2e/t", bounds=SPECIFIC),
        Field("see_indirect", NUMBER, "Actual indirect SEE, tCO2e/t", bounds=SPECIFIC),
        Field(
            "see_indirect_counted",
            NUMBER,
            "The indirect SEE that counts for the obligation, tCO2e/t",
            bounds=SPECIFIC,
        ),
        Field("production_route", CHOICE, _ROUTES_HELP, choices=ROUTE_CHOICES),
        Field("verified", BOOLEAN, "The SEE is actual, verified data"),
        Field(
            "carbon_price_paid_eur_per_tco2e",
            NUMBER,
            "Carbon price effectively paid in the country of production, EUR/tCO2e",
            bounds=PRICE,
        ),
        Field("cscf", NUMBER, "Cross-sectoral correction factor, 0-1", bounds=SHARE),
        Field(
            "precursors",
            LIST,
            "Precursors, for their benchmarks in the free allocation",
            fields=OBLIGATION_PRECURSOR_INPUT_FIELDS,
        ),
    ),
    help="CBAM certificates and cost in EUR for an import (Reg. 2023/956 Art. 21-22). Numbers "
    "as strings.",
)


def _names(fields: tuple[Field, ...]) -> frozenset[str]:
    return frozenset(f.name for f in fields)


_GOOD_FIELDS = _names(GOOD_INPUT_FIELDS)
_PRECURSOR_FIELDS = _names(PRECURSOR_INPUT_FIELDS)
_OBLIGATION_FIELDS = _names(OBLIGATION_INPUT.fields)
_OBLIGATION_PRECURSOR_FIELDS = _names(OBLIGATION_PRECURSOR_INPUT_FIELDS)
#: The bound of each numeric field; every field of the same name has the same bound.
_BOUNDS: dict[str, Bounds] = {
    f.name: f.bounds
    for f in (
        *GOOD_INPUT_FIELDS,
        *PRECURSOR_INPUT_FIELDS,
        *OBLIGATION_INPUT.fields,
        *OBLIGATION_PRECURSOR_INPUT_FIELDS,
    )
    if f.kind == NUMBER
}


@dataclass
class _Reader:
    """Reads typed fields out of decoded JSON, recording a problem for each bad one."""

    problems: list[Problem] = field(default_factory=list)

    def problem(self, path: str, message: str, code: str = INVALID) -> None:
        self.problems.append(Problem(path, message, code))

    def obj(self, value: Any, path: str, allowed: frozenset[str]) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.problem(path or "$", f"expected a JSON object, got {_json_type(value)}")
            return None
        for key in value:
            if key not in allowed:
                self.problem(
                    _join(path, str(key)),
                    f"unknown field; expected one of: {', '.join(sorted(allowed))}",
                    UNKNOWN_FIELD,
                )
        return value

    def decimal(
        self, data: Mapping[str, Any], key: str, path: str, *, required: bool
    ) -> Decimal | None:
        at = _join(path, key)
        if key not in data or data[key] is None:
            if required:
                self.problem(at, 'required: a number, e.g. "1500.5"', REQUIRED)
            return None
        raw = data[key]
        if isinstance(raw, bool) or not isinstance(raw, str | int | float | Decimal):
            self.problem(
                at,
                f'expected a number as a string, e.g. "1500.5"; got {_json_type(raw)}',
                NOT_A_NUMBER,
            )
            return None
        try:
            return parse_number(raw, _BOUNDS.get(key, QUANTITY))
        except NumberError as error:
            self.problem(at, error.message, error.code)
            return None

    def string(
        self, data: Mapping[str, Any], key: str, path: str, *, required: bool, numbers: bool = False
    ) -> str | None:
        at = _join(path, key)
        raw = data.get(key)
        if raw is None:
            if required:
                self.problem(at, "required", REQUIRED)
            return None
        if numbers and isinstance(raw, int) and not isinstance(raw, bool):
            raw = str(raw)
        if not isinstance(raw, str) or not raw.strip():
            self.problem(at, f"expected a non-empty string, got {_json_type(raw)}")
            return None
        return raw.strip()

    def cn_code(self, data: Mapping[str, Any], path: str, *, required: bool) -> str | None:
        raw = data.get("cn_code")
        if isinstance(raw, int) and not isinstance(raw, bool):
            self.problem(_join(path, "cn_code"), 'give the CN code as a string, e.g. "72085120"')
            return None
        value = self.string(data, "cn_code", path, required=required)
        return normalise_cn_code(value) if value is not None else None

    def country(
        self, data: Mapping[str, Any], key: str, path: str, *, required: bool
    ) -> str | None:
        value = self.string(data, key, path, required=required)
        if value is None:
            return None
        code = value.upper()
        if code not in ISO_COUNTRIES:
            self.problem(
                _join(path, key),
                f'{value!r} is not a country: expected an ISO 3166 alpha-2 code, e.g. "CN"',
            )
            return None
        return code

    def origin(self, data: Mapping[str, Any], path: str) -> str | None:
        """A bought precursor's country of production: ``country_of_origin``, or
        ``ORIGIN_UNKNOWN`` when it says ``origin_unknown: true`` (IR 2025/2621 Art. 1(5):
        its default value is the Annex IV value, for a precursor on its default value only)."""
        if not self.boolean(data, "origin_unknown", path):
            return self.country(data, "country_of_origin", path, required=False)
        at = _join(path, "origin_unknown")
        if data.get("country_of_origin") is not None:
            self.problem(
                at,
                "give either country_of_origin or origin_unknown: true, not both; "
                "origin_unknown is for a precursor whose country of production cannot be "
                "identified",
            )
        elif data.get("good") is not None or data.get("see_direct") is not None:
            self.problem(
                at,
                "origin_unknown is for a bought precursor on its default value (IR 2025/2621 "
                "Art. 1(5), Annex IV); a good of this request or actual data (see_direct) has a "
                "known installation: give its country_of_origin instead",
            )
        return ORIGIN_UNKNOWN

    def route(self, data: Mapping[str, Any], path: str) -> str | None:
        value = self.string(data, "production_route", path, required=False)
        if value is None:
            return None
        route = value.upper()
        if route not in _ROUTES:
            self.problem(
                _join(path, "production_route"),
                f"{value!r} is not a benchmark route; expected one of {', '.join(sorted(_ROUTES))} "
                "(IR 2025/2620: C/D/E carbon steel BF-BOF/DRI-EAF/scrap-EAF, F/G/H low-alloy, "
                "J high-alloy, K/L primary/secondary aluminium, A/B grey/white clinker)",
            )
            return None
        return route

    def boolean(self, data: Mapping[str, Any], key: str, path: str) -> bool:
        raw = data.get(key, False)
        if raw is None:
            return False
        if not isinstance(raw, bool):
            self.problem(_join(path, key), f"expected true or false, got {_json_type(raw)}")
            return False
        return raw

    def integer(self, data: Mapping[str, Any], key: str, path: str) -> int | None:
        raw = data.get(key)
        if isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
            raw = int(raw.strip()) if len(raw.strip()) <= 4 else raw
        if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw <= 9999:
            return raw
        if raw is None:
            self.problem(_join(path, key), "required: a year, e.g. 2026", REQUIRED)
        else:
            self.problem(_join(path, key), f"expected a year, e.g. 2026; got {shown(raw)}")
        return None

    def array(self, data: Mapping[str, Any], key: str, path: str, *, required: bool) -> list[Any]:
        raw = data.get(key)
        if raw is None:
            if required:
                self.problem(_join(path, key), "required: a list", REQUIRED)
            return []
        if not isinstance(raw, list):
            self.problem(_join(path, key), f"expected a list, got {_json_type(raw)}")
            return []
        return raw


def _item(
    reader: _Reader, raw: Any, path: str, allowed: frozenset[str]
) -> tuple[Mapping[str, Any], _Reader]:
    """The object at ``path`` and the reader for its fields. When it is not an object, an empty
    placeholder (keeping later items at their positions) and a throwaway reader, so that its
    missing fields are not reported on top of "expected a JSON object"."""
    item = reader.obj(raw, path, allowed)
    if item is None:
        return {}, _Reader()
    return item, reader


def _or(value: T | None, placeholder: T) -> T:
    return placeholder if value is None else value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _related(a: str, b: str) -> bool:
    """One path is the other or lies beneath it (``x`` and ``x.y`` / ``x[0]``)."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return long == short or long.startswith(short + ".") or long.startswith(short + "[")


def _path_key(problem: Problem) -> list[str | int]:
    """Natural order of JSON paths: goods[2] before goods[10], fields alphabetically."""
    parts: list[str | int] = re.split(r"(\d+)", problem.path)
    return [int(part) if i % 2 else part for i, part in enumerate(parts)]


def _merge(shape: list[Problem], rules: list[Problem]) -> list[Problem]:
    """Shape problems and the rule problems not at or beneath one of them, in path order."""
    kept = [p for p in rules if not any(_related(p.path, s.path) for s in shape)]
    return sorted(shape + kept, key=_path_key)


def parse_goods(data: Any, snapshot: ReferenceSnapshot) -> tuple[GoodInput, ...]:
    """The goods of an embedded-emissions request; raises ``CalculationError``, all problems."""
    reader = _Reader()
    body = reader.obj(data, "", frozenset({"goods"}))
    raw_goods = reader.array(body, "goods", "", required=True) if body is not None else []
    if body is not None and "goods" in body and isinstance(body["goods"], list) and not raw_goods:
        reader.problem("goods", "give at least one good", REQUIRED)
    goods: list[GoodInput] = []
    for i, raw in enumerate(raw_goods):
        path = f"goods[{i}]"
        item, fields = _item(reader, raw, path, _GOOD_FIELDS)
        precursors: list[PrecursorInput] = []
        for j, raw_precursor in enumerate(fields.array(item, "precursors", path, required=False)):
            ppath = f"{path}.precursors[{j}]"
            p, pfields = _item(fields, raw_precursor, ppath, _PRECURSOR_FIELDS)
            precursors.append(
                PrecursorInput(
                    mass_t=_or(pfields.decimal(p, "mass_t", ppath, required=True), ZERO),
                    good=pfields.string(p, "good", ppath, required=False, numbers=True),
                    cn_code=pfields.cn_code(p, ppath, required=False),
                    country_of_origin=pfields.origin(p, ppath),
                    see_direct=pfields.decimal(p, "see_direct", ppath, required=False),
                    see_indirect=pfields.decimal(p, "see_indirect", ppath, required=False),
                    footprint_id=pfields.string(
                        p, "footprint_id", ppath, required=False, numbers=True
                    ),
                )
            )
        # Placeholders for missing or malformed values keep the rule checks running; a rule
        # problem at or beneath a path with a shape problem is dropped by _merge.
        goods.append(
            GoodInput(
                id=_or(fields.string(item, "id", path, required=True, numbers=True), f"#{i}"),
                cn_code=_or(fields.cn_code(item, path, required=True), ""),
                country_of_origin=fields.country(item, "country_of_origin", path, required=False),
                activity_level_t=_or(
                    fields.decimal(item, "activity_level_t", path, required=True), Decimal(1)
                ),
                attributed_direct_tco2e=_or(
                    fields.decimal(item, "attributed_direct_tco2e", path, required=True), ZERO
                ),
                attributed_indirect_tco2e=fields.decimal(
                    item, "attributed_indirect_tco2e", path, required=False
                ),
                electricity_mwh=fields.decimal(item, "electricity_mwh", path, required=False),
                electricity_factor_tco2_per_mwh=fields.decimal(
                    item, "electricity_factor_tco2_per_mwh", path, required=False
                ),
                precursors=tuple(precursors),
            )
        )
    rules = check_goods(goods, snapshot)
    problems = _merge(reader.problems, rules)
    if problems:
        raise CalculationError(problems)
    return tuple(goods)


def parse_obligation(data: Any, snapshot: ReferenceSnapshot) -> ObligationInput:
    """The input of an obligation request; raises ``CalculationError`` with every problem."""
    reader = _Reader()
    body = reader.obj(data, "", _OBLIGATION_FIELDS)
    if body is None:
        raise CalculationError(reader.problems)
    precursors: list[PrecursorBenchmarkInput] = []
    raw_precursors = reader.array(body, "precursors", "", required=False)
    for i, raw in enumerate(raw_precursors):
        path = f"precursors[{i}]"
        p, fields = _item(reader, raw, path, _OBLIGATION_PRECURSOR_FIELDS)
        precursors.append(
            PrecursorBenchmarkInput(
                cn_code=_or(fields.cn_code(p, path, required=True), ""),
                mass_t_per_t=_or(fields.decimal(p, "mass_t_per_t", path, required=True), ZERO),
                country_of_origin=fields.country(p, "country_of_origin", path, required=False),
                verified=fields.boolean(p, "verified", path),
                production_route=fields.route(p, path),
                sefa_tco2e_per_t=fields.decimal(p, "sefa_tco2e_per_t", path, required=False),
            )
        )
    inp = ObligationInput(
        year=_or(reader.integer(body, "year", ""), 2026),
        cn_code=_or(reader.cn_code(body, "", required=True), ""),
        country_of_origin=_or(reader.country(body, "country_of_origin", "", required=True), ""),
        quantity_t=_or(reader.decimal(body, "quantity_t", "", required=True), ZERO),
        certificate_price_eur=_or(
            reader.decimal(body, "certificate_price_eur", "", required=True), Decimal(1)
        ),
        see_direct=reader.decimal(body, "see_direct", "", required=False),
        see_indirect=reader.decimal(body, "see_indirect", "", required=False),
        see_indirect_counted=reader.decimal(body, "see_indirect_counted", "", required=False),
        production_route=reader.route(body, ""),
        verified=reader.boolean(body, "verified", ""),
        carbon_price_paid_eur_per_tco2e=reader.decimal(
            body, "carbon_price_paid_eur_per_tco2e", "", required=False
        ),
        cscf=reader.decimal(body, "cscf", "", required=False),
        precursors=tuple(precursors),
    )
    rules = check_obligation(inp, snapshot)
    problems = _merge(reader.problems, rules)
    if problems:
        raise CalculationError(problems)
    return inp
