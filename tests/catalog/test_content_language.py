"""The hall's own content in the reader's language: English pages show the English names the catalogue
carries (service, materials, department, category, steps, windows, hall, ticket classes), 繁體 pages show
the simplified text converted to traditional characters, and counts are plural-aware ("1 copy")."""

import datetime
import io
import zoneinfo

import pytest
from pypdf import PdfReader

from servicehall.catalog.models import ServiceItem
from servicehall.core import services as core_services
from servicehall.core.models import Counter
from servicehall.queueing import services as queue_services

pytestmark = pytest.mark.django_db

PASSPORT = "11350199MB0F34538T-XK-001"
UNEMPLOYMENT = "11350199MB0A12345K-JF-002"
PENSION = "11350199MB0A12345K-GG-001"
# A Wednesday morning in the hall's time zone: the hall is open, whatever the day the tests run.
MORNING = datetime.datetime(2030, 3, 6, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


def _page(client, url, language):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def english_hall(admin_actor, hall_a, catalog_a):
    """Hall A with the demo catalogue, English names for the hall and its windows."""
    core_services.hall_update(actor=admin_actor, hall=hall_a, name_en="Jia District Service Centre")
    for counter in Counter.objects.filter(hall=hall_a):
        core_services.counter_update(actor=admin_actor, counter=counter, name_en=f"Window {counter.number}")
    hall_a.refresh_from_db()
    return hall_a


def test_the_item_page_in_english_names_the_service_its_materials_department_and_steps(client, english_hall):
    text = _page(client, f"/catalog/{english_hall.code}/items/{PASSPORT}/", "en")
    assert "Issuing an ordinary passport" in text
    assert "Resident identity card" in text
    assert "Previous passport" in text  # a conditional material
    assert "Applying for a family-visit" not in text  # (that condition belongs to another item)
    assert "If: Replacing a passport or applying while one is still valid" in text
    assert "Qingshan Exit-Entry Administration Unit" in text
    assert "Exit and entry" in text  # the category in the crumbs
    assert "Collect" in text and "Apply" in text  # handling steps
    assert "CNY 120 per passport" in text  # the fee note
    assert "Jia District Service Centre" in text
    assert "普通护照签发" not in text


def test_the_item_page_in_traditional_chinese_converts_the_simplified_content(client, english_hall):
    text = _page(client, f"/catalog/{english_hall.code}/items/{PENSION}/", "zh-hant")
    assert "社會保障" in text and "社会保障" not in text
    assert "城鄉居民基本養老保險參保登記" in text
    assert "居民身份證" in text
    assert "甲區政務服務中心" in text


def test_an_item_without_english_shows_its_chinese_name_on_an_english_page(client, admin_actor, english_hall):
    from servicehall.catalog.services import item_save

    item_save(
        actor=admin_actor,
        hall=english_hall,
        data={
            "code": "X-1",
            "name": "未译事项",
            "department": "测试局",
            "category": "测试",
            "ticket_prefix": "X",
            "materials": [{"name": "居民身份证"}],
        },
    )
    text = _page(client, f"/catalog/{english_hall.code}/items/X-1/", "en")
    assert "未译事项" in text and "居民身份证" in text
    assert "Jia District Service Centre" in text  # while what has English shows it


def test_a_traditional_name_written_by_hand_wins_over_the_conversion(client, admin_actor, english_hall):
    item = ServiceItem.objects.get(hall=english_hall, code=PASSPORT)
    from servicehall.catalog.services import item_save, item_to_data

    data = {**item_to_data(item), "name_zh_hant": "普通護照申辦"}
    item_save(actor=admin_actor, hall=english_hall, data=data)
    text = _page(client, f"/catalog/{english_hall.code}/items/{PASSPORT}/", "zh-hant")
    assert "普通護照申辦" in text


def test_the_kiosk_item_page_in_english_counts_copies_in_the_singular_and_names_everything(
    client, admin_actor, english_hall
):
    queue_services.settings_update(actor=admin_actor, hall=english_hall, allow_remote_tickets=True)
    text = _page(client, f"/kiosk/{english_hall.code}/items/{UNEMPLOYMENT}/", "en")
    assert "Claiming unemployment insurance benefits" in text
    assert "Proof of ended employment" in text
    assert "1 original, 1 copy" in text
    assert "copies" not in text.split("Proof of ended employment")[1].split("</li>")[0]
    assert "Regular" in text  # the ticket class, not 普通
    assert "普通" not in text


def test_the_board_in_english_shows_english_windows_lines_and_classes(client, english_hall):
    text = _page(client, f"/display/{english_hall.code}/", "en")
    assert "Window 1" in text and "1号窗口" not in text
    assert "Social security" in text  # the line of prefix A, named by its category
    assert "Senior (65 and over)" in text  # the class tag a call shows
    assert "Jia District Service Centre" in text


def test_the_board_in_traditional_chinese_shows_traditional_lines(client, english_hall):
    text = _page(client, f"/display/{english_hall.code}/", "zh-hant")
    assert "社會保障" in text and "社会保障" not in text


def test_the_tracking_page_and_the_ticket_api_name_the_service_in_the_readers_language(
    client, api_as, admin_actor, english_hall, time_machine
):
    time_machine.move_to(MORNING, tick=False)
    ticket = queue_services.ticket_issue(
        actor=admin_actor, hall=english_hall, service_code=PASSPORT, channel="counter"
    )
    text = _page(client, f"/t/{ticket.public_id}/", "en")
    assert "Issuing an ordinary passport" in text
    assert "Jia District Service Centre" in text
    text = _page(client, f"/t/{ticket.public_id}/", "zh-hant")
    assert "普通護照簽發" in text
    status, body = api_as(None, language="en").call("GET", f"tickets/{ticket.public_id}")
    assert status == 200
    assert body["service_name"] == "普通护照签发"  # the contract's field is unchanged
    assert body["service_name_local"] == "Issuing an ordinary passport"


def test_the_services_api_keeps_the_chinese_name_and_adds_the_english_and_local_ones(api_as, english_hall):
    status, body = api_as(None, language="en").call("GET", f"halls/{english_hall.code}/services/{PASSPORT}")
    assert status == 200
    assert body["name"] == "普通护照签发"
    assert body["name_en"] == body["name_local"] == "Issuing an ordinary passport"
    assert body["materials"][0]["name_local"] == "Resident identity card"
    status, body = api_as(None, language="zh-hant").call("GET", f"halls/{english_hall.code}/services")
    assert {s["category_local"] for s in body} >= {"社會保障"}
    status, counters = api_as(None, language="en").call("GET", f"halls/{english_hall.code}/counters")
    assert counters[0]["name_local"] == "Window 1" and counters[0]["name"] == "1号窗口"


def test_an_english_reader_finds_a_service_by_its_english_name(client, api_as, english_hall):
    status, body = api_as(None, language="en").call("GET", f"halls/{english_hall.code}/services?q=passport")
    assert status == 200 and [s["code"] for s in body] == [PASSPORT]
    text = _page(client, f"/catalog/{english_hall.code}/?q=passport", "en")
    assert "Issuing an ordinary passport" in text


def test_the_english_checklist_pdf_names_the_service_and_materials_in_english(client, english_hall):
    response = client.get(
        f"/catalog/{english_hall.code}/items/{PASSPORT}/checklist.pdf", HTTP_ACCEPT_LANGUAGE="en"
    )
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    flat = " ".join(text.split())
    assert "Issuing an ordinary passport" in flat
    assert "Resident identity card" in flat
