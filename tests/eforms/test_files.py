"""Documents uploaded with a form (a ``file`` field answered "upload it now" rather than "I will hand it
in"): checked by content and size beside their field, one per field (a new upload replaces the old,
"hand it in" removes it), kept through a draft and its resumption, read only by the hall's staff (each
read audited), shown in the counter console, and copied into the case an application makes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from servicehall.core.models import AuditEntry
from servicehall.eforms.models import FilledForm, FormFile
from servicehall.eforms.selectors import filled_answers
from tests.eforms.conftest import PHONE
from tests.eforms.test_views import POST, fill_url

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def pdf(name="licence.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def stored(var_dir) -> list[str]:
    folder = var_dir / "media" / "eforms"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def complete_with(client, hall, upload, **extra):
    return client.post(
        fill_url(hall), {**POST, "f_licence": "upload", "file_licence": upload, "action": "complete", **extra}
    )


def test_the_phone_page_offers_an_upload_and_stores_the_document(hall_a, published, var_dir):
    phone = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = phone.get(fill_url(hall_a)).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="file_licence"' in page
    done = complete_with(phone, hall_a, pdf())
    assert done.status_code == 200 and b"Your form is complete" in done.content
    filled = FilledForm.objects.get()
    record = FormFile.objects.get(filled=filled)
    assert filled_answers(filled)["licence"] == "uploaded"
    assert (record.key, record.original_name, record.content_type) == (
        "licence",
        "licence.pdf",
        "application/pdf",
    )
    assert stored(var_dir) == [record.stored_name] and record.stored_name != "licence.pdf"
    assert (var_dir / "media" / "eforms" / record.stored_name).read_bytes() == PDF


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("licence.pdf", b"MZ\x90\x00" * 20, content_type="application/pdf"),
        SimpleUploadedFile("photo.png", b"<script>alert(1)</script>", content_type="image/png"),
        pdf("big.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024)),
    ],
    ids=["exe-as-pdf", "text-as-png", "over-5mb"],
)
def test_a_wrong_file_is_refused_beside_its_field_and_nothing_is_kept(hall_a, published, var_dir, upload):
    page = complete_with(Client(HTTP_ACCEPT_LANGUAGE="en"), hall_a, upload)
    html = page.content.decode()
    assert page.status_code == 422 and 'id="e-licence"' in html
    assert "not a PNG, JPEG or PDF" in html or "larger than 5 MB" in html
    assert not FilledForm.objects.exists() and stored(var_dir) == []


def test_choosing_upload_without_a_file_says_so(hall_a, published):
    page = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        fill_url(hall_a), {**POST, "f_licence": "upload", "action": "complete"}
    )
    assert page.status_code == 422 and "Choose the file to upload" in page.content.decode()
    assert not FilledForm.objects.exists()


def test_a_typed_uploaded_answer_without_a_file_is_refused(api_as, hall_a, published):
    body = {"answers": {**{k[2:]: v for k, v in POST.items() if k.startswith("f_")}, "licence": "uploaded"}}
    status, refused = api_as(None, language="en").call(
        "POST", f"halls/{hall_a.code}/services/SB-001/filled", {**body, "mobile": PHONE, "complete": True}
    )
    assert status == 422 and "licence" in refused["fields"]


def test_a_draft_keeps_its_document_replaces_it_and_drops_it_for_hand_in(
    hall_a, published, var_dir, django_capture_on_commit_callbacks
):
    phone = Client(HTTP_ACCEPT_LANGUAGE="en")
    phone.post(
        fill_url(hall_a),
        {
            "f_name": "张三",
            "f_licence": "upload",
            "file_licence": pdf("first.pdf"),
            "mobile": PHONE,
            "action": "save",
        },
    )
    filled = FilledForm.objects.get()
    first = FormFile.objects.get().stored_name
    back = phone.post(fill_url(hall_a), {"code": filled.code, "mobile": PHONE, "action": "resume"})
    html = back.content.decode()
    assert "Keep the uploaded file" in html and "first.pdf" in html and 'value="uploaded"' in html
    # Saved again keeping it: the same file stays.
    phone.post(fill_url(hall_a), {**POST, "code": filled.code, "f_licence": "uploaded", "action": "save"})
    assert FormFile.objects.get().stored_name == first
    # A new upload replaces it (the old one leaves the store after commit).
    with django_capture_on_commit_callbacks(execute=True):
        complete_with(phone, hall_a, pdf("second.pdf"), code=filled.code)
    second = FormFile.objects.get()
    assert second.original_name == "second.pdf" and stored(var_dir) == [second.stored_name]
    # "I will hand it in" instead: no document kept at all.
    with django_capture_on_commit_callbacks(execute=True):
        phone.post(
            fill_url(hall_a), {**POST, "code": filled.code, "f_licence": "bring", "action": "complete"}
        )
    assert not FormFile.objects.exists() and stored(var_dir) == []
    assert filled_answers(FilledForm.objects.get())["licence"] == "bring"


def test_the_kiosk_has_no_file_picker(hall_a, published, kiosk_a):
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(fill_url(hall_a, kiosk=True)).content.decode()
    assert 'type="file"' not in page and "I will hand in this document at the window" in page


def test_only_the_halls_staff_open_the_document_and_each_read_is_audited(hall_a, published, staff, q):
    complete_with(Client(HTTP_ACCEPT_LANGUAGE="en"), hall_a, pdf())
    filled = FilledForm.objects.get()
    url = f"/staff/{hall_a.code}/forms/filled/{filled.code}/files/licence"
    assert Client().get(url).status_code == 302  # to the log-in page
    other = Client()
    other.force_login(staff["clerk_b"])
    assert other.get(url).status_code == 403
    clerk = Client()
    clerk.force_login(staff["clerk_a"])
    assert clerk.get(url.replace("licence", "photo")).status_code == 404
    response = clerk.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    assert AuditEntry.objects.filter(action="eforms.file_read", actor=staff["clerk_a"]).count() == 1


def test_the_console_links_the_document_of_the_ticket_s_form(api_as, hall_a, published, q, clock):
    complete_with(Client(HTTP_ACCEPT_LANGUAGE="en"), hall_a, pdf())
    filled = FilledForm.objects.get()
    ticket = q.issue("SB-001")
    clerk = api_as("clerk_a", language="en")
    status, data = clerk.call("POST", f"tickets/{ticket.public_id}/form", {"code": filled.code})
    assert status == 200
    assert data["file_urls"] == {"licence": f"/staff/{hall_a.code}/forms/filled/{filled.code}/files/licence"}
    assert data["filled"]["files"][0]["name"] == "licence.pdf"
    assert {"key": "licence", "label": "Business licence", "value": "Uploaded online"} in data["filled"][
        "labelled"
    ]


def test_a_page_sent_back_for_another_answer_asks_for_the_file_again(hall_a, published):
    page = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        fill_url(hall_a),
        {**POST, "f_id_number": "110105194912310021", "f_licence": "upload", "file_licence": pdf()},
    )
    html = page.content.decode()
    assert page.status_code == 422 and 'id="e-id_number"' in html
    assert "choose the file again" in html and not FormFile.objects.exists()


@pytest.mark.parametrize("answer", [" uploaded", "uploaded ", "upload"])
def test_an_uploaded_answer_without_a_file_is_refused_however_spaced(hall_a, published, answer):
    page = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        fill_url(hall_a), {**POST, "f_licence": answer, "action": "complete"}
    )
    assert page.status_code == 422 and not FilledForm.objects.exists()


def test_a_list_as_a_file_answer_is_a_clear_422(api_as, hall_a, published):
    body = {"answers": {"name": "张三", "licence": ["x"]}, "mobile": PHONE, "complete": False}
    status, refused = api_as(None, language="en").call(
        "POST", f"halls/{hall_a.code}/services/SB-001/filled", body
    )
    assert status == 422 and "licence" in refused["fields"]


def test_erasing_the_person_blanks_their_forms_and_documents(hall_a, published, actors, var_dir):
    from servicehall.customers.services import person_erase, person_identify

    complete_with(Client(HTTP_ACCEPT_LANGUAGE="en"), hall_a, pdf())
    person, _new = person_identify(
        actor=actors["clerk_a"], hall=hall_a, id_number="11010519491231002X", name="张三"
    )
    FilledForm.objects.update(person_id=person.pk)
    person_erase(actor=actors["manager_a"], person=person, reason="本人申请")
    form = FilledForm.objects.get()
    assert filled_answers(form) == {} and form.phone_digest == "" and not FormFile.objects.exists()
