"""The queue end to end in Chromium: a citizen takes a number at the kiosk, the board shows it waiting,
a clerk calls it from the console, the board shows and announces the call, the phone page says which
window; then the server restarts and the board carries on by itself."""

import datetime
import re
import zoneinfo

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# A Wednesday morning: the demo hall is open 08:30-12:00. The date is in the future so that cookies the
# server sets (session, CSRF) are not already expired for the browser's real clock.
OPEN_HOUR = datetime.datetime(2031, 3, 12, 10, 0, tzinfo=SHANGHAI)
BOARD = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
KIOSK = {"width": 1080, "height": 1920}
SOCIAL_SECURITY_CARD = "社会保障卡申领"  # prefix A, served at windows 1, 2, 3 and 6

# Record what the board would say, instead of depending on a speech engine in headless Chromium.
RECORD_SPEECH = """
window.__spoken = [];
if (window.speechSynthesis) {
  window.speechSynthesis.speak = function (u) {
    window.__spoken.push(u.text); setTimeout(function () { u.onend && u.onend(); }, 10);
  };
}
"""


def _kiosk_take(page, server, item_name: str, phone: str = "") -> tuple[str, str]:
    page.goto(f"{server.url}/kiosk/{server.hall_code}/")
    page.fill("#kq", item_name)
    page.press("#kq", "Enter")
    page.locator("a.kbtn-row", has_text=item_name).first.click()
    if phone:
        page.fill("#phone", phone)
    page.click("button.kbtn-take")
    page.click("#identify-skip")  # the optional identify step
    number = page.locator(".slip-number").inner_text()
    return number, page.get_attribute("#ticket-slip", "data-track-url")


def _sign_in(page, server, username: str) -> None:
    page.goto(f"{server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "servicehall-demo")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(re.compile(r"/staff/$"))


def _open_window(new_page, recorder, server, window: str = "社保医保窗口"):
    """The clerk signs in, opens the console and signs in to ``window`` (window 2 in the demo)."""
    console = new_page(recorder=recorder)
    _sign_in(console, server, "clerk")
    console.goto(f"{server.url}/console/{server.hall_code}/")
    console.locator("[data-open]", has_text=window).first.click()
    expect(console.locator("#state-chip")).to_have_attribute("data-state", "open")
    return console


def _call_at_window_12(server) -> None:
    """A ticket of the housing fund called at window 12 (upstairs in the demo hall), in-process."""
    from django.contrib.auth import get_user_model

    from servicehall.core.actors import Actor
    from servicehall.core.models import Hall
    from servicehall.queueing import services as queue

    hall = Hall.objects.get(code=server.hall_code)
    clerk = Actor(user=get_user_model().objects.get(username="clerk"))
    counter = hall.counters.get(number="12")
    item = counter.service_items.first()
    queue.ticket_issue(actor=clerk, hall=hall, service_code=item.code)
    queue.counter_open(actor=clerk, counter=counter)
    queue.ticket_call_next(actor=clerk, counter=counter)


def _serve_next(console, number: str) -> None:
    """Call the next ticket (it must be ``number``), start and complete it with the keyboard and button."""
    console.keyboard.press("n")
    expect(console.locator("#cur-number")).to_have_text(number)
    console.keyboard.press("s")
    console.locator("[data-action=complete]").click()
    expect(console.locator("#current-empty")).to_be_visible()


def test_kiosk_ticket_is_called_on_the_board_and_the_phone_and_survives_a_restart(
    asgi_site, new_page, recorder, time_machine, screenshot
):
    time_machine.move_to(OPEN_HOUR, tick=True)
    server = asgi_site
    board = new_page(viewport=BOARD, recorder=recorder)
    board.add_init_script(RECORD_SPEECH)
    board.goto(f"{server.url}/display/{server.hall_code}/")
    expect(board.locator("#live-dot")).to_have_attribute("data-state", "live")
    line_a = board.locator('.wait-row[data-prefix="A"] .w-n')
    expect(line_a).to_have_text("0")

    kiosk = new_page(viewport=KIOSK, recorder=recorder)
    kiosk.goto(f"{server.url}/kiosk/{server.hall_code}/pair/?token={server.kiosk_token}")
    number, track_url = _kiosk_take(kiosk, server, SOCIAL_SECURITY_CARD, phone="13812345678")
    assert re.fullmatch(r"A\d{3}", number)
    expect(kiosk.locator(".slip-service")).to_have_text(SOCIAL_SECURITY_CARD)
    screenshot(kiosk, "kiosk-ticket-zh.png")
    expect(line_a).to_have_text("1")  # the board learned of the new ticket from the stream

    phone = new_page(viewport=PHONE, recorder=recorder)
    phone.goto(track_url)
    expect(phone.locator(".track-number")).to_have_text(number)
    expect(phone.locator("#t-ahead")).to_have_text("0")

    console = new_page(recorder=recorder)
    _sign_in(console, server, "clerk")
    console.goto(f"{server.url}/console/{server.hall_code}/")
    console.locator("[data-open]", has_text="社保医保窗口").first.click()  # window 2
    console.wait_for_selector("#state-chip")
    console.locator(".pick-no").count()
    window = console.locator("h1").inner_text()
    counter = re.search(r"(\d+)", window).group(1)
    expect(console.locator("#state-chip")).to_have_attribute("data-state", "open")
    console.keyboard.press("n")
    expect(console.locator("#cur-number")).to_have_text(number)

    expect(board.locator("#call-text")).to_contain_text(number)
    expect(board.locator("#call-text")).to_contain_text(counter)
    expect(board.locator("#recent tr").first).to_contain_text(number)
    expect(line_a).to_have_text("0")
    spoken_number = " ".join("零一二三四五六七八九"[int(c)] if c.isdigit() else c for c in number)
    board.wait_for_function("n => window.__spoken.filter(t => t.includes(n)).length >= 2", arg=spoken_number)
    spoken = board.evaluate("window.__spoken")
    assert f"请{spoken_number}号到{counter}号窗口办理" in spoken

    expect(phone.locator("#track-status")).to_contain_text(f"{counter} 号窗口")
    expect(phone.locator("#track-card")).to_have_attribute("data-status", "called")
    screenshot(board, "board-call-1920x1080.png")
    screenshot(phone, "phone-called-zh.png")

    # Recall: announced again.
    before = len(board.evaluate("window.__spoken"))
    console.keyboard.press("r")
    board.wait_for_function("k => window.__spoken.length > k", arg=before)
    console.keyboard.press("s")
    expect(console.locator("#cur-status")).to_have_text("办理中")
    screenshot(console, "console-zh.png")
    expect(phone.locator("#t-notify")).to_be_visible()
    console.locator("[data-action=complete]").click()
    expect(console.locator("#current-empty")).to_be_visible()
    expect(console.locator("#t-completed")).to_have_text("1")
    # the phone turns to "thank you": rate it; nothing left to alert about
    expect(phone.locator("#t-rate")).to_be_visible()
    expect(phone.locator("#t-notify")).to_be_hidden()
    expect(phone.locator("#t-foot")).to_be_hidden()
    phone.reload()
    expect(phone.locator("#t-notify")).to_be_hidden()  # also as first drawn by the server

    assert not recorder.errors(), recorder.errors()
    before_restart = len(recorder.errors())

    # The server restarts; the board notices, reconnects by itself and shows the next call.
    server.restart()
    second, _url = _kiosk_take(kiosk, server, SOCIAL_SECURITY_CARD)
    expect(board.locator("#live-dot")).to_have_attribute("data-state", "live", timeout=20_000)
    expect(line_a).to_have_text("1", timeout=20_000)
    console.keyboard.press("n")
    expect(console.locator("#cur-number")).to_have_text(second)
    expect(board.locator("#call-text")).to_contain_text(second)
    # While the server was down the browser logged cut and refused connections: expected, nothing else.
    errors = [e for e in recorder.errors()[before_restart:] if "net::ERR_" not in e]
    assert not errors, errors


def test_board_in_portrait_and_a_refused_ticket_shows_why(
    asgi_site, new_page, recorder, time_machine, screenshot
):
    server = asgi_site
    # 07:00: the hall is not open yet; the kiosk says when it opens, beside the button, and issues nothing.
    time_machine.move_to(OPEN_HOUR.replace(hour=7), tick=True)
    kiosk = new_page(viewport=KIOSK, recorder=recorder)
    kiosk.goto(f"{server.url}/kiosk/{server.hall_code}/pair/?token={server.kiosk_token}")
    kiosk.goto(f"{server.url}/kiosk/{server.hall_code}/?q=社会保障卡")
    kiosk.locator("a.kbtn-row").first.click()
    kiosk.fill("#phone", "1381234")
    kiosk.click("button.kbtn-take")
    expect(kiosk.locator("#phone-error")).to_be_visible()
    kiosk.fill("#phone", "")
    kiosk.click("button.kbtn-take")
    expect(kiosk.locator(".kiosk-error")).to_contain_text("08:30")
    screenshot(kiosk, "kiosk-item-zh.png")

    board = new_page(viewport={"width": 1080, "height": 1920}, recorder=recorder)
    board.goto(f"{server.url}/display/{server.hall_code}/?orientation=portrait")
    expect(board.locator("#live-dot")).to_have_attribute("data-state", "live")
    expect(board.locator(".counter-tile")).to_have_count(12)
    screenshot(board, "board-portrait.png")
    # Nothing was issued: the A line is empty.
    expect(board.locator('.wait-row[data-prefix="A"] .w-n')).to_have_text("0")
    kiosk_errors = [e for e in recorder.errors() if "409" not in e and "422" not in e]
    assert not kiosk_errors, kiosk_errors


def test_the_console_reactivates_a_no_show_and_calls_a_chosen_ticket(
    asgi_site, new_page, recorder, time_machine
):
    from django.contrib.auth import get_user_model

    from servicehall.catalog.models import ServiceItem
    from servicehall.core.actors import Actor
    from servicehall.core.models import Hall
    from servicehall.queueing import services

    time_machine.move_to(OPEN_HOUR, tick=True)
    server = asgi_site
    hall = Hall.objects.get(code=server.hall_code)
    item = ServiceItem.objects.get(hall=hall, name=SOCIAL_SECURITY_CARD)
    clerk = Actor(user=get_user_model().objects.get(username="clerk"))
    first, second = (
        services.ticket_issue(actor=clerk, hall=hall, service_code=item.code, channel="counter")
        for _ in range(2)
    )

    console = _open_window(new_page, recorder, server)
    expect(console.locator("#queue li")).to_have_count(2)
    # Call the second ticket out of turn (the hall allows it; the call is audited).
    console.locator("#queue li", has_text=second.number).locator("button").click()
    expect(console.locator("#cur-number")).to_have_text(second.number)
    # Nobody comes: two recalls, then the no-show, which lands in "missed their call".
    for key in ("r", "r", "x"):
        console.keyboard.press(key)
        console.wait_for_timeout(300)
    expect(console.locator("#no-shows li", has_text=second.number)).to_be_visible()
    expect(console.locator("#current-empty")).to_be_visible()
    # The citizen returns: V puts the ticket back in the queue at its original place, behind the first.
    console.keyboard.press("v")
    expect(console.locator("#no-shows li")).to_have_count(0)
    expect(console.locator("#queue li")).to_have_count(2)
    console.keyboard.press("n")
    expect(console.locator("#cur-number")).to_have_text(first.number)
    assert not recorder.errors(), recorder.errors()


def test_a_transfer_offers_only_open_windows_and_confirms_a_service_nobody_serves(
    asgi_site, new_page, recorder, time_machine, screenshot
):
    from django.contrib.auth import get_user_model

    from servicehall.catalog.models import ServiceItem
    from servicehall.core.actors import Actor
    from servicehall.core.models import Counter, Hall
    from servicehall.queueing import services
    from servicehall.queueing.models import Ticket

    time_machine.move_to(OPEN_HOUR, tick=True)
    server = asgi_site
    hall = Hall.objects.get(code=server.hall_code)
    item = ServiceItem.objects.get(hall=hall, name=SOCIAL_SECURITY_CARD)
    clerk = Actor(user=get_user_model().objects.get(username="clerk"))
    ticket = services.ticket_issue(actor=clerk, hall=hall, service_code=item.code, channel="counter")

    console = _open_window(new_page, recorder, server)
    console.keyboard.press("n")
    expect(console.locator("#cur-number")).to_have_text(ticket.number)
    console.keyboard.press("t")
    closed = Counter.objects.filter(hall=hall, active=True).exclude(number="2").first()
    option = console.locator(f"#t-counter option[value='{closed.pk}']")
    expect(option).to_be_disabled()  # a window nobody is signed in to cannot be chosen
    expect(option).to_contain_text("未开放")
    screenshot(console, "console-transfer-zh.png")
    # A service no open window serves: the clerk is asked first; saying no keeps the ticket here.
    other = ServiceItem.objects.filter(hall=hall, active=True).exclude(counters__number="2").first()
    console.select_option("#t-service", other.code)
    console.once("dialog", lambda dialog: dialog.dismiss())
    console.locator("#transfer-form button[type=submit]").click()
    console.wait_for_timeout(500)
    assert Ticket.objects.get(pk=ticket.pk).status == "called"
    console.once("dialog", lambda dialog: dialog.accept())
    console.locator("#transfer-form button[type=submit]").click()
    expect(console.locator("#current-empty")).to_be_visible()
    moved = Ticket.objects.get(pk=ticket.pk)
    assert (moved.status, moved.service_id) == ("waiting", other.pk)
    errors = [e for e in recorder.errors() if "status of 409" not in e]
    assert not errors, errors


@pytest.mark.parametrize(
    ("width", "height", "query"),
    [
        (1080, 1920, "?orientation=portrait"),
        (1920, 1080, ""),
        (1440, 900, ""),
        (1080, 1920, "?orientation=portrait&map=1"),
        (1920, 1080, "?map=1"),
        (1440, 900, "?map=1"),
    ],
)
def test_the_board_shows_every_waiting_line_whole_in_each_layout(
    width, height, query, asgi_site, new_page, recorder, time_machine, screenshot
):
    """Read from across the hall: every line of the waiting panel inside the panel and the screen, the
    recent calls beside it, and in portrait the waiting panel at least a third of the screen high."""
    time_machine.move_to(OPEN_HOUR, tick=True)
    server = asgi_site
    if "map=1" in query:  # the small map shows the floor of the last call: window 12, upstairs
        _call_at_window_12(server)
    board = new_page(viewport={"width": width, "height": height}, recorder=recorder)
    board.goto(f"{server.url}/display/{server.hall_code}/{query}")
    expect(board.locator("#live-dot")).to_have_attribute("data-state", "live")
    if "map=1" in query:
        expect(board.locator(".board-floor:not([hidden]) .pt-counter.is-called")).to_have_count(1)
        box = board.locator("#board-map").bounding_box()
        assert box["x"] + box["width"] <= width and box["height"] >= 0.12 * height, box
    panel = board.locator(".board-waiting").bounding_box()
    rows = board.locator(".wait-row")
    assert rows.count() >= 6
    for i in range(rows.count()):
        row = rows.nth(i).bounding_box()
        assert panel["y"] <= row["y"] and row["y"] + row["height"] <= panel["y"] + panel["height"] + 1, (
            i,
            row,
        )
        assert row["y"] + row["height"] <= height
    recent = board.locator(".board-recent").bounding_box()
    assert recent["height"] >= 0.2 * height and recent["y"] + recent["height"] <= height
    if "portrait" in query:
        assert panel["height"] >= height / 3, panel
    screenshot(board, f"board-{width}x{height}{'-map' if 'map=1' in query else ''}.png")
    assert not recorder.errors(), recorder.errors()


def test_the_board_marks_a_line_no_open_window_serves_until_one_opens(
    asgi_site, new_page, recorder, time_machine, screenshot
):
    """Across the hall a citizen sees that nobody serves their line yet, and the mark goes once a clerk
    opens a window for it (live, without reloading the board)."""
    time_machine.move_to(OPEN_HOUR, tick=True)
    server = asgi_site
    board = new_page(viewport=BOARD, recorder=recorder)
    board.goto(f"{server.url}/display/{server.hall_code}/")
    expect(board.locator("#live-dot")).to_have_attribute("data-state", "live")
    line_a = board.locator('.wait-row[data-prefix="A"]')
    expect(line_a.locator(".w-note")).to_be_visible()
    expect(line_a.locator(".w-note")).to_have_text("暂无窗口办理")
    screenshot(board, "board-no-open-window.png")
    _open_window(new_page, recorder, server)  # window 2 serves the A line
    expect(line_a.locator(".w-note")).to_be_hidden()
    row = line_a.bounding_box()
    assert row["height"] < 80, row  # the mark does not add a line to the row
    assert not recorder.errors(), recorder.errors()
