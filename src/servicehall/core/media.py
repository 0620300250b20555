"""Where uploaded files live: the file system under ``VAR_DIR/media`` (files readable by the server's
user only), or, when ``SERVICEHALL_S3_BUCKET`` is set, the ``attachments`` store of Django's
``STORAGES``: a private S3-compatible bucket (``storages.backends.s3``: MinIO, Aliyun OSS, Tencent COS,
AWS). Each
app keeps its files in its own area (``cases``, ``feedback``, ``training``) under a random name it
chose. Files are read back through the apps' own views, after their permission check and audit row:
no URL of the store ever reaches a browser, so a private bucket stays private.
"""

import io
import os
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

STORE = "attachments"
MAX_BYTES = 5 * 1024 * 1024  # per uploaded file, in every app
KINDS = {  # magic bytes → (content type, extension, the Pillow format that must match or None)
    b"\x89PNG\r\n\x1a\n": ("image/png", "png", "PNG"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg", "JPEG"),
    b"%PDF-": ("application/pdf", "pdf", None),
}


def sniff(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) from the content, or None when it is not a PNG, JPEG or PDF: the name and
    the browser's content type are never trusted, and an image must open in Pillow as what it claims."""
    for magic, (content_type, ext, pil_format) in KINDS.items():
        if not data.startswith(magic):
            continue
        if pil_format is None:
            return content_type, ext
        try:
            with Image.open(io.BytesIO(data)) as image:
                ok = image.format == pil_format
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            return None
        return (content_type, ext) if ok else None
    return None


def read_upload(upload) -> tuple[str, bytes, str, str] | str:
    """``(display name, data, content type, extension)`` of an uploaded PNG, JPEG or PDF of at most
    ``MAX_BYTES``, or the message saying why it is refused: the callers put it beside their field."""
    name = os.path.basename(upload.name or "file").replace("\x00", "")[:120] or "file"
    if upload.size > MAX_BYTES:
        return _("%(name)s is larger than 5 MB.") % {"name": name}
    data = upload.read(MAX_BYTES + 1)
    kind = sniff(data) if len(data) <= MAX_BYTES else None
    if kind is None:
        return _("%(name)s is not a PNG, JPEG or PDF file.") % {"name": name}
    return name, data, *kind


def store():
    """The configured bucket, else the file system under the current ``VAR_DIR`` (read at each call, so
    a test's own ``VAR_DIR`` holds its files)."""
    if STORE in settings.STORAGES:
        return storages[STORE]
    return FileSystemStorage(
        location=Path(settings.VAR_DIR) / "media", base_url=None, file_permissions_mode=0o600
    )


def _path(area: str, name: str) -> str:
    if not area.isidentifier() or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"bad media path {area!r}/{name!r}")
    return f"{area}/{name}"


def media_save(area: str, name: str, data: bytes) -> None:
    """Write ``data`` as ``area/name`` (a fresh random name: nothing is overwritten)."""
    target = store()
    stored = target.save(_path(area, name), ContentFile(data))
    if stored != _path(area, name):  # the store changed the name: never serve a file under another
        target.delete(stored)
        raise FileExistsError(_path(area, name))


def media_open(area: str, name: str):
    """The stored file, open for reading (the caller streams and closes it)."""
    return store().open(_path(area, name), "rb")


def media_delete(area: str, name: str) -> None:
    store().delete(_path(area, name))
