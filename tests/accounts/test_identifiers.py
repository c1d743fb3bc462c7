"""Organisation identifiers: check characters, shapes and URNs (pure functions, no database)."""

from __future__ import annotations

import pytest

from accounts.identifiers import (
    SCHEMES,
    Identifier,
    InvalidIdentifier,
    lei_is_valid,
    parse_identifier,
    uscc_check_char,
)

# A unified social credit code printed on a Fujian business licence (GB 32100-2015 example).
VALID_USCC = "91350100M000100Y43"
# Bloomberg Finance L.P. in the GLEIF register.
BLOOMBERG_LEI = "5493001KJTIIGC8Y1R12"


def _uscc_check_char_by_hand(first17: str) -> str:
    """GB 32100-2015 written out independently of the code under test: weights 3^i mod 31."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    total = sum(alphabet.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return alphabet[(31 - total % 31) % 31]


def test_the_uscc_check_character_of_a_published_code_is_computed():
    assert uscc_check_char(VALID_USCC[:17]) == "3"
    assert _uscc_check_char_by_hand(VALID_USCC[:17]) == "3"


def test_the_uscc_check_character_agrees_with_the_standard_for_a_computed_code():
    first17 = "91110000MA01ABCDE"

    check = uscc_check_char(first17)

    assert check == _uscc_check_char_by_hand(first17)
    assert parse_identifier("cn-uscc", first17 + check) == Identifier("cn-uscc", first17 + check)


def test_a_valid_uscc_is_normalised_and_gets_a_platform_urn():
    ident = parse_identifier("cn-uscc", " 9135 0100-m000 100y43 ")

    assert ident == Identifier("cn-uscc", VALID_USCC)
    assert ident.urn == "urn:cbam-exchange:cn-uscc:91350100M000100Y43"


def test_it_refuses_a_uscc_with_a_mistyped_character():
    mistyped = "91350100M000100Y44"

    with pytest.raises(InvalidIdentifier) as exc:
        parse_identifier("cn-uscc", mistyped)

    assert str(exc.value) == (
        "'91350100M000100Y44': check character is '4', expected '3' (GB 32100-2015); "
        "the code is mistyped"
    )


def test_it_refuses_a_uscc_with_swapped_digits():
    swapped = "91351000M000100Y43"

    with pytest.raises(InvalidIdentifier, match="the code is mistyped"):
        parse_identifier("cn-uscc", swapped)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "91350100M000100Y4",  # 17 characters
        "91350100M000100Y433",  # 19 characters
        "91350100O000100Y43",  # O is not in the alphabet
        "91350100I000100Y43",  # nor is I
    ],
)
def test_it_refuses_a_uscc_of_the_wrong_shape(value):
    with pytest.raises(InvalidIdentifier) as exc:
        parse_identifier("cn-uscc", value)

    assert str(exc.value) == (
        f"{value!r} is not a unified social credit code: expected 18 characters of "
        "0-9 and A-Z without I, O, S, V, Z"
    )


def test_a_real_lei_passes_the_mod_97_check():
    assert lei_is_valid(BLOOMBERG_LEI) is True

    ident = parse_identifier("lei", "5493 001k jtii gc8y 1r12")

    assert ident == Identifier("lei", BLOOMBERG_LEI)
    assert ident.urn == "urn:lei:5493001KJTIIGC8Y1R12"


@pytest.mark.parametrize(
    "mistyped",
    [
        "5493001KJTIIGC8Y1R13",  # check digits changed
        "5493002KJTIIGC8Y1R12",  # a digit of the body changed
        "5493001JKTIIGC8Y1R12",  # two characters swapped
    ],
)
def test_it_refuses_an_lei_whose_check_digits_do_not_match(mistyped):
    assert lei_is_valid(mistyped) is False

    with pytest.raises(InvalidIdentifier) as exc:
        parse_identifier("lei", mistyped)

    assert str(exc.value) == (
        f"{mistyped!r}: LEI check digits do not match (ISO 7064 MOD 97-10); it is mistyped"
    )


@pytest.mark.parametrize("value", ["5493001KJTIIGC8Y1R1", "5493001KJTIIGC8Y1RAB", "LEI"])
def test_it_refuses_an_lei_of_the_wrong_shape(value):
    with pytest.raises(InvalidIdentifier) as exc:
        parse_identifier("lei", value)

    assert str(exc.value) == (
        f"{value!r} is not an LEI: expected 20 characters, 18 letters or digits and "
        "2 check digits (ISO 17442)"
    )


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("DE123456789012345", "DE123456789012345"),
        ("de 1234-5678", "DE12345678"),
        ("GB1", "GB1"),
        ("XI123456789000", "XI123456789000"),
    ],
)
def test_an_eori_of_the_right_shape_is_normalised(raw, normalised):
    ident = parse_identifier("eori", raw)

    assert ident == Identifier("eori", normalised)
    assert ident.urn == f"urn:cbam-exchange:eori:{normalised}"


@pytest.mark.parametrize(
    "value",
    ["DE", "D1234", "1E12345", "DE1234567890123456", "DE12345_67"],
)
def test_it_refuses_an_eori_of_the_wrong_shape(value):
    with pytest.raises(InvalidIdentifier) as exc:
        parse_identifier("eori", value)

    assert str(exc.value) == (
        f"{value!r} is not an EORI number: expected a 2-letter country code followed "
        "by up to 15 letters or digits, e.g. DE123456789012345"
    )


def test_a_cbam_operator_id_keeps_its_hyphens_and_gets_a_platform_urn():
    ident = parse_identifier("cbam-operator", " cn op-0001 ")

    assert ident == Identifier("cbam-operator", "CNOP-0001")
    assert ident.urn == "urn:cbam-exchange:cbam-operator:CNOP-0001"


@pytest.mark.parametrize("value", ["C", "1NOP", "CN", "CN_OP"])
def test_it_refuses_a_cbam_operator_id_of_the_wrong_shape(value):
    with pytest.raises(InvalidIdentifier) as exc:
        parse_identifier("cbam-operator", value)

    assert str(exc.value) == (
        f"{value!r} is not a CBAM registry operator id: expected a 2-letter country "
        "code followed by letters, digits or hyphens"
    )


def test_it_refuses_an_unknown_scheme_and_lists_the_known_ones():
    with pytest.raises(InvalidIdentifier) as exc:
        parse_identifier("duns", "150483782")

    assert str(exc.value) == (
        "unknown identifier scheme 'duns': expected one of cn-uscc, eori, lei, cbam-operator"
    )
    assert SCHEMES == ("cn-uscc", "eori", "lei", "cbam-operator")


def test_an_invalid_identifier_is_a_value_error():
    assert issubclass(InvalidIdentifier, ValueError)
