"""Text notifications to citizens ("your turn is near"), through the backend named by
``SERVICEHALL_NOTIFY_BACKEND``: ``console`` (log), ``file`` (JSON lines in ``var/notifications.jsonl``,
the default) or the dotted path of a class with ``send(phone, text)`` (an SMS gateway).

Send only after commit: a rolled-back call must not text anybody.
"""

import datetime
import json
import logging
import threading

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("servicehall.notify")
_lock = threading.Lock()


class ConsoleBackend:
    def send(self, phone: str, text: str) -> None:
        log.info("notify %s: %s", phone[:3] + "****" + phone[-4:], text)


class FileBackend:
    def send(self, phone: str, text: str) -> None:
        path = settings.VAR_DIR / "notifications.jsonl"
        line = json.dumps(
            {"at": datetime.datetime.now(datetime.UTC).isoformat(), "phone": phone, "text": text},
            ensure_ascii=False,
        )
        with _lock, open(path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")


BACKENDS = {"console": ConsoleBackend, "file": FileBackend}


def backend():
    name = settings.SERVICEHALL_NOTIFY_BACKEND
    cls = BACKENDS.get(name) or import_string(name)
    return cls()


def public_url(path: str) -> str:
    """An address a citizen can open from a text message: ``SERVICEHALL_PUBLIC_URL`` (the hall's public
    site, e.g. https://zwfw.example.gov.cn) joined with ``path``."""
    return settings.SERVICEHALL_PUBLIC_URL.rstrip("/") + path


def send_text(phone: str, text: str) -> None:
    try:
        backend().send(phone, text)
    except Exception as exc:  # a failed text must never undo a call
        log.warning("notification failed: %r", exc)
