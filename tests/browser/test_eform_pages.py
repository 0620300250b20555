"""Electronic forms in Chromium (issue 16): a citizen fills the social security card form on a phone
(390×844), the postal address appears only when "by post" is chosen, saves a draft, resumes it on
another phone by code + mobile, uploads the photo and finishes it; the clerk links it to the called
ticket on the console, sees the answers, opens the photo and gets the PDF on the official layout."""

import datetime
import re
import zoneinfo

import pytest
from playwright.sync_api import expect

from tests.browser.test_queue_pages import _open_window

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
OPEN_HOUR = datetime.datetime(2031, 3, 12, 10, 0, tzinfo=SHANGHAI)  # a Wednesday, the hall is open
PHONE = {"width": 390, "height": 844}
MOBILE = "13912345678"
RESIDENT_ID = "11010519491231002X"
SOCIAL_SECURITY_CARD = "11350199MB0A12345K-GG-003"  # 社会保障卡申领, served at the 社保医保 windows


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (60, 80), (200, 210, 230)).save(out, format="PNG")
    return out.getvalue()


def test_a_citizen_fills_on_the_phone_resumes_and_the_clerk_prints_it(
    asgi_site, new_page, recorder, screenshot, time_machine
):
    from django.contrib.auth import get_user_model

    from servicehall.core.actors import Actor
    from servicehall.core.models import Hall
    from servicehall.queueing import services

    time_machine.move_to(OPEN_HOUR, tick=True)
    server = asgi_site
    url = f"{server.url}/forms/{server.hall_code}/{SOCIAL_SECURITY_CARD}/"
    phone = new_page(PHONE, recorder)
    phone.goto(url)
    phone.fill("#f-name", "张三")
    phone.fill("#f-id_number", RESIDENT_ID.lower())
    expect(phone.locator("#row-post_address")).to_be_hidden()
    phone.locator("input[name=f_delivery][value=post]").check()
    expect(phone.locator("#row-post_address")).to_be_visible()
    phone.fill("#f-post_address", "青山区文化路 1 号")
    phone.fill("#f-phone", MOBILE)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "eforms-fill-phone.png", full_page=True)
    phone.click("button[value=save]")
    code = phone.locator(".book-ok .ecode").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{8}", code)

    other = new_page(PHONE, recorder)
    other.goto(url + "?resume=1")
    other.fill("#r-code", code)
    other.fill("#r-mobile", MOBILE)
    other.click("form.eresume button[type=submit]")
    expect(other.locator("#f-name")).to_have_value("张三")
    expect(other.locator("#f-post_address")).to_have_value("青山区文化路 1 号")
    other.locator("input[name=f_reason][value=first]").check()
    # The photo is uploaded rather than brought: choosing the file ticks "upload it now".
    other.set_input_files(
        "#f-photo", files=[{"name": "photo.png", "mimeType": "image/png", "buffer": _png()}]
    )
    expect(other.locator("#row-photo .efile-chosen")).to_have_text("photo.png")
    expect(other.locator("input[name=f_photo][value=upload]")).to_be_checked()
    assert other.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(other, "eforms-upload-phone.png", full_page=True)
    other.click("button[value=complete]")
    expect(other.locator("#form-code")).to_have_text(code)
    screenshot(other, "eforms-done-phone.png")

    hall = Hall.objects.get(code=server.hall_code)
    clerk = Actor(user=get_user_model().objects.get(username="clerk"))
    ticket = services.ticket_issue(
        actor=clerk, hall=hall, service_code=SOCIAL_SECURITY_CARD, channel="counter"
    )
    console = _open_window(new_page, recorder, server)
    console.keyboard.press("n")
    expect(console.locator("#cur-number")).to_have_text(ticket.number)
    console.fill("#eform-code", code.lower())
    console.locator("#eform-link button").click()
    answers = console.locator("#eform-answers")
    expect(answers).to_contain_text("张三")
    expect(answers).to_contain_text(RESIDENT_ID)
    photo = answers.locator("a.eform-file")
    expect(photo).to_have_count(1)
    screenshot(console, "eforms-console.png", full_page=True)
    served = console.request.get(server.url + photo.get_attribute("href"))
    assert served.status == 200 and served.body().startswith(b"\x89PNG")
    href = console.get_attribute("#eform-pdf", "href")
    pdf = console.request.get(server.url + href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    assert not recorder.errors(), recorder.errors()


def test_a_citizen_fills_the_form_from_their_record_on_the_phone(
    asgi_site, new_page, recorder, screenshot, time_machine
):
    """The texted code proves the record; the fields the item may collect arrive filled in."""
    from django.contrib.auth import get_user_model

    from servicehall.core.actors import Actor
    from servicehall.core.models import Hall
    from servicehall.customers.services import person_identify
    from servicehall.eforms.models import FilledForm
    from tests.conftest import sent_texts

    time_machine.move_to(OPEN_HOUR, tick=True)
    server = asgi_site
    hall = Hall.objects.get(code=server.hall_code)
    clerk = Actor(user=get_user_model().objects.get(username="clerk"))
    person, _new = person_identify(actor=clerk, hall=hall, id_number=RESIDENT_ID, name="李四", phone=MOBILE)
    phone = new_page(PHONE, recorder)
    phone.goto(f"{server.url}/forms/{server.hall_code}/{SOCIAL_SECURITY_CARD}/")
    phone.click("#proof-link")
    phone.fill("#p-id", RESIDENT_ID)
    phone.fill("#p-phone", MOBILE)
    phone.click("button[value=proof-send]")
    expect(phone.locator("#proof-sent")).to_be_visible()
    code = re.search(r"\b(\d{6})\b", sent_texts()[-1]["text"]).group(1)
    phone.fill("#p-otp", code)
    phone.click("button[value=proof-verify]")
    expect(phone.locator("#proof-done")).to_be_visible()
    expect(phone.locator("#f-name")).to_have_value("李四")
    expect(phone.locator("#f-id_number")).to_have_value(RESIDENT_ID)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "eforms-from-record-phone.png", full_page=True)
    phone.locator("input[name=f_reason][value=first]").check()
    phone.locator("input[name=f_delivery][value=window]").check()
    phone.click("button[value=complete]")
    expect(phone.locator("#form-code")).to_be_visible()
    assert (
        FilledForm.objects.get(code=phone.locator("#form-code").inner_text().strip()).person_id == person.pk
    )
    assert not recorder.errors(), recorder.errors()
