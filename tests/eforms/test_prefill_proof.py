""" "Fill in from my record" (customers.proof → eforms): the citizen gives their ID number and the mobile on
their record, a code is texted to that mobile, and the form takes the fields the item may collect from
the record. A stranger learns nothing (same answer, no text), a wrong code counts down, an old proof
is void, and a kiosk's next citizen never inherits it (the token is in the page, not the session)."""

import datetime
import re

import pytest
from django.test import Client

from servicehall.core.models import AuditEntry
from servicehall.customers.models import RecordProof
from servicehall.eforms.models import FilledForm
from tests.conftest import sent_texts
from tests.customers.conftest import make_id, person  # noqa: F401  (fixture)
from tests.eforms.test_views import fill_url

pytestmark = pytest.mark.django_db
MOBILE = "13812345678"  # the person fixture's


def send(client, hall, id_number, phone, kiosk=False):
    return client.post(
        fill_url(hall, kiosk=kiosk), {"action": "proof-send", "id_number": id_number, "phone": phone}
    )


def token_of(page) -> str:
    return re.search(r'name="proof" value="([^"]+)"', page.content.decode()).group(1)


def code_texted() -> str:
    return re.search(r"\b(\d{6})\b", sent_texts()[-1]["text"]).group(1)


def test_a_citizen_fills_the_form_from_their_record(hall_a, published, person):  # noqa: F811
    phone = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert 'id="proof-link"' in phone.get(fill_url(hall_a)).content.decode()
    assert 'name="id_number"' in phone.get(fill_url(hall_a) + "?record=1").content.decode()
    sent = send(phone, hall_a, make_id().lower(), MOBILE)
    assert 'id="proof-sent"' in sent.content.decode()
    assert sent_texts()[-1]["phone"] == MOBILE
    filled = phone.post(
        fill_url(hall_a), {"action": "proof-verify", "proof": token_of(sent), "otp": code_texted()}
    )
    html = filled.content.decode()
    assert 'id="proof-done"' in html and 'value="张三丰"' in html and f'value="{make_id()}"' in html
    assert AuditEntry.objects.filter(action="customers.person.own_read", object_id=str(person.pk)).exists()
    done = phone.post(
        fill_url(hall_a),
        {
            "proof": token_of(filled),
            "f_name": "张三丰",
            "f_id_number": make_id(),
            "f_phone": MOBILE,
            "f_for_company": "no",
            "mobile": MOBILE,
            "action": "complete",
        },
    )
    assert b"Your form is complete" in done.content
    form = FilledForm.objects.get()
    assert form.person_id == person.pk and form.prefilled_fields == ["id_number", "name", "phone"]


def test_a_stranger_learns_nothing_and_no_text_goes_out(hall_a, published, person):  # noqa: F811
    before = len(sent_texts(None))
    page = send(Client(HTTP_ACCEPT_LANGUAGE="en"), hall_a, make_id(), "13900000000")
    assert 'id="proof-sent"' in page.content.decode()  # the same answer as for a match
    assert len(sent_texts(None)) == before
    assert RecordProof.objects.get().person is None
    wrong = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        fill_url(hall_a), {"action": "proof-verify", "proof": token_of(page), "otp": "123456"}
    )
    assert "Wrong code" in wrong.content.decode() and 'value="张三丰"' not in wrong.content.decode()


def test_bad_values_are_refused_beside_their_fields(hall_a, published, person):  # noqa: F811
    page = send(Client(HTTP_ACCEPT_LANGUAGE="en"), hall_a, "110105194912310021", "12345")
    html = page.content.decode()
    assert "not a valid resident ID" in html and "11-digit" in html
    assert not RecordProof.objects.exists()


def test_wrong_codes_count_down_then_the_proof_is_void(hall_a, published, person):  # noqa: F811
    phone = Client(HTTP_ACCEPT_LANGUAGE="en")
    token = token_of(send(phone, hall_a, make_id(), MOBILE))
    good = code_texted()
    bad = "000000" if good != "000000" else "111111"
    for left in (4, 3, 2, 1, 0):
        page = phone.post(fill_url(hall_a), {"action": "proof-verify", "proof": token, "otp": bad})
        assert f"{left} tries left" in page.content.decode()
    page = phone.post(fill_url(hall_a), {"action": "proof-verify", "proof": token, "otp": good})
    assert "expired" in page.content.decode() and 'value="张三丰"' not in page.content.decode()


def test_an_old_proof_no_longer_links_the_record(hall_a, published, person, time_machine):  # noqa: F811
    phone = Client(HTTP_ACCEPT_LANGUAGE="en")
    token = token_of(send(phone, hall_a, make_id(), MOBILE))
    phone.post(fill_url(hall_a), {"action": "proof-verify", "proof": token, "otp": code_texted()})
    time_machine.move_to(datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1))
    phone.post(
        fill_url(hall_a),
        {"proof": token, "f_name": "张三丰", "mobile": MOBILE, "action": "save"},
    )
    assert FilledForm.objects.get().person_id is None


def test_only_the_fields_the_item_may_collect_are_filled(hall_a, published, person, actors, items_a):  # noqa: F811
    from servicehall.customers.services import item_collection_set

    item_collection_set(actor=actors["manager_a"], item=items_a["SB-001"], fields=["name"])
    phone = Client(HTTP_ACCEPT_LANGUAGE="en")
    token = token_of(send(phone, hall_a, make_id(), MOBILE))
    html = phone.post(
        fill_url(hall_a), {"action": "proof-verify", "proof": token, "otp": code_texted()}
    ).content.decode()
    assert 'value="张三丰"' in html and make_id() not in html and MOBILE not in html


def test_the_kiosk_asks_with_its_keyboard(hall_a, published, person, kiosk_a):  # noqa: F811
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(fill_url(hall_a, kiosk=True) + "?record=1").content.decode()
    assert 'data-keyboard="id"' in page and 'data-keyboard="phone"' in page


def _proven_page(phone, hall):
    token = token_of(send(phone, hall, make_id(), MOBILE))
    phone.post(fill_url(hall), {"action": "proof-verify", "proof": token, "otp": code_texted()})
    return token


def test_only_answers_left_as_the_record_gave_count_prefilled_and_a_proof_links_one_form(
    hall_a,
    published,
    person,  # noqa: F811
):
    phone = Client(HTTP_ACCEPT_LANGUAGE="en")
    token = _proven_page(phone, hall_a)
    changed = {"proof": token, "f_name": "李四", "f_id_number": make_id(), "mobile": MOBILE, "action": "save"}
    phone.post(fill_url(hall_a), {**changed, "prefilled": "name,address"})  # a forged list is ignored
    first = FilledForm.objects.get()
    assert first.person_id == person.pk and first.prefilled_fields == ["id_number"]
    phone.post(fill_url(hall_a), changed)  # the same proof again: the form is saved, not linked
    second = FilledForm.objects.exclude(pk=first.pk).get()
    assert second.person_id is None and second.prefilled_fields == []


def test_a_code_is_good_once(hall_a, published, person):  # noqa: F811
    phone = Client(HTTP_ACCEPT_LANGUAGE="en")
    token = token_of(send(phone, hall_a, make_id(), MOBILE))
    code = code_texted()
    phone.post(fill_url(hall_a), {"action": "proof-verify", "proof": token, "otp": code})
    again = phone.post(fill_url(hall_a), {"action": "proof-verify", "proof": token, "otp": ""})
    assert "expired" in again.content.decode() and 'value="张三丰"' not in again.content.decode()


def test_a_kiosk_cannot_text_one_mobile_more_than_the_limits(hall_a, person, kiosk_a):  # noqa: F811
    from servicehall.core.actors import Actor
    from servicehall.core.errors import RateLimited
    from servicehall.customers.proof import proof_start

    kiosk = Actor(device=kiosk_a, ip="10.0.0.4")
    proof_start(actor=kiosk, hall=hall_a, id_number=make_id(), phone=MOBILE)
    with pytest.raises(RateLimited):
        proof_start(actor=kiosk, hall=hall_a, id_number=make_id(), phone=MOBILE)
    assert len(sent_texts(None)) == 1


def test_the_fill_page_is_never_cached(hall_a, published):
    assert "no-store" in Client().get(fill_url(hall_a))["Cache-Control"]
