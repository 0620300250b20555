"""Text notifications to citizens ("your turn is near", a waitlist offer), through the backend named by
``SERVICEHALL_NOTIFY_BACKEND``: ``console`` (log, phone masked), ``file`` (JSON lines in
``var/notifications.jsonl``, phone masked, mode 0600, the last 7 days only; the default, refused in
production) or the dotted path of a class with ``send(phone, text)`` (an SMS gateway) that raises when the
text did not go out.

Every text goes through the outbox (``core.models.Notification``, phone encrypted): ``send_text`` records
it and tries it at once; a failure is tried again by the worker (``core.notifications_retry``) after 1, 5,
15 and 60 minutes, and given up after the fifth attempt with an audit row and one log line (masked phone),
so a failing gateway delays a text (a waitlist offer) instead of losing it. An attempt first claims the
row in a short transaction (row locked, ``skip_locked`` on PostgreSQL; attempts counted and the next try
scheduled), then calls the backend outside any transaction: two workers never pick the same row, and a
gateway that times out within a minute is never asked twice for one text at once.

Send only after commit: a rolled-back call must not text anybody.
"""

import contextlib
import datetime
import json
import logging
import os
import re
import threading

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from servicehall.core import crypto
from servicehall.core.audit import SystemActor, audit_record
from servicehall.core.choices import NOTIFICATION_TRANSITIONS, NotificationAction, NotificationStatus
from servicehall.core.identity import mask_phone
from servicehall.core.models import Notification
from servicehall.core.transitions import transition

try:  # POSIX: several processes append to the demo file
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

log = logging.getLogger("servicehall.notify")
_lock = threading.Lock()

# Minutes to wait before attempt 2, 3, 4 and 5; the first attempt is at once, the fifth is the last.
RETRY_MINUTES = (1, 5, 15, 60)
MAX_ATTEMPTS = len(RETRY_MINUTES) + 1
KEEP_DELIVERED = datetime.timedelta(days=30)
KEEP_FILE = datetime.timedelta(days=7)
RETRY_JOB = "core.notifications_retry"


class ConsoleBackend:
    def send(self, phone: str, text: str) -> None:
        log.info("notify %s: %s", mask_phone(phone), text)


class FileBackend:
    """The demo and development backend: one JSON line per text, the phone masked, the file readable by
    its owner only, lines older than 7 days dropped (on the first write of a new day and by the prune
    job)."""

    name = "notifications.jsonl"

    @classmethod
    def path(cls):
        return settings.VAR_DIR / cls.name

    @classmethod
    @contextlib.contextmanager
    def _locked(cls):
        """This process's threads and, on POSIX, other processes (a lock file beside it) one at a time."""
        fd = os.open(str(cls.path()) + ".lock", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            with _lock:
                if fcntl:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                yield
        finally:
            os.close(fd)  # closing releases the flock

    def send(self, phone: str, text: str) -> None:
        now = timezone.now()
        line = json.dumps(
            {"at": now.isoformat(), "phone": mask_phone(phone), "text": text}, ensure_ascii=False
        )
        with self._locked():
            self._prune_locked(now, only_if_stale=True)
            fd = os.open(self.path(), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as fh:
                os.fchmod(fd, 0o600)  # a file left by an older version was 0644
                fh.write(line + "\n")

    @classmethod
    def prune(cls, now: datetime.datetime) -> int:
        """Drop the lines older than 7 days; how many were dropped."""
        if not cls.path().exists():
            return 0
        with cls._locked():
            return cls._prune_locked(now, only_if_stale=False)

    @classmethod
    def _prune_locked(cls, now: datetime.datetime, *, only_if_stale: bool) -> int:
        path, cutoff = cls.path(), (now - KEEP_FILE).isoformat()
        if not path.exists():
            return 0
        with open(path, encoding="utf-8") as fh:
            first = fh.readline()
            if (
                not first or only_if_stale and _line_at(first) >= cutoff
            ):  # cheap: the oldest line is recent enough
                return 0
            lines = [first, *fh]
        keep = [line for line in lines if _line_at(line) >= cutoff]
        if len(keep) == len(lines):
            return 0
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.writelines(keep)
        os.replace(tmp, path)
        return len(lines) - len(keep)


def _line_at(line: str) -> str:
    """The ISO time of a file line ("" for a line that cannot be read: it is dropped)."""
    try:
        return str(json.loads(line)["at"])
    except (ValueError, KeyError, TypeError):
        return ""


BACKENDS = {"console": ConsoleBackend, "file": FileBackend}


def backend():
    name = settings.SERVICEHALL_NOTIFY_BACKEND
    cls = BACKENDS.get(name) or import_string(name)
    return cls()


def public_url(path: str) -> str:
    """An address a citizen can open from a text message: ``SERVICEHALL_PUBLIC_URL`` (the hall's public
    site, e.g. https://zwfw.example.gov.cn) joined with ``path``."""
    return settings.SERVICEHALL_PUBLIC_URL.rstrip("/") + path


_DIGITS = re.compile(r"\+?\d[\d -]{5,}\d")


def error_text(exc: Exception) -> str:
    """What the outbox keeps of a backend's failure: short, and with any phone-like number masked (a
    gateway's message may quote the number it refused)."""
    text = _DIGITS.sub(lambda m: mask_phone(m.group()), f"{type(exc).__name__}: {exc}")
    return text[:200]


def send_text(phone: str, text: str) -> None:
    """Record the text in the outbox and try it at once. Never raises: a failed text must not undo the
    call that caused it (a failure is retried by the worker)."""
    try:
        now = timezone.now()
        note = _record(phone, text, now)
    except Exception as exc:  # the outbox itself is unavailable: one direct try, as before the outbox
        log.warning("notification not recorded (%s): %s", mask_phone(phone), error_text(exc))
        try:
            backend().send(phone, text)
        except Exception as exc2:
            log.warning("notification to %s failed: %s", mask_phone(phone), error_text(exc2))
        return
    try:
        _deliver(note, phone)
    except Exception as exc:  # recording the outcome failed: the row stays pending, the worker tries it
        log.warning("notification %s: outcome not recorded: %s", note.pk, error_text(exc))


def _record(phone: str, text: str, now: datetime.datetime):
    """The outbox row, already claimed for its first attempt (counted, the retry scheduled)."""
    return Notification.objects.create(
        phone_encrypted=crypto.encrypt(phone),
        phone_hint=mask_phone(phone),
        text=text,
        status=NotificationStatus.PENDING,
        attempts=1,
        next_attempt_at=now + datetime.timedelta(minutes=RETRY_MINUTES[0]),
        created_at=now,
    )


def _claim_due(now: datetime.datetime):
    """Lock one due pending row (skipping rows another worker holds), count the attempt and schedule the
    next; None when nothing is due. The lock ends with this short transaction; the schedule keeps other
    workers away while the backend is called."""
    with transaction.atomic():
        note = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=NotificationStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .first()
        )
        if note is None:
            return None
        note.attempts += 1
        wait = RETRY_MINUTES[min(note.attempts, len(RETRY_MINUTES)) - 1]
        note.next_attempt_at = now + datetime.timedelta(minutes=wait)
        note.save(update_fields=["attempts", "next_attempt_at"])
        return note


def _deliver(note, phone: str) -> str:
    """Call the backend for a claimed row and record the outcome: ``sent``, ``retry`` or ``failed``."""
    try:
        backend().send(phone, note.text)
    except Exception as exc:
        return _failed(note, error_text(exc))
    _settle(note, NotificationAction.DELIVER, sent_at=timezone.now(), next_attempt_at=None, last_error="")
    return "sent"


def _settle(note, action: str, **fields) -> bool:
    """Move the (re-read, locked) row under ``action`` with ``fields``; False when it is no longer
    pending (nothing to do)."""
    with transaction.atomic():
        row = Notification.objects.select_for_update().get(pk=note.pk)
        if row.status != NotificationStatus.PENDING:
            return False
        row.status = transition(NOTIFICATION_TRANSITIONS, row, action)
        for name, value in fields.items():
            setattr(row, name, value)
        row.save(update_fields=["status", *fields])
        if action == NotificationAction.GIVE_UP:
            _audit_give_up(row)
        return True


def _failed(note, error: str) -> str:
    if note.attempts < MAX_ATTEMPTS:
        Notification.objects.filter(pk=note.pk).update(last_error=error)
        log.warning("notification %s failed (attempt %s, retried later): %s", note.pk, note.attempts, error)
        return "retry"
    if _settle(
        note, NotificationAction.GIVE_UP, failed_at=timezone.now(), next_attempt_at=None, last_error=error
    ):
        log.error(
            "notification %s to %s given up after %s attempts: %s",
            note.pk,
            note.phone_hint,
            note.attempts,
            error,
        )
    return "failed"


def _audit_give_up(row) -> None:
    audit_record(
        actor=SystemActor(job=RETRY_JOB),
        action="core.notification_give_up",
        obj=row,
        after={"attempts": row.attempts, "last_error": row.last_error, "phone": row.phone_hint},
    )


def retry_due(*, limit: int = 200) -> dict[str, int]:
    """The worker's pass over the outbox: every due row, one claimed at a time, up to ``limit``."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for _ in range(limit):
        note = _claim_due(timezone.now())
        if note is None:
            break
        counts[_deliver(note, crypto.decrypt(note.phone_encrypted))] += 1
    return counts


def prune(now: datetime.datetime | None = None) -> dict[str, int]:
    """Delete delivered and given-up rows older than 30 days (the phone is personal data; a give-up keeps
    its audit row) and the file backend's lines older than 7 days."""
    now = now or timezone.now()
    cutoff = now - KEEP_DELIVERED
    sent, _ = Notification.objects.filter(status=NotificationStatus.SENT, sent_at__lt=cutoff).delete()
    failed, _ = Notification.objects.filter(status=NotificationStatus.FAILED, failed_at__lt=cutoff).delete()
    return {"deleted": sent + failed, "file_lines": FileBackend.prune(now)}
