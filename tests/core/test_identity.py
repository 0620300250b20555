"""Resident ID (GB 11643) validation and masking, against the standard's own worked example."""

import datetime

import pytest

from servicehall.core.identity import (
    is_valid_mobile,
    is_valid_resident_id,
    mask_name,
    mask_phone,
    mask_resident_id,
    resident_id_check_char,
)

# The worked example printed in GB 11643-1999 itself.
STANDARD_EXAMPLE = "11010519491231002X"


def test_the_standards_worked_example_is_valid():
    assert is_valid_resident_id(STANDARD_EXAMPLE)


def test_a_lower_case_x_is_accepted():
    assert is_valid_resident_id(STANDARD_EXAMPLE.lower())


@pytest.mark.parametrize("wrong", "0123456789")
def test_every_wrong_check_character_is_refused(wrong):
    assert not is_valid_resident_id(STANDARD_EXAMPLE[:17] + wrong)


def test_the_check_character_follows_the_weights_mod_11():
    # 440524188001010014 is another published example (check digit 4).
    assert resident_id_check_char("44052418800101001") == "4"
    assert is_valid_resident_id("440524188001010014")


@pytest.mark.parametrize(
    "bad", ["", "1234", "11010519491231002", "1101051949123100XX", "11010519490231002X", "A1010519491231002X"]
)
def test_malformed_numbers_and_impossible_dates_are_refused(bad):
    assert not is_valid_resident_id(bad)


def test_a_birth_date_in_the_future_is_refused():
    first17 = "11010520991231002"
    number = first17 + resident_id_check_char(first17)
    assert not is_valid_resident_id(number, today=datetime.date(2026, 11, 25))
    assert is_valid_resident_id(number, today=datetime.date(2100, 1, 1))


def test_masks_keep_what_a_clerk_needs_and_hide_the_rest():
    assert mask_resident_id(STANDARD_EXAMPLE) == "110105********002X"
    assert mask_resident_id("11010519491231002x") == "110105********002X"
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("+86 138-1234-1234") == "138****1234"
    assert mask_name("张三丰") == "张**"


def test_mainland_mobile_numbers():
    assert is_valid_mobile("13812341234")
    assert is_valid_mobile("+86 138 1234 1234")
    assert not is_valid_mobile("12812341234")
    assert not is_valid_mobile("1381234123")
