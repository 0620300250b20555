"""Appointments end to end in Chromium: a citizen books on the phone page and gets the confirmation,
checks in at the kiosk on the day, and the board calls the appointment ticket before an earlier walk-in
ticket, tagged 预约."""

import datetime
import re
import zoneinfo

import pytest
from playwright.sync_api import expect

from tests.browser.test_queue_pages import KIOSK, PHONE, RECORD_SPEECH, _kiosk_take, _open_window, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# A Tuesday, then the next morning. Years past the holiday package's data follow the statutory rule.
BOOKING_DAY = datetime.datetime(2031, 3, 11, 15, 0, tzinfo=SHANGHAI)
SERVICE = "社会保障卡申领"  # prefix A, windows 1, 2, 3 and 6; books without resident ID
NUMERALS = "零一二三四五六七八九"


def _answer(question: str) -> str:
    found = re.search(r"([一二三四五六七八九])加([一二三四五六七八九])", question)
    return str(NUMERALS.index(found.group(1)) + NUMERALS.index(found.group(2)))


def test_book_on_the_phone_check_in_at_the_kiosk_and_the_board_calls_it_first(
    asgi_site, new_page, recorder, time_machine, screenshot
):
    server = asgi_site
    time_machine.move_to(BOOKING_DAY, tick=True)
    phone = new_page(viewport=PHONE, recorder=recorder)
    phone.goto(f"{server.url}/book/{server.hall_code}/")
    screenshot(phone, "book-services-zh.png")
    phone.locator("a.book-row", has_text=SERVICE).click()
    # Tomorrow (Wednesday 12th) is the first day with seats left; choose 09:00.
    phone.locator("a.day", has_text="3/12").click()
    expect(phone.locator("a.day.is-chosen")).to_contain_text("3/12")
    # The check question comes before a seat is held (issue 13 item 2), above the times.
    phone.fill("#f-answer", _answer(phone.locator("label[for=f-answer]").inner_text()))
    screenshot(phone, "book-slots-zh.png")
    phone.locator("button.slot.is-open", has_text="09:00").click()
    expect(phone.locator("#hold-left")).not_to_be_empty()
    expect(phone.locator("#f-answer")).to_have_count(0)
    # A wrong mobile number is refused beside the field; nothing is booked yet.
    phone.fill("#f-name", "张三")
    phone.fill("#f-phone", "1381234")
    phone.click("button.bbtn-primary")
    expect(phone.locator("#e-phone")).to_be_visible()
    phone.fill("#f-phone", "13812345678")
    screenshot(phone, "book-details-zh.png")
    phone.click("button.bbtn-primary")
    expect(phone.locator(".book-ok")).to_be_visible()
    code = phone.locator("#code").inner_text().strip()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{8}", code)
    expect(phone.locator(".card-facts")).to_contain_text("09:00")
    expect(phone.locator(".card-facts")).to_contain_text("138****5678")
    expect(phone.locator(".card-qr svg")).to_be_visible()
    screenshot(phone, "book-confirmation-zh.png", full_page=True)

    # The next morning: a walk-in takes a number first, then the citizen checks in.
    time_machine.move_to(datetime.datetime(2031, 3, 12, 8, 45, tzinfo=SHANGHAI), tick=True)
    board = new_page(viewport={"width": 1920, "height": 1080}, recorder=recorder)
    board.add_init_script(RECORD_SPEECH)
    board.goto(f"{server.url}/display/{server.hall_code}/")
    expect(board.locator("#live-dot")).to_have_attribute("data-state", "live")
    kiosk = new_page(viewport=KIOSK, recorder=recorder)
    kiosk.goto(f"{server.url}/kiosk/{server.hall_code}/pair/?token={server.kiosk_token}")
    walk_in, _url = _kiosk_take(kiosk, server, SERVICE)
    kiosk.goto(f"{server.url}/kiosk/{server.hall_code}/")
    kiosk.click(f'a[href="/kiosk/{server.hall_code}/check-in/"]')
    for ch in code:  # typed on the kiosk's on-screen keypad, as on a touch screen
        kiosk.locator(f'#kb .kb-key[data-key="{ch}"]').click()
    expect(kiosk.locator("#code")).to_have_value(code)
    screenshot(kiosk, "kiosk-check-in-zh.png")
    kiosk.click("button.kbtn-take")
    booked = kiosk.locator(".slip-number").inner_text()
    assert re.fullmatch(r"A\d{3}", booked) and booked != walk_in
    expect(board.locator('.wait-row[data-prefix="A"] .w-n')).to_have_text("2")

    console = _open_window(new_page, recorder, server)
    console.keyboard.press("n")
    expect(console.locator("#cur-number")).to_have_text(booked)  # the appointment goes before the walk-in
    expect(board.locator("#call-text")).to_contain_text(booked)
    expect(board.locator("#call-class")).to_have_text("预约")
    expect(board.locator("#recent tr").first.locator(".r-class")).to_have_text("预约")
    screenshot(board, "board-appointment-call.png")

    # The booking page now says checked in, with the ticket.
    phone.reload()
    expect(phone.locator(".card-status")).to_contain_text(booked)
    # The refused form answered 422 (the browser logs that); nothing else went wrong.
    errors = [e for e in recorder.errors() if "status of 422" not in e]
    assert not errors, errors


def test_manager_calendar_shows_the_week(asgi_site, new_page, recorder, time_machine, screenshot):
    server = asgi_site
    time_machine.move_to(BOOKING_DAY, tick=True)
    page = new_page(recorder=recorder)
    _sign_in(page, server, "manager")
    page.goto(f"{server.url}/staff/{server.hall_code}/appointments/")
    expect(page.locator("table.cal-week")).to_be_visible()
    expect(page.locator("table.cal-week thead")).to_contain_text("3/11")
    screenshot(page, "appointments-calendar-zh.png", full_page=True)
    assert not recorder.errors(), recorder.errors()
