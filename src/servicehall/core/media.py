"""Where uploaded files live: the file system under ``VAR_DIR/media`` (files readable by the server's
user only), or, when ``SERVICEHALL_S3_BUCKET`` is set, the ``attachments`` store of Django's
``STORAGES``: a private S3-compatible bucket (``storages.backends.s3``: MinIO, Aliyun OSS, Tencent COS,
AWS). Each
app keeps its files in its own area (``cases``, ``feedback``, ``training``) under a random name it
chose. Files are read back through the apps' own views, after their permission check and audit row:
no URL of the store ever reaches a browser, so a private bucket stays private.
"""

from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages

STORE = "attachments"


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
