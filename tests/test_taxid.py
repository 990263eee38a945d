"""RULES M4: the tax ID checksum."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from members.taxid import is_valid_tax_id, make_tax_id, tax_id_problem


@pytest.mark.parametrize("tax_id", ["04702088", "00651474", "00238778", "22099131"])
def test_M4_valid_tax_ids_pass(tax_id):
    assert tax_id_problem(tax_id) is None


@pytest.mark.parametrize(
    ("tax_id", "says"),
    [
        ("12345678", "檢查碼不符"),
        ("1234567", "8 位數字"),
        ("A2345678", "只能是數字"),
        ("", "請輸入"),
        ("１２３４５６７８", "只能是數字"),  # full-width digits
    ],
)
def test_M4_invalid_tax_ids_are_refused_with_a_clear_message(tax_id, says):
    assert says in tax_id_problem(tax_id)
    assert not is_valid_tax_id(tax_id)


def test_M4_seventh_digit_7_also_passes_with_total_plus_one():
    # 10000073: digit sums 1 + 10 (7 x 4 = 28 -> 2 + 8) + 3 = 14; 14 + 1 = 15.
    assert is_valid_tax_id("10000073")
    assert not is_valid_tax_id("10000072")  # 13: neither rule
    assert not is_valid_tax_id("10000083")  # 7th digit 8: no second chance


@given(st.integers(min_value=0, max_value=10**6))
def test_M4_generated_demo_tax_ids_are_valid(n):
    assert is_valid_tax_id(make_tax_id(n))
