"""Managers racing on one form, with real concurrent clients (threads, each with its own database
connection; PostgreSQL, where the row locks are real): one draft however many open it at once, and one
published version however many press "publish" at once."""

import threading

import pytest
from django.db import connection, connections

from servicehall.core.errors import Conflict
from servicehall.eforms import services
from servicehall.eforms.models import FormVersion

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]
THREADS = 8


def _race(target) -> list:
    """Run ``target`` in THREADS threads released at the same instant; their results or errors."""
    barrier, results, lock = threading.Barrier(THREADS), [], threading.Lock()

    def run():
        try:
            barrier.wait()
            outcome = target()
        except Exception as exc:  # noqa: BLE001 - the test counts what each client got
            outcome = exc
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


@pytest.mark.django_db(transaction=True)
def test_many_managers_at_once_get_one_draft_and_one_publish_wins(actors, items_a, clock):
    item = items_a["SB-001"]
    drafts = _race(lambda: services.form_version_draft(actor=actors["manager_a"], item=item))
    assert all(isinstance(d, FormVersion) for d in drafts), drafts
    assert len({d.pk for d in drafts}) == 1
    draft = drafts[0]
    published = _race(lambda: services.form_version_publish(actor=actors["manager_a"], version=draft))
    wins = [p for p in published if isinstance(p, FormVersion)]
    assert len(wins) == 1 and all(isinstance(p, Conflict) for p in published if p not in wins), published
    assert FormVersion.objects.filter(status="published").count() == 1
