"""A number mistyped at the kiosk is refused beside its own field, in the words the booking used, also when
the page's own check did not run (a scanner, a kiosk without JavaScript): not as "no booking found"."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _beside(html: str, field: str) -> str:
    found = re.search(rf'<p id="{field}-error"\s+class="field-error">(.*?)</p>', html, re.S)
    return found.group(1).strip() if found else ""


def test_a_mistyped_resident_id_at_check_in_is_refused_beside_the_id_field(clock, kiosk_client):
    page = kiosk_client.post("/kiosk/hall-a/check-in/", {"id_number": "110105194912310021"})  # bad check
    assert page.status_code == 422
    html = page.content.decode()
    assert "校验码" in _beside(html, "id_number")  # "the last check character"
    assert 'value="110105194912310021"' in html  # kept, to be corrected


def test_a_short_mobile_number_at_check_in_is_refused_beside_the_mobile_field(clock, kiosk_client):
    page = kiosk_client.post("/kiosk/hall-a/check-in/", {"phone": "1381234"})
    assert page.status_code == 422
    assert _beside(page.content.decode(), "phone") == "请输入 11 位手机号码。"


def test_a_well_formed_id_without_a_booking_is_still_not_found(clock, kiosk_client):
    page = kiosk_client.post("/kiosk/hall-a/check-in/", {"id_number": "11010519491231002x"})
    assert page.status_code == 422
    assert "校验码" not in _beside(page.content.decode(), "id_number")
    assert _beside(page.content.decode(), "id_number")
