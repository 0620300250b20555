"""Resident ID (GB 11643) and USCC (GB 32100) checks against published vectors, and ``core.identity``
kept consistent with ``python-stdnum``'s implementations."""

import random

import pytest
from stdnum.cn import ric

from servicehall.core import identity
from tests.customers.conftest import STANDARD_ID, STDNUM_ID


@pytest.mark.parametrize("number", [STANDARD_ID, STDNUM_ID, "11010519491231002x"])
def test_published_resident_id_vectors_are_valid(number):
    assert identity.is_valid_resident_id(number)
    assert ric.is_valid(number)


@pytest.mark.parametrize(
    "number", ["110105194912310021", "360426199101010072", "36042619910101007", "x" * 18]
)
def test_a_wrong_check_character_or_shape_is_refused(number):
    assert not identity.is_valid_resident_id(number)


def test_the_check_character_agrees_with_stdnum_on_many_numbers():
    rng = random.Random(15)
    for _ in range(2000):
        first17 = "".join(rng.choice("0123456789") for _ in range(17))
        number = first17 + "0"
        assert identity.resident_id_check_char(first17) == ric.calc_check_digit(number)


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("91110000600037341L", True),
        ("91110000600037341M", False),
        ("A1110000600037341L", False),
        ("12345", False),
    ],
)
def test_uscc_against_published_vectors(code, valid):
    assert identity.is_valid_uscc(code) is valid


def test_region_and_sex_come_from_the_number_coarsely():
    region = identity.resident_id_region(STANDARD_ID)
    assert region == {"province_code": "11", "province": "北京市", "city_code": "1101", "city": "北京市"}
    assert identity.resident_id_region("320102199001011234")["city"] == "南京市"
    assert identity.resident_id_sex(STANDARD_ID) == "F"
    assert identity.resident_id_sex(STDNUM_ID) == "M"
    assert identity.resident_id_region("990000199001011234")["province"] == ""


def test_masks_keep_only_what_a_screen_may_show():
    assert identity.mask_resident_id(STANDARD_ID) == "110105********002X"
    assert identity.mask_document("E12345678") == "E1*****78"
