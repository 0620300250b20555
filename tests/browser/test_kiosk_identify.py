"""The kiosk's optional identify step in Chromium at 1080×1920 (issue 15): after "take a number" the
large skip button comes first; the ID is typed on the on-screen keypad (a wrong check character is
refused beside the field before anything is sent); the ticket is linked to the person; a second visit
finds the same record; the step and the slip in simplified Chinese and English."""

import datetime
import zoneinfo

import pytest
from playwright.sync_api import expect

from servicehall.customers.models import Person
from servicehall.queueing.models import Ticket
from tests.customers.conftest import make_id

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
OPEN_HOUR = datetime.datetime(2031, 3, 12, 10, 0, tzinfo=SHANGHAI)  # a Wednesday morning, the hall open
KIOSK = {"width": 1080, "height": 1920}
HOUSING_FUND = "12350199MB0J78962N-GG-001"


def _tap(page, text: str) -> None:
    for ch in text:
        page.locator(f'#kb .kb-key[data-key="{ch}"]').click()


def _to_step(kiosk, server):
    kiosk.goto(f"{server.url}/kiosk/{server.hall_code}/items/{HOUSING_FUND}/")
    kiosk.click("button.kbtn-take")
    expect(kiosk.locator("#identify-skip")).to_be_visible()


def test_identify_at_the_kiosk_links_the_ticket_and_skip_is_large(
    asgi_site, new_page, recorder, time_machine, screenshot
):
    time_machine.move_to(OPEN_HOUR, tick=True)
    server = asgi_site
    kiosk = new_page(viewport=KIOSK, recorder=recorder)
    kiosk.goto(f"{server.url}/kiosk/{server.hall_code}/pair/?token={server.kiosk_token}")
    linked = Ticket.objects.filter(customer_id__isnull=False).count()  # the demo's simulated visitors
    _to_step(kiosk, server)
    skip = kiosk.locator("#identify-skip").bounding_box()
    go = kiosk.locator("#identify-go").bounding_box()
    assert skip["width"] >= 900 and skip["height"] >= 110 and skip["y"] < go["y"]  # first and largest
    screenshot(kiosk, "kiosk-identify-zh-1080x1920.png")
    number = make_id("330106", "19520305", "123")
    kiosk.locator("#id_number").click()
    expect(kiosk.locator("#kb")).to_have_attribute("data-layout", "id")
    _tap(kiosk, number[:17] + ("0" if number[17] != "0" else "1"))
    kiosk.locator("#identify-go").click()
    expect(kiosk.locator("#id_number-error")).to_be_visible()  # refused before anything is sent
    assert Ticket.objects.filter(customer_id__isnull=False).count() == linked
    kiosk.locator('#kb [data-key="backspace"]').click()
    _tap(kiosk, number[17])
    expect(kiosk.locator("#id_number-error")).to_be_hidden()
    screenshot(kiosk, "kiosk-identify-typed-zh-1080x1920.png")
    kiosk.locator("#identify-go").click()
    expect(kiosk.locator(".slip-number")).to_be_visible()
    person = Person.objects.get(id_hint__startswith="330106", birth_year=1952)
    assert Ticket.objects.filter(customer_id=person.pk).count() == 1

    # The next citizen skips: one press, an anonymous number.
    before = Ticket.objects.count()
    _to_step(kiosk, server)
    kiosk.click("#identify-skip")
    expect(kiosk.locator(".slip-number")).to_be_visible()
    assert Ticket.objects.count() == before + 1 and Ticket.objects.order_by("-pk")[0].customer_id is None

    # In English, the same person again: the same record.
    english = new_page(viewport=KIOSK, recorder=recorder)
    english.goto(f"{server.url}/kiosk/{server.hall_code}/pair/?token={server.kiosk_token}")
    english.goto(f"{server.url}/kiosk/{server.hall_code}/items/{HOUSING_FUND}/")
    english.locator('form.lang-switch button[name="language"][value="en"]').first.click()
    expect(english.locator('form.lang-switch button[value="en"]')).to_have_attribute("aria-current", "true")
    _to_step(english, server)
    expect(english.locator("#identify-skip")).to_contain_text("Skip")
    screenshot(english, "kiosk-identify-en-1080x1920.png")
    english.locator("#id_number").click()
    _tap(english, number)
    english.locator("#identify-go").click()
    expect(english.locator(".slip-number")).to_be_visible()
    assert Ticket.objects.filter(customer_id=person.pk).count() == 2 and Person.objects.count() >= 1
    assert Person.objects.filter(id_hint__startswith="330106", birth_year=1952).count() == 1
    errors = [e for e in recorder.errors() if "status of 422" not in e]
    assert not errors, errors
