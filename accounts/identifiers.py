"""Organisation identifiers, validated and stored as URNs (pure functions, no ORM; the
messages go through gettext so that a page shows them in the reader's language).

- ``cn-uscc``: Chinese unified social credit code (GB 32100-2015), 18 characters with a
  check character -> ``urn:cbam-exchange:cn-uscc:<code>``
- ``eori``: EU Economic Operators Registration and Identification number
  -> ``urn:cbam-exchange:eori:<number>``
- ``lei``: Legal Entity Identifier (ISO 17442, MOD 97-10 check digits) -> ``urn:lei:<lei>``
- ``cbam-operator``: CBAM Registry operator identifier
  -> ``urn:cbam-exchange:cbam-operator:<id>``

LEI uses the ``urn:lei:`` form common in supply-chain data (e.g. PACT ``companyIds``); the
other schemes have no registered URN namespace, so they live under the platform's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext

URN_PREFIX = "urn:cbam-exchange"

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")
_EORI_SHAPE = re.compile(r"^[A-Z]{2}[A-Z0-9]{1,15}$")
_LEI_SHAPE = re.compile(r"^[A-Z0-9]{18}[0-9]{2}$")
_OPERATOR_SHAPE = re.compile(r"^[A-Z]{2}[A-Z0-9-]{1,30}$")


class InvalidIdentifier(ValueError):
    """``str(exc)`` says what was wrong and what is expected."""


@dataclass(frozen=True)
class Identifier:
    scheme: str
    value: str

    @property
    def urn(self) -> str:
        if self.scheme == "lei":
            return f"urn:lei:{self.value}"
        return f"{URN_PREFIX}:{self.scheme}:{self.value}"


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def lei_is_valid(value: str) -> bool:
    digits = "".join(str(int(c, 36)) for c in value)
    return int(digits) % 97 == 1


def _normalise(value: str) -> str:
    return re.sub(r"[\s-]", "", value).upper() if value else ""


def parse_identifier(scheme: str, value: str) -> Identifier:
    """Validate ``value`` for ``scheme`` and return it normalised (upper case, no spaces)."""
    raw = (value or "").strip()
    if scheme == "cn-uscc":
        code = _normalise(raw)
        if not _USCC_SHAPE.match(code):
            raise InvalidIdentifier(
                gettext(
                    "%(value)s is not a unified social credit code: expected 18 characters of "
                    "0-9 and A-Z without I, O, S, V, Z"
                )
                % {"value": repr(raw)}
            )
        expected = uscc_check_char(code[:17])
        if code[17] != expected:
            raise InvalidIdentifier(
                gettext(
                    "%(value)s: check character is %(found)s, expected %(expected)s "
                    "(GB 32100-2015); the code is mistyped"
                )
                % {"value": repr(raw), "found": repr(code[17]), "expected": repr(expected)}
            )
        return Identifier(scheme, code)
    if scheme == "eori":
        number = _normalise(raw)
        if not _EORI_SHAPE.match(number):
            raise InvalidIdentifier(
                gettext(
                    "%(value)s is not an EORI number: expected a 2-letter country code "
                    "followed by up to 15 letters or digits, e.g. DE123456789012345"
                )
                % {"value": repr(raw)}
            )
        return Identifier(scheme, number)
    if scheme == "lei":
        lei = _normalise(raw)
        if not _LEI_SHAPE.match(lei):
            raise InvalidIdentifier(
                gettext(
                    "%(value)s is not an LEI: expected 20 characters, 18 letters or digits "
                    "and 2 check digits (ISO 17442)"
                )
                % {"value": repr(raw)}
            )
        if not lei_is_valid(lei):
            raise InvalidIdentifier(
                gettext(
                    "%(value)s: LEI check digits do not match (ISO 7064 MOD 97-10); it is mistyped"
                )
                % {"value": repr(raw)}
            )
        return Identifier(scheme, lei)
    if scheme == "cbam-operator":
        operator_id = raw.upper().replace(" ", "")
        if not _OPERATOR_SHAPE.match(operator_id):
            raise InvalidIdentifier(
                gettext(
                    "%(value)s is not a CBAM registry operator id: expected a 2-letter "
                    "country code followed by letters, digits or hyphens"
                )
                % {"value": repr(raw)}
            )
        return Identifier(scheme, operator_id)
    raise InvalidIdentifier(
        gettext("unknown identifier scheme %(scheme)s: expected one of %(schemes)s")
        % {"scheme": repr(scheme), "schemes": ", ".join(SCHEMES)}
    )


SCHEMES: tuple[str, ...] = ("cn-uscc", "eori", "lei", "cbam-operator")
