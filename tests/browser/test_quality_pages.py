"""好差评 in Chromium: a service is completed at window 2, the pad there wakes and the citizen rates it
(a bad rating needs a reason); the phone then offers the questionnaire; the quality office sees the case
and weighs the dimensions by AHP."""

import datetime
import re
import zoneinfo

import pytest
from playwright.sync_api import expect

from tests.browser.test_queue_pages import KIOSK, PHONE, _kiosk_take, _open_window, _serve_next, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
OPEN_HOUR = datetime.datetime(2031, 3, 12, 10, 0, tzinfo=SHANGHAI)
PAD = {"width": 1280, "height": 800}


def test_rate_at_the_pad_then_answer_the_questionnaire_and_the_office_sees_it(
    asgi_site, new_page, recorder, time_machine, screenshot
):
    from servicehall.core.models import Device

    server = asgi_site
    time_machine.move_to(OPEN_HOUR, tick=True)
    pad_token = [raw for name, raw in server.tokens.items() if "评价器" in name][0]
    pad = new_page(viewport=PAD, recorder=recorder)
    pad.goto(f"{server.url}/pad/{server.hall_code}/pair/?token={pad_token}")
    expect(pad.locator(".pad-idle")).to_be_visible()
    assert Device.objects.filter(kind="rating_pad").count() == 1

    kiosk = new_page(viewport=KIOSK, recorder=recorder)
    kiosk.goto(f"{server.url}/kiosk/{server.hall_code}/pair/?token={server.kiosk_token}")
    number, track_url = _kiosk_take(kiosk, server, "社会保障卡申领", phone="13812345678")

    console = _open_window(new_page, recorder, server)
    assert re.search(r"2", console.locator("h1").inner_text())
    _serve_next(console, number)

    # The pad at window 2 wakes by itself and asks about this service; nothing is chosen in advance.
    expect(pad.locator(".pad-ticket")).to_contain_text(number, timeout=10_000)
    assert pad.locator("input[name=level]:checked").count() == 0
    pad.locator(".rate-level", has_text="不满意").first.click()
    pad.locator("button.rate-submit").click()
    expect(pad.locator("#e-tags")).to_be_visible()  # a bad rating needs a reason
    pad.locator(".rate-level", has_text="不满意").first.click()
    pad.locator(".rate-tags:not([hidden]) .rate-tag", has_text="等候时间长").click()
    screenshot(pad, "pad-rating-zh.png")
    pad.locator("button.rate-submit").click()
    expect(pad.locator("[data-thanks]")).to_be_visible()

    phone = new_page(viewport=PHONE, recorder=recorder)
    phone.goto(track_url)
    expect(phone.locator("#t-rate")).to_be_visible()
    phone.locator("#t-rate a").click()
    expect(phone.locator(".book-ok")).to_be_visible()  # already rated at the pad
    phone.locator("a.rate-link").click()
    for item in phone.locator("fieldset.q-item").all()[:5]:
        item.locator(".q-point", has_text="4").click()
    screenshot(phone, "questionnaire-zh.png")
    phone.locator("button.rate-submit").click()
    expect(phone.locator(".book-ok")).to_be_visible()

    office = new_page(recorder=recorder)
    _sign_in(office, server, "manager")
    office.goto(f"{server.url}/staff/{server.hall_code}/quality/")
    expect(office.locator("table")).to_contain_text(number)
    expect(office.locator("table")).to_contain_text("等候时间长")
    screenshot(office, "quality-office-zh.png", full_page=True)
    office.locator(".link-list a[href*='/quality/systems/']").first.click()
    expect(office.locator("table.q-tree")).to_contain_text("服务效率")
    screenshot(office, "indicator-system-zh.png", full_page=True)

    # The report of the day: the page, then its PDF downloaded as a user would.
    office.goto(f"{server.url}/staff/{server.hall_code}/quality/report/?from=2031-03-12&to=2031-03-12")
    expect(office.locator(".q-index")).to_be_visible()
    expect(office.locator(".q-radar svg")).to_be_visible()
    screenshot(office, "quality-report-zh.png", full_page=True)
    with office.expect_download() as download:
        office.locator("a.btn", has_text="PDF").click()
    path = download.value.path()
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    from pypdf import PdfReader

    first = PdfReader(path).pages[0].extract_text()
    assert "服务质量报告" in first and "青山区政务服务中心" in first
    _render_first_page(path)
    errors = [e for e in recorder.errors() if "status of 422" not in e]
    assert not errors, errors


def test_the_pad_shows_the_latest_completed_service_after_two_completions_at_its_window(
    asgi_site, chromium, new_page, recorder, time_machine, screenshot
):
    """Issue 12: the pad went stale. A citizen leaves without rating; the next service at the same window
    is completed: the pad shows the new one at once, live, and a pad whose event stream is cut shows it
    too (its poll). The hall has turned on 亮证, so the clerk who served is named."""
    from servicehall.core.actors import Actor
    from servicehall.core.models import Hall, User
    from servicehall.quality import services
    from servicehall.quality.models import Rating

    server = asgi_site
    time_machine.move_to(OPEN_HOUR, tick=True)
    manager = Actor(user=User.objects.get(username="manager"))
    services.settings_update(
        actor=manager, hall=Hall.objects.get(code=server.hall_code), pad_clerk_card="full"
    )
    pad_token = [raw for name, raw in server.tokens.items() if "评价器" in name][0]
    pad = new_page(viewport=PAD, recorder=recorder)
    pad.goto(f"{server.url}/pad/{server.hall_code}/pair/?token={pad_token}")
    expect(pad.locator(".pad-idle")).to_be_visible()
    # A second pad screen, in English, whose event stream never gets through: only its poll is left.
    cut_off = chromium.new_context(viewport=PAD, locale="en-US", timezone_id="Asia/Shanghai")
    cut_off.route("**/events**", lambda route: route.abort())
    pad_en = cut_off.new_page()
    pad_en.goto(f"{server.url}/pad/{server.hall_code}/pair/?token={pad_token}")
    expect(pad_en.locator(".pad-idle")).to_be_visible()

    kiosk = new_page(viewport=KIOSK, recorder=recorder)
    kiosk.goto(f"{server.url}/kiosk/{server.hall_code}/pair/?token={server.kiosk_token}")
    first, _track = _kiosk_take(kiosk, server, "社会保障卡申领")
    second, _track = _kiosk_take(kiosk, server, "社会保障卡申领")
    console = _open_window(new_page, recorder, server)
    _serve_next(console, first)
    expect(pad.locator(".pad-ticket")).to_contain_text(first, timeout=10_000)
    pad.locator(".rate-level", has_text="满意").first.click()  # begun, never sent: the citizen left

    _serve_next(console, second)
    expect(pad.locator(".pad-ticket")).to_contain_text(second, timeout=10_000)
    expect(pad.locator(".pad-ticket")).not_to_contain_text(first)
    assert pad.locator("input[name=level]:checked").count() == 0  # the new form starts empty
    expect(pad.locator("[data-clerk]")).to_contain_text("李窗口")
    expect(pad.locator("[data-clerk]")).to_contain_text("QS0207")
    screenshot(pad, "pad-latest-service-zh.png")
    expect(pad_en.locator(".pad-ticket")).to_contain_text(second, timeout=20_000)
    expect(pad_en.locator("[data-clerk]")).to_contain_text("QS0207")
    screenshot(pad_en, "pad-latest-service-en.png")

    # A form for the first ticket that outlived its screen (a stale page) is refused, kindly, and the
    # current service is shown in its place, nothing chosen.
    from servicehall.queueing.models import Ticket

    stale_id = Ticket.objects.get(number=first, counter__number="2", completed_at__gte=OPEN_HOUR).public_id
    pad.locator("input[name=ticket]").evaluate("(input, value) => { input.value = value; }", stale_id)
    pad.locator(".rate-level", has_text="满意").first.click()
    pad.locator("button.rate-submit").click()
    expect(pad.locator("[role=alert]")).to_contain_text(first)
    expect(pad.locator(".pad-ticket")).to_contain_text(second)
    assert pad.locator("input[name=level]:checked").count() == 0
    screenshot(pad, "pad-stale-form-refused-zh.png")
    assert not Rating.objects.filter(rated_at__gte=OPEN_HOUR).exists()

    pad.locator(".rate-level", has_text="非常满意").first.click()
    pad.locator("button.rate-submit").click()
    expect(pad.locator("[data-thanks]")).to_be_visible()
    rating = Rating.objects.get(rated_at__gte=OPEN_HOUR)  # the demo's own ratings are older
    assert rating.ticket.number == second and rating.channel == "pad"
    # The thank-you screen goes back to waiting by itself, with the clerk signed in at the window.
    expect(pad.locator(".pad-idle [data-clerk]")).to_be_visible(timeout=15_000)
    screenshot(pad, "pad-idle-clerk-zh.png")
    expect(pad_en.locator(".pad-idle")).to_be_visible(timeout=20_000)  # rated: the other screen waits
    screenshot(pad_en, "pad-idle-clerk-en.png")
    cut_off.close()
    errors = [e for e in recorder.errors() if "status of 409" not in e]  # the refused stale form
    assert not errors, errors


def test_rate_at_the_kiosk_by_touch_with_the_on_screen_keypad(
    asgi_site, new_page, recorder, time_machine, screenshot
):
    from servicehall.quality.models import Rating

    server = asgi_site
    time_machine.move_to(OPEN_HOUR, tick=True)
    kiosk = new_page(viewport=KIOSK, recorder=recorder)
    kiosk.goto(f"{server.url}/kiosk/{server.hall_code}/pair/?token={server.kiosk_token}")
    number, track_url = _kiosk_take(kiosk, server, "社会保障卡申领")
    _serve_next(_open_window(new_page, recorder, server), number)

    # At the kiosk: "rate a service", the number and the slip's rating code typed on the keypad (no
    # keyboard on a touch screen).
    from servicehall.queueing.models import rating_code_for

    typed = number + rating_code_for(track_url.rstrip("/").rsplit("/", 1)[-1])
    kiosk.goto(f"{server.url}/kiosk/{server.hall_code}/")
    kiosk.locator("a.kbtn", has_text="评价服务").click()
    for ch in typed:
        key = kiosk.locator(f'#kb .kb-key[data-key="{ch}"]')
        box = key.bounding_box()
        assert box["width"] >= 48 and box["height"] >= 48  # touch-sized
        key.click()
    expect(kiosk.locator("#lookup")).to_have_value(typed)
    kiosk.locator("button.kbtn-take").click()
    expect(kiosk.locator(".pad-ticket")).to_contain_text(number)
    assert kiosk.locator("input[name=level]:checked").count() == 0  # nothing chosen in advance
    level = kiosk.locator(".rate-level", has_text="非常满意").first
    assert level.bounding_box()["height"] >= 48
    level.click()
    screenshot(kiosk, "kiosk-rate-levels-zh.png")
    # The comment: a quick phrase (no Chinese input on a kiosk) and a few letters, by touch.
    kiosk.locator("textarea[name=comment]").click()
    expect(kiosk.locator("#kb")).to_have_attribute("data-layout", "text")
    phrase = kiosk.locator("#kb .kb-phrase").first
    said = phrase.get_attribute("data-text")
    phrase.click()
    for ch in " ok":
        kiosk.locator(f'#kb .kb-key[data-key="{ch}"]').click()
    expect(kiosk.locator("textarea[name=comment]")).to_have_value(said + " ok")
    screenshot(kiosk, "kiosk-rate-comment-zh.png")
    kiosk.locator('#kb [data-key="done"]').click()
    kiosk.locator("button.kbtn-take").click()
    expect(kiosk.locator("[data-thanks]")).to_be_visible()
    rating = Rating.objects.get(ticket__public_id=track_url.rstrip("/").rsplit("/", 1)[-1])
    assert rating.channel == "kiosk" and rating.level == 5
    assert rating.comment == said + " ok"
    errors = [e for e in recorder.errors() if "status of 422" not in e]
    assert not errors, errors


def _render_first_page(path) -> None:
    """With SERVICEHALL_SCREENSHOTS=1 (and poppler's pdftoppm), keep the PDF's first page as a PNG to look
    at."""
    import os
    import shutil
    import subprocess

    from tests.browser.conftest import SCREENSHOT_DIR

    if os.environ.get("SERVICEHALL_SCREENSHOTS") == "1" and shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(path),
                str(SCREENSHOT_DIR / "quality-report-pdf-page1"),
            ],
            check=True,
        )
