"""Case files: checked by content and size, stored privately, served only to the hall's staff or to the
applicant who proved this very case (never another applicant, never another hall's staff), reads audited."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from servicehall.cases import attachments, services
from servicehall.core.errors import Invalid, PermissionDenied
from servicehall.core.models import AuditEntry
from tests.cases.conftest import OTHER_PHONE, PHONE, apply, png

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(online, actors):
    case = services.case_accept(actor=actors["clerk_a"], case=online)
    return services.case_request_materials(actor=actors["clerk_a"], case=case, missing=["公司章程"])


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("evil.png", b"<script>alert(1)</script>", content_type="image/png"),
        SimpleUploadedFile("x.exe", b"MZ\x90\x00" * 20, content_type="application/pdf"),
        SimpleUploadedFile(
            "big.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), content_type="application/pdf"
        ),
    ],
    ids=["text-as-png", "exe-as-pdf", "over-5mb"],
)
def test_a_file_of_the_wrong_type_or_size_is_refused_and_the_case_still_waits(waiting, actors, upload):
    from servicehall.core.actors import Actor

    with pytest.raises(Invalid) as refused:
        services.case_supply_by_citizen(
            actor=Actor(ip="10.1.1.1"), number=waiting.number, phone=PHONE, files=[upload]
        )
    assert "files" in refused.value.fields
    waiting.refresh_from_db()
    assert waiting.status == "materials_requested" and not waiting.attachments.exists()


def test_files_are_stored_outside_static_with_random_names(waiting, var_dir):
    client = Client()
    client.post(f"/api/v1/cases/{waiting.number}/attachments", {"phone": PHONE, "files": [png("章程.png")]})
    stored = waiting.attachments.get()
    assert (var_dir / "media" / "cases" / stored.stored_name).exists() and "章程" not in stored.stored_name


def test_a_file_is_never_served_to_another_applicant_or_another_halls_staff(waiting, hall_a, actors, client):
    Client().post(f"/api/v1/cases/{waiting.number}/attachments", {"phone": PHONE, "files": [png()]})
    file_id = waiting.attachments.get().pk
    other = apply(hall_a, phone=OTHER_PHONE)
    # another applicant proves their own case, then asks for this case's file by its number
    client.post("/cases/track/", {"number": other.number, "phone": OTHER_PHONE})
    assert client.get(f"/cases/track/{waiting.number}/files/{file_id}/").status_code == 404
    assert client.get(f"/cases/track/{waiting.number}/receipt.pdf").status_code == 404
    # the applicant who proved this case gets it
    owner = Client()
    owner.post("/cases/track/", {"number": waiting.number, "phone": PHONE})
    response = owner.get(f"/cases/track/{waiting.number}/files/{file_id}/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\x89PNG")
    # staff of another hall are refused; staff of the hall read it, audited
    with pytest.raises(PermissionDenied):
        attachments.attachment_open(actor=actors["manager_b"], case=waiting, attachment_id=file_id)
    handle, _att = attachments.attachment_open(actor=actors["clerk_a"], case=waiting, attachment_id=file_id)
    handle.close()
    assert AuditEntry.objects.filter(action="cases.attachment_read").count() == 2
