"""Attachments: PNG/JPEG/PDF checked by content (a renamed text file or a broken image is refused), at most
3 per item and 5 MB each, stored under VAR_DIR with random names outside the static root, served to the
staff who may see the complainant (never the clerk complained about), every read audited."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from servicehall.core.models import AuditEntry
from servicehall.feedback import attachments, services
from servicehall.feedback.models import FeedbackAttachment, FeedbackItem
from tests.feedback.conftest import PHONE

pytestmark = pytest.mark.django_db
BODY = {"type": "complaint", "subject": "environment", "text": "卫生间地面湿滑", "phone": PHONE}


def _png(name="photo.png") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def _pdf(name="receipt.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", content_type="application/pdf")


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_the_phone_page_takes_a_photo_and_a_pdf_stored_privately_with_random_names(
    client, hall_a, clock, var_dir
):
    page = client.post(f"/feedback/{hall_a.code}/", {**BODY, "attachments": [_png(), _pdf()]})
    assert page.status_code == 200 and b'id="fb-code"' in page.content
    files = list(FeedbackAttachment.objects.order_by("id"))
    assert [(f.original_name, f.content_type) for f in files] == [
        ("photo.png", "image/png"),
        ("receipt.pdf", "application/pdf"),
    ]
    for f in files:
        stored = var_dir / "media" / "feedback" / f.stored_name
        assert stored.exists() and "photo" not in f.stored_name and "receipt" not in f.stored_name


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("evil.png", b"<script>alert(1)</script>", content_type="image/png"),
        SimpleUploadedFile("broken.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, content_type="image/jpeg"),
        SimpleUploadedFile(
            "big.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), content_type="application/pdf"
        ),
    ],
    ids=["text-renamed-png", "broken-jpeg", "over-5mb"],
)
def test_a_file_that_is_not_what_it_claims_or_too_big_is_refused_and_nothing_is_kept(
    client, hall_a, clock, upload
):
    page = client.post(f"/feedback/{hall_a.code}/", {**BODY, "attachments": [upload]})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="f-attachments"' in html and "aria-invalid" in html
    assert not FeedbackItem.objects.exists() and not FeedbackAttachment.objects.exists()


def test_at_most_three_files_per_item(client, hall_a, clock):
    page = client.post(
        f"/feedback/{hall_a.code}/", {**BODY, "attachments": [_png(f"{i}.png") for i in range(4)]}
    )
    assert b"aria-invalid" in page.content and not FeedbackItem.objects.exists()


def test_the_file_is_served_to_the_manager_audited_and_never_to_the_clerk_complained_about(
    client, staff, actors, hall_a, q
):
    q.issue()
    q.open("1")
    ticket = q.call_next("1")
    item = services.feedback_submit(
        actor=actors["citizen"], hall=hall_a, **{**BODY, "subject": "clerk"}, ticket=ticket.public_id
    )
    attachments.attachments_add(actor=actors["manager_a"], item=item, files=[_png()])
    url = f"/staff/{hall_a.code}/feedback/{item.public_id}/files/{item.attachments.get().pk}/"
    client.force_login(staff["manager_a"])
    assert "photo.png" in client.get(f"/staff/{hall_a.code}/feedback/{item.public_id}/").content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert AuditEntry.objects.filter(action="feedback.attachment_read").count() == 1
    client.force_login(staff["clerk_a"])
    assert "photo.png" not in client.get(f"/staff/{hall_a.code}/feedback/{item.public_id}/").content.decode()
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code in (302, 403)
    assert AuditEntry.objects.filter(action="feedback.attachment_read").count() == 1
