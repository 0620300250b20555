"""``POST /api/v1/feedback/{id}/attachments`` (multipart ``attachments``): staff of the item's hall by the
item's id, the citizen by the tracking code + mobile; the page's checks (content sniffed, 3 per item,
5 MB each) with 413 for a file too large and 422 for another type; nothing kept on a refusal; the answer
never links to the file and the file is never served to the citizen or the clerk complained about."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from servicehall.core import services as core_services
from servicehall.core.actors import Actor
from servicehall.core.models import AuditEntry
from servicehall.feedback import services
from servicehall.feedback.models import FeedbackAttachment
from tests.feedback.conftest import PHONE
from tests.feedback.test_attachments import _pdf, _png

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_back():
    """The English pages here activate English in this thread; the next tests expect the default."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def post(key: str, files, *, phone: str = "", token: str = ""):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = {"attachments": files, **({"phone": phone} if phone else {})}
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        f"/api/v1/feedback/{key}/attachments", data, headers=headers
    )
    return response.status_code, response.json()


def token(staff, name):
    user = staff[name]
    return core_services.token_create(actor=Actor(user=user), user=user, name="t")


def test_the_citizen_adds_a_photo_with_code_and_mobile_and_gets_no_link(complaint):
    status, body = post(complaint.code, [_png(), _pdf()], phone=PHONE)
    assert status == 201, body
    assert [(a["name"], a["content_type"]) for a in body] == [
        ("photo.png", "image/png"),
        ("receipt.pdf", "application/pdf"),
    ]
    assert "url" not in str(body) and "stored" not in str(body)
    assert complaint.attachments.count() == 2
    assert AuditEntry.objects.filter(action="feedback.attach").count() == 1


def test_a_wrong_mobile_or_code_is_404_and_nothing_is_kept(complaint):
    assert post(complaint.code, [_png()], phone="13800000000")[0] == 404
    assert post("ZZZZZZ", [_png()], phone=PHONE)[0] == 404
    assert not FeedbackAttachment.objects.exists()


@pytest.mark.parametrize(
    ("upload", "status"),
    [
        (SimpleUploadedFile("evil.png", b"<script>alert(1)</script>", content_type="image/png"), 422),
        (
            SimpleUploadedFile(
                "big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), content_type="application/pdf"
            ),
            413,
        ),
    ],
    ids=["not-a-png", "over-5mb"],
)
def test_a_bad_type_is_422_and_a_big_file_413_beside_the_field(complaint, upload, status):
    got, body = post(complaint.code, [_png("ok.png"), upload], phone=PHONE)
    assert got == status and "attachments" in body["fields"], body
    assert not FeedbackAttachment.objects.exists()


def test_at_most_three_files_and_none_once_the_item_is_closed(complaint, actors):
    assert post(complaint.code, [_png(f"{i}.png") for i in range(2)], phone=PHONE)[0] == 201
    status, body = post(complaint.code, [_png("3.png"), _png("4.png")], phone=PHONE)
    assert status == 422 and complaint.attachments.count() == 2
    services.feedback_reject(actor=actors["manager_a"], item=complaint, reason="不属于本中心")
    status, body = post(complaint.code, [_png("5.png")], phone=PHONE)
    assert status == 409 and complaint.attachments.count() == 2


def test_staff_of_the_hall_by_id_not_other_halls_nor_anonymous(complaint, staff):
    assert post(complaint.public_id, [_png()])[0] == 401
    assert post(complaint.public_id, [_png()], token=token(staff, "manager_b"))[0] == 403
    status, body = post(complaint.public_id, [_png()], token=token(staff, "clerk_a"))
    assert status == 201 and body[0]["name"] == "photo.png"


def test_the_clerk_complained_about_cannot_add_files(actors, hall_a, q, staff, clock):
    q.issue()
    q.open("1")
    ticket = q.call_next("1")
    item = services.feedback_submit(
        actor=actors["citizen"], hall=hall_a, type="complaint", subject="clerk", text="态度差",
        phone=PHONE, ticket=ticket.public_id,
    )  # fmt: skip
    assert item.subject_clerk_id == staff["clerk_a"].pk
    assert post(item.public_id, [_png()], token=token(staff, "clerk_a"))[0] == 403
    assert not FeedbackAttachment.objects.exists()
