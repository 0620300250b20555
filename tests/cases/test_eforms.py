"""Applications for an item with a published e-form are checked by it (``eforms.form_answers_check``): 422
with the form's field keys, and a case keeps the version and the labelled copy."""

import pytest

from servicehall.cases.models import Case
from servicehall.cases.services.common import decrypt_json
from tests.eforms.conftest import GOOD, PHONE, published  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_answers_are_checked_by_the_published_form(api_as, hall_a, published):  # noqa: F811
    api = api_as(None, language="en")
    body = {"service": "SB-001", "answers": {**GOOD, "for_company": "yes"}, "phone": PHONE}
    status, refused = api.call("POST", f"halls/{hall_a.code}/applications", body)
    assert status == 422 and "uscc" in refused["fields"]
    assert not Case.objects.exists()
    status, created = api.call("POST", f"halls/{hall_a.code}/applications", {**body, "answers": GOOD})
    assert status == 201
    case = Case.objects.get(public_id=created["id"])
    assert case.form_version_id == published.pk
    labelled = decrypt_json(case.labelled_encrypted)
    assert {"key": "name", "label": "Name", "value": "张三"} in labelled
    shown = api_as("clerk_a").call("GET", f"cases/{case.public_id}")[1]["answers"]
    assert "11010519491231002X" not in str(shown) and PHONE not in str(shown)  # masked for staff


def test_a_completed_form_becomes_one_application_from_the_phone(hall_a, published, clock):  # noqa: F811
    from django.test import Client

    from tests.eforms.test_views import POST, fill_url

    phone = Client(HTTP_ACCEPT_LANGUAGE="en")
    done = phone.post(fill_url(hall_a), {**POST, "action": "complete"}).content.decode()
    assert 'id="apply-online"' in done
    code = done.split("/cases/apply/?code=")[1][:8]
    ask = phone.get(f"/cases/apply/?code={code}")
    assert ask.status_code == 200 and f'value="{code}"' in ask.content.decode()
    # A wrong mobile: refused beside nothing personal, no case made.
    wrong = phone.post("/cases/apply/", {"code": code, "phone": "13900000000"})
    assert wrong.status_code == 422 and not Case.objects.exists()
    sent = phone.post("/cases/apply/", {"code": code, "phone": PHONE})
    page = sent.content.decode()
    case = Case.objects.get()
    assert sent.status_code == 200 and 'id="applied"' in page and case.number in page
    assert case.form_code == code and case.form_version_id == published.pk and case.channel == "online"
    again = phone.post("/cases/apply/", {"code": code, "phone": PHONE})
    assert (
        again.status_code == 200
        and Case.objects.count() == 1
        and 'id="applied"' not in again.content.decode()
    )


def test_documents_uploaded_with_the_form_become_the_case_s_attachments(hall_a, published, clock):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from tests.eforms.test_views import POST, fill_url

    data = b"%PDF-1.4\n%%EOF\n"
    phone = Client(HTTP_ACCEPT_LANGUAGE="en")
    upload = SimpleUploadedFile("licence.pdf", data, content_type="application/pdf")
    done = phone.post(
        fill_url(hall_a), {**POST, "f_licence": "upload", "file_licence": upload, "action": "complete"}
    ).content.decode()
    code = done.split("/cases/apply/?code=")[1][:8]
    phone.post("/cases/apply/", {"code": code, "phone": PHONE})
    case = Case.objects.get()
    attachment = case.attachments.get()
    assert (attachment.original_name, attachment.by_applicant, attachment.size_bytes) == (
        "licence.pdf",
        True,
        len(data),
    )
    from servicehall.core.media import media_open

    with media_open("cases", attachment.stored_name) as handle:
        assert handle.read() == data


def test_a_case_accepted_at_the_window_takes_the_documents_of_the_ticket_s_form(
    hall_a,
    published,  # noqa: F811
    actors,
    q,
    clock,
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from servicehall.cases import services
    from servicehall.eforms.models import FilledForm
    from servicehall.eforms.services import filled_link_ticket
    from tests.eforms.test_views import POST, fill_url

    upload = SimpleUploadedFile("licence.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    Client().post(
        fill_url(hall_a), {**POST, "f_licence": "upload", "file_licence": upload, "action": "complete"}
    )
    ticket = q.issue("SB-001")
    filled_link_ticket(actor=actors["clerk_a"], ticket=ticket, code=FilledForm.objects.get().code)
    case = services.case_open_at_window(actor=actors["clerk_a"], ticket=ticket, phone=PHONE)
    assert [a.original_name for a in case.attachments.all()] == ["licence.pdf"]
