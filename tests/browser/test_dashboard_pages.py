"""The live hall dashboard in Chromium (issue 18), served by the ASGI application with its event stream:
a ticket issued and then called changes the page without a reload, and an alert appears with its advice
when a queue passes its threshold, then clears by itself when the ticket is called."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_queue_pages import BOARD, OPEN_HOUR, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _hall_and_clerk(server):
    from django.contrib.auth import get_user_model

    from servicehall.core.actors import Actor
    from servicehall.core.models import Hall

    hall = Hall.objects.get(code=server.hall_code)
    return (
        hall,
        Actor(user=get_user_model().objects.get(username="clerk")),
        Actor(user=get_user_model().objects.get(username="manager")),
    )


def test_the_dashboard_follows_the_hall_and_shows_an_alert_until_it_clears(
    asgi_site, new_page, recorder, time_machine, screenshot
):
    from servicehall.analytics import services
    from servicehall.queueing import services as queue

    time_machine.move_to(OPEN_HOUR, tick=True)
    server = asgi_site
    hall, clerk, manager = _hall_and_clerk(server)
    counter = hall.counters.get(number="12")
    item = counter.service_items.first()
    page = new_page(viewport=BOARD, recorder=recorder)
    _sign_in(page, server, "manager")
    page.goto(f"{server.url}/staff/{server.hall_code}/analytics/dashboard/")
    expect(page.locator("#dash-dot")).to_have_attribute("data-state", "live")
    waiting = page.locator(f"#svc-{item.code} [data-field=waiting]")
    before = int(waiting.inner_text())

    off = dict(wait_minutes=0, waiting_count=0, idle_minutes=0, pause_minutes=0, appointment_grace_minutes=0)
    services.alert_settings_update(actor=manager, hall=hall, **off)
    services.alert_rules_set(
        actor=manager, hall=hall, rows=[{"service": item.code, "waiting_count": before + 1}]
    )
    queue.ticket_issue(actor=clerk, hall=hall, service_code=item.code)
    expect(waiting).to_have_text(str(before + 1))  # from the stream, no reload

    services.alerts_sweep(hall=hall)
    alert = page.locator(".dash-alert[data-kind=many_waiting]")
    expect(alert).to_be_visible()
    expect(alert.locator(".dash-advice")).to_contain_text("12")  # window 12 serves it and is closed
    screenshot(page, "analytics-dashboard-alert-zh-1920x1080.png")

    queue.counter_open(actor=clerk, counter=counter)
    queue.ticket_call_next(actor=clerk, counter=counter)
    expect(waiting).to_have_text(str(before))
    expect(page.locator("#counter-12")).to_have_attribute("data-activity", "serving")
    services.alerts_sweep(hall=hall)
    expect(alert).to_have_count(0)
    expect(page.locator("#dash-no-alerts")).to_be_visible()
    assert recorder.errors() == []
