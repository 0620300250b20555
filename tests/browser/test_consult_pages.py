"""The assistant in Chromium: a citizen asks on the phone, sees the answer with its source, asks what
the hall does not know, hands over to a person and gets a code; the clerk answers; the citizen reads the
answer by code and mobile. The kiosk tile answers a question typed in pinyin. English pages throughout
(until the lead merges the translations, Chinese pages show English msgids)."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
KIOSK = {"width": 1080, "height": 1920}
MOBILE = "13800138123"


def _english(page, site, path):
    page.goto(site.path(path))
    page.locator("form.lang-switch button[value=en]").first.click()
    page.wait_for_load_state()


def test_a_citizen_asks_hands_over_and_reads_the_clerks_answer(site, new_page, recorder):
    phone = new_page(viewport=PHONE, recorder=recorder)
    _english(phone, site, f"/ask/{site.hall_code}/")
    phone.fill("#f-question", "how long does a passport take")
    phone.locator(".ask-form button").click()
    last = phone.locator("#last")
    expect(last.locator(".ask-text")).to_contain_text("7 working days")
    expect(last.locator("a.ask-source")).to_have_text("Issuing an ordinary passport")
    phone.fill("#f-question", "can I bring my dog to the hall")
    phone.locator(".ask-form button").click()
    expect(phone.locator("#last .ask-unsure")).to_contain_text("ask a person")
    phone.locator("#last .ask-handover a").click()
    expect(phone.locator("#f-question")).to_have_value("can I bring my dog to the hall")
    phone.fill("#f-phone", MOBILE)
    phone.locator("#send-question").click()
    code = phone.locator("#thread-code").inner_text().strip()
    assert len(code) == 8

    staff = new_page(viewport=DESKTOP, recorder=recorder)
    staff.goto(site.path("/login/"))
    staff.fill("#id_username", "clerk")
    staff.fill("#id_password", "servicehall-demo")
    staff.locator("main form button[type=submit]").click()
    staff.wait_for_url(site.path("/staff/"))
    staff.goto(site.path(f"/staff/{site.hall_code}/consult/?status=open"))
    staff.locator("#threads a", has_text=code).click()
    expect(staff.locator("details.promote")).to_have_count(0)  # a clerk answers; managers promote
    staff.fill("#answer-form textarea", "Only assistance dogs are allowed in the hall.")
    staff.locator("#answer-form button").click()
    expect(staff.locator("#thread-status")).to_have_text("已答复")

    phone.goto(site.path(f"/ask/track/?code={code}"))
    phone.fill("#f-phone", MOBILE)
    phone.locator("form.book-form button[type=submit]").click()
    expect(phone.locator("#thread-view")).to_contain_text("Only assistance dogs are allowed in the hall.")
    assert recorder.errors() == []


def test_the_kiosk_tile_answers_a_question_typed_in_pinyin(site, new_page, recorder):
    kiosk = new_page(viewport=KIOSK, recorder=recorder)
    kiosk.goto(site.path(f"/kiosk/{site.hall_code}/"))
    kiosk.locator("#ask-tile").click()
    kiosk.locator("#kq").click()
    for key in "huzhao":
        kiosk.locator(f"#kb .kb-key[data-key='{key}']").click()
    kiosk.locator("#kb .kb-key[data-key='enter'], #kb .kb-action").first.click()
    expect(kiosk.locator("#answer .ask-source")).to_have_text("普通护照签发")
    assert recorder.errors() == []
