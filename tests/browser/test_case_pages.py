"""Cases in Chromium (issue 16): a citizen applies (the public API, as the e-form page does), the clerk
accepts and asks for one more material with the one-time notice, the citizen sees the notice on the phone
and uploads it, the manager approves; the kiosk's progress query shows the status and prints it."""

import io
import json
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.test_queue_pages import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
KIOSK = {"width": 1080, "height": 1920}
MOBILE = "13912345678"
PASSPORT = "11350199MB0F34538T-XK-001"  # 普通护照签发: the demo publishes its e-form
ANSWERS = {
    "name": "张三",
    "id_number": "11010519491231002X",
    "phone": MOBILE,
    "birth_date": "1949-12-31",
    "kind": "first",
}


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(buf, "PNG")
    return buf.getvalue()


def _apply(page, site) -> dict:
    response = page.request.post(
        site.path(f"/api/v1/halls/{site.hall_code}/applications"),
        data=json.dumps({"service": PASSPORT, "answers": ANSWERS, "phone": MOBILE}),
        headers={"Content-Type": "application/json"},
    )
    assert response.status == 201, response.text()
    return response.json()


def _phone_lookup(phone, site, number: str) -> None:
    phone.goto(site.path("/cases/track/"))
    phone.fill("#f-number", number)
    phone.fill("#f-phone", MOBILE)
    phone.locator(".book-form .bbtn-primary").click()


def test_apply_notice_upload_approve_and_the_kiosk_prints_the_status(site, new_page, recorder, screenshot):
    phone = new_page(PHONE, recorder)
    created = _apply(phone, site)
    number = created["case_number"]
    clerk = new_page(recorder=recorder)
    _sign_in(clerk, site, "clerk")
    clerk.goto(site.path(f"/staff/{site.hall_code}/cases/{created['id']}/"))
    clerk.locator("form.cs-one button[data-action=accept]").click()
    expect(clerk.locator("#cs-status")).to_have_class(re.compile("cs-accepted"))
    clerk.locator("#form-request-materials").locator("xpath=..").locator("summary").click()
    clerk.locator("#form-request-materials input[name=missing_material]").first.check()
    clerk.locator("#form-request-materials button[type=submit]").click()
    expect(clerk.locator(".cs-needed li")).to_have_count(1)
    screenshot(clerk, "case-staff-zh.png", full_page=True)

    _phone_lookup(phone, site, number)
    expect(phone.locator("#cs-needed li")).to_have_count(1)
    screenshot(phone, "case-phone-notice-zh.png", full_page=True)
    phone.set_input_files(
        "#cs-files", files=[{"name": "章程.png", "mimeType": "image/png", "buffer": _png()}]
    )
    phone.locator("#cs-upload button[type=submit]").click()
    expect(phone.locator("#cs-needed")).to_have_count(0)
    expect(phone.locator("#cs-view")).to_have_attribute("data-status", "under_review")
    expect(phone.locator(".cs-files li")).to_have_count(1)

    manager = new_page(recorder=recorder)
    _sign_in(manager, site, "manager")
    manager.goto(site.path(f"/staff/{site.hall_code}/cases/{created['id']}/"))
    manager.locator("form.cs-one button[data-action=approve]").click()
    expect(manager.locator("#cs-status")).to_have_class(re.compile("cs-approved"))

    kiosk = new_page(KIOSK, recorder)
    kiosk.goto(site.path(f"/kiosk/{site.hall_code}/"))
    kiosk.locator("#case-progress").click()
    kiosk.locator("#number").click()
    expect(kiosk.locator(".kb-panel, .keyboard, [class*=kb]").first).to_be_visible()
    kiosk.fill("#number", number)
    kiosk.fill("#phone", MOBILE)
    kiosk.locator("form.take-form button[type=submit]").click()
    expect(kiosk.locator("#cs-view")).to_have_attribute("data-status", "approved")
    kiosk.evaluate("window.__printed = 0; window.print = () => { window.__printed += 1; }")
    kiosk.locator("#print-now").click()
    assert kiosk.evaluate("window.__printed") >= 1
    screenshot(kiosk, "case-kiosk-zh.png")
    assert recorder.errors() == []
