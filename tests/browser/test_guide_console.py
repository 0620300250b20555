"""Operating guides in Chromium (issue 17): the counter console shows the published guide of the current
ticket's item one key away (G), and a clerk opens a special-event checklist (E), ticks steps and logs
the use, which the manager's log then lists."""

import datetime
import zoneinfo

import pytest
from playwright.sync_api import expect

from tests.browser.test_queue_pages import _open_window, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
OPEN_HOUR = datetime.datetime(2031, 3, 12, 10, 0, tzinfo=SHANGHAI)  # a Wednesday, the hall is open
SOCIAL_SECURITY_CARD = "社会保障卡申领"


def test_the_console_shows_the_guide_and_a_clerk_logs_a_procedure_use(
    asgi_site, new_page, recorder, screenshot, time_machine
):
    from django.contrib.auth import get_user_model

    from servicehall.catalog.models import ServiceItem
    from servicehall.core.actors import Actor
    from servicehall.core.models import Hall
    from servicehall.guides.models import ProcedureUse
    from servicehall.queueing import services

    server = asgi_site
    hall = Hall.objects.get(code=server.hall_code)
    item = ServiceItem.objects.get(hall=hall, name=SOCIAL_SECURITY_CARD)
    time_machine.move_to(OPEN_HOUR, tick=True)
    clerk = Actor(user=get_user_model().objects.get(username="clerk"))
    ticket = services.ticket_issue(actor=clerk, hall=hall, service_code=item.code, channel="counter")

    console = _open_window(new_page, recorder, server)
    expect(console.locator("#guide-open")).to_be_disabled()  # no ticket yet
    console.keyboard.press("n")
    expect(console.locator("#cur-number")).to_have_text(ticket.number)
    expect(console.locator("#guide-open")).to_be_enabled()
    console.keyboard.press("g")
    dialog = console.locator("#guide-dialog")
    expect(dialog).to_be_visible()
    expect(console.locator("#guide-title")).to_have_text(SOCIAL_SECURITY_CARD)
    expect(console.locator("#guide-steps li")).to_have_count(4)
    expect(console.locator("#guide-checks dt")).to_have_count(item.materials.count())
    expect(console.locator("#guide-fields [data-field]")).to_have_count(3)
    screenshot(console, "guides-console-guide-zh.png")
    console.keyboard.press("n")  # letters belong to the open dialog: no call happens
    console.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(console.locator("#cur-number")).to_have_text(ticket.number)

    console.keyboard.press("e")
    console.locator("[data-procedure]", has_text="系统故障时手工叫号").click()
    form = console.locator("form.procedure-run:visible")
    boxes = form.locator("input[name=tick]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    form.locator("textarea[name=happened]").fill("   ")
    form.locator("button[type=submit]").click()
    expect(form.locator(".field-error[data-for=happened]")).not_to_be_empty()  # the server's 422, beside it
    form.locator("textarea[name=happened]").fill("叫号系统断网，改为纸质号票")
    form.locator("input[name=outcome]").fill("10分钟后恢复")
    form.locator("button[type=submit]").click()
    expect(form.locator(".guide-logged")).to_be_visible()
    screenshot(console, "guides-console-procedure-zh.png")
    use = ProcedureUse.objects.filter(happened="叫号系统断网，改为纸质号票").get()
    assert use.ticked == 2 and use.counter.name == "社保医保窗口" and use.user.username == "clerk"

    manager = new_page(recorder=recorder)
    _sign_in(manager, server, "manager")
    manager.goto(f"{server.url}/staff/{server.hall_code}/guides/uses/")
    expect(manager.locator("#uses")).to_contain_text("叫号系统断网，改为纸质号票")
    errors = [e for e in recorder.errors() if "status of 422" not in e]  # the refused blank log above
    assert not errors, errors
