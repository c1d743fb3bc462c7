"""TOTP (RFC 6238) and HOTP (RFC 4226): published test vectors, the ±1 step window, malformed
codes and the otpauth:// provisioning URI (pure functions, no database)."""

from __future__ import annotations

import pytest

from accounts import totp

RFC_SECRET = b"12345678901234567890"


@pytest.mark.parametrize(
    ("unix_time", "expected"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ],
)
def test_totp_matches_the_rfc_6238_appendix_b_sha1_vectors(unix_time, expected):
    assert totp.totp_at(RFC_SECRET, unix_time, digits=8) == expected


@pytest.mark.parametrize(
    ("counter", "expected"),
    list(
        enumerate(
            [
                "755224",
                "287082",
                "359152",
                "969429",
                "338314",
                "254676",
                "287922",
                "162583",
                "399871",
                "520489",
            ]
        )
    ),
)
def test_hotp_matches_the_rfc_4226_appendix_d_vectors(counter, expected):
    assert totp.hotp(RFC_SECRET, counter) == expected


def test_the_default_totp_is_six_digits_of_30_second_steps():
    # T=59 is step 1; its 6-digit code is HOTP(counter=1).
    assert totp.totp_at(RFC_SECRET, 59) == "287082"
    assert totp.totp_at(RFC_SECRET, 30) == "287082"
    assert totp.totp_at(RFC_SECRET, 29) == "755224"
    assert totp.totp_at(RFC_SECRET, 60) == "359152"


def test_verify_returns_the_step_of_the_current_code():
    assert totp.verify(RFC_SECRET, "287082", 59) == 1


@pytest.mark.parametrize(
    ("code", "step"),
    [("755224", 0), ("287082", 1), ("359152", 2)],
)
def test_verify_accepts_the_previous_current_and_next_step(code, step):
    # now = step 1 (T=45)
    assert totp.verify(RFC_SECRET, code, 45) == step


@pytest.mark.parametrize("code", ["969429", "338314"])
def test_verify_refuses_a_code_two_or_more_steps_away(code):
    # steps 3 and 4 while now is step 1
    assert totp.verify(RFC_SECRET, code, 45) is None


def test_verify_refuses_a_code_from_two_steps_ago():
    # now = step 3 (T=100): step 1 is out of the window, step 2 is in it
    assert totp.verify(RFC_SECRET, "287082", 100) is None
    assert totp.verify(RFC_SECRET, "359152", 100) == 2


def test_a_zero_window_accepts_only_the_current_step():
    assert totp.verify(RFC_SECRET, "287082", 45, window=0) == 1
    assert totp.verify(RFC_SECRET, "755224", 45, window=0) is None
    assert totp.verify(RFC_SECRET, "359152", 45, window=0) is None


def test_verify_ignores_surrounding_and_inner_spaces():
    assert totp.verify(RFC_SECRET, " 287 082 ", 59) == 1


@pytest.mark.parametrize(
    "code",
    [
        "",
        None,
        "28708",  # 5 digits
        "2870820",  # 7 digits
        "28708a",
        "abcdef",
        "287-082",
        "+28708",
        "２８７０８２",  # fullwidth digits
        "٢٨٧٠٨٢",  # Arabic-Indic digits: isdigit() is True for them
    ],
)
def test_verify_refuses_malformed_codes_without_raising(code):
    assert totp.verify(RFC_SECRET, code, 59) is None


def test_a_wrong_code_of_the_right_shape_is_refused():
    assert totp.verify(RFC_SECRET, "000000", 59) is None


def test_the_provisioning_uri_is_exact():
    uri = totp.provisioning_uri(RFC_SECRET, account="alice+cbam@example.com")

    assert uri == (
        "otpauth://totp/CBAM%20Exchange%3Aalice%2Bcbam%40example.com"
        "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=CBAM%20Exchange"
    )


def test_the_provisioning_uri_names_a_custom_issuer():
    uri = totp.provisioning_uri(RFC_SECRET, account="bob@example.com", issuer="Acme")

    assert uri == (
        "otpauth://totp/Acme%3Abob%40example.com"
        "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Acme"
    )


def test_a_new_secret_is_160_random_bits_as_base32_without_padding():
    first, second = totp.new_secret(), totp.new_secret()

    assert len(first) == 20
    assert first != second
    assert totp.secret_to_base32(RFC_SECRET) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert len(totp.secret_to_base32(first)) == 32
