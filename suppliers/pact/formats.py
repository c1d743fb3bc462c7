"""Value formats of the PACT v3 data model and of our extension, shared by builder and validator.

Facts from the WBCSD PACT Technical Specifications v3.0.3 (``spec/v3/openapi.yaml`` in
github.com/wbcsd/data-exchange-protocol): non-integer numbers travel as decimal strings
(optional sign, digits, optional fraction); ids are UUIDs; company and product identifiers and
product classifications are URNs (RFC 8141); dates are ISO 8601 date-times.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

from cbam.cn_codes import CN_CODE_PREFIX_SHAPE, CN_CODE_SHAPE

# RFC 8141: "urn:" NID ":" NSS. NID is 2-32 letters, digits or hyphens, not starting or ending
# with a hyphen; NSS is one or more pchar (unreserved, percent-encoded, sub-delims, ":", "@")
# or "/" (not first). r-, q- and f-components (?+ ?= #) are not used by PACT identifiers.
_PCHAR = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})"
URN_RE = re.compile(
    rf"^[uU][rR][nN]:[A-Za-z0-9][A-Za-z0-9-]{{0,30}}[A-Za-z0-9]:{_PCHAR}(?:{_PCHAR}|/)*$"
)

# Canonical textual UUID (RFC 4122 / 9562): 8-4-4-4-12 hexadecimal digits.
UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)

# PACT v3 ``Decimal``: optional sign, integer digits, optional fraction. (The spec's prose also
# shows an exponent form; its schema pattern does not allow it, and we never write one.)
DECIMAL_RE = re.compile(r"^[+-]?\d+(\.\d+)?$")

# RFC 3339 date-time with an explicit offset (PACT v3 ``format: date-time``).
DATE_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

SEMVER_RE = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
SPEC_VERSION_RE = re.compile(r"^\d+\.\d+\.\d+(-\d{8})?$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
SUBDIVISION_RE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
# UN/LOCODE: ISO 3166-1 alpha-2 country code + 3 characters (letters and digits 2-9).
UN_LOCODE_RE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")
CN_CODE_RE = CN_CODE_SHAPE
CN_CODE_PREFIX_RE = CN_CODE_PREFIX_SHAPE
# A DNS host name (RFC 1123 labels), optionally with a port, as it appears in URLs and URNs.
HOST_RE = re.compile(
    r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
    r"(:\d{1,5})?$"
)


def is_host(value: object) -> bool:
    return isinstance(value, str) and len(value) <= 253 and HOST_RE.match(value) is not None


def is_urn(value: object) -> bool:
    return isinstance(value, str) and URN_RE.match(value) is not None


def is_uuid(value: object) -> bool:
    return isinstance(value, str) and UUID_RE.match(value) is not None


def is_date_time(value: object) -> bool:
    if not isinstance(value, str) or DATE_TIME_RE.match(value) is None:
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def parse_decimal_string(value: object) -> Decimal | None:
    """The Decimal a PACT decimal string stands for, or None if it is not one."""
    if not isinstance(value, str) or DECIMAL_RE.match(value) is None:
        return None
    return Decimal(value)


def decimal_string(value: Decimal) -> str:
    """A Decimal as a PACT decimal string: exact, no exponent, no trailing fractional zeros.

    Equal numbers give equal strings whatever their stored scale (a DecimalField with 10
    places returns ``0.9500000000`` for 0.95), so canonical bytes depend on values only.
    """
    if not value.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    if value.is_zero():
        return "0"
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def fixed_decimal_string(value: Decimal, places: int) -> str:
    """``value`` with exactly ``places`` decimal places; refuses to round."""
    quantum = Decimal(1).scaleb(-places)
    fixed = value.quantize(quantum)
    if fixed != value:
        raise ValueError(f"{value} has more than {places} decimal places")
    return format(abs(fixed) if fixed.is_zero() else fixed, "f")


def utc_date_time_string(moment: datetime) -> str:
    """An aware datetime in UTC, ISO 8601 with "Z" (fractional seconds only when non-zero)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a naive datetime has no defined instant; give a timezone")
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def start_of_day_utc(day: date) -> str:
    """Midnight UTC at the start of ``day`` as an ISO 8601 date-time."""
    return f"{day.isoformat()}T00:00:00Z"
