"""Customer records and feedback in Chromium (issue 15): a citizen leaves a complaint on a phone and
follows it; the manager accepts, assigns, answers; the citizen reads the answer and rates the handling;
and a clerk sees a returning person's history on the counter console after identifying them."""

import datetime
import re
import zoneinfo

import pytest
from playwright.sync_api import expect

from tests.browser.test_queue_pages import _open_window, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
OPEN_HOUR = datetime.datetime(2031, 3, 12, 10, 0, tzinfo=SHANGHAI)  # a Wednesday, the hall is open
PHONE = {"width": 390, "height": 844}
MOBILE = "13912345678"
RESIDENT_ID = "11010519491231002X"  # GB 11643's own example
SOCIAL_SECURITY_CARD = "社会保障卡申领"


def test_a_citizen_complains_on_the_phone_and_the_manager_answers_and_closes(
    site, new_page, recorder, screenshot, time_machine
):
    time_machine.move_to(OPEN_HOUR, tick=True)
    phone = new_page(PHONE, recorder)
    phone.goto(site.path(f"/feedback/{site.hall_code}/"))
    phone.select_option("#f-type", "complaint")
    phone.select_option("#f-subject", "environment")
    phone.fill("#f-text", "二楼等候区空调不制冷，老人等得很辛苦。")
    phone.fill("#f-phone", MOBILE)
    screenshot(phone, "feedback-leave-phone.png", full_page=True)
    phone.click("form.book-form button[type=submit]")
    code = phone.locator("#fb-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{8}", code)
    screenshot(phone, "feedback-received-phone.png")
    phone.locator("a.bbtn").click()
    phone.fill("#f-phone", MOBILE)
    phone.click("form.book-form button[type=submit]")
    expect(phone.locator("#fb-status")).to_be_visible()
    # No horizontal scrolling on a phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    manager = new_page(recorder=recorder)
    _sign_in(manager, site, "manager")
    manager.goto(site.path(f"/staff/{site.hall_code}/feedback/"))
    manager.locator("a", has_text=code).click()
    manager.click("[data-step=accept]")
    manager.fill("input[name=department]", "后勤保障科")
    manager.click("[data-step=assign]")
    manager.fill("textarea[name=reply]", "已联系物业检修，空调已恢复，感谢您的监督。")
    manager.click("[data-step=answer]")
    expect(manager.locator("#fb-status")).to_have_attribute("data-status", "answered")
    screenshot(manager, "feedback-staff-item.png", full_page=True)

    phone.goto(site.path(f"/feedback/track/?code={code}"))
    phone.fill("#f-phone", MOBILE)
    phone.click("form.book-form button[type=submit]")
    expect(phone.locator("#fb-reply")).to_contain_text("空调已恢复")
    screenshot(phone, "feedback-track-answered-phone.png", full_page=True)
    phone.locator("button[name=rating][value=satisfied]").click()
    expect(phone.locator("#fb-status")).to_have_attribute("class", re.compile("fb-closed"))
    assert not recorder.errors(), recorder.errors()


def test_the_clerk_sees_a_returning_persons_history_on_the_console(
    asgi_site, new_page, recorder, screenshot, time_machine
):
    from django.contrib.auth import get_user_model

    from servicehall.catalog.models import ServiceItem
    from servicehall.core.actors import Actor
    from servicehall.core.models import Counter, Hall
    from servicehall.customers.services import ticket_citizen_identify
    from servicehall.queueing import services

    server = asgi_site
    hall = Hall.objects.get(code=server.hall_code)
    item = ServiceItem.objects.get(hall=hall, name=SOCIAL_SECURITY_CARD)
    clerk = Actor(user=get_user_model().objects.get(username="clerk"))
    window = Counter.objects.filter(hall=hall, name="社保医保窗口").order_by("floor__level", "id").first()
    # Last week: the same person came for the same matter and was sent home for missing materials.
    time_machine.move_to(OPEN_HOUR - datetime.timedelta(days=7), tick=False)
    old = services.ticket_issue(actor=clerk, hall=hall, service_code=item.code, channel="counter")
    services.counter_open(actor=clerk, counter=window)
    services.ticket_call_next(actor=clerk, counter=window)
    ticket_citizen_identify(actor=clerk, ticket=old, id_number=RESIDENT_ID)
    services.ticket_start(actor=clerk, ticket=old)
    services.ticket_complete(actor=clerk, ticket=old, outcome="materials_missing")
    services.counter_close(actor=clerk, counter=window)
    time_machine.move_to(OPEN_HOUR, tick=True)
    today = services.ticket_issue(actor=clerk, hall=hall, service_code=item.code, channel="counter")

    console = _open_window(new_page, recorder, server)
    console.keyboard.press("n")
    expect(console.locator("#cur-number")).to_have_text(today.number)
    expect(console.locator("#citizen-form")).to_be_visible()
    # the other panels follow the same ticket: the case link points at it
    expect(console.locator("#console-case-link")).to_have_attribute("href", re.compile(today.public_id))
    console.fill("#citizen-id", RESIDENT_ID)
    console.locator("#citizen-form button").click()
    hint = console.locator("#citizen-hint")
    expect(hint).to_be_visible()
    last_week = (OPEN_HOUR - datetime.timedelta(days=7)).strftime("%m-%d")
    expect(hint).to_contain_text(last_week)
    expect(hint).to_contain_text("1")
    expect(console.locator("#citizen-who")).to_contain_text("110105********002X")
    assert RESIDENT_ID not in console.content()
    screenshot(console, "customers-console-returning-citizen.png")

    # The same person's history on the staff pages, found by the exact number, masked.
    console.goto(f"{server.url}/staff/{server.hall_code}/customers/")
    console.fill("#id_id_number", RESIDENT_ID)
    console.locator("form.filters button[type=submit]").click()
    console.locator("td a", has_text="—").first.click()
    expect(console.locator("ol.timeline li.tl-ticket")).to_have_count(2)
    expect(console.locator("ol.timeline")).to_contain_text(old.number)
    assert RESIDENT_ID not in console.content()
    screenshot(console, "customers-person-history.png", full_page=True)
    assert not recorder.errors(), recorder.errors()
