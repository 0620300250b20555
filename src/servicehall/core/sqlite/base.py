"""SQLite with fair writers: the embedded default database for a single-process hall.

SQLite lets one writer in at a time and makes the others retry in its busy handler, which sleeps and
polls: under a burst (64 citizens booking the same second) an unlucky request can lose every retry for
the whole timeout and fail with "database is locked" although the database was never stuck. Here the
writers of one process queue on a lock before ``BEGIN IMMEDIATE``, so they enter one after another
and no request starves; other processes still meet SQLite's own busy handler.
"""

import threading

from django.db import OperationalError
from django.db.backends.sqlite3 import base

WRITE_LOCK_TIMEOUT = 30.0
_writers = threading.Lock()


class DatabaseWrapper(base.DatabaseWrapper):
    _holds_writer_lock = False

    def _start_transaction_under_autocommit(self):
        if not _writers.acquire(timeout=WRITE_LOCK_TIMEOUT):
            raise OperationalError("database is locked (waited for the other writers)")
        self._holds_writer_lock = True
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writer()
            raise

    def _release_writer(self) -> None:
        if self._holds_writer_lock:
            self._holds_writer_lock = False
            _writers.release()

    def _set_autocommit(self, autocommit):
        super()._set_autocommit(autocommit)
        if autocommit:
            self._release_writer()

    def _close(self):
        try:
            super()._close()
        finally:
            self._release_writer()
