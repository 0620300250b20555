"""The phone's way to the window in Chromium: the tracking page of a called ticket offers "show me the
way"; the route page draws the floor, lists the steps with the level change naming the floor, and the
floor shown follows the step the citizen taps; the step-free route takes the lift."""

import datetime
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from servicehall.core.actors import Actor
from servicehall.core.models import Hall
from servicehall.queueing import services as queue

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
OPEN_HOUR = datetime.datetime(2031, 3, 12, 10, 0, tzinfo=SHANGHAI)  # a Wednesday morning, the hall open
PHONE = {"width": 390, "height": 844}
HOUSING_FUND = "12350199MB0J78962N-GG-001"  # served at window 12, upstairs in the demo hall


def test_the_phone_shows_the_way_to_the_window_once_called(
    site, new_page, recorder, screenshot, time_machine
):
    time_machine.move_to(OPEN_HOUR, tick=True)
    hall = Hall.objects.get(code=site.hall_code)
    clerk = Actor(user=get_user_model().objects.get(username="clerk"))
    ticket = queue.ticket_issue(actor=clerk, hall=hall, service_code=HOUSING_FUND)
    phone = new_page(viewport=PHONE, recorder=recorder)
    phone.goto(site.path(f"/t/{ticket.public_id}/"))
    expect(phone.locator("#track-card")).to_have_attribute("data-status", "waiting")
    expect(phone.locator("#track-way")).to_be_hidden()  # not before the call

    counter = hall.counters.get(number="12")
    queue.counter_open(actor=clerk, counter=counter)
    queue.ticket_call_next(actor=clerk, counter=counter)
    phone.reload()
    expect(phone.locator("#track-card")).to_have_attribute("data-status", "called")
    expect(phone.locator("#t-way")).to_be_visible()
    screenshot(phone, "nav-phone-called-show-me-the-way-zh.png")

    phone.click("#t-way")
    expect(phone.locator("#nav-steps")).to_contain_text("走楼梯上到 2楼")
    expect(phone.locator("#nav-steps li").last).to_contain_text("12 号窗口")
    expect(phone.locator(".nav-floor.is-current")).to_have_text("1楼")
    expect(phone.locator("svg.nav-map polyline.route")).to_have_count(1)
    screenshot(phone, "nav-phone-route-ground-floor-zh.png")

    phone.locator(".nav-step-level a").click()  # tapping "up to 2F" shows 2F
    expect(phone.locator(".nav-floor.is-current")).to_have_text("2楼")
    expect(phone.locator("svg.nav-map [data-counter='12']")).to_have_count(1)
    expect(phone.locator("svg.nav-map polyline.route")).to_have_count(1)
    screenshot(phone, "nav-phone-route-first-floor-zh.png")

    phone.click("#nav-toggle")  # the step-free route
    expect(phone.locator("#nav-steps")).to_contain_text("乘电梯到 2楼")
    expect(phone.locator("#nav-steps")).not_to_contain_text("楼梯")
    assert recorder.errors() == []


def test_an_unknown_window_is_a_404_page_not_a_crash(site, new_page, recorder):
    phone = new_page(viewport=PHONE, recorder=recorder)
    response = phone.goto(site.path(f"/route/{site.hall_code}/?to=counter:99"))
    assert response.status == 404
