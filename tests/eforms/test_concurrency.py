"""Managers racing on one form, with real concurrent clients (threads, each with its own database
connection; PostgreSQL, where the row locks are real): one draft however many open it at once, and one
published version however many press "publish" at once."""

import pytest
from django.db import connection

from servicehall.core.errors import Conflict
from servicehall.eforms import services
from servicehall.eforms.models import FormVersion
from tests.concurrency import race

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]
THREADS = 8


@pytest.mark.django_db(transaction=True)
def test_many_managers_at_once_get_one_draft_and_one_publish_wins(actors, items_a, clock):
    item = items_a["SB-001"]
    drafts = race(lambda: services.form_version_draft(actor=actors["manager_a"], item=item))
    assert all(isinstance(d, FormVersion) for d in drafts), drafts
    assert len({d.pk for d in drafts}) == 1
    draft = drafts[0]
    published = race(lambda: services.form_version_publish(actor=actors["manager_a"], version=draft))
    wins = [p for p in published if isinstance(p, FormVersion)]
    assert len(wins) == 1 and all(isinstance(p, Conflict) for p in published if p not in wins), published
    assert FormVersion.objects.filter(status="published").count() == 1
