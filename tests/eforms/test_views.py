"""E-form pages: the citizen's phone page (save a draft, resume it, complete it; errors beside fields),
the kiosk's (the on-screen keyboard on every typed field), blank and filled PDFs, the manager's editor
(errors beside the field, publish), the clerk's form at the window, the effect page and its CSV."""

import re

import pytest
from django.test import Client

from servicehall.eforms.models import FilledForm, FormVersion
from servicehall.eforms.selectors import filled_answers
from tests.eforms.conftest import PHONE


@pytest.fixture
def en():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def fill_url(hall, code="SB-001", kiosk=False):
    return f"/kiosk/{hall.code}/forms/{code}/" if kiosk else f"/forms/{hall.code}/{code}/"


POST = {
    "f_name": "张三",
    "f_id_number": "11010519491231002x",
    "f_phone": PHONE,
    "f_for_company": "no",
    "mobile": PHONE,
}


def test_the_phone_page_saves_a_draft_and_resumes_it(en, hall_a, published):
    page = en.get(fill_url(hall_a))
    assert page.status_code == 200 and b'name="f_uscc"' in page.content
    assert b'data-show-field="for_company"' in page.content
    saved = en.post(fill_url(hall_a), {"f_name": "张三", "mobile": PHONE, "action": "save"})
    filled = FilledForm.objects.get()
    assert saved.status_code == 200 and filled.code.encode() in saved.content
    fresh = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert b"Resume my draft" in fresh.get(fill_url(hall_a) + f"?code={filled.code}").content
    back = fresh.post(fill_url(hall_a), {"code": filled.code, "mobile": PHONE, "action": "resume"})
    assert b'value="\xe5\xbc\xa0\xe4\xb8\x89"' in back.content  # 张三 back in its field
    done = fresh.post(fill_url(hall_a), {**POST, "code": filled.code, "action": "complete"})
    assert b"Your form is complete" in done.content
    filled.refresh_from_db()
    assert filled.status == "complete" and filled_answers(filled)["id_number"] == "11010519491231002X"


def test_errors_are_shown_beside_their_fields(en, hall_a, published):
    page = en.post(fill_url(hall_a), {**POST, "f_id_number": "110105194912310021", "action": "complete"})
    assert page.status_code == 422
    html = page.content.decode()
    assert 'id="e-id_number"' in html and "not a valid resident ID" in html
    assert not FilledForm.objects.exists()


def test_a_wrong_mobile_cannot_resume_a_draft(en, hall_a, published):
    en.post(fill_url(hall_a), {"f_name": "张三", "mobile": PHONE, "action": "save"})
    code = FilledForm.objects.get().code
    page = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        fill_url(hall_a), {"code": code, "mobile": "13800000000", "action": "resume"}
    )
    assert page.status_code == 422 and "张三" not in page.content.decode()


def test_every_typed_field_of_the_kiosk_form_has_the_on_screen_keyboard(en, hall_a, published):
    html = en.get(fill_url(hall_a, kiosk=True)).content.decode()
    inputs = re.findall(r"<input [^>]*>", html)
    typed = [
        i
        for i in inputs
        if 'type="radio"' not in i and 'type="checkbox"' not in i and 'type="hidden"' not in i
    ]
    assert typed and all("data-keyboard=" in i and 'inputmode="none"' in i for i in typed)
    assert 'id="kb"' in html


def test_the_kiosk_lists_forms_and_prints_a_blank_one(en, hall_a, published):
    page = en.get(f"/kiosk/{hall_a.code}/forms/")
    assert b"Print a blank form" in page.content
    pdf = en.get(f"/forms/{hall_a.code}/SB-001/blank.pdf")
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
    )
    assert en.get(f"/forms/{hall_a.code}/GJ-001/blank.pdf").status_code == 404


def test_the_filled_pdf_is_for_staff_of_the_hall(client, staff, hall_a, published):
    Client().post(fill_url(hall_a), {**POST, "action": "complete"})
    url = f"/staff/{hall_a.code}/forms/filled/{FilledForm.objects.get().code}.pdf"
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(staff["manager_b"])
    assert client.get(url).status_code == 403
    client.force_login(staff["clerk_a"])
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def _editor_post(draft, **changes):
    data = {
        "s_count": "1",
        "f_count": "1",
        "s-0-key": "main",
        "s-0-title_zh_hans": "申请人",
        "s-0-title_en": "Applicant",
    }
    data.update({"f-0-key": "name", "f-0-type": "text", "f-0-section": "main", "f-0-label_zh_hans": "姓名"})
    data.update({"f-0-label_en": "Name", "f-0-required": "1", "f-0-order": "10", "action": "save"})
    data.update({"f-1-key": "kind", "f-1-type": "choice", "f-1-section": "main", "f-1-label_zh_hans": "类别"})
    data.update({"f-1-choices": "a|甲|甲|A\nb|乙||B", "f-1-order": "5"})
    data.update(changes)
    return data


def test_the_manager_edits_reorders_and_publishes_in_the_editor(client, staff, hall_a, items_a, clock):
    client.force_login(staff["manager_a"])
    url = f"/staff/{hall_a.code}/forms/GJ-001/edit/"
    assert client.get(url).status_code == 200
    assert not FormVersion.objects.exists()  # opening the editor writes nothing
    response = client.post(url, _editor_post(None))
    assert response.status_code == 302
    draft = FormVersion.objects.get()
    fields = draft.definition["sections"][0]["fields"]
    assert [f["key"] for f in fields] == ["kind", "name"]  # order 5 before 10
    assert fields[0]["choices"][1] == {"value": "b", "label": {"zh_hans": "乙", "zh_hant": "", "en": "B"}}
    response = client.post(url, _editor_post(draft, **{"f-1-key": "name"}), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422 and b"Two fields have the same key" in response.content
    assert client.get(f"/staff/{hall_a.code}/forms/GJ-001/preview/").status_code == 200
    response = client.post(url, _editor_post(draft, action="publish"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"


@pytest.mark.parametrize("who", ["clerk_a", "evaluator_a", "manager_b"])
def test_only_the_halls_manager_opens_the_editor(client, staff, hall_a, items_a, who):
    client.force_login(staff[who])
    assert client.get(f"/staff/{hall_a.code}/forms/GJ-001/edit/").status_code == 403
    assert client.get(f"/staff/{hall_a.code}/forms/").status_code == 403
    assert not FormVersion.objects.exists()


def test_the_clerk_fills_the_form_for_the_ticket_at_the_window(client, staff, hall_a, published, q):
    ticket = q.issue("SB-001")
    client.force_login(staff["clerk_a"])
    url = f"/staff/{hall_a.code}/forms/ticket/{ticket.public_id}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {**POST, "action": "complete"})
    assert response.status_code == 302
    assert FilledForm.objects.get().ticket_id == ticket.pk
    client.force_login(staff["manager_b"])
    assert client.get(url).status_code == 403


def test_the_citizen_links_the_form_on_the_ticket_page(en, hall_a, published, q):
    en.post(fill_url(hall_a), {**POST, "action": "complete"})
    filled = FilledForm.objects.get()
    ticket = q.issue("SB-001")
    page = en.get(f"/t/{ticket.public_id}/")
    assert b"I filled in the form before I came" in page.content
    assert b'id="track-fill"' in page.content and fill_url(hall_a).encode() in page.content
    response = en.post(f"/t/{ticket.public_id}/form-link", {"code": filled.code, "mobile": PHONE})
    assert response.status_code == 302 and response["Location"].endswith("?form=linked")
    filled.refresh_from_db()
    assert filled.ticket_id == ticket.pk
    page = en.get(f"/t/{ticket.public_id}/").content.decode()  # linked: no more offers, the status says so
    assert 'id="track-form-linked"' in page and 'id="track-fill"' not in page and "tf-code" not in page


def test_an_item_without_a_published_form_offers_nothing_to_fill(en, hall_a, q):
    ticket = q.issue("GJ-001")
    page = en.get(f"/t/{ticket.public_id}/").content.decode()
    assert 'id="track-fill"' not in page


def test_the_effect_page_and_csv_compare_service_times(client, staff, hall_a, published, q, actors, clock):
    from servicehall.eforms import services
    from servicehall.queueing import services as queue

    with_form = q.issue("SB-001")
    filled = services.filled_save(
        actor=actors["citizen"], item=published.form.item, answers={"name": "张三"}, mobile=PHONE
    )
    services.filled_link_ticket(actor=actors["clerk_a"], ticket=with_form, code=filled.code)
    q.issue("SB-001")
    q.open("1")
    for minutes in (4, 10):
        ticket = q.call_next("1")
        queue.ticket_start(actor=actors["clerk_a"], ticket=ticket)
        clock.advance(minutes=minutes)
        queue.ticket_complete(actor=actors["clerk_a"], ticket=ticket)
    client.force_login(staff["manager_a"])
    page = client.get(f"/staff/{hall_a.code}/forms/effect/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    csv_text = client.get(f"/staff/{hall_a.code}/forms/effect/?format=csv").content.decode()
    assert "SB-001" in csv_text and ",1,240.0,240.0,1,600.0,600.0,360.0" in csv_text


def test_the_mobile_and_the_answers_errors_show_together_each_beside_its_own_field(en, hall_a, published):
    post = {**POST, "f_id_number": "110105194912310021", "f_phone": "1391234", "mobile": "", "action": "save"}
    html = en.post(fill_url(hall_a), post).content.decode()
    assert 'id="e-id_number"' in html and 'id="e-phone"' in html
    assert html.count("Enter an 11-digit mainland mobile number.") == 1  # beside "to resume later" only
    assert html.count('id="f-phone"') == 1 and 'id="s-mobile"' in html
