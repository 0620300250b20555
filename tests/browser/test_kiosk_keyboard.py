"""The kiosk's on-screen keyboard and large print in Chromium at 1080x1920, by touch only (issue 12, item
9): a search typed by tapping pinyin letters finds the service, a mobile number and a resident ID with X
are typed on the keypad (a wrong one is refused beside the field), and large print makes text and touch
targets at least half as large again, measured on the rendered page; the idle timeout ends it."""

import datetime
import re
import zoneinfo

import pytest
from playwright.sync_api import expect

from servicehall.core.identity import resident_id_check_char

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
OPEN_HOUR = datetime.datetime(2031, 3, 12, 10, 0, tzinfo=SHANGHAI)  # a Wednesday, the hall is open
KIOSK = {"width": 1080, "height": 1920}
PASSPORT = "普通护照签发"
SOCIAL_SECURITY_CARD = "社会保障卡申领"


def _tap(page, text: str) -> None:
    """Tap the keys of ``text`` on the on-screen keyboard, one by one, as a finger would."""
    for ch in text:
        page.locator(f'#kb .kb-key[data-key="{ch}"]').click()


def _id_ending_in_x() -> str:
    """A resident ID whose check character is X (born 1949-12-31 in Beijing's Chaoyang district)."""
    for seq in range(1000):
        first17 = f"11010519491231{seq:03d}"
        if resident_id_check_char(first17) == "X":
            return first17 + "X"
    raise AssertionError("no sequence number gives X")


def _key_boxes(page) -> list[dict]:
    keys = page.locator("#kb .kb-key")
    return [keys.nth(i).bounding_box() for i in range(keys.count())]


def test_a_search_typed_by_tapping_pinyin_letters_finds_the_service(site, new_page, recorder, screenshot):
    page = new_page(viewport=KIOSK, recorder=recorder)
    page.goto(site.path(f"/kiosk/{site.hall_code}/"))
    search = page.locator("#kq")
    expect(page.locator("#kb")).to_be_hidden()
    expect(search).to_have_attribute("inputmode", "none")  # no system keyboard on the touch screen
    search.click()
    expect(page.locator("#kb")).to_have_attribute("data-layout", "pinyin")
    expect(page.locator("#kb")).to_be_visible()
    boxes = _key_boxes(page)
    assert min(b["height"] for b in boxes) >= 64 and min(b["width"] for b in boxes) >= 64, boxes
    _tap(page, "hzq")
    page.locator('#kb [data-key="backspace"]').click()  # a wrong letter is taken back
    expect(search).to_have_value("hz")
    expect(search).to_be_focused()  # the keys never take the focus from the field
    screenshot(page, "kiosk-keyboard-search-zh.png")
    page.locator('#kb [data-key="enter"]').click()
    page.wait_for_url(re.compile(r"\?q=hz$"))
    expect(page.locator("a.kbtn-row").first).to_contain_text(PASSPORT)
    assert not recorder.errors(), recorder.errors()


def test_a_mobile_number_and_an_id_with_x_are_typed_on_the_keypad(
    asgi_site, new_page, recorder, time_machine, screenshot
):
    from servicehall.queueing.models import Ticket

    server = asgi_site
    time_machine.move_to(OPEN_HOUR, tick=True)
    page = new_page(viewport=KIOSK, recorder=recorder)
    page.goto(f"{server.url}/kiosk/{server.hall_code}/pair/?token={server.kiosk_token}")
    page.goto(f"{server.url}/kiosk/{server.hall_code}/?q={SOCIAL_SECURITY_CARD}")
    page.locator("a.kbtn-row", has_text=SOCIAL_SECURITY_CARD).first.click()

    # The mobile number: digits only; a short one is refused beside the field, and the keypad stays.
    page.locator("#phone").click()
    keyboard = page.locator("#kb")
    expect(keyboard).to_have_attribute("data-layout", "phone")
    expect(keyboard.locator('[data-key="a"]')).to_have_count(0)
    _tap(page, "1381234")
    keyboard.locator('[data-key="done"]').click()
    expect(page.locator("#phone-error")).to_have_text("请输入 11 位手机号码。")  # the services' words
    expect(page.locator("#phone")).to_have_attribute("aria-invalid", "true")
    expect(keyboard).to_be_visible()
    screenshot(page, "kiosk-keyboard-phone-error-zh.png")
    keyboard.locator('[data-key="clear"]').click()
    _tap(page, "13812345678")
    expect(page.locator("#phone-error")).to_be_hidden()
    keyboard.locator('[data-key="done"]').click()
    expect(keyboard).to_be_hidden()
    page.locator("button.kbtn-take").click()
    page.locator("#identify-skip").click()  # the optional identify step
    public_id = page.get_attribute("#ticket-slip", "data-track-url").rstrip("/").rsplit("/", 1)[-1]
    assert Ticket.objects.get(public_id=public_id).phone_hint == "138****5678"

    # Check-in by resident ID: the code's keypad opens by itself; the ID's has X; a mistyped ID (wrong
    # check character) is refused beside the field before anything is sent.
    page.goto(f"{server.url}/kiosk/{server.hall_code}/check-in/")
    expect(keyboard).to_have_attribute("data-layout", "code")
    expect(keyboard.locator('[data-key="done"]')).to_have_count(1)  # the other fields are folded away
    page.locator(".checkin-more summary").click()
    page.locator("#phone").click()
    keyboard.locator('[data-key="next"]').click()  # several fields on one page: on to the next one
    expect(page.locator("#id_number")).to_be_focused()
    expect(keyboard).to_have_attribute("data-layout", "id")
    good = _id_ending_in_x()
    _tap(page, good[:17] + "0")
    page.locator("button.kbtn-take").click()
    expect(page.locator("#id_number-error")).to_contain_text("校验码")  # "the last check character"
    expect(page).to_have_url(re.compile(r"/check-in/$"))
    keyboard.locator('[data-key="backspace"]').click()
    _tap(page, "X")
    expect(page.locator("#id_number")).to_have_value(good)
    expect(page.locator("#id_number-error")).to_be_hidden()
    screenshot(page, "kiosk-keyboard-id-zh.png")
    with page.expect_response(re.compile(r"/check-in/$")) as sent:
        page.locator("button.kbtn-take").click()
    assert sent.value.request.post_data and f"id_number={good}" in sent.value.request.post_data
    # No booking with this ID today: the server says so beside the field, which keeps the ID.
    expect(page.locator("#id_number-error")).to_be_visible()
    expect(page.locator("#id_number")).to_have_value(good)
    errors = [e for e in recorder.errors() if "status of 422" not in e]
    assert not errors, errors


METRICS = """() => {
  const box = s => document.querySelector(s).getBoundingClientRect().height;
  const font = s => parseFloat(getComputedStyle(document.querySelector(s)).fontSize);
  const out = {text: font("body"), title: font(".kiosk-title"), toggle: box("#large-print"),
               key: box("#kb .kb-key"), keyText: font("#kb .kb-key")};
  for (const s of ["#kq", ".kiosk-search button", ".kbtn-tile", ".kbtn-take", "#code"]) {
    if (document.querySelector(s)) out[s] = box(s);
  }
  return out;
}"""


def _measure(page, field: str) -> dict:
    """Sizes of text and targets, with the keyboard open on ``field``."""
    page.locator(field).click()
    expect(page.locator("#kb")).to_be_visible()
    return page.evaluate(METRICS)


def _assert_scaled(normal: dict, large: dict) -> None:
    ratios = {k: large[k] / normal[k] for k in normal}
    assert min(ratios.values()) >= 1.5 - 1e-6, ratios


def test_large_print_makes_text_and_targets_half_as_large_again(site, new_page, recorder, screenshot):
    page = new_page(viewport=KIOSK, recorder=recorder)
    home = site.path(f"/kiosk/{site.hall_code}/")
    check_in = site.path(f"/kiosk/{site.hall_code}/check-in/")
    page.goto(home)
    normal_home = _measure(page, "#kq")
    page.goto(check_in)
    normal_check_in = _measure(page, "#code")

    page.locator("#large-print").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge-print\b"))
    expect(page.locator("#large-print")).to_have_attribute("aria-pressed", "true")
    _assert_scaled(normal_check_in, _measure(page, "#code"))
    page.goto(home)  # kept for the visit
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge-print\b"))
    _assert_scaled(normal_home, _measure(page, "#kq"))
    _tap(page, "hz")
    screenshot(page, "kiosk-keyboard-large-print-zh.png")

    # The same in English; the page and the keyboard still fit the screen's width.
    page.locator('form.lang-switch button[value="en"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge-print\b"))
    page.locator("#kq").click()
    _tap(page, "hz")
    assert page.evaluate("document.documentElement.scrollWidth") <= KIOSK["width"]
    screenshot(page, "kiosk-keyboard-large-print-en.png")
    page.locator("#large-print").click()
    page.locator("#kq").click()
    screenshot(page, "kiosk-keyboard-en.png")
    assert not recorder.errors(), recorder.errors()


def test_the_idle_timeout_ends_large_print_and_clears_what_was_typed(site, new_page, recorder):
    page = new_page(viewport=KIOSK, recorder=recorder)
    page.clock.install()
    home = site.path(f"/kiosk/{site.hall_code}/")
    page.goto(home)
    html = page.locator("html")
    page.locator("#large-print").click()
    page.locator("#kq").click()
    _tap(page, "sb")
    page.clock.run_for(60_000)  # still reading: nothing happens
    expect(html).to_have_class(re.compile(r"\blarge-print\b"))
    expect(page.locator("#kq")).to_have_value("sb")
    page.clock.run_for(91_000)  # the citizen has gone: the next one starts afresh
    expect(html).not_to_have_class(re.compile(r"\blarge-print\b"))
    expect(page.locator("#kq")).to_have_value("")
    expect(page.locator("#kb")).to_be_hidden()

    # Away from the start page, the timeout goes back to it, in normal print.
    page.locator("#large-print").click()
    page.goto(site.path(f"/kiosk/{site.hall_code}/check-in/"))
    expect(html).to_have_class(re.compile(r"\blarge-print\b"))
    page.clock.run_for(91_000)
    page.wait_for_url(home)
    expect(html).not_to_have_class(re.compile(r"\blarge-print\b"))
    assert not recorder.errors(), recorder.errors()
