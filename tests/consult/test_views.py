"""The consultation pages: the phone chat keeps the questions and answers (with the source and the
hand-over link), asking a person shows the code, the kiosk tile answers, staff pages only for the
hall's staff, the catalogue's item page shows the item's FAQ."""

import pytest
from django.test import Client

from servicehall.consult.models import Thread
from tests.consult.conftest import PHONE

pytestmark = pytest.mark.django_db
PASSPORT = "11350199MB0F34538T-XK-001"


def english() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def test_the_chat_answers_with_its_source_and_offers_a_person(knowledge):
    client = english()
    response = client.post(f"/ask/{knowledge.code}/", {"question": "how much is a passport"})
    assert response.status_code == 302
    page = client.get(f"/ask/{knowledge.code}/").content.decode()
    assert "120 yuan" in page and f"/catalog/{knowledge.code}/items/{PASSPORT}/" in page
    assert f"/ask/{knowledge.code}/person/?via=assistant" in page


def test_an_empty_question_is_an_error_beside_the_field(knowledge):
    page = english().post(f"/ask/{knowledge.code}/", {"question": ""}).content.decode()
    assert "field-error" in page


def test_asking_a_person_shows_the_code_and_opens_a_thread(knowledge):
    response = english().post(
        f"/ask/{knowledge.code}/person/?via=assistant",
        {"question": "护照照片可以自己带吗", "phone": PHONE, "item": PASSPORT},
    )
    thread = Thread.objects.get()
    assert thread.code in response.content.decode() and thread.channel == "assistant"
    bad = english().post(f"/ask/{knowledge.code}/person/", {"question": "你好你好", "phone": "12"})
    assert "11-digit" in bad.content.decode() and Thread.objects.count() == 1


def test_the_kiosk_tile_answers_and_hands_over(knowledge):
    page = english().get(f"/kiosk/{knowledge.code}/ask/?ask=huzhao").content.decode()
    assert "Issuing an ordinary passport" in page and 'data-keyboard="phone"' in page
    english().post(f"/kiosk/{knowledge.code}/ask/", {"question": "护照", "phone": PHONE, "item": PASSPORT})
    assert Thread.objects.get().channel == "kiosk"


def test_staff_pages_are_for_the_halls_staff_only(knowledge, thread, staff):
    for name, allowed in (("clerk_a", True), ("manager_a", True), ("evaluator_a", False), ("clerk_b", False)):
        client = Client()
        client.force_login(staff[name])
        for path in (
            f"/staff/{knowledge.code}/consult/",
            f"/staff/{knowledge.code}/consult/{thread.public_id}/",
            f"/staff/{knowledge.code}/consult/faq/",
        ):
            assert (client.get(path).status_code == 200) == allowed, (name, path)


def test_a_clerk_answers_from_the_thread_page(knowledge, thread, staff):
    client = Client()
    client.force_login(staff["clerk_a"])
    url = f"/staff/{knowledge.code}/consult/{thread.public_id}/"
    page = client.get(url).content.decode()
    assert 'id="answer-form"' in page and 'class="promote"' not in page  # managers promote
    client.post(url, {"action": "answer", "text": "可以，白底证件照。"})
    thread.refresh_from_db()
    assert thread.status == "answered"


def test_the_item_page_shows_the_items_faq(knowledge):
    page = english().get(f"/catalog/{knowledge.code}/items/{PASSPORT}/").content.decode()
    assert "Can a passport be issued urgently?" in page and 'id="ask-link"' in page
