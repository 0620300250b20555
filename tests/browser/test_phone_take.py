"""Taking a number from a phone at 390×844, end to end in Chromium: the item page's 取号 button, the
phone-sized take page (one class, large touch targets, nothing off the screen), the confirm, and the
tracking page with the number and no "scan with your phone" (the citizen is already on it)."""

import datetime
import re
import zoneinfo

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# A Wednesday morning in the future (cookies must not be expired for the browser's real clock): the demo
# hall is open 08:30-12:00 and allows tickets from phones.
OPEN_HOUR = datetime.datetime(2031, 3, 12, 10, 0, tzinfo=SHANGHAI)
PHONE = {"width": 390, "height": 844}
SOCIAL_SECURITY_CARD = "社会保障卡申领"  # prefix A


def _open_window_2(hall_code: str) -> None:
    """The clerk opens window 2 (it serves the social security card), so the pages show an estimate."""
    from django.contrib.auth import get_user_model

    from servicehall.core.actors import Actor
    from servicehall.core.models import Counter
    from servicehall.queueing.services import counter_open

    clerk = get_user_model().objects.get(username="clerk")
    counter_open(actor=Actor(user=clerk), counter=Counter.objects.get(hall__code=hall_code, number="2"))


def _fits_the_screen(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _take_from_the_item_page(page, server, screenshot, lang: str) -> str:
    # the catalogue names the service in the reader's language
    name = SOCIAL_SECURITY_CARD if lang == "zh" else "Applying for a social security card"
    page.goto(f"{server.url}/catalog/{server.hall_code}/?q={name}")
    page.locator("a", has_text=name).first.click()
    take = page.locator("#take-btn")
    expect(take).to_be_visible()
    assert take.bounding_box()["height"] >= 48
    _fits_the_screen(page)
    screenshot(page, f"phone-item-take-{lang}.png")
    take.click()
    page.wait_for_url(re.compile(r"/take/"))
    # one class (normal), chosen already; the phone field and the confirm are thumb-sized
    assert page.locator("input[name=priority]").count() == 1
    expect(page.locator("input[name=priority]")).to_be_checked()
    for target in ("label.take-choice", "#take-phone", "#take-confirm"):
        assert page.locator(target).bounding_box()["height"] >= 48, target
    expect(page.locator("#take-waiting")).to_have_text(re.compile(r"^\d+$"))
    _fits_the_screen(page)
    screenshot(page, f"phone-take-{lang}.png", full_page=True)
    page.click("#take-confirm")
    page.wait_for_url(re.compile(r"/t/[\w-]+/$"))
    number = page.locator(".track-number").inner_text()
    assert re.fullmatch(r"A\d{3}", number), number
    return number


def test_a_citizen_takes_a_number_on_the_phone_and_follows_it_there(
    asgi_site, new_page, recorder, time_machine, screenshot
):
    server = asgi_site
    time_machine.move_to(OPEN_HOUR, tick=True)
    _open_window_2(server.hall_code)
    page = new_page(viewport=PHONE, recorder=recorder)
    first = _take_from_the_item_page(page, server, screenshot, "zh")
    expect(page.locator("#t-ahead")).to_have_text(re.compile(r"^\d+$"))  # the live part has loaded
    _fits_the_screen(page)
    text = page.locator("body").inner_text()
    assert "扫码" not in text and page.locator(".slip-qr, svg").count() == 0
    screenshot(page, "phone-track-zh.png")

    # The same in English: the language switch on the tracking page, then a second number.
    page.locator("button.lang-btn[value=en]").click()
    expect(page.locator(".track-label")).to_have_text("Your number")
    second = _take_from_the_item_page(page, server, screenshot, "en")
    assert second != first
    expect(page.locator("#t-ahead")).to_have_text(re.compile(r"^\d+$"))
    _fits_the_screen(page)
    text = page.locator("body").inner_text()
    assert "Scan" not in text and "scan" not in text
    screenshot(page, "phone-track-en.png")
    assert not recorder.errors(), recorder.errors()


def test_on_a_closed_day_the_item_page_says_when_numbers_are_given_again(
    asgi_site, new_page, recorder, time_machine, screenshot
):
    server = asgi_site
    time_machine.move_to(OPEN_HOUR + datetime.timedelta(days=4), tick=True)  # a Sunday: closed
    page = new_page(viewport=PHONE, recorder=recorder)
    page.goto(f"{server.url}/catalog/{server.hall_code}/?q={SOCIAL_SECURITY_CARD}")
    page.locator("a", has_text=SOCIAL_SECURITY_CARD).first.click()
    expect(page.locator("#take-closed")).to_contain_text("08:30")  # why, and when it opens again
    assert page.locator("#take-btn").count() == 0
    expect(page.locator("#book-btn")).to_be_visible()  # a booking is for another day: still offered
    _fits_the_screen(page)
    screenshot(page, "phone-item-closed-zh.png")
    assert not recorder.errors(), recorder.errors()
