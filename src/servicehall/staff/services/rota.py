"""The weekly rota (排班): who works at which window in which half-day, and who is on leave. A week is
replaced as a whole, checked first: nothing changes when one row is wrong."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.errors import Conflict, Invalid
from servicehall.core.models import Counter, Hall
from servicehall.staff import selectors
from servicehall.staff.choices import HalfDay, RotaKind
from servicehall.staff.models import RotaEntry
from servicehall.staff.services.common import require_manager


def _parse_row(n: int, row, week: list[datetime.date], users: dict, counters: dict, errors: dict):
    if not isinstance(row, dict):
        errors[f"{n}"] = [_("Each entry is an object.")]
        return None
    day = row.get("date")
    if isinstance(day, str):
        try:
            day = datetime.date.fromisoformat(day)
        except ValueError:
            day = None
    if day not in week:
        errors[f"{n}.date"] = [_("Choose a day of this week.")]
    user = users.get(row.get("user")) if isinstance(row.get("user"), str) else None
    if user is None:
        errors[f"{n}.user"] = [_("No such member of staff in this hall.")]
    if row.get("half") not in HalfDay.values:
        errors[f"{n}.half"] = [_("Choose the morning or the afternoon.")]
    kind = row.get("kind", RotaKind.WORK)
    counter = None
    if kind == RotaKind.WORK:
        counter = counters.get(str(row.get("counter"))) if row.get("counter") not in (None, "") else None
        if counter is None:
            errors[f"{n}.counter"] = [_("No such window in this hall.")]
    elif kind != RotaKind.LEAVE:
        errors[f"{n}.kind"] = [_("Choose a window or leave.")]
    elif row.get("counter") not in (None, ""):
        errors[f"{n}.counter"] = [_("Leave has no window.")]
    return RotaEntry(user=user, date=day, half=row.get("half"), kind=kind, counter=counter)


def _clashes(entries: list[RotaEntry]) -> dict:
    """Twice the same clerk in one half-day is bad input; two clerks planned at one window is a conflict
    (409), said beside the second row."""
    seen_user, seen_counter, bad, clash = set(), {}, {}, {}
    for n, e in enumerate(entries):
        if (e.user_id, e.date, e.half) in seen_user:
            bad[f"{n}.user"] = [_("%(name)s is planned twice in this half-day.") % {"name": e.user}]
        seen_user.add((e.user_id, e.date, e.half))
        if e.counter_id is not None:
            other = seen_counter.get((e.counter_id, e.date, e.half))
            if other is not None:
                clash[f"{n}.counter"] = [
                    _("Window %(counter)s already has %(name)s in this half-day.")
                    % {"counter": e.counter.number, "name": other.user}
                ]
            seen_counter[(e.counter_id, e.date, e.half)] = e
    return bad, clash


@transaction.atomic
def rota_week_replace(*, actor: Actor, hall: Hall, monday: datetime.date, rows: list) -> list[RotaEntry]:
    """Replace the hall's plan for the week starting ``monday`` (rows: ``{user, date, half, kind,
    counter}``). Holds the hall row, so two managers saving the same week apply one after the other."""
    require_manager(actor, hall)
    if not isinstance(rows, list) or len(rows) > 2000:
        raise Invalid(fields={"entries": [_("Send a list of at most 2000 entries.")]})
    week = [monday + datetime.timedelta(days=d) for d in range(7)]
    users = {u.username: u for u in selectors.active_staff(hall=hall)}
    counters = {c.number: c for c in Counter.objects.filter(hall=hall, active=True)}
    errors: dict = {}
    entries = [_parse_row(n, row, week, users, counters, errors) for n, row in enumerate(rows)]
    if errors:
        raise Invalid(fields=errors)
    bad, clash = _clashes(entries)
    if bad:
        raise Invalid(fields=bad)
    if clash:
        raise Conflict(next(iter(clash.values()))[0], code="window_taken", fields=clash)
    Hall.objects.select_for_update().filter(pk=hall.pk).order_by("pk").first()
    old = RotaEntry.objects.filter(hall=hall, date__in=week)
    before = selectors.rota_rows(old)
    old.delete()
    for e in entries:
        e.hall = hall
    RotaEntry.objects.bulk_create(entries)
    after = selectors.rota_rows(RotaEntry.objects.filter(hall=hall, date__in=week))
    if before != after:
        audit_record(
            actor=actor,
            action="staff.rota",
            hall=hall,
            object_type="staff.rotaentry",
            object_id=monday.isoformat(),
            object_repr=f"{hall.code} {monday:%G-W%V}",
            before={"entries": before},
            after={"entries": after},
        )
    return list(RotaEntry.objects.filter(hall=hall, date__in=week).select_related("user", "counter"))
