"""Uploaded files in an S3-compatible bucket (issue 16: "stored under var/ or an S3-compatible store by
setting"): with the bucket configured, a feedback photo goes to the bucket, not to var/, and comes back
only through the staff's view after its permission check. The bucket is served by moto's S3 server on a
local port, over real HTTP with the same boto3 calls a MinIO or a cloud's object storage receives."""

import io

import boto3
import pytest
from django.test import Client
from moto.server import ThreadedMotoServer
from PIL import Image

from servicehall.core import media
from servicehall.feedback.models import FeedbackAttachment

pytestmark = pytest.mark.django_db
KEYS = {"access_key": "servicehall-test", "secret_key": "servicehall-test-secret"}


@pytest.fixture
def bucket(settings, tmp_path):
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )
    s3.create_bucket(Bucket="hall-files")
    settings.VAR_DIR = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **KEYS,
                "bucket_name": "hall-files",
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "location": "servicehall",
                "default_acl": "private",
                "file_overwrite": False,
                "addressing_style": "path",
            },
        },
    }
    yield s3
    server.stop()


def _png() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    out.name = "photo.png"
    out.seek(0)
    return out


def test_a_feedback_photo_goes_to_the_bucket_and_back_only_through_the_view(
    bucket, client, staff, hall_a, tmp_path
):
    body = {"type": "complaint", "subject": "environment", "text": "卫生间地面湿滑", "phone": "13912345678"}
    page = client.post(f"/feedback/{hall_a.code}/", {**body, "attachments": [_png()]})
    assert page.status_code == 200
    stored = FeedbackAttachment.objects.get()
    keys = [o["Key"] for o in bucket.list_objects_v2(Bucket="hall-files").get("Contents", [])]
    assert keys == [f"servicehall/feedback/{stored.stored_name}"]
    assert not (tmp_path / "media").exists()  # nothing written to var/
    # the object is private: no grant to everybody
    acl = bucket.get_object_acl(Bucket="hall-files", Key=keys[0])
    assert not [g for g in acl["Grants"] if "AllUsers" in g["Grantee"].get("URI", "")]
    manager = Client()
    manager.force_login(staff["manager_a"])
    url = f"/staff/{hall_a.code}/feedback/{stored.item.public_id}/files/{stored.pk}/"
    answer = manager.get(url)
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content).startswith(b"\x89PNG")
    outsider = Client()
    outsider.force_login(staff["manager_b"])
    assert outsider.get(url).status_code in (403, 404)


def test_a_name_the_store_would_change_is_refused(bucket):
    media.media_save("cases", "a.pdf", b"%PDF-1.4")
    with pytest.raises(FileExistsError):
        media.media_save("cases", "a.pdf", b"%PDF-1.4 again")
    with pytest.raises(ValueError):
        media.media_save("cases", "../a.pdf", b"x")
    assert media.media_open("cases", "a.pdf").read() == b"%PDF-1.4"
