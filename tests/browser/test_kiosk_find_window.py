"""Hall navigation at the kiosk and on the board, in Chromium. The kiosk (1080x1920, paired as the demo's
entrance kiosk): the "find a window" tile → window 9, upstairs → the route drawn from "you are here" on
the ground floor, and the map switching to 2F as the steps go upstairs (Next, a tapped step), read aloud
step by step; the slip after a number says where the windows are. The board with ``?map=1`` shows the
floor of the window just called, that window marked, switching floors live with the calls."""

import datetime
import re
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from servicehall.catalog.models import ServiceItem
from servicehall.core.actors import Actor
from servicehall.core.models import Hall
from servicehall.queueing import services as queue

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
OPEN_HOUR = datetime.datetime(2031, 3, 12, 10, 0, tzinfo=SHANGHAI)  # a Wednesday morning, the hall open
KIOSK = {"width": 1080, "height": 1920}
BOARD = {"width": 1920, "height": 1080}
HOUSING_FUND = "12350199MB0J78962N-GG-001"  # served at window 12, upstairs in the demo hall

# What "read aloud" says, instead of depending on a speech engine in headless Chromium.
RECORD_SPEECH = """
window.__spoken = [];
if (window.speechSynthesis) {
  window.speechSynthesis.speak = function (u) {
    window.__spoken.push(u.text); setTimeout(function () { u.onend && u.onend(); }, 10);
  };
}
"""


def _shown(page):
    return page.locator(".kroute-map:not([hidden])")


def test_the_kiosk_finds_window_9_upstairs_and_the_map_follows_the_steps(
    asgi_site, new_page, recorder, screenshot
):
    server = asgi_site
    kiosk = new_page(viewport=KIOSK, recorder=recorder)
    kiosk.add_init_script(RECORD_SPEECH)
    kiosk.goto(f"{server.url}/kiosk/{server.hall_code}/pair/?token={server.kiosk_token}")
    kiosk.click("#find-window")
    kiosk.locator('#find-windows [data-counter="9"]').click()

    expect(kiosk.locator(".kroute-floor.is-current")).to_have_text("1楼")
    expect(_shown(kiosk)).to_have_attribute("data-level", "0")
    expect(_shown(kiosk).locator("polyline.route")).to_have_count(1)
    expect(_shown(kiosk).locator(".you-are-here")).to_contain_text("您在这里")
    expect(kiosk.locator("#kroute-steps li").first).to_contain_text("从一楼入口自助机出发")
    expect(kiosk.locator("#kroute-steps")).to_contain_text("走楼梯上到 2楼")
    turned = kiosk.locator(".kroute-map svg > g").first.get_attribute("transform")
    assert turned and turned.startswith("rotate(270"), turned  # the kiosk faces east: east is up
    screenshot(kiosk, "kiosk-find-window-9-ground-floor-zh-1080x1920.png")

    # Next, step by step: the map stays on 1F up to the stairs, then shows 2F (no reload).
    url = kiosk.url
    steps = kiosk.locator("#kroute-steps li")
    levels = [steps.nth(i).get_attribute("data-level") for i in range(steps.count())]
    assert levels[0] == "0" and levels[-1] == "1", levels
    for i in range(1, len(levels)):
        kiosk.click("#kroute-next")
        expect(kiosk.locator(".kroute-step.is-current")).to_have_attribute("data-index", str(i))
        expect(_shown(kiosk)).to_have_attribute("data-level", levels[i])
    assert kiosk.url == url
    expect(kiosk.locator(".kroute-floor.is-current")).to_have_text("2楼")
    expect(_shown(kiosk).locator("[data-counter='9']")).to_have_count(1)
    expect(_shown(kiosk).locator("polyline.route")).to_have_count(1)
    screenshot(kiosk, "kiosk-find-window-9-first-floor-zh-1080x1920.png")

    steps.first.locator("a").click()  # a tapped step brings its floor back
    expect(_shown(kiosk)).to_have_attribute("data-level", "0")

    # Read aloud: every step spoken in order, the map following the step being read.
    kiosk.click("#kroute-speak")
    kiosk.wait_for_function("n => window.__spoken.length >= n", arg=len(levels))
    spoken = kiosk.evaluate("window.__spoken")
    assert spoken[0].startswith("从一楼入口自助机出发") and "9 号窗口" in spoken[len(levels) - 1], spoken
    expect(_shown(kiosk)).to_have_attribute("data-level", "1")

    kiosk.click("#kroute-toggle")  # step-free: the lift
    expect(kiosk.locator("#kroute-steps")).to_contain_text("乘电梯到 2楼")
    expect(kiosk.locator("#kroute-steps")).not_to_contain_text("走楼梯")
    assert not recorder.errors(), recorder.errors()


def test_the_kiosk_route_in_english_and_large_print(asgi_site, new_page, recorder, screenshot):
    server = asgi_site
    kiosk = new_page(viewport=KIOSK, recorder=recorder)
    kiosk.goto(f"{server.url}/kiosk/{server.hall_code}/pair/?token={server.kiosk_token}")
    kiosk.goto(f"{server.url}/kiosk/{server.hall_code}/find/route/?to=counter:9&step=3")
    kiosk.locator(".lang-btn", has_text="English").click()
    expect(kiosk.locator("#kroute-steps")).to_contain_text("Take the stairs up to 2F")
    expect(_shown(kiosk)).to_have_attribute("data-level", "1")  # step 4 is upstairs
    screenshot(kiosk, "kiosk-find-window-9-first-floor-en-1080x1920.png")
    kiosk.click("#large-print")
    expect(kiosk.locator("html")).to_have_class(re.compile(r"\blarge-print\b"))
    box = _shown(kiosk).locator("svg").bounding_box()
    assert box["width"] <= KIOSK["width"] and box["height"] >= 400, box
    next_box = kiosk.locator("#kroute-next").bounding_box()
    assert next_box["x"] + next_box["width"] <= KIOSK["width"], next_box
    screenshot(kiosk, "kiosk-find-window-large-print-en-1080x1920.png")
    assert not recorder.errors(), recorder.errors()


def test_the_board_map_shows_the_floor_of_the_window_just_called(
    asgi_site, new_page, recorder, time_machine, screenshot
):
    time_machine.move_to(OPEN_HOUR, tick=True)
    server = asgi_site
    hall = Hall.objects.get(code=server.hall_code)
    clerk = Actor(user=get_user_model().objects.get(username="clerk"))
    plain = new_page(viewport=BOARD, recorder=recorder)
    plain.goto(f"{server.url}/display/{server.hall_code}/")
    expect(plain.locator("#live-dot")).to_have_attribute("data-state", "live")
    assert plain.locator("#board-map").count() == 0  # off by default

    board = new_page(viewport=BOARD, recorder=recorder)
    board.goto(f"{server.url}/display/{server.hall_code}/?map=1")
    expect(board.locator("#live-dot")).to_have_attribute("data-state", "live")
    expect(board.locator("#board-map")).to_be_hidden()  # nothing called yet

    downstairs = hall.counters.get(number="2")
    item = ServiceItem.objects.filter(hall=hall, counters=downstairs).first()
    queue.ticket_issue(actor=clerk, hall=hall, service_code=item.code)
    queue.counter_open(actor=clerk, counter=downstairs)
    called = queue.ticket_call_next(actor=clerk, counter=downstairs)
    floor = board.locator(".board-floor:not([hidden])")
    expect(board.locator("#board-map")).to_have_attribute("data-counter", "2")
    expect(floor).to_have_attribute("data-level", "0")
    expect(floor.locator(".pt-counter.is-called")).to_have_attribute("data-counter", "2")

    queue.ticket_start(actor=clerk, ticket=called)
    queue.ticket_complete(actor=clerk, ticket=called)  # the clerk then moves upstairs
    upstairs = hall.counters.get(number="12")
    queue.ticket_issue(actor=clerk, hall=hall, service_code=HOUSING_FUND)
    queue.counter_open(actor=clerk, counter=upstairs)
    queue.ticket_call_next(actor=clerk, counter=upstairs)
    expect(board.locator("#board-map")).to_have_attribute("data-counter", "12")
    expect(floor).to_have_attribute("data-level", "1")  # without reloading
    expect(floor.locator(".pt-counter.is-called")).to_have_attribute("data-counter", "12")
    expect(board.locator(".pt-counter.is-called")).to_have_count(1)
    map_box = board.locator("#board-map").bounding_box()
    call_box = board.locator("#call").bounding_box()
    assert map_box["y"] + map_box["height"] <= call_box["y"] + call_box["height"] + 1, (map_box, call_box)
    screenshot(board, "board-map-window-12-1920x1080.png")
    assert not recorder.errors(), recorder.errors()


def test_the_slip_says_where_the_windows_are_and_shows_the_way(
    asgi_site, new_page, recorder, time_machine, screenshot
):
    time_machine.move_to(OPEN_HOUR, tick=True)
    server = asgi_site
    kiosk = new_page(viewport=KIOSK, recorder=recorder)
    kiosk.goto(f"{server.url}/kiosk/{server.hall_code}/pair/?token={server.kiosk_token}")
    kiosk.goto(f"{server.url}/kiosk/{server.hall_code}/items/{HOUSING_FUND}/")
    kiosk.click("button.kbtn-take")
    kiosk.click("#identify-skip")  # the optional identify step
    expect(kiosk.locator("#slip-where")).to_contain_text("2楼")
    expect(kiosk.locator("#slip-where")).to_contain_text("12")
    screenshot(kiosk, "kiosk-slip-where-the-windows-are-zh-1080x1920.png")
    kiosk.click("#slip-way")
    expect(kiosk.locator("h1.kiosk-title")).to_contain_text("12")
    expect(kiosk.locator("#kroute-steps li").last).to_contain_text("12 号窗口")
    assert not recorder.errors(), recorder.errors()
