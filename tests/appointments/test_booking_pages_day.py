"""What a citizen expects around a booking: the confirmation text carries the link to change or cancel,
their own cancellation is confirmed by text, changing a booking opens on the booked day and says the
change was made, and the person's field is called 姓名 (not 名称)."""

import datetime

import pytest
from django.test import Client

from servicehall.appointments import services
from tests.appointments.conftest import SHANGHAI
from tests.conftest import sent_texts

pytestmark = pytest.mark.django_db

START = datetime.datetime(2030, 3, 8, 10, 0, tzinfo=SHANGHAI)  # a Friday in the plan's hours


def test_the_confirmation_text_carries_the_link_to_change_or_cancel(
    clock, book, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appt = book(START)
    text = sent_texts()[-1]["text"]
    assert f"/book/{appt.hall.code}/a/{appt.public_id}/" in text


def test_the_citizens_own_cancellation_is_confirmed_by_text(
    clock, book, actors, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appt = book(START, phone="13812345678")
    before = len(sent_texts())
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(actor=actors["citizen"], appt=appt, phone="13812345678")
    texts = sent_texts()
    assert len(texts) == before + 1
    assert appt.code in texts[-1]["text"] and texts[-1]["phone"] == "13812345678"


def test_changing_a_booking_opens_on_its_day_and_the_manage_page_names_the_person(clock, book, hall_a):
    appt = book(START)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = client.get(f"/book/{hall_a.code}/s/{appt.service.code}/?move={appt.public_id}").content.decode()
    assert f'href="?day=2030-03-08&amp;move={appt.public_id}" aria-current="date"' in html
    manage = client.get(f"/book/{hall_a.code}/a/{appt.public_id}/?moved=1").content.decode()
    assert "姓名" in manage
