"""What a CN code is (``cbam.cn_codes``), the one rule every parser asks."""

from __future__ import annotations

import pytest

from cbam.cn_codes import is_cn_code, is_cn_code_prefix, normalise_cn_code


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("7208 39 00", "72083900"),
        ("7208.39.00", "72083900"),
        (" 72083900\t", "72083900"),
        ("7208390090", "72083900"),  # a TARIC code: its CN code
        ("7318 15 95 90", "73181595"),
    ],
)
def test_spaces_and_points_between_digit_groups_are_removed(raw, code):
    assert normalise_cn_code(raw) == code
    assert is_cn_code(normalise_cn_code(raw)) is True


@pytest.mark.parametrize(
    "code", ["7208390", "720839001", "7208390a", "٧٢٠٨٣٩٠٠", "７２０８３９００", "", "72083900\n"]
)
def test_anything_but_eight_ascii_digits_is_not_a_cn_code(code):
    assert is_cn_code(code) is False


def test_prefixes_are_headings_subheadings_or_codes():
    assert [is_cn_code_prefix(c) for c in ("7208", "720839", "72083900")] == [True, True, True]
    assert [is_cn_code_prefix(c) for c in ("72", "72083", "7208390", "٧٢٠٨")] == [
        False,
        False,
        False,
        False,
    ]


def test_only_ten_ascii_digits_are_a_taric_code():
    assert normalise_cn_code("72083900901") == "72083900901"  # 11 digits: refused later
    assert is_cn_code(normalise_cn_code("72083900901")) is False
    assert normalise_cn_code("٧٢٠٨٣٩٠٠٩٠") == "٧٢٠٨٣٩٠٠٩٠"
