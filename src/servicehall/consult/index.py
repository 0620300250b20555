"""One assistant index per hall, built in memory on first use and kept until the hall's knowledge changes.

A save or delete of an item, a material, a window, an FAQ entry or the opening hours in this process drops
the hall's index at once (signals); other processes notice within ``SERVICEHALL_MEMO_SECONDS`` by a cheap
stamp (count and latest change of the items and FAQ entries) compared before reuse. Building the demo
hall's index takes a few hundred milliseconds (jieba's dictionary once per process, then tokenizing ~60
documents); a question then costs a millisecond or two.
"""

import threading
import time

from django.conf import settings
from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save

from servicehall.catalog.models import Material, ServiceItem
from servicehall.consult.knowledge import hall_documents
from servicehall.consult.models import Faq
from servicehall.consult.retrieval import HallIndex
from servicehall.core.models import Counter, Hall, OpeningHours

_lock = threading.Lock()
_indexes: dict[int, tuple[tuple, float, HallIndex]] = {}  # hall id -> (stamp, checked at, index)


def _stamp(hall_id: int) -> tuple:
    items = ServiceItem.objects.filter(hall_id=hall_id).aggregate(n=Count("id"), at=Max("updated_at"))
    faqs = Faq.objects.filter(hall_id=hall_id).aggregate(n=Count("id"), at=Max("updated_at"))
    hours = OpeningHours.objects.filter(hall_id=hall_id).count()
    return (items["n"], items["at"], faqs["n"], faqs["at"], hours)


def hall_index(hall: Hall) -> HallIndex:
    """The hall's index, rebuilt when its knowledge changed."""
    now = time.monotonic()
    found = _indexes.get(hall.pk)
    lifetime = float(getattr(settings, "SERVICEHALL_MEMO_SECONDS", 5))
    if found is not None and now - found[1] < lifetime:
        return found[2]
    stamp = _stamp(hall.pk)
    if found is not None and found[0] == stamp:
        _indexes[hall.pk] = (stamp, now, found[2])
        return found[2]
    index = HallIndex(hall_documents(hall))
    with _lock:
        _indexes[hall.pk] = (stamp, now, index)
    return index


def index_drop(hall_id: int | None) -> None:
    with _lock:
        if hall_id is None:
            _indexes.clear()
        else:
            _indexes.pop(hall_id, None)


def _dropper(hall_of):
    def receiver(sender, instance, **kwargs):
        try:
            index_drop(hall_of(instance))
        except Exception:  # noqa: BLE001  (a half-deleted row: drop everything rather than fail a save)
            index_drop(None)

    return receiver


for _model, _hall_of in (
    (ServiceItem, lambda obj: obj.hall_id),
    (Material, lambda obj: None),  # saved with its item, whose own save names the hall
    (Faq, lambda obj: obj.hall_id),
    (OpeningHours, lambda obj: obj.hall_id),
    (Counter, lambda obj: obj.hall_id),
):
    _receiver = _dropper(_hall_of)
    post_save.connect(_receiver, sender=_model, weak=False, dispatch_uid=f"consult-index-{_model.__name__}")
    post_delete.connect(
        _receiver, sender=_model, weak=False, dispatch_uid=f"consult-index-del-{_model.__name__}"
    )
